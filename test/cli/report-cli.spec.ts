// The `nestjs-route-cors report` command as CI runs it: the package built (npm run build) and
// copied as if installed, the sample app compiled against it (an ESM build and a CommonJS one),
// the CLI started as the package's `bin` in a child process. Everything lives in .build/cli-test,
// so a concurrent `npm run build` (test:pack, the sample) cannot pull dist/ from under the runs. Its table and JSON must be the inspector's
// (the sample booted here with @nestjs/testing, as the README's snapshot recipe does); --check must
// pass on an unchanged snapshot and fail with a per-route diff after a policy change; an app that
// cannot boot must fail with a message that points to the recipe.
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { CorsInspector, type CorsRouteReport } from '../../lib/index.js';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const WORK = path.join(ROOT, '.build/cli-test');
const PACKAGE = path.join(WORK, 'node_modules/nestjs-route-cors');
const ESM_APP = '.build/cli-test/esm/sample/app.module.js';
const CJS_APP = '.build/cli-test/cjs/sample/app.module.js';
const SNAPSHOT = path.join(WORK, 'cors-surface.json');

/** The sample's settings, all given: its sample/.env (if any) and the runner's environment do not count. */
const SAMPLE_ENV = {
  CORS_ORIGINS: 'http://localhost:5173',
  PARTNER_ORIGINS: 'https://partner.example.org, https://*.partner.example.org',
  CORS_MAX_AGE: '600',
  DEMO_PORT: '5173',
  CORS_DEBUG: 'false',
};

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (killed after `timeoutMs`), without Jest's NODE_OPTIONS. */
function run(command: string, args: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function mustSucceed(command: string, args: readonly string[]): Promise<void> {
  const result = await run(command, args);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
}

const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
/** The package's executable, from its package.json `bin`, in the installed-looking copy. */
let bin: string;

/**
 * npm run build, then dist/ and package.json copied to .build/cli-test/node_modules, where the
 * sample builds find the package as an application finds it installed; `bin` is its executable.
 * Built again once if a concurrent build removed dist/ while it was being copied.
 */
async function installPackage(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await mustSucceed('npm', ['run', 'build']);
    rmSync(PACKAGE, { recursive: true, force: true });
    mkdirSync(PACKAGE, { recursive: true });
    try {
      cpSync(path.join(ROOT, 'dist'), path.join(PACKAGE, 'dist'), { recursive: true });
      copyFileSync(path.join(ROOT, 'package.json'), path.join(PACKAGE, 'package.json'));
    } catch (error) {
      if (attempt === 2) throw error;
      continue;
    }
    const pkg = JSON.parse(readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
    expect(pkg.bin?.['nestjs-route-cors']).toBeDefined();
    bin = path.join(PACKAGE, pkg.bin!['nestjs-route-cors']!);
    if (existsSync(bin) || attempt === 2) return;
  }
}

const cli = (args: readonly string[], env: Record<string, string> = SAMPLE_ENV) => run(process.execPath, [bin, ...args], env);

/** The sample booted in this process with @nestjs/testing, as the README's recipe does. */
let sample: INestApplication;
let saved: Record<string, string | undefined>;

beforeAll(async () => {
  // The sample compiled twice against the installed-looking copy: ESM (as tsconfig.sample.json
  // does) and CommonJS, which require()s the package's CommonJS build while the CLI is the ESM one.
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const sampleBuild = (format: 'esm' | 'cjs') => {
    const module = format === 'esm' ? { module: 'NodeNext', moduleResolution: 'NodeNext' } : { module: 'CommonJS', moduleResolution: 'Bundler' };
    const config = path.join(WORK, `tsconfig.${format}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        extends: '../../tsconfig.json',
        // Emit only: `npm run typecheck` checks the sample, and work in progress elsewhere in lib/ must not stop this suite.
        compilerOptions: { noEmit: false, noCheck: true, declaration: false, sourceMap: false, ...module, rootDir: '../..', outDir: format },
        include: [],
        files: ['../../sample/app.module.ts'],
      }),
    );
    return mustSucceed(process.execPath, [TSC, '-p', config]);
  };
  await Promise.all([installPackage(), sampleBuild('esm'), sampleBuild('cjs')]);
  writeFileSync(path.join(WORK, 'esm/package.json'), '{ "type": "module" }\n');
  writeFileSync(path.join(WORK, 'cjs/package.json'), '{ "type": "commonjs" }\n');
  writeFixtures();

  saved = Object.fromEntries(Object.keys(SAMPLE_ENV).map((name) => [name, process.env[name]]));
  Object.assign(process.env, SAMPLE_ENV);
  const { AppModule } = await import('../../sample/app.module.js');
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  sample = moduleRef.createNestApplication({ logger: false });
  await sample.init();
}, 180_000);

afterAll(async () => {
  await sample?.close();
  for (const [name, value] of Object.entries(saved ?? {})) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('nestjs-route-cors report', () => {
  it('the bin is an ESM file with a shebang, in the built package', () => {
    expect(bin).toMatch(/dist\/esm\/cli\/main\.js$/);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints the table grouped by policy: the inspector’s format(), for the ESM build of the sample', async () => {
    const result = await cli(['report', ESM_APP]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`AppModule (${ESM_APP})\n${sample.get(CorsInspector).format()}\n`);
    const lines = result.stdout.split('\n');
    const feed = lines.findIndex((line) => /^ {2}GET +\/feed +FeedController\.list +\(policy\) +policy "public" \(controller @Cors\)$/.test(line));
    expect(lines[feed - 1]).toBe('open to *; methods GET');
    const metrics = lines.findIndex((line) => /^ {2}GET +\/internal\/metrics +InternalController\.metrics +- +controller @Cors\(false\)$/.test(line));
    expect(lines[metrics - 1]).toBe('CORS off (@Cors(false)): no CORS headers, preflights answered 403');
  }, 60_000);

  it('prints the same table for a CommonJS build of the sample (the app’s own CommonJS copy of the package)', async () => {
    // The app require()s the CommonJS build: another CorsInspector class than the CLI's (ESM) one.
    // (Asked of Node in a child process: Jest maps the package name to lib/ in this one.)
    const resolved = await run(process.execPath, [
      '-e',
      "console.log(require('node:module').createRequire(process.argv[1]).resolve('nestjs-route-cors'))",
      path.join(ROOT, CJS_APP),
    ]);
    expect(resolved.stdout.trim()).toBe(path.join(PACKAGE, 'dist/cjs/index.js'));
    const result = await cli(['report', CJS_APP, '--module', 'AppModule']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`AppModule (${CJS_APP})\n${sample.get(CorsInspector).format()}\n`);
  }, 60_000);

  it('--platform fastify boots the application on Fastify: the table of the sample booted on Fastify', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [(await import('../../sample/app.module.js')).AppModule] }).compile();
    const onFastify = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await onFastify.init();
    try {
      const result = await cli(['report', ESM_APP, '--platform', 'fastify']);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toBe(`AppModule (${ESM_APP})\n${onFastify.get(CorsInspector).format()}\n`);
    } finally {
      await onFastify.close();
    }
  }, 60_000);

  it('a route only Fastify can serve is reported with --platform fastify; without it, Express refuses it', async () => {
    const onFastify = await cli(['report', '.build/cli-test/fastify-only.mjs', '--platform', 'fastify', '--json']);
    expect({ code: onFastify.code, stderr: onFastify.stderr }).toEqual({ code: 0, stderr: '' });
    expect((JSON.parse(onFastify.stdout) as CorsRouteReport[]).map((r) => r.path)).toContain('/items/:id(^\\d+)');
    const onExpress = await cli(['report', '.build/cli-test/fastify-only.mjs']);
    expect(onExpress.code).toBe(2);
    expect(onExpress.stderr).toContain('If main.ts creates the application with a FastifyAdapter, add --platform fastify.');
  }, 60_000);

  it('--json prints routes() as JSON', async () => {
    const result = await cli(['report', ESM_APP, '--json']);
    expect(result.code).toBe(0);
    const routes = JSON.parse(result.stdout) as CorsRouteReport[];
    expect(routes).toEqual(sample.get(CorsInspector).routes());
    expect(routes.find((r) => r.path === '/partners/catalog')).toMatchObject({
      handler: 'PartnersController.catalog',
      policy: { origins: ['https://partner.example.org', 'https://*.partner.example.org'], credentials: false },
      from: ['policy "partner" (controller @Cors)'],
    });
    writeFileSync(SNAPSHOT, result.stdout);
  }, 60_000);

  it('--check passes on the unchanged snapshot (ESM and CommonJS builds alike)', async () => {
    for (const app of [ESM_APP, CJS_APP]) {
      const result = await cli(['report', app, '--check', SNAPSHOT]);
      expect({ app, code: result.code, stdout: result.stdout }).toEqual({ app, code: 0, stdout: `CORS surface unchanged: 10 records match ${SNAPSHOT}.\n` });
    }
  }, 60_000);

  it('--check fails after a policy change, with exit status 1 and a per-route diff', async () => {
    const result = await cli(['report', ESM_APP, '--check', SNAPSHOT], { ...SAMPLE_ENV, PARTNER_ORIGINS: '*' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        `CORS surface differs from ${SNAPSHOT}: 1 route changed.`,
        '',
        '~ GET /partners/catalog (PartnersController.catalog)',
        '    origins: https://partner.example.org, https://*.partner.example.org -> *',
        '',
        `If the change is intended, update the snapshot: nestjs-route-cors report ${ESM_APP} --json > ${SNAPSHOT}`,
        '',
      ].join('\n'),
    );
    const global = await cli(['report', CJS_APP, '--check', SNAPSHOT], { ...SAMPLE_ENV, CORS_ORIGINS: 'https://app.example.com', CORS_MAX_AGE: '60' });
    expect(global.code).toBe(1);
    expect(global.stdout).toContain('7 routes changed');
    expect(global.stdout).toContain(
      '~ PUT /account/profile (AccountController.update)\n    origins: http://localhost:5173 -> https://app.example.com\n    maxAge: 600 -> 60\n',
    );
  }, 60_000);

  it('an application that cannot boot without its database: exit 2, pointing to the test-based recipe', async () => {
    const result = await cli(['report', '.build/cli-test/needs-database.mjs']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Could not boot AppModule from .build/cli-test/needs-database.mjs: Error: connect ECONNREFUSED 127.0.0.1:5432');
    expect(result.stderr).toContain('take the report from a test instead: boot the module with @nestjs/testing');
    expect(result.stderr).toContain('"The CORS surface as data" in the README');
  }, 60_000);

  it('an application whose start-up never ends: stopped after --timeout, with the same pointer', async () => {
    const result = await cli(['report', '.build/cli-test/hangs.mjs', '--timeout', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did not finish booting within 1 s');
    expect(result.stderr).toContain('take the report from a test instead');
  }, 60_000);

  it('says what is wrong with the arguments, the module or the snapshot (exit 2)', async () => {
    const missing = await cli(['report', ESM_APP, '--check', path.join(WORK, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Cannot read the snapshot');
    const wrongModule = await cli(['report', ESM_APP, '--module', 'ApiModule']);
    expect(wrongModule.code).toBe(2);
    expect(wrongModule.stderr).toContain('exports no "ApiModule". Its modules: AppModule.');
    const noCors = await cli(['report', '.build/cli-test/no-cors.mjs']);
    expect(noCors.code).toBe(2);
    expect(noCors.stderr).toContain('PlainModule has no CorsInspector: it does not import CorsModule');
    const usage = await cli(['report']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: nestjs-route-cors report <app-module-file>');
  }, 60_000);
});

/** Small ESM applications for the failure cases, importing the package as an app would. */
function writeFixtures(): void {
  const header = `import 'reflect-metadata';\nimport { Injectable, Module } from '@nestjs/common';\nimport { CorsModule } from 'nestjs-route-cors';\n`;
  writeFileSync(
    path.join(WORK, 'needs-database.mjs'),
    `${header}
export class Database {
  async onModuleInit() { throw new Error('connect ECONNREFUSED 127.0.0.1:5432'); }
}
Injectable()(Database);
export class AppModule {}
Module({ imports: [CorsModule.forRoot({ origin: 'https://app.example.com' })], providers: [Database] })(AppModule);
`,
  );
  writeFileSync(
    path.join(WORK, 'hangs.mjs'),
    `${header}
export class Broker {
  onModuleInit() { return new Promise(() => setInterval(() => undefined, 1000)); }
}
Injectable()(Broker);
export class AppModule {}
Module({ imports: [CorsModule.forRoot({})], providers: [Broker] })(AppModule);
`,
  );
  // A route in find-my-way's syntax only (a regex parameter): Fastify serves it, Express refuses the path.
  writeFileSync(
    path.join(WORK, 'fastify-only.mjs'),
    `import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { CorsModule } from 'nestjs-route-cors';
export class ItemsController {
  byId() { return {}; }
}
Get(':id(^\\\\d+)')(ItemsController.prototype, 'byId', Object.getOwnPropertyDescriptor(ItemsController.prototype, 'byId'));
Controller('items')(ItemsController);
export class AppModule {}
Module({ imports: [CorsModule.forRoot({ origin: 'https://app.example.com' })], controllers: [ItemsController] })(AppModule);
`,
  );
  writeFileSync(path.join(WORK, 'no-cors.mjs'), `${header}\nexport class PlainModule {}\nModule({ providers: [] })(PlainModule);\n`);
}
