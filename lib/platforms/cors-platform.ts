import type { IncomingMessage } from 'node:http';
import type { CorsRequestHandler } from '../request/cors-request-handler.js';
import type { RouteEntry, RouteTable } from '../routing/route-table.js';
import type { NeverReached, OrderedRoute, SamePath } from '../routing/routes.js';

/** The part of Nest's HTTP adapter that platforms read. */
export interface HttpAdapterLike {
  getInstance(): unknown;
  getType?(): string;
  getRouteMatchingOptions?(): { caseSensitive?: boolean; ignoreTrailingSlash?: boolean; maxParamLength?: number };
}

/** A route table with what building it revealed about the routes. */
export interface RouteTableBuild {
  readonly table: RouteTable;
  /** Later routes on the same method and path pattern as an earlier one. */
  readonly samePaths: readonly SamePath<RouteEntry>[];
  /** Routes that an earlier route always serves instead. */
  readonly neverReached: readonly NeverReached<RouteEntry>[];
}

/**
 * One HTTP platform (Express, …): everything the rest of the library needs to know about it.
 * The request hook itself (lib/request) is the same on every platform: raw request in, headers out.
 */
export interface CorsPlatform {
  /** As Nest names it (`adapter.getType()`). */
  readonly name: string;
  /** The Nest package of its adapter, for messages. */
  readonly packageName: string;
  /** Whether this platform serves the application's HTTP adapter. */
  supports(adapter: HttpAdapterLike): boolean;
  /** Builds the route table with the framework's own matching rules, read from the adapter. */
  buildTable(adapter: HttpAdapterLike, routes: readonly OrderedRoute<RouteEntry>[]): RouteTableBuild;
  /**
   * What the table looks a request up by: the path the framework routes it on, without query
   * string (Express), or the request target as received, for a table that reads targets as its
   * router does (Fastify); undefined when it cannot parse the target.
   */
  pathOf(req: IncomingMessage): string | undefined;
  /** Runs the handler ahead of everything the framework does with a request. */
  install(adapter: HttpAdapterLike, handler: CorsRequestHandler): void;
}
