// Shared by the hardening suites: a Nest application (on Express or Fastify) with one route of
// every kind the CORS hook distinguishes, a logger that records what the hook logs, and a raw HTTP/1.1 client on
// node:net for requests that supertest (or Node's own client) refuses to send.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Controller, Delete, Get, Param, Post, Put, type INestApplication, type Type } from '@nestjs/common';
import { Cors, type CorsModuleOptions, type OriginCallback } from '../../lib/index.js';
import { buildApp, type Platform } from '../e2e/support/app-factory.js';
import { corsFields, valuesOf, type RawResponse } from '../support/raw-http.js';
import { RecordingLogger } from '../support/recording-logger.js';

export { RecordingLogger };

/** The origin the global (credentialed) policy allows. */
export const APP_ORIGIN = 'https://app.example.com';
/** The origin the origin-function routes allow. */
export const FN_ORIGIN = 'https://fn.example.com';
/** An origin no policy allows. */
export const EVIL_ORIGIN = 'https://evil.example.net';

export const EXPOSED = 'X-Total-Count';

/** The global policy of the hardened app: credentialed, one origin, reflected request headers. */
export const GLOBAL_POLICY: CorsModuleOptions = {
  origin: [APP_ORIGIN],
  credentials: true,
  exposedHeaders: [EXPOSED],
  maxAge: 600,
};

// Every handler answers with its name, so that a test can tell which handler Express ran.

@Controller('items')
class ItemsController {
  @Get()
  list() {
    return { route: 'items' };
  }

  @Post()
  create() {
    return { route: 'items-create' };
  }
}

@Cors({ origin: '*', credentials: false })
@Controller('open')
class OpenController {
  @Get()
  get() {
    return { route: 'open' };
  }
}

@Cors(false)
@Controller('private')
class PrivateController {
  @Get()
  get() {
    return { route: 'private' };
  }

  @Post()
  post() {
    return { route: 'private-post' };
  }

  @Get(':id')
  one(@Param('id') id: string) {
    return { route: 'private-id', id };
  }
}

@Controller('users')
class UsersController {
  @Get(':id')
  get(@Param('id') id: string) {
    return { route: 'user', id };
  }

  @Put(':id')
  put(@Param('id') id: string) {
    return { route: 'user-put', id };
  }

  @Delete(':id')
  remove(@Param('id') id: string) {
    return { route: 'user-delete', id };
  }
}

/** A wildcard route in the platform's syntax: Express's `*path` (an array), Fastify's `*` (a string). */
function filesController(platform: Platform): Type {
  const express = platform === 'express';
  @Controller('files')
  class FilesController {
    @Get(express ? '*path' : '*')
    get(@Param(express ? 'path' : '*') path: string[] | string) {
      return { route: 'files', depth: Array.isArray(path) ? path.length : path.split('/').length };
    }
  }
  return FilesController;
}

@Cors({ origin: (origin: string | undefined) => origin === FN_ORIGIN })
@Controller('fn')
class OriginFunctionController {
  @Get()
  get() {
    return { route: 'fn' };
  }
}

// The `cors` package's callback style, answering on a later tick.
@Cors({
  origin: (origin: string | undefined, callback: OriginCallback) => setImmediate(() => callback(null, origin === FN_ORIGIN)),
})
@Controller('fn-cb')
class OriginCallbackController {
  @Get()
  get() {
    return { route: 'fn-cb' };
  }
}

// Configured request headers and methods, and Private Network Access allowed.
@Cors({ allowPrivateNetwork: true, allowedHeaders: ['content-type', 'x-api-key'], methods: ['GET', 'PUT'] })
@Controller('pna')
class PrivateNetworkController {
  @Get()
  get() {
    return { route: 'pna' };
  }

  @Put()
  put() {
    return { route: 'pna-put' };
  }
}

/** The hardened app's controllers on a platform. */
export function controllersFor(platform: Platform): Type[] {
  return [
    ItemsController,
    OpenController,
    PrivateController,
    UsersController,
    filesController(platform),
    OriginFunctionController,
    OriginCallbackController,
    PrivateNetworkController,
  ];
}

/**
 * The policies of the app's routes: 'global' (APP_ORIGIN, credentials), 'open' ('*'), 'private'
 * (@Cors(false)), 'fn' (origin functions allowing FN_ORIGIN), 'pna' (APP_ORIGIN with configured
 * headers and methods, Private Network Access allowed).
 */
export type RouteKind = 'global' | 'open' | 'private' | 'fn' | 'pna';

/** The route kind a handler name (the `route` field of a body) belongs to. */
export function kindOfHandler(route: string | undefined): RouteKind | undefined {
  if (route === undefined) return undefined;
  if (route === 'open') return 'open';
  if (route.startsWith('private')) return 'private';
  if (route.startsWith('fn')) return 'fn';
  if (route.startsWith('pna')) return 'pna';
  return 'global';
}

/** The one origin a kind's policy echoes (undefined: none; '*' for the open route). */
export function allowedOriginOf(kind: RouteKind): string | undefined {
  switch (kind) {
    case 'global':
    case 'pna':
      return APP_ORIGIN;
    case 'fn':
      return FN_ORIGIN;
    case 'open':
      return '*';
    case 'private':
      return undefined;
  }
}

export interface RunningApp {
  readonly app: INestApplication;
  readonly port: number;
  readonly logger: RecordingLogger;
  close(): Promise<void>;
}

/** Starts the hardened app on 127.0.0.1 (random port), with `debug` on so refusals are logged too. */
export async function startHardenedApp(options: CorsModuleOptions = GLOBAL_POLICY, platform: Platform = 'express'): Promise<RunningApp> {
  const logger = new RecordingLogger();
  const app = await buildApp({ platform, cors: { ...options, debug: true }, controllers: controllersFor(platform), logger });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, port, logger, close: () => app.close() };
}

// ---------------------------------------------------------------------------------------------
// A raw HTTP/1.1 client (test/support/raw-http.ts), and what these suites read of its responses.

export { abandon, corsFields, parseResponses, pipelined, rawHead, rawRequest, valuesOf, type RawResponse } from '../support/raw-http.js';

/** The handler name from a JSON body, if the body is one of the app's answers. */
export function handlerOf(res: RawResponse): string | undefined {
  try {
    const parsed = JSON.parse(res.body) as { route?: unknown };
    return typeof parsed.route === 'string' ? parsed.route : undefined;
  } catch {
    return undefined;
  }
}

/** Header names every response may carry; anything else is reported as unexpected. */
export const KNOWN_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'x-powered-by',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'access-control-allow-private-network',
  'vary',
  'content-type',
  'content-length',
  'content-security-policy',
  'x-content-type-options',
  'etag',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'allow',
]);

// ---------------------------------------------------------------------------------------------
// Invariants every response must satisfy, whatever the request.

const ORIGIN_TEXT = /^https?:\/\/[A-Za-z0-9._-]+(?::\d{1,5})?$/i;

/**
 * An oracle independent of the engine: the origin a browser would have sent for `text` (WHATWG
 * URL serialisation), or undefined when `text` (after the optional white space HTTP strips) is
 * not a plain http(s) origin.
 */
export function oracleOrigin(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.replace(/^[ \t]+|[ \t]+$/g, '');
  if (!ORIGIN_TEXT.test(trimmed)) return undefined;
  try {
    const origin = new URL(trimmed).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** A header value as CORS headers must be: printable ASCII, no leading/trailing space, not empty. */
export const SAFE_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

export interface RequestFacts {
  /** The Origin value as the server sees it (duplicates joined with ', '); undefined when absent. */
  readonly origin?: string;
  /** The route kind whose policy must apply, when known (e.g. from the handler that answered). */
  readonly kind?: RouteKind;
  /** The request is a CORS preflight (OPTIONS + Origin + Access-Control-Request-Method). */
  readonly preflight?: boolean;
  /** Access-Control-Request-Private-Network as the server sees it. */
  readonly requestPrivateNetwork?: string;
}

/**
 * Whether the response came from the HTTP server's answer to a request its parser refused (a
 * 400/431 before any application code): Node's own (Connection: close, nothing else), or
 * Fastify's clientErrorHandler (a JSON body saying so, with its type and length).
 */
export function fromNodeParser(res: RawResponse): boolean {
  if (res.status !== 400 && res.status !== 431) return false;
  if (res.fields.every(([n]) => n === 'connection')) return true;
  const fastify = res.status === 400 ? '{"error":"Bad Request","message":"Client Error","statusCode":400}' : '"statusCode":431}';
  return res.body.endsWith(fastify) && res.fields.every(([n]) => n === 'content-length' || n === 'content-type');
}

/**
 * Whether Fastify's router answered before any hook ran: a target it cannot read (400
 * FST_ERR_BAD_URL) or a route parameter over maxParamLength (414). No hook, so no CORS headers.
 */
export function fromFastifyRouter(res: RawResponse): boolean {
  return (res.status === 400 && res.body.includes('"code":"FST_ERR_BAD_URL"')) || (res.status === 414 && res.body.includes('"code":"FST_ERR_'));
}

/** Every broken invariant, as text (empty when the response is fine). */
export function violations(res: RawResponse, facts: RequestFacts): string[] {
  const out: string[] = [];
  const fail = (why: string) => out.push(`${why} (status ${res.status}, CORS ${JSON.stringify(corsFields(res))})`);
  if (res.status >= 500) fail('5xx');
  for (const [name, value] of res.fields) {
    if (!KNOWN_RESPONSE_HEADERS.has(name)) fail(`unexpected response header ${JSON.stringify(name)}`);
    if ((name.startsWith('access-control-') || name === 'vary') && !SAFE_VALUE.test(value)) {
      fail(`${name} is not printable ASCII: ${JSON.stringify(value.slice(0, 100))}`);
    }
  }
  if (fromNodeParser(res)) return out;
  if (fromFastifyRouter(res)) {
    if (corsFields(res).length > 0) fail("CORS headers on Fastify's own answer, which no hook sees");
    return out;
  }
  const acao = valuesOf(res, 'access-control-allow-origin');
  const acac = valuesOf(res, 'access-control-allow-credentials');
  const cors = corsFields(res);
  if (acao.length > 1) fail('several Access-Control-Allow-Origin fields');
  const allowOrigin = acao[0];
  const expectedEcho = oracleOrigin(facts.origin);
  if (allowOrigin === '*') {
    if (acac.length > 0) fail("'*' together with Access-Control-Allow-Credentials");
  } else if (allowOrigin !== undefined) {
    if (allowOrigin !== APP_ORIGIN && allowOrigin !== FN_ORIGIN) fail(`a disallowed origin echoed: ${allowOrigin}`);
    if (allowOrigin !== expectedEcho) fail(`ACAO ${allowOrigin} is not the request's origin (${JSON.stringify(facts.origin?.slice(0, 100))})`);
    if (acac[0] !== 'true' || acac.length !== 1) fail('an echoed origin without Access-Control-Allow-Credentials: true');
  } else if (cors.length > 0 && !(res.status === 403 && facts.preflight)) {
    // Without ACAO nothing else may be sent (other than by a refused preflight, which sends none).
    fail('CORS headers without Access-Control-Allow-Origin');
  }
  if (facts.kind !== undefined) {
    const allowed = allowedOriginOf(facts.kind);
    if (facts.kind === 'private' && cors.length > 0) fail('CORS headers on a @Cors(false) route');
    if (allowOrigin !== undefined && allowOrigin !== allowed) fail(`ACAO ${allowOrigin} on a "${facts.kind}" route (allows ${allowed ?? 'nothing'})`);
  }
  if (valuesOf(res, 'access-control-allow-private-network').length > 0) {
    if (facts.requestPrivateNetwork !== 'true') fail('Access-Control-Allow-Private-Network without a Private Network Access request');
    if (facts.kind !== undefined && facts.kind !== 'pna') fail('Access-Control-Allow-Private-Network on a route that does not allow it');
  }
  if (facts.preflight) {
    if (res.status !== 204 && res.status !== 403) fail('a preflight answered with neither 204 nor 403');
    if (res.status === 403 && cors.length > 0) fail('a refused preflight with CORS headers');
    if (res.status === 204) {
      if (allowOrigin === undefined) fail('an allowed preflight without ACAO');
      if (valuesOf(res, 'access-control-allow-methods').length !== 1) fail('an allowed preflight without one Access-Control-Allow-Methods');
      if (valuesOf(res, 'content-length')[0] !== '0') fail('an allowed preflight without Content-Length: 0');
    }
  }
  return out;
}
