// The most-specific table (Fastify's route table) against find-my-way itself, the router Fastify
// serves requests with: random route lists (literal, parameter, regex, multi-parameter and
// wildcard segments, `::` escapes, overlapping on purpose) under random router settings, and
// random request targets over the same alphabet (percent-encoding, query strings, fragments,
// semicolons, absolute form, duplicate and trailing slashes, case). The table must name the route
// find-my-way finds for the method, or none, and a preflight's lookup must list exactly the
// methods find-my-way serves on that very path.
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import FindMyWay from 'find-my-way';
import { compilePolicy } from '../../lib/core/index.js';
import { compileFastifyPath, decodeFastifyParam, normalizeFastifyTarget, type FastifyMatching } from '../../lib/platforms/fastify/fastify-path.js';
import { MostSpecificTable } from '../../lib/routing/most-specific-table.js';
import type { RouteEntry } from '../../lib/routing/route-table.js';
import type { OrderedRoute } from '../../lib/routing/routes.js';
import { fuzzParams, runs } from './fuzz-config.js';

const policy = compilePolicy({ origin: '*' });
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;

const segment = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('a', 'b', 'ab', 'A', 'users', 'x.y', '100%', 'a::b', 'é') },
  { weight: 4, arbitrary: fc.constantFrom(':p', ':q') },
  { weight: 2, arbitrary: fc.constantFrom(':id(^\\d+)', ':id(^[a-z]+)', ':f.:e', ':a-:b', ':n.json', ':n.JSON', ':lat,:lng') },
);
const ending = fc.constantFrom('', '', '', '/', '/*', '/:opt?');
const routePath = fc.tuple(fc.array(segment, { minLength: 0, maxLength: 3 }), ending).map(([segments, end]) => {
  const path = `/${segments.join('/')}${end}`.replace(/^\/\//, '/');
  return path === '' ? '/' : path;
});
const route = fc.record({ method: fc.constantFrom(...METHODS), path: routePath });

const requestSegment = fc.constantFrom('a', 'A', 'b', 'ab', 'users', 'USERS', '12', 'x.y', 'f.e', 'a-b', 'n.json', 'n.JSON', '1,2', '', 'é', '%C3%A9');
const escapes = fc.constantFrom('%41', '%2F', '%2f', '%25', '%3A', '%zz', '%', '100%25', 'a%2Fb', 'a::b', 'a:b', 'x'.repeat(12));
const requestTarget = fc
  .tuple(
    fc.array(fc.oneof({ weight: 5, arbitrary: requestSegment }, { weight: 1, arbitrary: escapes }), { minLength: 0, maxLength: 4 }),
    fc.constantFrom('', '', '/', '//', '?q=1', '?q=/a', '#frag', ';jsessionid=1'),
    fc.constantFrom('', '', '', 'http://host', 'HTTP://host:8080', 'http://host?x', 'ftp://h', '*'),
  )
  .map(([segments, end, prefix]) => {
    const path = `/${segments.join('/')}${end}`;
    if (prefix === '*') return '*';
    return prefix === 'http://host?x' ? `${prefix}${path}` : `${prefix}${path}`;
  });

const matching = fc.record({
  caseSensitive: fc.boolean(),
  ignoreTrailingSlash: fc.boolean(),
  ignoreDuplicateSlashes: fc.boolean(),
  useSemicolonDelimiter: fc.boolean(),
  maxParamLength: fc.constantFrom(100, 3, 10),
});

interface Case {
  matching: FastifyMatching;
  routes: { method: string; path: string }[];
  targets: string[];
}

function check({ matching, routes: specs, targets }: Case): void {
  const routerOf = (list: OrderedRoute<RouteEntry>[]) => {
    const router = FindMyWay({ ...matching, allowUnsafeRegex: true });
    for (const r of list) router.on(r.method as 'GET', r.path, () => undefined, r.value);
    return router;
  };
  const routes: OrderedRoute<RouteEntry>[] = [];
  for (const [i, { method, path }] of specs.entries()) {
    const candidate = { method, path, passesOn: false, value: { policy, label: `#${i} ${method} ${path}` } };
    try {
      // A route find-my-way refuses (a duplicate, an optional parameter one form of which is a
      // duplicate) may be half registered: each list is registered afresh.
      routerOf([...routes, candidate]);
    } catch {
      continue;
    }
    routes.push(candidate);
  }
  const router = routerOf(routes);
  const built = MostSpecificTable.build(routes, {
    compile: (path) => compileFastifyPath(path, matching),
    normalize: (target) => normalizeFastifyTarget(target, matching),
    maxParamLength: matching.maxParamLength,
    decodeParam: decodeFastifyParam,
    headFromGet: false,
  });
  // Outside what the table represents: the platform uses its find-my-way mirror instead.
  if (!built) return;
  const { table } = built;
  const list = () => `${JSON.stringify(matching)}\nroutes: ${routes.map((r) => r.value.label).join(' | ')}`;
  const fmw = (method: string, target: string) => (router.find(method as 'GET', target)?.store as RouteEntry | undefined)?.label;
  for (const target of targets) {
    const served = METHODS.filter((m) => fmw(m, target) !== undefined);
    for (const method of METHODS) {
      const expected = fmw(method, target);
      const actual = table.find(method, target)?.label;
      if (actual !== expected) throw new Error(`${method} ${target}: find-my-way finds ${expected ?? 'nothing'}, the table ${actual ?? 'nothing'}\n${list()}`);
      const preflight = table.lookupPreflight(method, target);
      const listed = [...(preflight.served?.names ?? [])].sort();
      if (listed.join() !== [...served].sort().join() || preflight.entry?.label !== expected) {
        throw new Error(
          `preflight for ${method} ${target}: find-my-way serves ${served.join(',') || 'nothing'} (${method} by ${expected ?? 'nothing'}), ` +
            `the table ${listed.join(',') || 'nothing'} (${preflight.entry?.label ?? 'nothing'})\n${list()}`,
        );
      }
    }
  }
}

const cases = fc.record({
  matching,
  routes: fc.array(route, { minLength: 1, maxLength: 10 }),
  targets: fc.array(requestTarget, { minLength: 1, maxLength: 12 }),
});

describe('most-specific table vs find-my-way (property)', () => {
  it('names the route find-my-way finds, and the methods it serves on the path', () => {
    fc.assert(
      fc.property(cases, (c) => check(c)),
      fuzzParams('most-specific table vs find-my-way', runs(3000)),
    );
  });
});
