// The `nestjs-route-cors` command in-process: arguments, output and exit statuses, with the boot
// of the application replaced by an inspector over fixed records (test/cli runs the real one).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parseCliArgs } from '../../../lib/cli/args.js';
import { ReportError, type BootApp } from '../../../lib/cli/load-app.js';
import { EXIT, runCli } from '../../../lib/cli/run.js';
import { diffReports, parseSnapshot } from '../../../lib/cli/snapshot-diff.js';
import { formatReport } from '../../../lib/inspection/report-format.js';
import type { CorsRouteReport } from '../../../lib/inspection/route-report.js';

const POLICY: CorsRouteReport['policy'] = {
  origins: ['https://app.example.com'],
  credentials: true,
  methods: ['GET', 'HEAD'],
  methodsFrom: 'the methods this path serves',
  allowedHeaders: 'reflected',
  exposedHeaders: [],
  maxAge: null,
  privateNetwork: false,
  optionsSuccessStatus: 204,
  preflightContinue: false,
};

function record(method: string, routePath: string, handler: string, policy: Partial<CorsRouteReport['policy']> = {}): CorsRouteReport {
  return {
    method,
    path: routePath,
    handler,
    boundTo: null,
    route: `${method} ${routePath} (${handler})`,
    disabled: false,
    policy: { ...POLICY, ...policy },
    from: ['global'],
    shadowedBy: null,
  };
}

const ROUTES = [record('GET', '/feed', 'FeedController.list', { origins: ['*'], credentials: false }), record('GET', '/me', 'AccountController.me')];

const dir = mkdtempSync(path.join(os.tmpdir(), 'route-cors-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

/** Runs the command against an app whose inspector reports `routes`; returns status and output. */
async function cli(argv: string[], routes: CorsRouteReport[] = ROUTES, boot?: BootApp) {
  const out: string[] = [];
  const err: string[] = [];
  let closed = 0;
  const fake: BootApp = async () => ({
    moduleName: 'AppModule',
    inspector: { routes: () => structuredClone(routes), format: () => formatReport(routes) },
    close: async () => void closed++,
  });
  const status = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) }, boot ?? fake);
  return { status, out: out.join('\n'), err: err.join('\n'), closed };
}

describe('arguments', () => {
  it('report <file> with its options', () => {
    expect(parseCliArgs(['report', 'dist/app.module.js', '--module', 'ApiModule', '--check', 'cors.json', '--timeout', '5'])).toEqual({
      kind: 'report',
      args: { app: 'dist/app.module.js', module: 'ApiModule', json: false, check: 'cors.json', timeoutSeconds: 5, platform: 'express' },
    });
    expect(parseCliArgs(['report', 'a.js', '--json'])).toMatchObject({ kind: 'report', args: { json: true, timeoutSeconds: 30, platform: 'express' } });
    expect(parseCliArgs(['report', 'a.js', '--platform', 'fastify'])).toMatchObject({ kind: 'report', args: { platform: 'fastify' } });
  });

  it.each([
    [['deploy'], 'Unknown command "deploy"'],
    [['report'], 'Missing the application module file'],
    [['report', 'a.js', 'b.js'], 'Unexpected argument "b.js"'],
    [['report', 'a.js', '--json', '--check', 's.json'], '--json and --check do not go together'],
    [['report', 'a.js', '--timeout', '0'], '--timeout must be a positive number'],
    [['report', 'a.js', '--verbose'], "Unknown option '--verbose'"],
    [['report', 'a.js', '--platform', 'koa'], '--platform must be one of express, fastify, got "koa"'],
  ])('%j is refused: %s', (argv, message) => {
    const parsed = parseCliArgs(argv);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' && parsed.message).toContain(message);
  });

  it('no command, or --help: the usage', async () => {
    expect(parseCliArgs([])).toEqual({ kind: 'help' });
    const help = await cli(['report', '--help']);
    expect(help.status).toBe(EXIT.ok);
    expect(help.out).toContain('Usage: nestjs-route-cors report <app-module-file> [options]');
  });

  it('a wrong argument: exit 2, the reason and the usage on stderr', async () => {
    const wrong = await cli(['report']);
    expect(wrong.status).toBe(EXIT.failed);
    expect(wrong.out).toBe('');
    expect(wrong.err).toMatch(/^Missing the application module file[\s\S]*Usage:/);
  });
});

describe('runCli', () => {
  it('prints the table with the module it booted, and closes the application', async () => {
    const result = await cli(['report', 'dist/app.module.js']);
    expect(result).toEqual({ status: EXIT.ok, out: `AppModule (dist/app.module.js)\n${formatReport(ROUTES)}`, err: '', closed: 1 });
  });

  it('--json prints routes() as indented JSON', async () => {
    const result = await cli(['report', 'dist/app.module.js', '--json']);
    expect(result.status).toBe(EXIT.ok);
    expect(JSON.parse(result.out)).toEqual(ROUTES);
    expect(result.out).toBe(JSON.stringify(ROUTES, null, 2));
  });

  it('--check: exit 0 when the snapshot matches, whatever the order of its records', async () => {
    const snapshot = file('same.json', JSON.stringify([...ROUTES].reverse()));
    expect(await cli(['report', 'a.js', '--check', snapshot])).toMatchObject({ status: EXIT.ok, out: `CORS surface unchanged: 2 records match ${snapshot}.` });
  });

  it('--check: exit 1 with what was added, removed and changed, route by route', async () => {
    const snapshot = file('old.json', JSON.stringify([...ROUTES, record('DELETE', '/old', 'OldController.remove')]));
    const now = [
      record('GET', '/feed', 'FeedController.list', { origins: ['*'], credentials: false, maxAge: 60, exposedHeaders: ['X-Total'] }),
      { ...record('GET', '/me', 'AccountController.me'), disabled: true, from: ['handler @Cors(false)'], policy: { ...POLICY, origins: [] } },
      record('POST', '/new', 'NewController.create', { origins: ['*'], credentials: false }),
    ];
    const result = await cli(['report', 'a.js', '--check', snapshot], now);
    expect(result.status).toBe(EXIT.differs);
    expect(result.out.split('\n')).toEqual([
      `CORS surface differs from ${snapshot}: 1 route added, 1 route removed, 2 routes changed.`,
      '',
      '~ GET /feed (FeedController.list)',
      '    exposedHeaders: (none) -> X-Total',
      '    maxAge: (none) -> 60',
      '',
      '~ GET /me (AccountController.me)',
      '    disabled: false -> true',
      '    origins: https://app.example.com -> (none)',
      '    from: global -> handler @Cors(false)',
      '',
      '+ POST /new (NewController.create)',
      '    open to * (from global)',
      '',
      '- DELETE /old (OldController.remove)',
      '    was: open to https://app.example.com; with credentials (from global)',
      '',
      `If the change is intended, update the snapshot: nestjs-route-cors report a.js --json > ${snapshot}`,
    ]);
  });

  it('--check: a snapshot that is missing, not JSON, or not a report is said so before booting (exit 2)', async () => {
    let booted = false;
    const boot: BootApp = async () => {
      booted = true;
      throw new Error('not expected');
    };
    const missing = await cli(['report', 'a.js', '--check', path.join(dir, 'none.json')], ROUTES, boot);
    expect(missing).toMatchObject({ status: EXIT.failed, out: '' });
    expect(missing.err).toContain('Cannot read the snapshot');
    const notJson = await cli(['report', 'a.js', '--check', file('broken.json', '{')], ROUTES, boot);
    expect(notJson.err).toContain('is not JSON');
    const notReport = await cli(['report', 'a.js', '--check', file('other.json', '{"routes": []}')], ROUTES, boot);
    expect(notReport.err).toContain('is not a report written by "nestjs-route-cors report --json"');
    expect(booted).toBe(false);
  });

  it('a boot failure: its message (a ReportError), or the stack of anything unexpected; exit 2', async () => {
    const reported = await cli(['report', 'a.js'], ROUTES, async () => {
      throw new ReportError('Could not boot AppModule');
    });
    expect(reported).toMatchObject({ status: EXIT.failed, out: '', err: 'nestjs-route-cors report: Could not boot AppModule' });
    const unexpected = await cli(['report', 'a.js'], ROUTES, async () => {
      throw new TypeError('boom');
    });
    expect(unexpected.err).toMatch(/^nestjs-route-cors report: TypeError: boom\n\s+at /);
  });
});

describe('snapshot diff', () => {
  it('tells apart two records of one label (one handler on one path twice) by their order', () => {
    const twice = [record('GET', '/a', 'A.a'), record('GET', '/a', 'A.a', { maxAge: 5 })];
    const diff = diffReports([twice[0]!, twice[0]!], twice, 's.json');
    expect(diff.lines).toContain('~ GET /a (A.a) #2');
  });

  it('shows fields one version of the report has and the other lacks', () => {
    const older = { ...record('GET', '/a', 'A.a'), shadowedBy: undefined } as unknown as CorsRouteReport;
    expect(diffReports([older], [record('GET', '/a', 'A.a')], 's.json').lines).toContain('    shadowedBy: (absent) -> (none)');
  });

  it('shows a removed record of another version of the report as its JSON', () => {
    const foreign = { route: 'GET /x (X.x)', policy: { allowOrigins: ['*'] } } as unknown as CorsRouteReport;
    expect(diffReports([foreign], [], 's.json').lines).toContain('    was: {"allowOrigins":["*"]}');
  });

  it('parses what --json wrote', () => {
    expect(parseSnapshot(JSON.stringify(ROUTES), 's.json')).toEqual(ROUTES);
    expect(() => parseSnapshot('[1]', 's.json')).toThrow('not a report');
  });
});
