import { match } from 'path-to-regexp';
import { samplePath } from './route-path.js';

/** A route as Express will hold it, in registration order. */
export interface OrderedRoute<T> {
  readonly method: string;
  /** The Express path. */
  readonly path: string;
  /** The find-my-way paths it was converted to. */
  readonly radixPaths: readonly string[];
  /** Routes bound to hosts or hidden versions pass non-matching requests on, so never win over later ones. */
  readonly passesOn: boolean;
  readonly value: T;
}

export interface MatchingOptions {
  readonly caseSensitive: boolean;
  readonly strict: boolean;
}

/** An earlier route that Express may serve instead, on the paths its matcher accepts. */
export interface Rival<T> {
  readonly route: OrderedRoute<T>;
  /** Express's own test (path-to-regexp, as Express 5 compiles it) of a request path. */
  readonly matches: (path: string) => boolean;
}

/** Whether Express runs this route for a request with this method (GET routes answer HEAD). */
export function servesMethod(route: Pick<OrderedRoute<unknown>, 'method'>, method: string): boolean {
  return route.method === method || route.method === 'ALL' || (method === 'HEAD' && route.method === 'GET');
}

/**
 * Express serves a request with the first registered route that matches it; find-my-way returns
 * the most specific match. They differ where an earlier route is less specific than a later one
 * somewhere in the path (`GET /users/:id` declared before `GET /users/me`, `/:id` before
 * `/*rest`, `/g/:x` before `/g{/:x}`), and then the earlier route's policy must apply.
 *
 * Returns, for each route and each of its find-my-way paths, the earlier routes that may serve
 * some of its requests although find-my-way would pick this one; the table checks them, in
 * registration order, with Express's own matcher at lookup time. Earlier routes that are more
 * specific at the first segment where the two differ are left out: find-my-way picks them itself
 * wherever both match. Candidates are found through an index of literal path prefixes, so the
 * cost stays near linear in the number of routes; most routes have no rival at all.
 */
export function findRivals<T>(routes: readonly OrderedRoute<T>[], options: MatchingOptions): Map<OrderedRoute<T>, Map<string, Rival<T>[]>> {
  const rivals = new Map<OrderedRoute<T>, Map<string, Rival<T>[]>>();
  const byPrefix = new Map<string, OrderedRoute<T>[]>();
  const position = new Map(routes.map((route, index) => [route, index]));
  const matchers = new Map<OrderedRoute<T>, Rival<T>>();
  const key = (prefix: string) => (options.caseSensitive ? prefix : prefix.toLowerCase());
  const rivalOf = (route: OrderedRoute<T>): Rival<T> => {
    let rival = matchers.get(route);
    if (!rival) {
      rival = { route, matches: expressMatcher(route.path, options) };
      matchers.set(route, rival);
    }
    return rival;
  };

  for (const route of routes) {
    for (const radixPath of route.radixPaths) {
      const found: OrderedRoute<T>[] = [];
      for (const prefix of prefixesOf(samplePath(radixPath))) {
        for (const earlier of byPrefix.get(key(prefix)) ?? []) {
          if (earlier.passesOn || !sharesAMethod(earlier, route) || found.includes(earlier)) continue;
          if (earlier.radixPaths.some((other) => mayServeInstead(other, radixPath, options))) found.push(earlier);
        }
      }
      if (found.length === 0) continue;
      found.sort((a, b) => position.get(a)! - position.get(b)!);
      let perPath = rivals.get(route);
      if (!perPath) rivals.set(route, (perPath = new Map()));
      perPath.set(radixPath, found.map(rivalOf));
    }
    // A route declared with a trailing slash may win anywhere (see mayServeInstead): index it
    // where every lookup looks.
    const declaredWithSlash = !options.strict && route.radixPaths.some((path) => path.length > 1 && path.endsWith('/'));
    const prefix = declaredWithSlash ? '' : key(literalPrefix(route.path));
    const bucket = byPrefix.get(prefix) ?? [];
    bucket.push(route);
    byPrefix.set(prefix, bucket);
  }
  return rivals;
}

/**
 * The earlier route that serves every request of this one, when that is certain: each of its
 * paths is declared by an earlier route too, or is static and matched by an earlier route.
 */
export function isNeverReached<T>(route: OrderedRoute<T>, rivals: ReadonlyMap<string, readonly Rival<T>[]> | undefined): OrderedRoute<T> | undefined {
  let servedBy: OrderedRoute<T> | undefined;
  for (const radixPath of route.radixPaths) {
    const isStatic = !/[:*]/.test(radixPath.replace(/::/g, ''));
    const rival = rivals
      ?.get(radixPath)
      ?.find((r) => r.route.radixPaths.includes(radixPath) || (isStatic && r.matches(radixPath.replace(/::/g, ':'))));
    if (!rival) return undefined;
    servedBy ??= rival.route;
  }
  return servedBy;
}

function sharesAMethod(a: OrderedRoute<unknown>, b: OrderedRoute<unknown>): boolean {
  return a.method === 'ALL' || b.method === 'ALL' || servesMethod(a, b.method) || servesMethod(b, a.method);
}

/**
 * Whether a request that find-my-way gives to `later` may match `earlier` (both find-my-way
 * paths). False only where certain: the two cannot match one path, or `earlier` is more specific
 * at the first segment where they differ (static beats parameter beats wildcard, whole segments
 * only), so find-my-way would have picked it (or a route more specific still) itself.
 */
function mayServeInstead(earlier: string, later: string, options: MatchingOptions): boolean {
  const a = segmentsOf(earlier, options);
  const b = segmentsOf(later, options);
  // A route declared with a trailing slash is looked up only once the slash-less path found
  // nothing, so find-my-way's preference between the two is not known.
  let diverged = !options.strict && earlier.length > 1 && earlier.endsWith('/');
  for (let i = 0; ; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return x === undefined && y === undefined;
    if (!diverged) {
      if (x === y) {
        if (x.endsWith('*')) return true;
        continue;
      }
      const kx = kindOf(x);
      const ky = kindOf(y);
      if (kx === 'static' && ky === 'static') return false;
      if (kx !== 'mixed' && ky !== 'mixed' && rank(kx) < rank(ky)) return false;
      diverged = true;
    }
    if (x.includes('*') || y.includes('*')) return true;
    if (kindOf(x) === 'static' && kindOf(y) === 'static' && x !== y) return false;
  }
}

/** A segment of a find-my-way path: whole-segment static, parameter or wildcard, or a mix. */
type SegmentKind = 'static' | 'param' | 'wildcard' | 'mixed';

function kindOf(segment: string): SegmentKind {
  if (segment === '*') return 'wildcard';
  // `::` is an escaped colon; any other colon starts a parameter.
  const unescaped = segment.replace(/::/g, '');
  if (!unescaped.includes(':') && !unescaped.includes('*')) return 'static';
  return /^:p\d+$/.test(segment) ? 'param' : 'mixed';
}

function rank(kind: Exclude<SegmentKind, 'mixed'>): number {
  return kind === 'static' ? 0 : kind === 'param' ? 1 : 2;
}

function segmentsOf(radixPath: string, options: MatchingOptions): string[] {
  let path = options.caseSensitive ? radixPath : radixPath.toLowerCase();
  // Non-strict routing: one trailing slash is optional on both sides.
  if (!options.strict && path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path.split('/').slice(1);
}

/** Express 5's test of a request path against a route path (path-to-regexp v8, as its router compiles it). */
export function expressMatcher(path: string, options: MatchingOptions): (path: string) => boolean {
  try {
    const fn = match(path, { decode: false, end: true, sensitive: options.caseSensitive, trailing: !options.strict });
    return (requestPath) => {
      try {
        return fn(requestPath) !== false;
      } catch {
        return false;
      }
    };
  } catch {
    // A path path-to-regexp cannot compile is not one Express serves either.
    return () => false;
  }
}

/** The leading segments of an Express path that are plain text, e.g. "/api/users" of "/api/users/:id". */
function literalPrefix(path: string): string {
  const segments = path.split('/');
  let prefix = '';
  for (let i = 1; i < segments.length; i++) {
    if (segments[i] === '' || /[:*{}()\\]/.test(segments[i]!)) break;
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
