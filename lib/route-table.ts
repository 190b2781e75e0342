import { METHODS } from 'node:http';
import FindMyWay from 'find-my-way';
import { methodSet, type CompiledPolicy, type MethodSet } from './core/index.js';
import { servesMethod, type OrderedRoute, type Rival } from './route-order.js';
import { samplePath } from './route-path.js';

/** One entry of the table: the policy of the handler serving a method on a path. */
export interface RouteEntry {
  readonly policy: CompiledPolicy;
  /** e.g. `GET /api/users/:id (UsersController.findOne)`, for logs. */
  readonly label: string;
}

export interface RouteTableOptions {
  readonly caseSensitive?: boolean;
  /** Express's non-strict routing: a path also matches with one trailing slash added. */
  readonly ignoreTrailingSlash?: boolean;
}

/** The radix trees are keyed by method; these are the methods Nest routes can have besides ALL. */
type RadixMethod = Parameters<FindMyWay.Instance<FindMyWay.HTTPVersion.V1>['find']>[0];

const NOOP = () => undefined;

/** What the radix tree stores for one method and path pattern. */
interface Slot {
  entry: RouteEntry;
  readonly pattern: string;
  /** Registration order of the route: Express serves the first one that matches. */
  order: number;
  /** Earlier routes Express may serve instead on some of the pattern's paths, in order. */
  rivals: readonly Rival<RouteEntry>[] | undefined;
}

/** What a lookup found: the entry that decides, and the pattern the path matched (if one did). */
interface Match {
  readonly entry: RouteEntry;
  readonly pattern: string | undefined;
}

interface ImplicitHead {
  readonly path: string;
  readonly entry: RouteEntry;
  readonly order: number;
  /** All of the GET route's rivals; those serving HEAD are kept only if HEAD routes exist. */
  readonly rivals: readonly Rival<RouteEntry>[] | undefined;
}

/** A preflight's match: the route serving the requested method, and the methods its path serves. */
export interface PreflightMatch {
  readonly entry: RouteEntry;
  readonly served: MethodSet;
}

/**
 * Maps (method, path) to the policy of the route that Express serves it with, in time that does
 * not grow with the number of routes: a radix tree per method, plus Express's own matcher for the
 * few earlier routes that overlap the one found. Built once at bootstrap; read-only afterwards.
 */
export class RouteTable {
  private readonly router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  private readonly methods = new Set<string>();
  private readonly keys = new Map<string, Slot>();
  /** Methods served per pattern, filled on first use: bounded by the routes, never by requests. */
  private readonly servedByPattern = new Map<string, MethodSet>();
  private readonly implicitHead: ImplicitHead[] = [];
  private added = 0;
  /** Routes that may match paths with empty segments (wildcards, `//`), in registration order. */
  private readonly openEnded: Rival<RouteEntry>[] = [];
  /** Without explicit HEAD routes, a HEAD request is looked up as the GET it is served by. */
  private headIsGet = false;

  private readonly stripTrailingSlash: boolean;
  private readonly caseSensitive: boolean;

  constructor(options: RouteTableOptions = {}) {
    this.stripTrailingSlash = options.ignoreTrailingSlash ?? true;
    this.caseSensitive = options.caseSensitive ?? false;
    this.router = FindMyWay({
      caseSensitive: this.caseSensitive,
      // find-my-way would also drop a slash the route requires (`/files/` matching `/files`),
      // which Express does not: the one extra slash Express allows is stripped in lookups instead.
      ignoreTrailingSlash: false,
      // Express matches parameters of any length; a shorter limit would let a long path fall
      // through to the global policy.
      maxParamLength: Number.MAX_SAFE_INTEGER,
    });
  }

  /**
   * Adds a route's path; call in the order Express holds the routes. `rivals` are the earlier
   * routes that Express may serve instead on some of its paths (see findRivals). Returns the entry
   * already registered for the same method and path, if any, so that the caller can check
   * whether the later handler is ever reached, or both must have the same policy.
   */
  add(method: string, radixPath: string, entry: RouteEntry, rivals?: readonly Rival<RouteEntry>[]): RouteEntry | undefined {
    // Express answers ALL with one handler for every method, and HEAD with the first GET or HEAD
    // route that matches (decided in seal(), once explicit HEAD routes are known).
    const methods = method === 'ALL' ? ALL_METHODS : [method];
    const order = this.added++;
    if (method === 'GET') this.implicitHead.push({ path: radixPath, entry, order, rivals });
    let existing: RouteEntry | undefined;
    for (const m of methods) {
      const previous = this.keys.get(this.keyOf(m, radixPath));
      if (previous) {
        existing ??= previous.entry;
        continue;
      }
      this.register(m, radixPath, { entry, pattern: radixPath, order, rivals: rivalsFor(rivals, m) });
    }
    return existing;
  }

  /**
   * Adds every path of a route (see add()), with Express's matcher for the rare requests that
   * find-my-way matches more loosely than Express. Returns the entries already registered on
   * the same method and path.
   */
  addRoute(route: OrderedRoute<RouteEntry>, rivals: ReadonlyMap<string, readonly Rival<RouteEntry>[]> | undefined, matches: (path: string) => boolean): RouteEntry[] {
    const existing = new Set<RouteEntry>();
    for (const radixPath of route.radixPaths) {
      const previous = this.add(route.method, radixPath, route.value, rivals?.get(radixPath));
      if (previous) existing.add(previous);
    }
    if (route.radixPaths.some((path) => path.includes('*') || path.includes('//') || (path.length > 1 && path.endsWith('/')))) {
      this.openEnded.push({ route, matches });
    }
    return [...existing];
  }

  /** Prepares the trees for lookups; call once all routes are added. */
  seal(): void {
    if (this.methods.has('HEAD')) {
      // Explicit HEAD routes share the HEAD tree with the GET routes, the earlier one winning.
      for (const head of this.implicitHead) {
        const slot = this.keys.get(this.keyOf('HEAD', head.path));
        const rivals = rivalsFor(head.rivals, 'HEAD');
        if (!slot) this.register('HEAD', head.path, { entry: head.entry, pattern: head.path, order: head.order, rivals });
        else if (slot.order > head.order) Object.assign(slot, { entry: head.entry, order: head.order, rivals });
      }
    } else if (this.methods.has('GET')) {
      // Looked up in the GET tree: no second registration of every GET route.
      this.headIsGet = true;
      this.methods.add('HEAD');
    }
    this.implicitHead.length = 0;
    // find-my-way's compile() is not called: measured at 10,000 routes, lookups over many
    // distinct routes were 3-4x slower compiled than walking the tree.
  }

  /** One key per pattern as find-my-way tells patterns apart (parameters are named by position). */
  private keyOf(method: string, pattern: string): string {
    return `${method} ${this.caseSensitive ? pattern : pattern.toLowerCase()}`;
  }

  private register(method: string, pattern: string, slot: Slot): void {
    this.router.on(method as RadixMethod, pattern, NOOP, slot);
    this.keys.set(this.keyOf(method, pattern), slot);
    this.methods.add(method);
  }

  /** The entry of the route serving this method on this URL (query string allowed), if any. */
  find(method: string, url: string): RouteEntry | undefined {
    return this.lookup(method, url)?.entry;
  }

  /**
   * The route serving a preflight's requested method on this path, with the methods served on
   * paths of the same pattern (one lookup, instead of one per method).
   */
  findForPreflight(method: string, url: string): PreflightMatch | undefined {
    const found = this.lookup(method, url);
    if (!found) return undefined;
    const pattern = found.pattern;
    if (pattern === undefined) return { entry: found.entry, served: this.servedMethods(url) ?? methodSet([method]) };
    let served = this.servedByPattern.get(pattern);
    if (!served) {
      const sample = samplePath(pattern);
      const names = [...this.methods].filter((m) => this.keys.has(this.keyOf(m, pattern)) || this.lookup(m, sample));
      served = methodSet(names);
      this.servedByPattern.set(pattern, served);
    }
    return { entry: found.entry, served };
  }

  private lookup(method: string, url: string): Match | undefined {
    const path = url.slice(0, pathEnd(url));
    const found = this.match(method === 'HEAD' && this.headIsGet ? 'GET' : method, path);
    if (!found) return undefined;
    // find-my-way fills a parameter or wildcard with nothing where Express's never match
    // (`/a/` for `/a/:id`): only the routes that match empty segments may serve such a path.
    if (!found.exact) return this.scanOpenEnded(method, path);
    const slot = found.slot;
    if (!slot.rivals) return slot;
    // find-my-way picked the most specific route; Express serves the first registered one.
    for (const rival of slot.rivals) {
      if (rival.matches(path)) return { entry: rival.route.value, pattern: slot.pattern };
    }
    return slot;
  }

  private match(method: string, path: string): { slot: Slot; exact: boolean } | undefined {
    try {
      if (this.stripTrailingSlash && path.length > 1 && path.charCodeAt(path.length - 1) === SLASH) {
        // Express's non-strict routing: `/users/` is served by `/users`. Routes are registered
        // once, and the one trailing slash is dropped here (then the path is tried as it is, for
        // the rare route declared with a trailing slash).
        const stripped = this.router.find(method as RadixMethod, path.slice(0, -1));
        if (stripped && !hasEmptyParam(stripped.params)) return { slot: stripped.store as Slot, exact: true };
      }
      const found = this.router.find(method as RadixMethod, path);
      return found ? { slot: found.store as Slot, exact: !hasEmptyParam(found.params) } : undefined;
    } catch {
      return undefined;
    }
  }

  private scanOpenEnded(method: string, path: string): Match | undefined {
    for (const candidate of this.openEnded) {
      if (servesMethod(candidate.route, method) && candidate.matches(path)) return { entry: candidate.route.value, pattern: undefined };
    }
    return undefined;
  }

  /** The methods served on this URL, or undefined when no route knows it. */
  servedMethods(url: string): MethodSet | undefined {
    const served: string[] = [];
    for (const method of this.methods) if (this.lookup(method, url)) served.push(method);
    return served.length ? methodSet(served) : undefined;
  }
}

const SLASH = 0x2f;

function hasEmptyParam(params: Record<string, string | undefined>): boolean {
  for (const name in params) if (params[name] === '') return true;
  return false;
}

/** Where the path of a URL ends: at its query string, if any. */
function pathEnd(url: string): number {
  const query = url.indexOf('?');
  return query < 0 ? url.length : query;
}

function rivalsFor(rivals: readonly Rival<RouteEntry>[] | undefined, method: string): readonly Rival<RouteEntry>[] | undefined {
  const serving = rivals?.filter((rival) => servesMethod(rival.route, method));
  return serving?.length ? serving : undefined;
}

/**
 * The methods an ALL route serves: every method Node.js parses (http.METHODS, which find-my-way
 * also knows), except those no browser may send (the Fetch standard's forbidden methods).
 */
const ALL_METHODS = METHODS.filter((method) => method !== 'CONNECT' && method !== 'TRACE' && method !== 'TRACK');
