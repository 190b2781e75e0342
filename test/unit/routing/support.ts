// Route tables built the one way the library builds them, from [method, path, label] lists.
import { compilePolicy } from '../../../lib/core/index.js';
import { buildExpressTable } from '../../../lib/platforms/express/express-platform.js';
import type { ExpressMatching } from '../../../lib/platforms/express/express-path.js';
import type { RouteEntry } from '../../../lib/routing/route-table.js';
import type { OrderedRoute, RouteFilter, RouteRequest } from '../../../lib/routing/routes.js';

export type RouteSpec = [method: string, path: string, label: string, filter?: RouteFilter];

export const open = compilePolicy({ origin: '*' });
export const closed = compilePolicy({ origin: false });

export function orderedRoutes(specs: RouteSpec[], policy = open): OrderedRoute<RouteEntry>[] {
  return specs.map(([method, path, label, filter]) => ({ method, path, passesOn: filter !== undefined, filter, value: { policy, label } }));
}

/** An Express route table (defaults: case-insensitive, non-strict) with helpers to read it. */
export function expressTable(specs: RouteSpec[] | OrderedRoute<RouteEntry>[], matching: Partial<ExpressMatching> = {}) {
  const routes = specs.every(Array.isArray) ? orderedRoutes(specs as RouteSpec[]) : (specs as OrderedRoute<RouteEntry>[]);
  const built = buildExpressTable(routes, { caseSensitive: false, ignoreTrailingSlash: true, ...matching });
  return {
    ...built,
    routes,
    served: (method: string, path: string, request?: RouteRequest) => built.table.find(method, path, request)?.label,
    methods: (path: string) => [...(built.table.lookupPreflight('GET', path).served?.names ?? [])].sort(),
  };
}

/** An actual request (or a preflight) with these headers, as route filters see it. */
export function requestWith(headers: Record<string, string>, preflight = false): RouteRequest {
  return { headers, preflight };
}
