// The vocabulary of route lookup, defined once here and used by the tables and the platforms:
//
// - route: a method (or `ALL`) and a path as the framework registered them, in registration order.
// - filter, passes on: a route bound to hosts or to versions not in the path (header, media type,
//   custom) serves only the requests its filter accepts and hands the others on to later routes.
//   A preflight carries the Host of the request it announces but not its version header or Accept
//   header: a version filter cannot tell, and the route counts as one that may serve it.
// - same path: two routes that serve one method on one path pattern; the later one is reached only
//   where the earlier one passes the request on.
// - never reached: every path of a route is served by an earlier one, so its policy never applies.

/** A Nest version: a string, VERSION_NEUTRAL (a symbol), or a list of them. */
export type RouteVersion = string | symbol | readonly (string | symbol)[];

/** What binds a route to some requests beyond method and path, as Nest declares it. */
export interface RouteFilter {
  /** Host patterns (path-to-regexp syntax, or RegExps). */
  readonly hosts?: readonly (string | RegExp)[];
  /** The route's version and the application's versioning options, for versioning other than URI. */
  readonly version?: RouteVersion;
  readonly versioning?: {
    readonly type: number;
    readonly header?: string;
    readonly key?: string;
    readonly extractor?: (request: never) => string | string[];
  };
}

/** A request as filters see it. */
export interface RouteRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** A preflight: it has no version header nor the Accept header of the request it announces. */
  readonly preflight: boolean;
  /** The raw request, when there is one (a trusted proxy's forwarded host, custom version extractors). */
  readonly raw?: unknown;
}

/** A filter as a platform applies it: true or false, or undefined when the request cannot tell. */
export type RouteAcceptance = (request: RouteRequest) => boolean | undefined;

/** A route as the framework holds it, in registration order. */
export interface OrderedRoute<T> {
  /** Upper-case method, or `ALL`. */
  readonly method: string;
  /** The path in the framework's own syntax. */
  readonly path: string;
  /** See "passes on" above: true when the route has a filter. */
  readonly passesOn: boolean;
  readonly filter?: RouteFilter;
  readonly value: T;
}

/** A later route on the same method and path pattern as an earlier one. */
export interface SamePath<T> {
  readonly route: OrderedRoute<T>;
  readonly earlier: OrderedRoute<T>;
}

/** A route whose every path an earlier route serves. */
export interface NeverReached<T> {
  readonly route: OrderedRoute<T>;
  readonly servedBy: OrderedRoute<T>;
}
