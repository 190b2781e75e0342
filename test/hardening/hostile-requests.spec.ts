// Hostile requests over HTTP against a real Nest application (on Express, and on Fastify with and
// without the listener fast path): malformed, oversized and
// duplicated CORS request headers, and path tricks. Requests go through raw sockets (node:net),
// so that the bytes on the wire are exactly those written here. For every response: no 5xx, no
// exception logged by the CORS hook, no disallowed origin in Access-Control-Allow-Origin, no
// header the application does not send (no injection), and the policy of the handler that Express
// actually ran.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  APP_ORIGIN,
  EVIL_ORIGIN,
  FN_ORIGIN,
  allowedOriginOf,
  corsFields,
  fromNodeParser,
  handlerOf,
  kindOfHandler,
  abandon,
  pipelined,
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

// The app of the platform under test (see describe.each below); the helpers read it.
let server: RunningApp;

/** The routes probed for each header class, with the kind of policy each has. */
const ROUTES: readonly { path: string; kind: RouteKind }[] = [
  { path: '/items', kind: 'global' },
  { path: '/open', kind: 'open' },
  { path: '/private', kind: 'private' },
  { path: '/private/42', kind: 'private' },
  { path: '/users/42', kind: 'global' },
  { path: '/files/a/b', kind: 'global' },
  { path: '/fn', kind: 'fn' },
  { path: '/fn-cb', kind: 'fn' },
  { path: '/pna', kind: 'pna' },
  // No route: the global policy.
  { path: '/nowhere', kind: 'global' },
];

interface Sent {
  readonly res: RawResponse;
  readonly problems: string[];
}

/**
 * Sends one raw request and checks the invariants. `origin` is the Origin value as the server
 * will see it (for duplicated fields: joined with ', ', as Node joins them).
 */
async function probe(
  method: string,
  target: string,
  lines: readonly string[],
  facts: { origin?: string; kind?: RouteKind; requestPrivateNetwork?: string } = {},
): Promise<Sent> {
  const res = await rawRequest(server.port, rawHead(method, target, lines));
  const preflight = method === 'OPTIONS' && lines.some((l) => /^origin:/i.test(l)) && lines.some((l) => /^access-control-request-method:/i.test(l));
  const handlerKind = kindOfHandler(handlerOf(res));
  const problems = violations(res, { ...facts, preflight, kind: handlerKind ?? (preflight ? facts.kind : undefined) }).map(
    (p) => `${method} ${target.slice(0, 80)} ${JSON.stringify(lines.map((l) => l.slice(0, 80)))}: ${p}`,
  );
  return { res, problems };
}

/** Lines the CORS hook logged as failures, and log lines with control characters. */
function hookProblems(): string[] {
  const failures = server.logger.failures();
  // Request values are logged without control characters, so that a hostile header cannot forge
  // log lines. (Their length: see 'refusal log lines are bounded' below.)
  const unprintable = server.logger
    .from('CorsModule')
    .filter((line) => /[\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(line))
    .map((line) => `unprintable log line: ${JSON.stringify(line.slice(0, 200))}`);
  return [...failures, ...unprintable];
}

/** The server still answers a plain request correctly. */
async function expectAlive(): Promise<void> {
  const res = await rawRequest(server.port, rawHead('GET', '/items', [`Origin: ${APP_ORIGIN}`]));
  expect(res.status).toBe(200);
  expect(valuesOf(res, 'access-control-allow-origin')).toEqual([APP_ORIGIN]);
}

// ---------------------------------------------------------------------------------------------

/** One class of Origin values: the header lines, the joined value, and the origin it counts as. */
interface OriginClass {
  readonly name: string;
  readonly lines: readonly string[];
  /** The value the server sees. */
  readonly seen: string;
  /** The canonical origin it is equivalent to, if any. */
  readonly equivalentTo?: string;
}

const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
const one = (name: string, value: string, equivalentTo?: string): OriginClass => ({
  name,
  lines: [`Origin: ${value}`],
  seen: value.replace(/^[ \t]+|[ \t]+$/g, ''),
  equivalentTo,
});
const dup = (name: string, values: string[]): OriginClass => ({ name, lines: values.map((v) => `Origin: ${v}`), seen: values.join(', ') });

const ORIGIN_CLASSES: readonly OriginClass[] = [
  one('allowed (control)', APP_ORIGIN, APP_ORIGIN),
  one('function-allowed (control)', FN_ORIGIN, FN_ORIGIN),
  one('disallowed (control)', EVIL_ORIGIN),
  one('huge: 8 KB host', `https://${'a'.repeat(8000)}.example.com`),
  one('huge: allowed origin + 8 KB', `${APP_ORIGIN}${'a'.repeat(8000)}`),
  one('huge: 8 KB of subdomains', `https://${'a.'.repeat(4000)}app.example.com`),
  one('empty', ''),
  dup('duplicated: allowed, evil', [APP_ORIGIN, EVIL_ORIGIN]),
  dup('duplicated: evil, allowed', [EVIL_ORIGIN, APP_ORIGIN]),
  dup('duplicated: allowed twice', [APP_ORIGIN, APP_ORIGIN]),
  one('comma-joined', `${APP_ORIGIN}, https://evil.com`),
  one('comma-joined, no space', `${APP_ORIGIN},${APP_ORIGIN}`),
  one('null', 'null'),
  one('obs-text suffix (latin1 é)', `${APP_ORIGIN}\xe9`),
  one('obs-text in host', 'https://\xe4pp.example.com'),
  one('UTF-8 bytes of a Unicode host', latin1('https://äpp.example.com')),
  one('obs-text only', '\x80\xff\xfe'),
  one('trailing dot', `${APP_ORIGIN}.`),
  one('trailing slash', `${APP_ORIGIN}/`),
  one('userinfo', `${APP_ORIGIN}@evil.net`),
  one('fragment', `${EVIL_ORIGIN}#${APP_ORIGIN}`),
  one('suffix attack', `${APP_ORIGIN}.evil.net`),
  one('prefix attack', 'https://evilapp.example.com'),
  one('http instead of https', 'http://app.example.com'),
  one('upper case (equivalent)', 'HTTPS://APP.EXAMPLE.COM', APP_ORIGIN),
  one('explicit default port (equivalent)', `${APP_ORIGIN}:443`, APP_ORIGIN),
  one('zero-padded default port (equivalent)', `${APP_ORIGIN}:0443`, APP_ORIGIN),
  one('surrounding white space (stripped by HTTP)', ` \t${APP_ORIGIN} \t`, APP_ORIGIN),
  one('inner tab', `https://app.\texample.com`),
  one('port out of range', `${APP_ORIGIN}:65536`),
  one('IPv6 garbage', 'https://[:::1]'),
  one('scheme only', 'https://'),
  one('javascript: scheme', 'javascript://app.example.com'),
];

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  beforeAll(async () => {
    server = await startHardenedApp(undefined, platform);
  });

  afterAll(async () => {
    await server?.close();
  });

  describe('Origin header classes, on every kind of route, actual requests and preflights', () => {
    for (const cls of ORIGIN_CLASSES) {
      it(`${cls.name}`, async () => {
        const problems: string[] = [];
        for (const route of ROUTES) {
          const expectedAcao = (() => {
            const allowed = allowedOriginOf(route.kind);
            if (allowed === '*') return '*';
            return allowed !== undefined && cls.equivalentTo === allowed ? allowed : undefined;
          })();

          const actual = await probe('GET', route.path, cls.lines, { origin: cls.seen, kind: route.kind });
          problems.push(...actual.problems);
          expect([route.path, actual.res.status]).toEqual([route.path, route.path === '/nowhere' ? 404 : 200]);
          expect([route.path, valuesOf(actual.res, 'access-control-allow-origin')]).toEqual([route.path, expectedAcao === undefined ? [] : [expectedAcao]]);

          const pre = await probe('OPTIONS', route.path, [...cls.lines, 'Access-Control-Request-Method: GET'], { origin: cls.seen, kind: route.kind });
          problems.push(...pre.problems);
          expect([route.path, pre.res.status]).toEqual([route.path, expectedAcao === undefined ? 403 : 204]);
          if (expectedAcao === undefined) expect(corsFields(pre.res)).toEqual([]);
          else expect(valuesOf(pre.res, 'access-control-allow-origin')).toEqual([expectedAcao]);
        }
        expect(problems).toEqual([]);
        expect(hookProblems()).toEqual([]);
      });
    }
  });

  // ---------------------------------------------------------------------------------------------

  describe("bytes Node's HTTP parser refuses (CR, LF, NUL, other controls) never reach the application", () => {
    const BAD_BYTES: readonly [string, string][] = [
      ['CR', '\r'],
      ['LF', '\n'],
      ['LF + injected field', '\nX-Injected: 1'],
      ['CR + injected field', '\rX-Injected: 1'],
      ['NUL', '\0'],
      ['SOH', '\x01'],
      ['DEL', '\x7f'],
      ['ESC', '\x1b'],
    ];
    const FIELDS: readonly [string, (bad: string) => string[]][] = [
      ['Origin', (bad) => [`Origin: ${APP_ORIGIN}${bad}`]],
      ['Access-Control-Request-Method', (bad) => [`Origin: ${APP_ORIGIN}`, `Access-Control-Request-Method: PUT${bad}`]],
      ['Access-Control-Request-Headers', (bad) => [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: PUT', `Access-Control-Request-Headers: x-a${bad}`]],
    ];

    for (const [field, lines] of FIELDS) {
      it(`in ${field}: 400 from Node's parser, no CORS or injected header, and the server lives on`, async () => {
        for (const [label, bad] of BAD_BYTES) {
          for (const method of ['GET', 'OPTIONS']) {
            const res = await rawRequest(server.port, rawHead(method, '/users/1', lines(bad)));
            // Node answers "400 Bad Request" with only "Connection: close": no Express, no hook.
            expect([label, method, res.status, fromNodeParser(res)]).toEqual([label, method, 400, true]);
            expect(res.head.toLowerCase()).not.toContain('x-injected');
          }
        }
        await expectAlive();
        expect(hookProblems()).toEqual([]);
      });
    }

    it('CR LF ends the field: what follows is another request field, never a response header', async () => {
      for (const method of ['GET', 'OPTIONS']) {
        const res = await rawRequest(
          server.port,
          rawHead(method, '/users/1', [`Origin: ${EVIL_ORIGIN}`, 'Access-Control-Request-Method: PUT\r\nX-Injected: 1']),
        );
        expect(res.status).toBeLessThan(500);
        expect(res.head.toLowerCase()).not.toContain('x-injected');
        expect(corsFields(res)).toEqual([]);
      }
    });

    it('an obsolete line folding (obs-fold) continuation in Origin is refused or ignored, never injected', async () => {
      const res = await rawRequest(server.port, rawHead('GET', '/items', [`Origin: ${EVIL_ORIGIN}`, ` ${APP_ORIGIN}`]));
      expect(res.status).toBeLessThan(500);
      expect(valuesOf(res, 'access-control-allow-origin')).toEqual([]);
      await expectAlive();
    });

    it('a head over 16 KB is answered 431 by Node, and the server lives on', async () => {
      const res = await rawRequest(
        server.port,
        rawHead('OPTIONS', '/items', [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: POST', `Access-Control-Request-Headers: ${'x'.repeat(20_000)}`]),
      );
      expect(res.status).toBe(431);
      expect(corsFields(res)).toEqual([]);
      await expectAlive();
    });
  });

  // ---------------------------------------------------------------------------------------------

  describe('Access-Control-Request-Headers: thousands of names, long names, malformed lists', () => {
    // About 14 KB of names: within Node's 16 KB limit for the whole head.
    const names = Array.from({ length: 1700 }, (_, i) => `X-H${i}`);

    it('thousands of valid names are reflected exactly (lower-cased) on a reflecting policy', async () => {
      const { res, problems } = await probe(
        'OPTIONS',
        '/items',
        [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: POST', `Access-Control-Request-Headers: ${names.join(', ')}`],
        { origin: APP_ORIGIN },
      );
      expect(problems).toEqual([]);
      expect(res.status).toBe(204);
      expect(valuesOf(res, 'access-control-allow-headers')).toEqual([names.map((n) => n.toLowerCase()).join(',')]);
      expect(valuesOf(res, 'vary').join(',')).toContain('Access-Control-Request-Headers');
    });

    it('one malformed name among thousands refuses the whole preflight (nothing partly reflected)', async () => {
      for (const bad of ['x-\xe9', 'x a', 'x:a', 'x"a', 'x(a)', 'x/a', 'x@a', '\x80']) {
        const list = [...names.slice(0, 800), bad, ...names.slice(800, 1600)].join(',');
        const { res, problems } = await probe(
          'OPTIONS',
          '/items',
          [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: POST', `Access-Control-Request-Headers: ${list}`],
          { origin: APP_ORIGIN },
        );
        expect(problems).toEqual([]);
        expect([bad, res.status]).toEqual([bad, 403]);
        expect(corsFields(res)).toEqual([]);
      }
    });

    it('thousands of names on a configured list: refused unless every name is listed', async () => {
      const refused = await probe(
        'OPTIONS',
        '/pna',
        [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: PUT', `Access-Control-Request-Headers: content-type,${names.join(',')}`],
        { origin: APP_ORIGIN },
      );
      expect(refused.problems).toEqual([]);
      expect(refused.res.status).toBe(403);

      const repeated = Array.from({ length: 1000 }, (_, i) => (i % 2 ? 'Content-Type' : 'x-api-key')).join(',');
      const allowed = await probe(
        'OPTIONS',
        '/pna',
        [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: PUT', `Access-Control-Request-Headers: ${repeated}`],
        { origin: APP_ORIGIN },
      );
      expect(allowed.problems).toEqual([]);
      expect(allowed.res.status).toBe(204);
      expect(valuesOf(allowed.res, 'access-control-allow-headers')).toEqual(['content-type,x-api-key']);
    });

    it('a single 12 KB header name is a token: reflected whole, not truncated', async () => {
      const long = `x-${'a'.repeat(12_000)}`;
      const { res, problems } = await probe(
        'OPTIONS',
        '/users/7',
        [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: PUT', `Access-Control-Request-Headers: ${long}`],
        {
          origin: APP_ORIGIN,
        },
      );
      expect(problems).toEqual([]);
      expect(res.status).toBe(204);
      expect(valuesOf(res, 'access-control-allow-headers')).toEqual([long]);
    });

    it('empty elements, duplicated fields and white space are list syntax, not names', async () => {
      const cases: [string[], string | undefined][] = [
        [['Access-Control-Request-Headers: '], undefined],
        [['Access-Control-Request-Headers: , ,\t,'], undefined],
        [['Access-Control-Request-Headers: X-A', 'Access-Control-Request-Headers: x-b'], 'x-a,x-b'],
        [['Access-Control-Request-Headers:  x-a ,\tX-B\t'], 'x-a,x-b'],
      ];
      for (const [extra, expected] of cases) {
        const { res, problems } = await probe('OPTIONS', '/items', [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: POST', ...extra], {
          origin: APP_ORIGIN,
        });
        expect(problems).toEqual([]);
        expect(res.status).toBe(204);
        expect([extra, valuesOf(res, 'access-control-allow-headers')]).toEqual([extra, expected === undefined ? [] : [expected]]);
      }
      expect(hookProblems()).toEqual([]);
    });
  });

  // ---------------------------------------------------------------------------------------------

  describe('Access-Control-Request-Method that is not a token, or not a method the route serves', () => {
    const NOT_TOKENS = ['GE T', '', ' ', 'G\xc9T', '\xff', 'GET,PUT', 'GET, PUT', 'PUT;', '"PUT"', '(GET)', 'GET/1.1'];
    // Tokens, but no route serves them ('get': methods are case-sensitive, and Node only accepts
    // upper-case ones; names that are also Object.prototype properties must not confuse lookups).
    const NOT_SERVED = ['get', 'put', '*', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'CONNECT', 'TRACE', 'x'.repeat(8000)];

    it('is refused with 403 and no CORS headers, on every route', async () => {
      const problems: string[] = [];
      for (const route of ROUTES) {
        for (const method of route.path === '/nowhere' ? NOT_TOKENS : [...NOT_TOKENS, ...NOT_SERVED]) {
          const { res, problems: p } = await probe(
            'OPTIONS',
            route.path,
            [`Origin: ${route.kind === 'fn' ? FN_ORIGIN : APP_ORIGIN}`, `Access-Control-Request-Method: ${method}`],
            {
              origin: route.kind === 'fn' ? FN_ORIGIN : APP_ORIGIN,
              kind: route.kind,
            },
          );
          problems.push(...p);
          expect([route.path, method.slice(0, 20), res.status]).toEqual([route.path, method.slice(0, 20), 403]);
          expect(corsFields(res)).toEqual([]);
        }
      }
      expect(problems).toEqual([]);
      expect(hookProblems()).toEqual([]);
    });

    it('on a path no route knows, a token is answered with the default methods, which never list it', async () => {
      // No route tells which methods the path serves, so the global policy's (default) methods
      // are sent; the browser then refuses a method that is not among them.
      const problems: string[] = [];
      for (const method of NOT_SERVED) {
        const { res, problems: p } = await probe('OPTIONS', '/nowhere', [`Origin: ${APP_ORIGIN}`, `Access-Control-Request-Method: ${method}`], {
          origin: APP_ORIGIN,
        });
        problems.push(...p);
        expect(res.status).toBe(204);
        expect(valuesOf(res, 'access-control-allow-methods')).toEqual(['GET,HEAD,PUT,PATCH,POST,DELETE']);
      }
      expect(problems).toEqual([]);
    });

    it('duplicated fields are joined by Node into a list, which is not a method: refused', async () => {
      const { res } = await probe('OPTIONS', '/users/1', [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: PUT', 'Access-Control-Request-Method: PUT']);
      expect(res.status).toBe(403);
    });

    it("trailing white space ('PUT\\t') is optional white space that HTTP strips: it is PUT", async () => {
      const served = await probe('OPTIONS', '/users/1', [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: PUT\t'], {
        origin: APP_ORIGIN,
        kind: 'global',
      });
      expect(served.problems).toEqual([]);
      expect(served.res.status).toBe(204);
      const notServed = await probe('OPTIONS', '/items', [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: PUT\t'], {
        origin: APP_ORIGIN,
        kind: 'global',
      });
      expect(notServed.res.status).toBe(403);
    });
  });

  describe('Access-Control-Request-Private-Network values', () => {
    const CASES: readonly [path: string, value: string, status: number, acapn: boolean][] = [
      ['/pna', 'true', 204, true],
      ['/pna', 'TRUE', 204, false],
      ['/pna', 'true, true', 204, false],
      ['/pna', '\xe9', 204, false],
      ['/pna', '', 204, false],
      ['/items', 'true', 403, false],
      ['/private', 'true', 403, false],
      ['/nowhere', 'true', 403, false],
      // Not 'true': not a Private Network Access preflight. (A browser never sends these; one that
      // did would find no Access-Control-Allow-Private-Network and fail the request.)
      ['/items', 'true, true', 204, false],
      ['/items', 'yes', 204, false],
    ];

    it('only exactly "true" asks, and only a policy with allowPrivateNetwork answers', async () => {
      const problems: string[] = [];
      for (const [path, value, status, acapn] of CASES) {
        const method = path === '/pna' ? 'PUT' : 'GET';
        const { res, problems: p } = await probe(
          'OPTIONS',
          path,
          [`Origin: ${APP_ORIGIN}`, `Access-Control-Request-Method: ${method}`, `Access-Control-Request-Private-Network: ${value}`],
          {
            origin: APP_ORIGIN,
            requestPrivateNetwork: value.replace(/^[ \t]+|[ \t]+$/g, ''),
          },
        );
        problems.push(...p);
        expect([path, value, res.status, valuesOf(res, 'access-control-allow-private-network')]).toEqual([path, value, status, acapn ? ['true'] : []]);
      }
      expect(problems).toEqual([]);
      expect(hookProblems()).toEqual([]);
    });
  });

  // ---------------------------------------------------------------------------------------------

  describe('hostile paths', () => {
    const LONG = 'a'.repeat(10_000);
    const PATHS = [
      '/users/a%2Fb',
      '/users/a%2fb%2F..%2F..%2Fprivate',
      '/users/..',
      '/users/../private',
      '/users/%2e%2e',
      '/users/.%2e/private',
      '/users/%00',
      '/users/a%00b',
      '/private/%00',
      '/users/%E0%A4%A',
      '/users/%',
      '/users/%zz',
      '/users/%C0%AF',
      '/private/%E0%A4%A',
      '/files/%E0%A4%A/x',
      '/files/../private',
      '/files/a/../../private',
      '/%E0%A4%A',
      '/%',
      `/users/${LONG}`,
      `/private/${LONG}`,
      `/files/${'a/'.repeat(5000)}`,
      `/${LONG}`,
      `/items?${LONG}`,
      '/items?a=1?b=2',
      '/items?a=1#b?c',
      '/items#frag',
      '/items#/private',
      '/items?#',
      '/private?#',
      '/private#/items',
      '/users/1?id=2#x',
      '/users/1#../../private',
      '/users;1',
      // Absolute-form targets url.parse() rejects, or parses with a warning (the hook must do neither).
      'http://[::1/users/1',
      'http://127.0.0.1:12a/users/1',
      'http://::1:3000/private',
      '/fn?x=https://fn.example.com',
      '/open/../private',
      '/OPEN',
      '/Open/',
      '*',
    ];

    it('never a 5xx, and the CORS headers are those of the handler that Express ran (if any)', async () => {
      const problems: string[] = [];
      for (const path of PATHS) {
        for (const origin of [APP_ORIGIN, EVIL_ORIGIN, FN_ORIGIN]) {
          problems.push(...(await probe('GET', path, [`Origin: ${origin}`], { origin })).problems);
          problems.push(...(await probe('POST', path, [`Origin: ${origin}`, 'Content-Length: 0'], { origin })).problems);
          problems.push(...(await probe('OPTIONS', path, [`Origin: ${origin}`, 'Access-Control-Request-Method: GET'], { origin })).problems);
          problems.push(
            ...(await probe('OPTIONS', path, [`Origin: ${origin}`, 'Access-Control-Request-Method: PUT', 'Access-Control-Request-Headers: x-a'], { origin }))
              .problems,
          );
        }
      }
      expect(problems).toEqual([]);
      expect(hookProblems()).toEqual([]);
      await expectAlive();
    });

    // Fastify answers a target its router cannot read (400) before any hook, preflights included,
    // through its server and through the onRequest hook alike; Express routes it, and the hook
    // answers the preflight with the global policy.
    it('a malformed percent-encoding: Fastify answers 400 itself, Express lets the hook answer', async () => {
      const pre = await probe('OPTIONS', '/users/%zz', [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: GET'], { origin: APP_ORIGIN });
      expect(pre.problems).toEqual([]);
      expect(pre.res.status).toBe(platform === 'express' ? 204 : 400);
      expect(corsFields(pre.res).length > 0).toBe(platform === 'express');
    });

    it('raw non-ASCII bytes and controls in the request target: 400 from Node, or handled without a 5xx', async () => {
      for (const path of ['/users/\xe9', '/private\xe9', '/items\x00', '/items\x7f', '/it ems', '/items\t']) {
        const res = await rawRequest(server.port, rawHead('GET', path, [`Origin: ${APP_ORIGIN}`]));
        expect(res.status).toBeLessThan(500);
        if (res.status === 400) expect(fromNodeParser(res)).toBe(true);
      }
      await expectAlive();
    });
  });

  // ---------------------------------------------------------------------------------------------

  describe('a @Cors(false) route is not opened by path tricks', () => {
    // The global policy allows APP_ORIGIN with credentials; /private is @Cors(false). Where Express
    // serves the private handler, no CORS header may appear; where Express answers 404 (or 400),
    // the global policy applies to that answer, which is acceptable.
    const TRICKS = [
      '/private',
      '/private/',
      '/PRIVATE',
      '/Private/',
      '/private?x',
      '/private?x=1&y=/items',
      '/private#x',
      '/private;x',
      '/./private',
      '/private/.',
      '/private/..',
      '//private',
      '/private//',
      '///private',
      '/%70rivate',
      '/priv%61te',
      '/%2Fprivate',
      '/private%2F',
      '/private%2f',
      '/private%20',
      '/private%00',
      '/private%09',
      '/private\\',
      '/private/x',
      '/PRIVATE/X/',
      '/private/%2E',
      '/private/%2E%2E',
      '/items/../private',
      '/x/../private',
      'http://127.0.0.1/private',
      'HTTP://EVIL.EXAMPLE.NET/PRIVATE',
      'https://evil.example.net:8443/private?x',
      'http://user:pass@h/private',
      'http://[::1]/private/x',
      'http://h/./private',
      'http://h//private',
      'http://h/%70rivate',
    ];

    // Absolute-form request targets (`GET http://host/path HTTP/1.1`) that Node accepts and Express
    // routes by their path (parseurl), running the private handler: the table must look them up by
    // the same path, or the response would contradict the route's @Cors(false).
    const ABSOLUTE_FORM_MISMATCHES = [
      'ftp://x/private',
      'x://h/private',
      'ws://127.0.0.1/private',
      'file://host/private/x',
      'http://127.0.0.1/private#x',
      'https://evil.example.net:8443/private?x#y',
      'http://h/private?#',
      'http://h:99999/private',
    ];

    async function servedBy(target: string): Promise<string | undefined> {
      return handlerOf(await rawRequest(server.port, rawHead('GET', target, [])));
    }

    // Fastify reads those targets its own way (find-my-way): whichever handler it runs, the same checks.
    it.each(platform === 'express' ? TRICKS : [...TRICKS, ...ABSOLUTE_FORM_MISMATCHES])('%s', async (target) => {
      const handler = await servedBy(target);
      const actual = await probe('GET', target, [`Origin: ${APP_ORIGIN}`], { origin: APP_ORIGIN });
      expect(actual.problems).toEqual([]);
      expect(handlerOf(actual.res)).toBe(handler);
      if (kindOfHandler(handler) === 'private') {
        expect(corsFields(actual.res)).toEqual([]);
        // The preflight for the same target must be refused: the request it announces would run
        // the private handler.
        const pre = await probe('OPTIONS', target, [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: GET'], { origin: APP_ORIGIN });
        expect(pre.problems).toEqual([]);
        expect(pre.res.status).toBe(403);
        expect(corsFields(pre.res)).toEqual([]);
      }
      expect(hookProblems()).toEqual([]);
    });

    if (platform === 'express') {
      it.each(ABSOLUTE_FORM_MISMATCHES)('Express serves the private handler for %s (control)', async (target) => {
        expect(kindOfHandler(await servedBy(target))).toBe('private');
      });

      it.each(ABSOLUTE_FORM_MISMATCHES)('%s gets no CORS headers (the private handler runs)', async (target) => {
        const actual = await probe('GET', target, [`Origin: ${APP_ORIGIN}`], { origin: APP_ORIGIN });
        expect(kindOfHandler(handlerOf(actual.res))).toBe('private');
        expect(corsFields(actual.res)).toEqual([]);
        const pre = await probe('OPTIONS', target, [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: GET'], { origin: APP_ORIGIN });
        expect(pre.res.status).toBe(403);
      });
    }
  });

  describe('refusal log lines (debug: true) are bounded', () => {
    // The engine's details quote the requested method or header name, which may be 12 KB long.
    it('a 12 KB method or header name gives a log line of reasonable length', async () => {
      const before = server.logger.lines.length;
      await probe('OPTIONS', '/users/1', [`Origin: ${APP_ORIGIN}`, `Access-Control-Request-Method: X${'x'.repeat(12_000)}`]);
      await probe('OPTIONS', '/pna', [
        `Origin: ${APP_ORIGIN}`,
        'Access-Control-Request-Method: PUT',
        `Access-Control-Request-Headers: x-${'a'.repeat(12_000)}`,
      ]);
      const lines = server.logger.lines.slice(before).map((l) => l.message);
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line.length).toBeLessThan(1000);
    });
  });

  describe('connections: pipelining, and clients that leave early', () => {
    const keepAlive = (method: string, target: string, lines: readonly string[]) =>
      `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`;

    it('pipelined requests (sync and async policies mixed) each get their own, correct CORS headers', async () => {
      const requests: [method: string, target: string, lines: string[], expect: { status: number; acao?: string; route?: string }][] = [
        ['GET', '/fn-cb', [`Origin: ${FN_ORIGIN}`], { status: 200, acao: FN_ORIGIN, route: 'fn-cb' }],
        ['OPTIONS', '/private', [`Origin: ${APP_ORIGIN}`, 'Access-Control-Request-Method: GET'], { status: 403 }],
        ['GET', '/fn-cb', [`Origin: ${EVIL_ORIGIN}`], { status: 200, route: 'fn-cb' }],
        ['GET', '/items', [`Origin: ${APP_ORIGIN}`], { status: 200, acao: APP_ORIGIN, route: 'items' }],
        ['OPTIONS', '/fn-cb', [`Origin: ${FN_ORIGIN}`, 'Access-Control-Request-Method: GET'], { status: 204, acao: FN_ORIGIN }],
        ['GET', '/private', [`Origin: ${APP_ORIGIN}`], { status: 200, route: 'private' }],
        ['GET', '/open', [`Origin: ${EVIL_ORIGIN}`], { status: 200, acao: '*', route: 'open' }],
        ['GET', '/fn', [`Origin: ${FN_ORIGIN}`, 'Connection: close'], { status: 200, acao: FN_ORIGIN, route: 'fn' }],
      ];
      const responses = await pipelined(
        server.port,
        requests.map(([method, target, lines]) => keepAlive(method, target, lines)),
      );
      expect(responses).toHaveLength(requests.length);
      responses.forEach((res, i) => {
        const [method, target, , expected] = requests[i]!;
        expect([i, method, target, res.status, valuesOf(res, 'access-control-allow-origin'), handlerOf(res)]).toEqual([
          i,
          method,
          target,
          expected.status,
          expected.acao === undefined ? [] : [expected.acao],
          expected.route,
        ]);
      });
      expect(hookProblems()).toEqual([]);
    });

    it('clients that disconnect while an async origin function is pending do not disturb the server', async () => {
      const abandoned = [];
      for (let i = 0; i < 50; i++) {
        abandoned.push(abandon(server.port, keepAlive('GET', '/fn-cb', [`Origin: ${i % 2 ? FN_ORIGIN : EVIL_ORIGIN}`])));
        abandoned.push(abandon(server.port, keepAlive('OPTIONS', '/fn-cb', [`Origin: ${FN_ORIGIN}`, 'Access-Control-Request-Method: GET'])));
      }
      await Promise.all(abandoned);
      await new Promise((r) => setTimeout(r, 100));
      await expectAlive();
      const fn = await rawRequest(server.port, rawHead('GET', '/fn-cb', [`Origin: ${FN_ORIGIN}`]));
      expect(valuesOf(fn, 'access-control-allow-origin')).toEqual([FN_ORIGIN]);
      expect(hookProblems()).toEqual([]);
    });
  });

  describe('the process survives it all', () => {
    it('answers normally, and the hook logged no failure', async () => {
      await expectAlive();
      expect(hookProblems()).toEqual([]);
      expect(server.logger.failures()).toEqual([]);
    });
  });
});
