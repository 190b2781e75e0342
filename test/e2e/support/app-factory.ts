// Builds real Nest applications with CorsModule for the e2e suites, on each platform (Express,
// Fastify), and the small helpers they share to send CORS requests and read CORS headers.
import 'reflect-metadata';
import type { DynamicModule, ForwardReference, INestApplication, LoggerService, Provider, Type } from '@nestjs/common';
import type { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import request from 'supertest';
import { CorsModule, type CorsModuleAsyncOptions, type CorsModuleOptions } from '../../../lib/index.js';

export { RecordingLogger } from '../../support/recording-logger.js';

/** An origin that the suites allow. */
export const APP_ORIGIN = 'https://app.example.com';
/** A second allowed origin (used where two policies must differ). */
export const PARTNER_ORIGIN = 'https://partner.example.org';
/** An origin no suite allows. */
export const EVIL_ORIGIN = 'https://evil.example.net';

type Importable = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

export interface AppSpec {
  /** CorsModule.forRoot() options; ignored when corsAsync or corsModule is given. */
  cors?: CorsModuleOptions;
  /** CorsModule.forRootAsync() options. */
  corsAsync?: CorsModuleAsyncOptions;
  /** No CorsModule import at all (the test imports it itself, e.g. inside another module). */
  noCorsModule?: boolean;
  imports?: Importable[];
  controllers?: Type[];
  providers?: Provider[];
  /** Runs before app.init(): global prefix, versioning, raw middleware... */
  configure?: (app: INestApplication) => void;
  /** The HTTP platform; Express by default. */
  platform?: Platform;
  /** An adapter the test created (an Express instance it owns, Fastify router settings); overrides `platform`. */
  adapter?: ExpressAdapter | FastifyAdapter;
  /** Nest logger for the application; silent by default. */
  logger?: LoggerService | false;
}

/**
 * The platforms the suites run on:
 * - `express`: @nestjs/platform-express (the hook wraps the Express application's handle());
 * - `fastify`: @nestjs/platform-fastify, its own server (preflights answered on the server's
 *   `request` event, everything else in the adapter's onRequest hook);
 * - `fastify-hook`: the same, on a server the application does not own, which hands requests to
 *   Fastify's handler as serverless adapters and `inject()` do: everything in the onRequest hook.
 */
export type Platform = 'express' | 'fastify' | 'fastify-hook';

/** `describe.each(PLATFORMS)('on %s', (platform) => ...)`. */
export const PLATFORMS: readonly Platform[] = ['express', 'fastify', 'fastify-hook'];

/** Whether a platform is Fastify (either way of receiving requests). */
export function isFastify(platform: Platform | undefined): boolean {
  return platform === 'fastify' || platform === 'fastify-hook';
}

/** A Fastify adapter for a platform; `options`: Fastify's (router settings...). */
export function fastifyAdapter(platform: Platform, options: ConstructorParameters<typeof FastifyAdapter>[0] = {}): FastifyAdapter {
  if (platform !== 'fastify-hook') return new FastifyAdapter(options) as unknown as FastifyAdapter;
  // Fastify's own handler called by a server that is not Fastify's: the listener fast path has nothing to take over.
  const serverFactory = (handler: (req: IncomingMessage, res: ServerResponse) => void) => createServer((req, res) => handler(req, res));
  return new FastifyAdapter({ ...(options as object), serverFactory } as ConstructorParameters<typeof FastifyAdapter>[0]) as unknown as FastifyAdapter;
}

/** A silent logger: Nest (and CorsModule) log nothing unless a test asks for it. */
export const SILENT: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
  fatal: () => undefined,
};

/** Compiles the module and returns the application before init(), so a test can expect init() to fail. */
export async function buildApp(spec: AppSpec): Promise<INestApplication> {
  const corsImport: Importable[] = spec.noCorsModule ? [] : [spec.corsAsync ? CorsModule.forRootAsync(spec.corsAsync) : CorsModule.forRoot(spec.cors ?? {})];
  const logger = spec.logger ?? SILENT;
  const moduleRef = await Test.createTestingModule({
    imports: [...corsImport, ...(spec.imports ?? [])],
    controllers: spec.controllers ?? [],
    providers: spec.providers ?? [],
  })
    .setLogger(logger === false ? SILENT : logger)
    .compile();
  const adapter = spec.adapter ?? (isFastify(spec.platform) ? fastifyAdapter(spec.platform!) : undefined);
  const app = adapter ? moduleRef.createNestApplication(adapter, { logger }) : moduleRef.createNestApplication({ logger });
  spec.configure?.(app);
  return app;
}

/** Builds and initialises an application (the CORS hook is mounted by init()). */
export async function createApp(spec: AppSpec): Promise<INestApplication> {
  return initApp(await buildApp(spec));
}

/** init(), and on Fastify its ready(): the routes are in place once the plugins have loaded. */
export async function initApp<T extends INestApplication>(app: T): Promise<T> {
  await app.init();
  const instance = app.getHttpAdapter().getInstance() as { ready?: () => PromiseLike<unknown> };
  if (app.getHttpAdapter().getType() === 'fastify') await instance.ready?.();
  return app;
}

/** Builds the app and returns what its initialisation throws (undefined when it starts), then closes it. */
export async function initError(spec: AppSpec): Promise<unknown> {
  const app = await buildApp(spec);
  try {
    await initApp(app);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app.close().catch(() => undefined);
  }
}

/** Closes applications created by a suite; tolerates ones that never got created. */
export async function closeAll(...apps: (INestApplication | undefined)[]): Promise<void> {
  await Promise.all(apps.map((app) => app?.close()));
}

/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method (and optionally -Headers). */
export function preflight(app: INestApplication, path: string, origin: string, method: string, requestHeaders?: string) {
  const req = request(app.getHttpServer()).options(path).set('Origin', origin).set('Access-Control-Request-Method', method);
  return requestHeaders === undefined ? req : req.set('Access-Control-Request-Headers', requestHeaders);
}

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch' | 'head' | 'options';

/** An actual request, with an Origin header unless origin is undefined. */
export function send(app: INestApplication, method: Method, path: string, origin?: string) {
  const req = request(app.getHttpServer())[method](path);
  return origin === undefined ? req : req.set('Origin', origin);
}

/** The Access-Control-* headers of a response, by lower-case name. */
export function corsHeaders(res: { headers: Record<string, unknown> }): Record<string, unknown> {
  return Object.fromEntries(Object.entries(res.headers).filter(([name]) => name.toLowerCase().startsWith('access-control-')));
}

/** The comma-separated list of a header, as trimmed entries (an absent header is an empty list). */
export function headerList(res: { headers: Record<string, unknown> }, name: string): string[] {
  const value = res.headers[name.toLowerCase()];
  if (value === undefined) return [];
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
