// The platform-neutral hook, without a server: what it decides for a request (decide()) and what
// handle() does with a response (answers preflights, passes everything else on).
import { describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { compilePolicy } from '../../../lib/core/index.js';
import { buildExpressTable } from '../../../lib/platforms/express/express-platform.js';
import { CorsRequestHandler, type CorsVerdict } from '../../../lib/request/cors-request-handler.js';
import type { RouteEntry } from '../../../lib/routing/route-table.js';

const APP = 'https://app.example.com';
const global: RouteEntry = { policy: compilePolicy({ origin: [APP], credentials: true }), label: 'unknown path' };
const open: RouteEntry = { policy: compilePolicy({ origin: '*' }), label: 'GET /feed' };
const closed: RouteEntry = { policy: compilePolicy({ origin: false }), label: 'GET /internal' };

const { table } = buildExpressTable(
  [
    { method: 'GET', path: '/feed', passesOn: false, value: open },
    { method: 'GET', path: '/internal', passesOn: false, value: closed },
    { method: 'PUT', path: '/account', passesOn: false, value: { ...global, label: 'PUT /account' } },
  ],
  { caseSensitive: false, ignoreTrailingSlash: true },
);

function handler(overrides: Partial<ConstructorParameters<typeof CorsRequestHandler>[0]> = {}) {
  return new CorsRequestHandler({ table, fallback: global, singlePolicy: false, debug: false, pathOf: (req) => req.url!.split('?')[0]!, ...overrides });
}

function decide(method: string, path: string, headers: Record<string, string>): CorsVerdict {
  const verdict = handler().decide(method, headers, () => path);
  if (verdict instanceof Promise) throw new Error('expected a synchronous verdict');
  return verdict;
}

function exchange(method: string, url: string, headers: Record<string, string>) {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.url = url;
  req.headers = headers;
  const res = new ServerResponse(req);
  return { req, res };
}

describe('CorsRequestHandler.decide()', () => {
  it("an actual request gets its route's decision", () => {
    const verdict = decide('GET', '/feed', { origin: 'https://anywhere.example' });
    expect(verdict.preflight).toBe(false);
    expect(verdict.entry).toBe(open);
    expect(verdict.decision.headers).toEqual([['Access-Control-Allow-Origin', '*']]);
  });

  it('a preflight is matched to the route serving the requested method, with the methods of that path', () => {
    const verdict = decide('OPTIONS', '/account', { origin: APP, 'access-control-request-method': 'PUT' });
    expect(verdict.preflight).toBe(true);
    expect(verdict.entry.label).toBe('PUT /account');
    expect(verdict.decision.status).toBe(204);
    expect(Object.fromEntries(verdict.decision.headers)).toMatchObject({ 'Access-Control-Allow-Methods': 'PUT', 'Access-Control-Allow-Credentials': 'true' });
  });

  it('a preflight for a method the known path does not serve is refused under the global policy', () => {
    const verdict = decide('OPTIONS', '/feed', { origin: APP, 'access-control-request-method': 'DELETE' });
    expect(verdict.entry).toBe(global);
    expect(verdict.decision).toMatchObject({ allowed: false, status: 403, reason: 'method' });
  });

  it('a path no route knows gets the global policy', () => {
    expect(decide('GET', '/graphql', { origin: APP }).entry).toBe(global);
  });

  it('an OPTIONS request without Access-Control-Request-Method is not a preflight', () => {
    expect(decide('OPTIONS', '/feed', { origin: APP }).preflight).toBe(false);
  });

  it('with a single policy, actual requests need no path at all', () => {
    let asked = false;
    const verdict = handler({ singlePolicy: true }).decide('GET', { origin: APP }, () => {
      asked = true;
      return '/feed';
    });
    expect(asked).toBe(false);
    expect((verdict as CorsVerdict).entry).toBe(global);
  });
});

describe('CorsRequestHandler.handle()', () => {
  it('answers an allowed preflight itself: status, headers, ended', () => {
    const { req, res } = exchange('OPTIONS', '/account', { origin: APP, 'access-control-request-method': 'PUT' });
    expect(handler().handle(req, res)).toBe('answered');
    expect(res.statusCode).toBe(204);
    expect(res.writableEnded).toBe(true);
  });

  it('answers a refused preflight with 403', () => {
    const { req, res } = exchange('OPTIONS', '/internal', { origin: APP, 'access-control-request-method': 'GET' });
    expect(handler().handle(req, res)).toBe('answered');
    expect(res.statusCode).toBe(403);
  });

  /** Records how a response is written: header calls, writeHead calls (status and headers), end calls. */
  function recording(res: ServerResponse) {
    const calls: string[] = [];
    const heads: [number, Record<string, string>][] = [];
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name: string, value: number | string | readonly string[]) => {
      calls.push(`setHeader ${name}`);
      return setHeader(name, value);
    };
    const writeHead = res.writeHead.bind(res) as (status: number, headers: string[]) => ServerResponse;
    res.writeHead = ((status: number, headers: string[]) => {
      calls.push('writeHead');
      // Flat [name, value, …], as Node.js takes them.
      const named: Record<string, string> = {};
      for (let i = 0; i < headers.length; i += 2) named[headers[i]!] = headers[i + 1]!;
      heads.push([status, named]);
      return writeHead(status, headers);
    }) as typeof res.writeHead;
    const end = res.end.bind(res) as () => ServerResponse;
    res.end = (() => {
      calls.push('end');
      return end();
    }) as typeof res.end;
    return { calls, heads };
  }

  it('answers a preflight in one write: writeHead with every header, then end, nothing set before', () => {
    const { req, res } = exchange('OPTIONS', '/account', { origin: APP, 'access-control-request-method': 'PUT' });
    const { calls, heads } = recording(res);
    expect(handler().handle(req, res)).toBe('answered');
    expect(calls).toEqual(['writeHead', 'end']);
    expect(heads).toEqual([
      [
        204,
        {
          'Access-Control-Allow-Origin': APP,
          'Access-Control-Allow-Credentials': 'true',
          'Access-Control-Allow-Methods': 'PUT',
          'Content-Length': '0',
          Vary: 'Origin, Access-Control-Request-Headers',
        },
      ],
    ]);
  });

  it('a refused preflight too: 403 with Content-Length: 0 and Vary, no CORS headers', () => {
    const { req, res } = exchange('OPTIONS', '/internal', { origin: APP, 'access-control-request-method': 'GET' });
    const { calls, heads } = recording(res);
    handler().handle(req, res);
    expect(calls).toEqual(['writeHead', 'end']);
    expect(heads).toEqual([[403, { 'Content-Length': '0' }]]);
    const refusedListed = exchange('OPTIONS', '/account', { origin: 'https://evil.example', 'access-control-request-method': 'PUT' });
    const listed = recording(refusedListed.res);
    handler().handle(refusedListed.req, refusedListed.res);
    expect(listed.heads).toEqual([[403, { 'Content-Length': '0', Vary: 'Origin' }]]);
  });

  it("appends the answer's Vary to one the response has already", () => {
    const { req, res } = exchange('OPTIONS', '/account', { origin: APP, 'access-control-request-method': 'PUT' });
    res.setHeader('Vary', 'Accept-Encoding');
    handler().handle(req, res);
    expect(res.getHeader('vary')).toBe('Accept-Encoding, Origin, Access-Control-Request-Headers');
  });

  it('sets the headers of an actual request and passes it on', () => {
    const { req, res } = exchange('GET', '/feed?x=1', { origin: APP });
    expect(handler().handle(req, res)).toBe('continue');
    expect(res.getHeader('access-control-allow-origin')).toBe('*');
    expect(res.writableEnded).toBe(false);
  });

  it('a fault in the hook lets the request go on without CORS headers', () => {
    const { req, res } = exchange('GET', '/feed', { origin: APP });
    const faulty = handler({
      pathOf: () => {
        throw new Error('boom');
      },
    });
    Logger.overrideLogger(false); // the hook logs the fault; not wanted in the test output
    try {
      expect(faulty.handle(req, res)).toBe('continue');
    } finally {
      Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
    }
    expect(res.getHeader('access-control-allow-origin')).toBeUndefined();
  });
});
