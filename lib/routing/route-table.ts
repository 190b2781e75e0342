import { METHODS } from 'node:http';
import type { CompiledPolicy, MethodSet } from '../core/index.js';
import type { RouteRequest } from './routes.js';

/** What the table holds for one route: the policy of its handler, and a label for logs and reports. */
export interface RouteEntry {
  readonly policy: CompiledPolicy;
  /** e.g. `GET /api/users/:id (UsersController.findOne)`. */
  readonly label: string;
}

/** What a preflight's lookup found on a path. */
export interface PreflightLookup {
  /** The route that serves the requested method there; undefined when none does. */
  readonly entry?: RouteEntry;
  /** The methods served on that very path; undefined when no route knows the path. */
  readonly served?: MethodSet;
}

/**
 * Maps (method, path) to the route the HTTP framework serves it with, in time that does not grow
 * with the number of routes. Built once at bootstrap by a platform; read-only afterwards.
 */
export interface RouteTable {
  /**
   * The route serving this method on this path (without query string), if any. Routes with a
   * filter (host, version) are judged against `request`; without it, they may serve any request.
   */
  find(method: string, path: string, request?: RouteRequest): RouteEntry | undefined;
  /** The route serving a preflight's requested method on this path, with every method served there. */
  lookupPreflight(method: string, path: string, request?: RouteRequest): PreflightLookup;
  /**
   * For frameworks that route a request before the hook runs (Fastify): the route the framework
   * matched, read from its own record of the request (`routed`) instead of looking the path up;
   * undefined when it matched none (a 404), or when the route's filter turns the request away.
   */
  findRouted?(routed: unknown, request: RouteRequest): RouteEntry | undefined;
}

/**
 * The methods an ALL route serves: every method Node.js parses (http.METHODS), except those no
 * browser may send (the Fetch standard's forbidden methods).
 */
export const ALL_METHODS: readonly string[] = METHODS.filter((method) => method !== 'CONNECT' && method !== 'TRACE' && method !== 'TRACK');
