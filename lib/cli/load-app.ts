// Boots a compiled Nest application for the report, the way the application itself would: with
// ITS OWN copies of @nestjs/core and nestjs-route-cors, resolved from the module file's location.
// Runs in the CLI's process only (the CLI spec runs it in a child process). Imports nothing of
// this package but the inspector's types. The bin is the ESM build of this file: in the CommonJS
// build, TypeScript turns import() into require(), which cannot load file URLs (never run).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CorsInspector } from '../inspection/cors-inspector.js';
import type { CliPlatform } from './args.js';

/** A report could not be made; `message` says why and what to do. */
export class ReportError extends Error {
  override readonly name = 'ReportError';
}

/** The part of the inspector the CLI uses (from whichever copy of the package the app loaded). */
export type InspectorLike = Pick<CorsInspector, 'routes' | 'format'>;

export interface BootedApp {
  readonly inspector: InspectorLike;
  /** The module class name booted. */
  readonly moduleName: string;
  close(): Promise<void>;
}

export type BootApp = (file: string, moduleName: string | undefined, timeoutMs: number, platform?: CliPlatform) => Promise<BootedApp>;

// Symbol.for: the application may load the CommonJS build of nestjs-route-cors while this CLI is
// the ESM build (or another version): two CorsInspector classes, and app.get() finds a provider by
// class identity. The token is the same in every copy (see CORS_INSPECTOR).
const INSPECTOR_TOKEN = Symbol.for('nestjs-route-cors.inspector');

const RECIPE =
  'If the application needs services that are not reachable here (a database, a message broker), take the report from a test instead: ' +
  'boot the module with @nestjs/testing, override the providers that reach those services, and snapshot app.get(CorsInspector).routes() ' +
  '(see "The CORS surface as data" in the README of nestjs-route-cors).';

/**
 * Loads the module file (CommonJS or ESM: import() loads both, and a CommonJS file's require()
 * calls then share the require cache with ours), creates the application with the app's own
 * NestFactory, runs init() (onModuleInit: CorsModule computes the surface) without listening, and
 * returns its inspector.
 */
export const bootApp: BootApp = async (file, moduleName, timeoutMs, platform = 'express') => {
  const absolute = path.resolve(file);
  if (!existsSync(absolute))
    throw new ReportError(`No such file: ${file}. Give the compiled root module, e.g. dist/app.module.js (build the application first).`);
  if (/\.[cm]?tsx?$/.test(absolute))
    throw new ReportError(`${file} is TypeScript: give the compiled JavaScript module (e.g. dist/app.module.js) and build first.`);
  const appRequire = createRequire(absolute);
  let corePath: string;
  try {
    // Nest's packages have one entry for require and import alike, so this is the very file the
    // application loads. (import.meta.resolve with a parent URL needs a flag on Node 20.)
    corePath = appRequire.resolve('@nestjs/core');
  } catch {
    throw new ReportError(`Cannot find @nestjs/core from ${path.dirname(absolute)}: run the report inside the application's project, after installing it.`);
  }

  // The report goes to stdout: whatever the application prints while booting goes to stderr.
  const restoreConsole = consoleToStderr();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // Not unref()'d: a boot waiting forever on a database must still end in this message.
    timer = setTimeout(
      () =>
        reject(new ReportError(`${file} did not finish booting within ${timeoutMs / 1000} s (is it waiting for a database or another service?). ${RECIPE}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([boot(absolute, file, moduleName, corePath, appRequire, platform), timeout]);
  } finally {
    clearTimeout(timer);
    restoreConsole();
  }
};

async function boot(
  absolute: string,
  file: string,
  moduleName: string | undefined,
  corePath: string,
  appRequire: NodeJS.Require,
  platform: CliPlatform,
): Promise<BootedApp> {
  let exported: Record<string, unknown>;
  try {
    exported = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ReportError(`Could not load ${file}: ${describe(error)}`);
  }
  const [name, moduleClass] = pickModule(exported, moduleName, file);
  const core = (await import(pathToFileURL(corePath).href)) as { NestFactory?: NestFactoryLike; default?: { NestFactory?: NestFactoryLike } };
  const factory = core.NestFactory ?? core.default?.NestFactory;
  if (!factory) throw new ReportError(`${corePath} exports no NestFactory.`);

  const adapter = platform === 'fastify' ? await fastifyAdapter(appRequire, path.dirname(absolute)) : undefined;

  let app: NestAppLike | undefined;
  try {
    const options = { logger: STDERR_LOGGER, abortOnError: false };
    app = adapter === undefined ? await factory.create(moduleClass, options) : await factory.create(moduleClass, adapter, options);
    await app.init();
  } catch (error) {
    await app?.close().catch(() => undefined);
    if (error instanceof Error && error.name === 'CorsConfigError') throw new ReportError(`The CORS configuration of ${name} is invalid:\n${error.message}`);
    // A route path Express's router refuses is often one in Fastify's syntax.
    const hint =
      platform === 'express' && /pathToRegexpError|Unsupported route path/.test(describe(error))
        ? '\nIf main.ts creates the application with a FastifyAdapter, add --platform fastify.'
        : '';
    throw new ReportError(`Could not boot ${name} from ${file}: ${describe(error)}${hint}\n${RECIPE}`);
  }
  let inspector: InspectorLike;
  try {
    inspector = app.get(INSPECTOR_TOKEN, { strict: false }) as InspectorLike;
  } catch {
    await app.close();
    throw new ReportError(
      `${name} has no CorsInspector: it does not import CorsModule, or its nestjs-route-cors (${packageVersion(appRequire)}) predates the inspector.`,
    );
  }
  return { inspector, moduleName: name, close: () => app.close() };
}

interface NestAppLike {
  init(): Promise<unknown>;
  close(): Promise<void>;
  get(token: unknown, options?: { strict?: boolean }): unknown;
}
interface NestFactoryLike {
  create(module: unknown, options: object): Promise<NestAppLike>;
  create(module: unknown, adapter: object, options: object): Promise<NestAppLike>;
}

/** A FastifyAdapter from the application's own @nestjs/platform-fastify. */
async function fastifyAdapter(appRequire: NodeJS.Require, directory: string): Promise<object> {
  let entry: string;
  try {
    entry = appRequire.resolve('@nestjs/platform-fastify');
  } catch {
    throw new ReportError(`--platform fastify: cannot find @nestjs/platform-fastify from ${directory}. Install it in the application's project.`);
  }
  const loaded = (await import(pathToFileURL(entry).href)) as { FastifyAdapter?: new () => object; default?: { FastifyAdapter?: new () => object } };
  const FastifyAdapter = loaded.FastifyAdapter ?? loaded.default?.FastifyAdapter;
  if (!FastifyAdapter) throw new ReportError(`${entry} exports no FastifyAdapter.`);
  return new FastifyAdapter();
}

/** The named export, AppModule, or the only exported class that is a Nest module. */
function pickModule(exported: Record<string, unknown>, wanted: string | undefined, file: string): [string, Function] {
  // A CommonJS file: its exports are also (or only) under `default`.
  const fromDefault = exported.default !== null && typeof exported.default === 'object' ? (exported.default as Record<string, unknown>) : {};
  const all: Record<string, unknown> = { ...fromDefault, ...exported };
  const classes = Object.entries(all).filter((entry): entry is [string, Function] => typeof entry[1] === 'function');
  const modules = classes.filter(([, value]) => isNestModule(value));
  const choose = wanted ?? (typeof all.AppModule === 'function' ? 'AppModule' : modules.length === 1 ? modules[0]![0] : undefined);
  const found = choose === undefined ? undefined : classes.find(([name]) => name === choose);
  if (found) return found;
  const listed = modules.length ? `Its modules: ${modules.map(([name]) => name).join(', ')}.` : 'It exports no Nest module.';
  const what = wanted ? `${file} exports no "${wanted}".` : `${file} exports no AppModule, and not exactly one module.`;
  throw new ReportError(`${what} ${listed} Name one with --module <Name>.`);
}

function isNestModule(value: Function): boolean {
  const keys = typeof Reflect.getMetadataKeys === 'function' ? (Reflect.getMetadataKeys(value) as unknown[]) : [];
  return ['imports', 'controllers', 'providers', 'exports'].some((key) => keys.includes(key));
}

function packageVersion(appRequire: NodeJS.Require): string {
  try {
    return `version ${(appRequire('nestjs-route-cors/package.json') as { version: string }).version}`;
  } catch {
    return 'not found from the application';
  }
}

/** Nest's warnings and errors (CorsModule's start-up warnings among them) on stderr; the rest is dropped. */
const STDERR_LOGGER = {
  log: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
  warn: (message: unknown, context?: unknown) => process.stderr.write(`WARN ${context ? `[${String(context)}] ` : ''}${String(message)}\n`),
  error: (message: unknown, ...rest: unknown[]) => process.stderr.write(`ERROR ${String(message)}${rest.length ? ` ${rest.map(String).join(' ')}` : ''}\n`),
  fatal: (message: unknown) => process.stderr.write(`FATAL ${String(message)}\n`),
};

function consoleToStderr(): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  return () => Object.assign(console, saved);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
