// The report without Nest: records from resolved routes and an Express table (what the bootstrap
// hands over), the table and start-up lines rendered from them, and explain() on a bare handler.
import { describe, expect, it } from '@jest/globals';
import type { CorsModuleOptions } from '../../../lib/index.js';
import { explainRequest } from '../../../lib/inspection/explain.js';
import { describePolicy, formatReport, startupLog, summarizeReport } from '../../../lib/inspection/report-format.js';
import { buildRouteReport } from '../../../lib/inspection/route-report.js';
import { buildExpressTable, expressPathOf } from '../../../lib/platforms/express/express-platform.js';
import { CorsRequestHandler } from '../../../lib/request/cors-request-handler.js';
import { resolveRoutes, type RouteDeclaration } from '../../../lib/resolution/resolve-routes.js';

const APP = 'https://app.example.com';

function declaration(method: string, path: string, cors: RouteDeclaration['cors'] = {}, extra: Partial<RouteDeclaration> = {}): RouteDeclaration {
  return {
    method,
    path,
    label: `${method} ${path} (C.h)`,
    controllerName: 'C',
    handlerName: 'h',
    controllerRef: {},
    handlerRef: {},
    cors,
    stacked: { controller: false, handler: false },
    passesOn: false,
    ...extra,
  };
}

function report(declarations: RouteDeclaration[], options: CorsModuleOptions) {
  const resolved = resolveRoutes(declarations, options);
  expect(resolved.problems).toEqual([]);
  const built = buildExpressTable(resolved.routes, { caseSensitive: false, ignoreTrailingSlash: true });
  const records = buildRouteReport({ resolved: resolved.resolved, fallback: resolved.fallback, neverReached: built.neverReached });
  const handler = new CorsRequestHandler({ table: built.table, fallback: resolved.fallback, singlePolicy: false, debug: false, pathOf: expressPathOf });
  return { records, handler };
}

describe('buildRouteReport', () => {
  it('origins in readable form: as configured, RegExps by source, reflected, functions by name', () => {
    const named = function allowList(): boolean {
      return true;
    };
    const { records } = report(
      [
        declaration('GET', '/list', { handler: { options: { origin: ['https://*.example.com', /^https:\/\/[a-z]+\.example\.org$/i] } } }),
        declaration('GET', '/reflect', { handler: { options: { origin: true } } }),
        declaration('GET', '/inline', { handler: { options: { origin: (o: string | undefined) => o === APP } } }),
        declaration('GET', '/named', { handler: { options: { origin: named } } }),
        declaration('GET', '/closed', { handler: { options: { origin: false } } }),
      ],
      { origin: APP },
    );
    expect(Object.fromEntries(records.map((r) => [r.path, r.policy.origins]))).toEqual({
      '/closed': [],
      '/inline': ['origin function'],
      '/list': ['https://*.example.com', '/^https:\\/\\/[a-z]+\\.example\\.org$/i'],
      '/named': ['origin function (allowList)'],
      '/reflect': ['any origin, reflected'],
      '*': [APP],
    });
  });

  it('the handler is the controller alone where no method name is known; bindings and shadowing are said', () => {
    const { records } = report(
      [
        declaration('GET', '/a/:id', { handler: { options: { origin: '*' } } }, { label: 'GET /a/:id (C.one)' }),
        declaration('GET', '/a/me', {}, { label: 'GET /a/me (C.me)', handlerName: undefined }),
        declaration('GET', '/v', {}, { label: 'GET /v (C.v) [version 2]', discriminator: 'version 2', passesOn: true }),
      ],
      { origin: APP },
    );
    expect(records.find((r) => r.path === '/a/me')).toMatchObject({ handler: 'C', shadowedBy: 'GET /a/:id (C.one)' });
    expect(records.find((r) => r.path === '/v')).toMatchObject({ boundTo: 'version 2', shadowedBy: null });
    const table = formatReport(records);
    expect(table).toMatch(/ {2}GET +\/a\/me +C +GET, HEAD +global \(never reached: GET \/a\/:id \(C\.one\) serves its paths\)/);
    expect(table).toMatch(/ {2}GET +\/v \[version 2\] +C\.h +GET, HEAD +global/);
  });

  it('where a policy comes from, step by step', () => {
    const { records } = report(
      [
        declaration('GET', '/c', { controller: {} }),
        declaration('GET', '/n', { controller: { policy: 'p', options: { maxAge: 5 } }, handler: { options: { exposedHeaders: ['X'] } } }),
        declaration('GET', '/h', { controller: { options: { maxAge: 5 } }, handler: { policy: 'p' } }),
      ],
      { origin: APP, policies: { p: { origin: '*' } } },
    );
    expect(Object.fromEntries(records.map((r) => [r.path, r.from]))).toEqual({
      '/c': ['global', 'controller @Cors()'],
      '/n': ['policy "p" (controller @Cors)', 'controller @Cors: maxAge', 'handler @Cors: exposedHeaders'],
      '/h': ['policy "p" (handler @Cors)'],
      '*': ['global'],
    });
  });
});

describe('describePolicy and the table', () => {
  it('says every field that differs from the defaults, and nothing of those that do not', () => {
    const { records } = report(
      [
        declaration('GET', '/x', {
          handler: { options: { allowedHeaders: [], allowPrivateNetwork: true, optionsSuccessStatus: 200, methods: 'GET' } },
        }),
        declaration('GET', '/y', { handler: { options: { preflightContinue: true } } }),
      ],
      { origin: APP },
    );
    expect(describePolicy(records[0]!)).toBe(`open to ${APP}; methods GET; allowed headers (none); private network access; preflights answered 200`);
    expect(describePolicy(records[1]!)).toBe(`open to ${APP}; allowed preflights passed on to the application`);
    expect(describePolicy({ ...records[1]!, policy: { ...records[1]!.policy, origins: [] } })).toBe('closed: no origin allowed');
  });

  it('the start-up summary: one line per policy, three routes named and how many more', () => {
    const { records } = report(
      ['/1', '/2', '/3', '/4', '/5'].map((path) => declaration('GET', path, { handler: { options: { origin: '*' } } })),
      { origin: APP },
    );
    expect(summarizeReport(records)).toEqual([
      'open to *: 5 routes (GET /1 (C.h), GET /2 (C.h), GET /3 (C.h) and 2 more)',
      `open to ${APP}: 0 routes and paths no route serves`,
    ]);
    expect(startupLog(records, false)).toEqual(summarizeReport(records));
    expect(startupLog(records, true)).toEqual(formatReport(records).split('\n').filter(Boolean));
    expect(formatReport(records).split('\n')[0]).toBe('CORS surface: 5 routes in 2 policies');
  });
});

describe('explainRequest', () => {
  const { handler } = report([declaration('PUT', '/p', { handler: { options: { allowPrivateNetwork: true, allowedHeaders: ['x-a', 'x-b'] } } })], {
    origin: APP,
  });

  it('takes request headers as a header value or a list, and the Private Network Access flag', () => {
    const asList = explainRequest(handler, expressPathOf, {
      method: 'options',
      path: '/p?q=1',
      origin: APP,
      requestMethod: 'PUT',
      requestHeaders: ['X-A', 'x-b'],
      requestPrivateNetwork: true,
    });
    expect(asList).toMatchObject({ allowed: true, status: 204, route: 'PUT /p (C.h)', preflight: true });
    expect(asList).toHaveProperty(['headers', 'Access-Control-Allow-Private-Network'], 'true');
    const asValue = explainRequest(handler, expressPathOf, { method: 'OPTIONS', path: '/p', origin: APP, requestMethod: 'PUT', requestHeaders: 'x-a, x-c' });
    expect(asValue).toMatchObject({ allowed: false, status: 403, reason: 'header', detail: 'request header x-c is not allowed (allowed: x-a,x-b)' });
  });

  it('a request without Origin: no CORS headers, no refusal reason', () => {
    expect(explainRequest(handler, expressPathOf, { method: 'PUT', path: '/p' })).toEqual({
      allowed: false,
      headers: {},
      vary: ['Origin'],
      route: 'PUT /p (C.h)',
      preflight: false,
    });
  });
});
