// The route table against Express's own rule: a request is served by the first registered route
// whose method and path-to-regexp matcher accept it. Random route lists (static, parameter,
// wildcard and optional segments, overlapping on purpose) and random paths over the same
// alphabet; the table must name the route Express would run, or none, and a preflight's lookup
// must list exactly the methods Express serves on that very path.
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import { match } from 'path-to-regexp';
import { compilePolicy } from '../../lib/core/index.js';
import { buildExpressTable } from '../../lib/platforms/express/express-platform.js';
import { ALL_METHODS, type RouteEntry } from '../../lib/routing/route-table.js';
import type { OrderedRoute } from '../../lib/routing/routes.js';
import { fuzzParams, runs } from './fuzz-config.js';

const policy = compilePolicy({ origin: '*' });
const METHODS = ['GET', 'HEAD', 'POST', 'ALL'] as const;

const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'A') },
  { weight: 3, arbitrary: fc.constantFrom(':p', ':q') },
  { weight: 1, arbitrary: fc.constantFrom('x.:ext', ':p-:q') },
);
const ending = fc.constantFrom('', '', '', '/*rest', '{/:opt}', '{/*all}');
// As Nest's RoutePathFactory builds them: a leading slash, and no trailing slash but on '/'.
const routePath = fc.tuple(fc.array(segment, { minLength: 0, maxLength: 3 }), ending).map(([segments, end]) => {
  const path = `/${segments.join('/')}${end}`.replace(/^\/\//, '/').replace(/(.)\/$/, '$1');
  return path === '' ? '/' : path;
});
const route = fc.record({ method: fc.constantFrom(...METHODS), path: routePath });
const requestPath = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', 'A', 'c', 'x.png', 'a-b', ''), { minLength: 0, maxLength: 4 }), fc.boolean())
  .map(([segments, slash]) => `/${segments.join('/')}${slash ? '/' : ''}`.replace(/\/{3,}/g, '//'));
const requestMethod = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT');

interface Case {
  routes: { method: string; path: string }[];
  requests: { method: string; path: string }[];
}

/** Whether Express runs a route for a request with this method (GET routes answer HEAD). */
function servesMethod(route: OrderedRoute<RouteEntry>, method: string): boolean {
  return route.method === method || (route.method === 'ALL' && ALL_METHODS.includes(method)) || (method === 'HEAD' && route.method === 'GET');
}

/** Express 5's choice: the first route serving the method whose matcher (as its router's Layer builds it) accepts the path. */
function expressServes(routes: OrderedRoute<RouteEntry>[], method: string, path: string, strict: boolean): string | undefined {
  for (const r of routes) {
    if (!servesMethod(r, method)) continue;
    let matched = false;
    try {
      // Non-strict routing: the router drops the route's trailing slashes ("loosen") and allows one in the request.
      const routePath = strict || r.path === '/' ? r.path : r.path.replace(/\/+$/, '');
      matched = match(routePath, { decode: false, end: true, sensitive: false, trailing: !strict })(path) !== false;
    } catch {
      matched = false;
    }
    if (matched) return r.value.label;
  }
  return undefined;
}

function check({ routes: specs, requests }: Case, strict: boolean): void {
  const routes: OrderedRoute<RouteEntry>[] = specs.map(({ method, path }, i) => ({
    method,
    path,
    passesOn: false,
    value: { policy, label: `#${i} ${method} ${path}` },
  }));
  const { table } = buildExpressTable(routes, { caseSensitive: false, ignoreTrailingSlash: !strict });
  const list = () => routes.map((r) => r.value.label).join(' | ');
  for (const { method, path } of requests) {
    const expected = expressServes(routes, method, path, strict);
    const actual = table.find(method, path)?.label;
    if (actual !== expected) {
      throw new Error(`${method} ${path}: Express serves ${expected ?? 'nothing'}, the table says ${actual ?? 'nothing'}\nroutes: ${list()}`);
    }
    const servedByExpress = ALL_METHODS.filter((m) => expressServes(routes, m, path, strict) !== undefined).sort();
    const preflight = table.lookupPreflight(method, path);
    const servedByTable = [...(preflight.served?.names ?? [])].sort();
    if (servedByTable.join() !== servedByExpress.join() || preflight.entry?.label !== expected) {
      throw new Error(
        `preflight for ${method} ${path}: Express serves ${servedByExpress.join(',') || 'nothing'} (${method} by ${expected ?? 'nothing'}), ` +
          `the table says ${servedByTable.join(',') || 'nothing'} (${preflight.entry?.label ?? 'nothing'})\nroutes: ${list()}`,
      );
    }
  }
}

const cases = fc.record({
  routes: fc.array(route, { minLength: 1, maxLength: 8 }),
  requests: fc.array(fc.record({ method: requestMethod, path: requestPath }), { minLength: 1, maxLength: 12 }),
});

describe('route table vs Express route order (property)', () => {
  it('names the route Express serves, with non-strict routing (the default)', () => {
    fc.assert(
      fc.property(cases, (c) => check(c, false)),
      fuzzParams('route order, non-strict', runs(3000)),
    );
  });

  it('names the route Express serves, with strict routing', () => {
    fc.assert(
      fc.property(cases, (c) => check(c, true)),
      fuzzParams('route order, strict', runs(1500)),
    );
  });
});
