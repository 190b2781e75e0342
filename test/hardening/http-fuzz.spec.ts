// HTTP-level fuzzing (fast-check) against the hardened app listening on 127.0.0.1: random methods,
// paths (route templates with random parameters, case, trailing slashes, query strings and
// fragments; and hostile mutations of them) and Origin / Access-Control-Request-* values drawn
// from valid and hostile generators. 20,000 requests by default (FUZZ_RUNS multiplies them), over
// one keep-alive agent; each property prints its seed (FUZZ_SEED replays).
// For every response: no 5xx, nothing the application does not send, no disallowed origin echoed;
// and where the path is a known route, exactly the CORS headers its policy gives. On Express, and
// on Fastify with and without the listener fast path (Fastify's router is case-sensitive and
// strict about trailing slashes by default: such paths are paths no route serves there).
import { request as httpRequest, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { headerString, maybe, nearMissOrigin, requestHeadersValue, requestMethodValue, requestPrivateNetworkValue } from './arbitraries.js';
import { fuzzParams, runs } from './fuzz-config.js';
import {
  APP_ORIGIN,
  EVIL_ORIGIN,
  FN_ORIGIN,
  allowedOriginOf,
  corsFields,
  fromFastifyRouter,
  fromNodeParser,
  handlerOf,
  kindOfHandler,
  oracleOrigin,
  rawHead,
  rawRequest,
  startHardenedApp,
  valuesOf,
  violations,
  type RawResponse,
  type RouteKind,
  type RunningApp,
} from './support.js';
import { PLATFORMS, type Platform } from '../e2e/support/app-factory.js';

// The app of the platform under test (see describe.each below).
let server: RunningApp;
let agent: Agent;

// ---------------------------------------------------------------------------------------------
// The routes of the hardened app, as a model: kind of policy and the methods each path serves
// (HEAD wherever GET is, as Express does).

interface Route {
  readonly segments: readonly ('param' | 'wildcard' | string)[];
  readonly kind: RouteKind;
  readonly served: readonly string[];
}

const ROUTES: readonly Route[] = [
  { segments: ['items'], kind: 'global', served: ['GET', 'POST', 'HEAD'] },
  { segments: ['open'], kind: 'open', served: ['GET', 'HEAD'] },
  { segments: ['private'], kind: 'private', served: ['GET', 'POST', 'HEAD'] },
  { segments: ['private', 'param'], kind: 'private', served: ['GET', 'HEAD'] },
  { segments: ['users', 'param'], kind: 'global', served: ['GET', 'PUT', 'DELETE', 'HEAD'] },
  { segments: ['files', 'wildcard'], kind: 'global', served: ['GET', 'HEAD'] },
  { segments: ['fn'], kind: 'fn', served: ['GET', 'HEAD'] },
  { segments: ['fn-cb'], kind: 'fn', served: ['GET', 'HEAD'] },
  { segments: ['pna'], kind: 'pna', served: ['GET', 'PUT', 'HEAD'] },
];

/** What the pna route configures. */
const PNA_METHODS = ['GET', 'PUT'];
const PNA_HEADERS = ['content-type', 'x-api-key'];

const UNRESERVED = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~';
const paramValue = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...UNRESERVED) },
      { weight: 1, arbitrary: fc.constantFrom('%20', '%2F', '%2f', '%41', '%E2%82%AC', '%00', '%25', "'", '!', '$', '(', '*', '+', ',', '=', ':', '@') },
    ),
    {
      minLength: 1,
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''))
  // '.' and '..' alone are kept: Express and the table both treat them as parameter values.
  .filter((value) => value !== '');

const queryChars = fc.constantFrom(...'abc=&/?#%20:@!$', '%', '%zz', '#frag', '?');
const suffix = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.array(queryChars, { maxLength: 6 }).map((q) => `?${q.join('')}`) },
  { weight: 1, arbitrary: fc.constantFrom('#', '#frag', '#/private', '?#', '?a=1#b') },
);

interface PathCase {
  readonly path: string;
  /** The route the path is known to reach (undefined for hostile mutations). */
  readonly route?: Route;
  /** A path known to reach no route: the global policy, with the default methods for preflights. */
  readonly unknown?: boolean;
  /** The route matches with an empty parameter, which Nest answers with 404 (Fastify): its policy, no handler. */
  readonly emptyParam?: boolean;
}

/** Case and one trailing slash: the same route on Express; on Fastify (by default), no route. */
let routingIgnoresCase = true;

const cleanPath: fc.Arbitrary<PathCase> = fc
  .tuple(
    fc.constantFrom(...ROUTES),
    fc.array(paramValue, { minLength: 4, maxLength: 4 }),
    fc.integer({ min: 1, max: 3 }),
    fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    fc.boolean(),
    suffix,
  )
  .map(([route, params, depth, upper, trailing, tail]) => {
    const parts = route.segments.flatMap((segment): string[] => {
      if (segment === 'param') return [params[0]!];
      if (segment === 'wildcard') return params.slice(0, depth);
      // Express and the route table both match static segments case-insensitively; on Fastify
      // (case-sensitive) other case is one path in eight, so that most reach their route.
      const mixCase = routingIgnoresCase || (upper[5]! && upper[6]! && upper[7]!);
      return [[...segment].map((c, i) => (mixCase && upper[i % upper.length] ? c.toUpperCase() : c)).join('')];
    });
    const path = `/${parts.join('/')}${trailing ? '/' : ''}${tail}`;
    if (routingIgnoresCase) return { path, route };
    // Fastify: case and a trailing slash make another path. After a wildcard the slash is part of
    // what it matches; after a literal segment, an empty parameter may follow (/private/ is
    // /private/:id with an empty id, which Nest then answers with 404, under that route's policy).
    if (route.segments.some((segment, i) => segment !== 'param' && segment !== 'wildcard' && parts[i] !== segment)) return { path, unknown: true };
    if (!trailing || route.segments.at(-1) === 'wildcard') return { path, route };
    const withParam = ROUTES.find(
      (r) => r.segments.length === route.segments.length + 1 && r.segments.at(-1) === 'param' && route.segments.every((seg, i) => r.segments[i] === seg),
    );
    return withParam ? { path, route: withParam, emptyParam: true } : { path, unknown: true };
  });

type PathMutation = (path: string, extra: string) => string;
const PATH_MUTATIONS: readonly PathMutation[] = [
  (p) => `/${p}`,
  (p) => p.replace('/', '//'),
  (p) => p.replace(/\/([^/]*)$/, '/./$1'),
  (p) => `/x/..${p}`,
  (p) => `${p}/..`,
  (p) => `${p};x`,
  (p) => `${p}%`,
  (p) => `${p}%zz`,
  (p) => `${p}/%E0%A4%A`,
  (p) => p.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`),
  (p) => `${p}%2F`,
  (p) => `${p}%00`,
  (p) => `${p}\\`,
  (p) => `http://127.0.0.1${p}`,
  (p) => `HTTP://evil.example.net:8443${p}`,
  (p) => `${p}/${'a'.repeat(3000)}`,
  (p, extra) => `${p}${extra}`,
  (p, extra) => `/${extra}`,
  () => '*',
];
/** Characters Node's client sends in a path (0x21-0xFF), biased to the interesting ones. */
const pathChar = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom('/', '%', '.', '?', '#', ';') },
);

const hostilePath: fc.Arbitrary<PathCase> = fc
  .tuple(
    cleanPath,
    fc.array(fc.integer({ min: 0, max: PATH_MUTATIONS.length - 1 }), { minLength: 1, maxLength: 3 }),
    fc.string({ unit: pathChar, maxLength: 16 }),
  )
  .map(([clean, picks, extra]) => ({ path: picks.reduce((p, i) => PATH_MUTATIONS[i]!(p, extra), clean.path) }));

// ---------------------------------------------------------------------------------------------
// Requests.

/** Header values Node's client accepts: tab, printable ASCII and latin1 (it refuses the rest). */
const headerSafe = (text: string) => text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
/** What Node's server makes of a field value: surrounding spaces and tabs stripped. */
const ows = (text: string) => text.replace(/^[ \t]+|[ \t]+$/g, '');

const originValue = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(APP_ORIGIN, FN_ORIGIN) },
  { weight: 2, arbitrary: fc.constantFrom(EVIL_ORIGIN, 'null', '', 'HTTPS://APP.EXAMPLE.COM:443', `${APP_ORIGIN}.`, `${APP_ORIGIN}/`) },
  { weight: 3, arbitrary: nearMissOrigin.map(headerSafe) },
  { weight: 1, arbitrary: headerString(60) },
);

interface FuzzRequest {
  readonly method: string;
  readonly path: PathCase;
  /** One value, or several (sent as that many Origin fields). */
  readonly origin?: string | string[];
  readonly requestMethod?: string;
  readonly requestHeaders?: string;
  readonly requestPrivateNetwork?: string;
}

const method = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
  { weight: 1, arbitrary: fc.constantFrom('PROPFIND', 'SEARCH', 'PURGE', 'FOO') },
);

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.record(
  {
    method: fc.oneof({ weight: 2, arbitrary: method }, { weight: 1, arbitrary: fc.constant('OPTIONS') }),
    path: fc.oneof({ weight: 3, arbitrary: cleanPath }, { weight: 1, arbitrary: hostilePath }),
    origin: maybe(fc.oneof({ weight: 8, arbitrary: originValue }, { weight: 1, arbitrary: fc.array(originValue, { minLength: 2, maxLength: 3 }) }), 6),
    requestMethod: maybe(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH') },
        { weight: 1, arbitrary: requestMethodValue.map(headerSafe) },
      ),
      2,
    ),
    requestHeaders: maybe(requestHeadersValue.map(headerSafe)),
    requestPrivateNetwork: maybe(requestPrivateNetworkValue.map(headerSafe), 4),
  },
  { requiredKeys: ['method', 'path'] },
);

/** The request as the server sees it. */
function seen(req: FuzzRequest) {
  const origin = req.origin === undefined ? undefined : Array.isArray(req.origin) ? req.origin.map(ows).join(', ') : ows(req.origin);
  const requestMethod = req.requestMethod === undefined ? undefined : ows(req.requestMethod);
  const requestHeaders = req.requestHeaders === undefined ? undefined : ows(req.requestHeaders);
  const requestPrivateNetwork = req.requestPrivateNetwork === undefined ? undefined : ows(req.requestPrivateNetwork);
  const preflight = req.method === 'OPTIONS' && origin !== undefined && requestMethod !== undefined;
  return { origin, requestMethod, requestHeaders, requestPrivateNetwork, preflight };
}

let retried = 0;

/** Sends one request on the keep-alive agent; resolves with the response as the raw client parses it. */
function send(req: FuzzRequest, retry = true): Promise<RawResponse> {
  const headers: Record<string, string | string[]> = {};
  if (req.origin !== undefined) headers.Origin = req.origin;
  if (req.requestMethod !== undefined) headers['Access-Control-Request-Method'] = req.requestMethod;
  if (req.requestHeaders !== undefined) headers['Access-Control-Request-Headers'] = req.requestHeaders;
  if (req.requestPrivateNetwork !== undefined) headers['Access-Control-Request-Private-Network'] = req.requestPrivateNetwork;
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) headers['Content-Length'] = '0';
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port: server.port, method: req.method, path: req.path.path, headers, agent, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const fields: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) fields.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
        resolve({ status: res.statusCode ?? 0, fields, body: Buffer.concat(chunks).toString('latin1'), head: '' });
      });
      res.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      // Fastify answers a request its server's parser refuses with a JSON body, HEAD or not: after
      // a HEAD, Node's client takes that body for the next response. Sent again on a socket of its
      // own, the answer is read as it is.
      if (req.method === 'HEAD' && error.code === 'HPE_INVALID_CONSTANT') {
        const lines = Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`));
        rawRequest(server.port, rawHead('HEAD', req.path.path, lines)).then(resolve, reject);
        return;
      }
      // A keep-alive socket the server closed (after a 400 from its parser) can race with reuse.
      if (retry && (error.code === 'ECONNRESET' || error.message === 'socket hang up')) {
        retried++;
        send(req, false).then(resolve, reject);
      } else reject(error);
    });
    outgoing.end();
  });
}

function sameSet(a: string | undefined, b: readonly string[]): boolean {
  const got = (a ?? '').split(',').filter(Boolean);
  return got.length === b.length && b.every((m) => got.includes(m));
}

/** The request headers list as the engine must read it (undefined: malformed). */
function requestedNames(value: string | undefined): string[] | undefined {
  if (value === undefined) return [];
  const names: string[] = [];
  for (const part of value.split(',')) {
    const name = part.trim();
    if (name === '') continue;
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return undefined;
    names.push(name.toLowerCase());
  }
  return names;
}

/** Every way the response departs from the model; empty when it is right. */
function check(req: FuzzRequest, res: RawResponse): string[] {
  const s = seen(req);
  const handlerKind = kindOfHandler(handlerOf(res));
  const route = req.path.route;
  const problems = violations(res, {
    origin: s.origin,
    preflight: s.preflight,
    requestPrivateNetwork: s.requestPrivateNetwork,
    // The handler that ran decides (actual requests); a preflight never reaches one.
    kind: handlerKind,
  });
  if (fromNodeParser(res) || fromFastifyRouter(res)) return problems;
  if (req.path.unknown) return problems.concat(checkUnknown(req, res));
  if (route === undefined) return problems;
  const acao = valuesOf(res, 'access-control-allow-origin')[0];
  const fail = (why: string) => problems.push(`${why} (status ${res.status}, CORS ${JSON.stringify(corsFields(res)).slice(0, 300)})`);

  if (!s.preflight) {
    if (req.path.emptyParam) {
      if (res.status !== 404 || handlerKind !== undefined) fail('a route matched with an empty parameter was not answered 404 by Nest');
    } else if (route.served.includes(req.method) && req.method !== 'HEAD' && handlerKind !== route.kind)
      fail(`the model expected a "${route.kind}" handler, Express ran ${handlerOf(res) ?? 'none'}`);
    // A method the path does not serve falls back to the global policy (Express answers 404).
    const kind: RouteKind = route.served.includes(req.method) ? route.kind : 'global';
    const allowed = allowedOriginOf(kind);
    const expected = allowed === '*' ? '*' : allowed !== undefined && oracleOrigin(s.origin) === allowed ? allowed : undefined;
    if (acao !== expected) fail(`ACAO ${acao ?? '(none)'} where the "${kind}" policy gives ${expected ?? '(none)'}`);
    if (kind !== 'open' && kind !== 'private' && !valuesOf(res, 'vary').join(',').includes('Origin'))
      fail('no Vary: Origin on a route whose ACAO depends on the request');
    return problems;
  }

  // Preflights: the route serving the requested method decides; a method the path does not serve is refused.
  const m = s.requestMethod!;
  const kind = route.kind;
  const allowedOrigin = allowedOriginOf(kind);
  const originOk = allowedOrigin === '*' || (allowedOrigin !== undefined && oracleOrigin(s.origin) === allowedOrigin);
  const requested = requestedNames(s.requestHeaders);
  const allowed =
    route.served.includes(m) &&
    originOk &&
    (s.requestPrivateNetwork !== 'true' || kind === 'pna') &&
    (kind !== 'pna' || PNA_METHODS.includes(m)) &&
    requested !== undefined &&
    (kind !== 'pna' || requested.every((n) => PNA_HEADERS.includes(n)));
  if (!allowed) {
    if (res.status !== 403 || corsFields(res).length > 0) fail('a preflight the policy refuses was not refused');
    return problems;
  }
  if (res.status !== 204) fail('a preflight the policy allows was not answered 204');
  if (acao !== allowedOrigin) fail(`preflight ACAO ${acao ?? '(none)'} where ${allowedOrigin} was expected`);
  if (!sameSet(valuesOf(res, 'access-control-allow-methods')[0], kind === 'pna' ? PNA_METHODS : route.served))
    fail('Access-Control-Allow-Methods is not the methods the path serves');
  const acah = valuesOf(res, 'access-control-allow-headers')[0];
  const expectedAcah = kind === 'pna' ? PNA_HEADERS.join(',') : requested!.length ? requested!.join(',') : undefined;
  if (acah !== expectedAcah) fail(`Access-Control-Allow-Headers ${acah} where ${expectedAcah} was expected`);
  if ((valuesOf(res, 'access-control-allow-private-network')[0] === 'true') !== (s.requestPrivateNetwork === 'true'))
    fail('Access-Control-Allow-Private-Network does not answer the request');
  if (valuesOf(res, 'access-control-max-age')[0] !== '600') fail('Access-Control-Max-Age is not 600');
  if ((valuesOf(res, 'access-control-allow-credentials')[0] === 'true') !== (kind !== 'open'))
    fail('Access-Control-Allow-Credentials does not match the policy');
  return problems;
}

/** A path no route serves: the global policy, and for preflights any method token with the default list. */
function checkUnknown(req: FuzzRequest, res: RawResponse): string[] {
  const problems: string[] = [];
  const s = seen(req);
  const acao = valuesOf(res, 'access-control-allow-origin')[0];
  const fail = (why: string) => problems.push(`${why} on a path no route serves (status ${res.status}, CORS ${JSON.stringify(corsFields(res)).slice(0, 300)})`);
  const originOk = oracleOrigin(s.origin) === APP_ORIGIN;
  if (!s.preflight) {
    if (handlerOf(res) !== undefined) fail(`a handler ran (${handlerOf(res)})`);
    if (acao !== (originOk ? APP_ORIGIN : undefined)) fail(`ACAO ${acao ?? '(none)'}`);
    return problems;
  }
  const requested = requestedNames(s.requestHeaders);
  const allowed = originOk && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s.requestMethod!) && s.requestPrivateNetwork !== 'true' && requested !== undefined;
  if (!allowed) {
    if (res.status !== 403 || corsFields(res).length > 0) fail('a preflight the global policy refuses was not refused');
    return problems;
  }
  if (res.status !== 204 || acao !== APP_ORIGIN) fail('a preflight the global policy allows was not answered 204');
  if (!sameSet(valuesOf(res, 'access-control-allow-methods')[0], ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'])) fail('not the default methods');
  return problems;
}

/** A Jest timeout for a property of `numRuns` requests (generous: about 2 ms a request on 2 cores). */
function timeoutFor(numRuns: number): number {
  return 30_000 + numRuns * 5;
}

function describeRequest(req: FuzzRequest): string {
  return JSON.stringify({ ...req, path: req.path.path.length > 200 ? `${req.path.path.slice(0, 200)}…` : req.path.path, known: req.path.route?.kind }).slice(
    0,
    800,
  );
}

// ---------------------------------------------------------------------------------------------

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  beforeAll(async () => {
    routingIgnoresCase = platform === 'express';
    server = await startHardenedApp(undefined, platform);
    agent = new Agent({ keepAlive: true, maxSockets: 4 });
  });

  afterAll(async () => {
    agent?.destroy();
    await server?.close();
  });

  describe('HTTP fuzzing against a real app on 127.0.0.1', () => {
    const counts = { total: 0, parser: 0, preflights: 0, allowedPreflights: 0, withAcao: 0, known: 0, byStatus: new Map<number, number>() };

    async function runProperty(name: string, arbitrary: fc.Arbitrary<FuzzRequest>, numRuns: number): Promise<void> {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (req) => {
          const res = await send(req);
          counts.total++;
          counts.byStatus.set(res.status, (counts.byStatus.get(res.status) ?? 0) + 1);
          if (fromNodeParser(res)) counts.parser++;
          if (seen(req).preflight) counts.preflights++;
          if (seen(req).preflight && res.status === 204) counts.allowedPreflights++;
          if (valuesOf(res, 'access-control-allow-origin').length) counts.withAcao++;
          if (req.path.route) counts.known++;
          const problems = check(req, res);
          if (problems.length) throw new Error(`${req.method} ${describeRequest(req)}\n  ${problems.join('\n  ')}`);
        }),
        fuzzParams(name, numRuns),
      );
    }

    it(
      'mixed traffic: actual requests and preflights, known and hostile paths',
      async () => {
        await runProperty('HTTP mixed traffic', fuzzRequest, runs(12_000));
      },
      timeoutFor(runs(12_000)),
    );

    // Preflights biased towards ones the policies allow (the route's origin, a served method,
    // plausible header lists), so that the allowed answers are checked as often as refusals.
    const preflightRequest: fc.Arbitrary<FuzzRequest> = fc
      .tuple(
        fc.oneof({ weight: 4, arbitrary: cleanPath }, { weight: 1, arbitrary: hostilePath }),
        fc.integer({ min: 0, max: 9 }),
        originValue,
        fc.integer({ min: 0, max: 9 }),
        fc.oneof(fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH'), requestMethodValue.map(headerSafe)),
        fc.integer({ min: 0, max: 9 }),
        fc.subarray(['Content-Type', 'x-api-key', 'X-Requested-With', 'authorization']),
        requestHeadersValue.map(headerSafe),
        maybe(requestPrivateNetworkValue.map(headerSafe), 4),
      )
      .map(([path, o, anyOrigin, m, anyMethod, h, goodHeaders, anyHeaders, privateNetwork]) => {
        const route = path.route;
        const served = route?.served ?? ['GET', 'PUT'];
        return {
          method: 'OPTIONS',
          path,
          origin: o < 6 ? (route?.kind === 'fn' ? FN_ORIGIN : APP_ORIGIN) : anyOrigin,
          requestMethod: m < 6 ? served[m % served.length] : anyMethod,
          requestHeaders: h < 4 ? (goodHeaders.length ? goodHeaders.join(', ') : undefined) : h < 8 ? anyHeaders : undefined,
          requestPrivateNetwork: privateNetwork,
        };
      });

    it(
      'preflights',
      async () => {
        await runProperty('HTTP preflights', preflightRequest, runs(8_000));
      },
      timeoutFor(runs(8_000)),
    );

    afterAll(() => {
      console.log(
        `[fuzz] HTTP on ${platform}: ${counts.total} requests (${counts.known} on known routes, ${counts.preflights} preflights of which ${counts.allowedPreflights} allowed, ` +
          `${counts.withAcao} with ACAO, ${counts.parser} refused by Node's parser, ${retried} retried on a closed keep-alive socket); ` +
          `statuses ${JSON.stringify(Object.fromEntries([...counts.byStatus].sort(([a], [b]) => a - b)))}`,
      );
    });

    it('the hook logged no failure and no control characters, and the server still answers', async () => {
      expect(server.logger.failures()).toEqual([]);
      expect(server.logger.from('CorsModule').filter((line) => /[\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(line))).toEqual([]);
      const res = await send({ method: 'GET', path: { path: '/items' }, origin: APP_ORIGIN });
      expect(res.status).toBe(200);
      expect(valuesOf(res, 'access-control-allow-origin')).toEqual([APP_ORIGIN]);
      expect(counts.total).toBeGreaterThanOrEqual(runs(20_000));
    });
  });
});
