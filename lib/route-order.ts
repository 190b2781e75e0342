import { match } from 'path-to-regexp';
import { samplePath } from './route-path.js';

/** A route as Express will hold it, in registration order. */
export interface OrderedRoute<T> {
  readonly method: string;
  /** The Express path. */
  readonly path: string;
  /** The find-my-way paths it was converted to. */
  readonly radixPaths: readonly string[];
  /** Routes bound to hosts or hidden versions pass non-matching requests on, so never shadow. */
  readonly passesOn: boolean;
  readonly value: T;
}

export interface MatchingOptions {
  readonly caseSensitive: boolean;
  readonly strict: boolean;
}

/**
 * Express serves a request with the first registered route that matches it; find-my-way picks the
 * most specific. Where they differ (`GET /users/:id` declared before `GET /users/me`), the later
 * route never runs, and the table must give its paths the policy of the route that does.
 * Returns, for each shadowed route, the route that really serves the paths it declares.
 *
 * A route counts as shadowed when an earlier route of the same method matches a path built from
 * it (parameters filled in); earlier routes are found through an index of literal path prefixes,
 * so the cost stays near linear in the number of routes.
 */
export function findShadowedRoutes<T>(routes: readonly OrderedRoute<T>[], options: MatchingOptions): Map<OrderedRoute<T>, OrderedRoute<T>> {
  const shadowed = new Map<OrderedRoute<T>, OrderedRoute<T>>();
  const byPrefix = new Map<string, { index: number; route: OrderedRoute<T> }[]>();
  const matchers = new Map<OrderedRoute<T>, ((path: string) => boolean) | null>();
  const key = (prefix: string) => (options.caseSensitive ? prefix : prefix.toLowerCase());

  const matcherOf = (route: OrderedRoute<T>) => {
    if (!matchers.has(route)) {
      try {
        const fn = match(route.path, { decode: false, end: true, sensitive: options.caseSensitive, trailing: !options.strict });
        matchers.set(route, (path) => fn(path) !== false);
      } catch {
        matchers.set(route, null);
      }
    }
    return matchers.get(route)!;
  };

  routes.forEach((route, index) => {
    for (const radixPath of route.radixPaths) {
      const sample = samplePath(radixPath);
      let winner: { index: number; route: OrderedRoute<T> } | undefined;
      for (const prefix of prefixesOf(sample)) {
        for (const candidate of byPrefix.get(key(prefix)) ?? []) {
          if (winner && candidate.index > winner.index) break;
          const earlier = candidate.route;
          if (earlier.passesOn || (earlier.method !== route.method && earlier.method !== 'ALL')) continue;
          if (matcherOf(earlier)?.(sample)) winner = candidate;
        }
      }
      if (winner) {
        shadowed.set(route, winner.route);
        break;
      }
    }
    const prefix = key(literalPrefix(route.path));
    const bucket = byPrefix.get(prefix) ?? [];
    bucket.push({ index, route });
    byPrefix.set(prefix, bucket);
  });
  return shadowed;
}

/** The leading segments of an Express path that are plain text, e.g. "/api/users" of "/api/users/:id". */
function literalPrefix(path: string): string {
  const segments = path.split('/');
  let prefix = '';
  for (let i = 1; i < segments.length; i++) {
    if (/[:*{}()\\]/.test(segments[i]!)) break;
    prefix += `/${segments[i]}`;
  }
  return prefix;
}

/** "", "/a", "/a/b", … for "/a/b/…": the literal prefixes under which matching routes are indexed. */
function prefixesOf(path: string): string[] {
  const segments = path.split('/');
  const prefixes = [''];
  let prefix = '';
  for (let i = 1; i < segments.length; i++) {
    prefix += `/${segments[i]}`;
    prefixes.push(prefix);
  }
  return prefixes;
}
