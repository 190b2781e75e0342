// The command line of `nestjs-route-cors`: parsed with node:util, nothing else.
import { parseArgs } from 'node:util';

/** The HTTP platforms the report can boot an application on. */
export const CLI_PLATFORMS = ['express', 'fastify'] as const;
export type CliPlatform = (typeof CLI_PLATFORMS)[number];

/** `nestjs-route-cors report <app> [--module Name] [--platform p] [--json | --check file] [--timeout s]`. */
export interface ReportArgs {
  /** The compiled module file of the application, e.g. dist/app.module.js. */
  readonly app: string;
  /** The exported module class; undefined: AppModule, or the one module the file exports. */
  readonly module?: string;
  readonly json: boolean;
  /** A snapshot written by `--json` to compare with. */
  readonly check?: string;
  /** How long booting may take. */
  readonly timeoutSeconds: number;
  /** The adapter to boot with, as main.ts does: routes are matched by that platform's router. */
  readonly platform: CliPlatform;
}

export type ParsedArgs =
  { readonly kind: 'report'; readonly args: ReportArgs } | { readonly kind: 'help' } | { readonly kind: 'error'; readonly message: string };

export const DEFAULT_TIMEOUT_SECONDS = 30;

export const USAGE = `Usage: nestjs-route-cors report <app-module-file> [options]

Boots the compiled Nest application (NestFactory.create + init, without listening) and prints
every route's effective CORS policy, grouped by policy.

  <app-module-file>    the compiled root module, e.g. dist/app.module.js (CommonJS or ESM)

Options:
  --module <Name>      the exported module class (default: AppModule, or the only module exported)
  --platform <name>    express (default) or fastify: the adapter main.ts creates the app with;
                       which route serves a path, and the route syntax, are that platform's
  --json               print the report as JSON (a snapshot for --check)
  --check <file>       compare with a snapshot written by --json; exit 1 with a per-route diff
  --timeout <seconds>  how long booting may take (default ${DEFAULT_TIMEOUT_SECONDS})
  -h, --help           this text

The module is booted as it is: what main.ts does before listen() (a global prefix, versioning)
is not applied, and services its providers need at start-up (a database) must be reachable.
Where that does not hold, take the report from a test (@nestjs/testing + CorsInspector): see the
README of nestjs-route-cors, "The CORS surface as data".

Exit status: 0 done (or the snapshot matches), 1 the snapshot differs, 2 the report could not be made.`;

export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseWith>;
  try {
    parsed = parseWith(argv);
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [command, app, ...rest] = positionals;
  if (command === undefined) return { kind: 'help' };
  if (command !== 'report') return { kind: 'error', message: `Unknown command "${command}": the one command is "report".` };
  if (app === undefined) return { kind: 'error', message: 'Missing the application module file, e.g. nestjs-route-cors report dist/app.module.js' };
  if (rest.length > 0) return { kind: 'error', message: `Unexpected argument "${rest[0]}".` };
  if (values.json && values.check !== undefined)
    return { kind: 'error', message: '--json and --check do not go together: --json writes a snapshot, --check reads one.' };
  const timeoutSeconds = values.timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(values.timeout);
  if (!(timeoutSeconds > 0)) return { kind: 'error', message: `--timeout must be a positive number of seconds, got "${values.timeout}".` };
  const platform = values.platform ?? 'express';
  if (!(CLI_PLATFORMS as readonly string[]).includes(platform))
    return { kind: 'error', message: `--platform must be one of ${CLI_PLATFORMS.join(', ')}, got "${platform}".` };
  return {
    kind: 'report',
    args: { app, module: values.module, json: values.json === true, check: values.check, timeoutSeconds, platform: platform as CliPlatform },
  };
}

function parseWith(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      module: { type: 'string' },
      json: { type: 'boolean' },
      check: { type: 'string' },
      timeout: { type: 'string' },
      platform: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
