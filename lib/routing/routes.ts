// The vocabulary of route lookup, defined once here and used by the tables and the platforms:
//
// - route: a method (or `ALL`) and a path as the framework registered them, in registration order.
// - passes on: a route bound to hosts or to versions not in the path (header, media type) hands
//   the requests it does not accept to later routes. A browser cannot steer a preflight to one of
//   them, so such a route yields to any other route that serves the same request.
// - same path: two routes that serve one method on one path pattern; the later one is reached only
//   where the earlier one passes the request on.
// - never reached: every path of a route is served by an earlier one, so its policy never applies.

/** A route as the framework holds it, in registration order. */
export interface OrderedRoute<T> {
  /** Upper-case method, or `ALL`. */
  readonly method: string;
  /** The path in the framework's own syntax. */
  readonly path: string;
  /** See "passes on" above. */
  readonly passesOn: boolean;
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
