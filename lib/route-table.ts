import FindMyWay from 'find-my-way';
import { methodSet, type CompiledPolicy, type MethodSet } from './core/index.js';
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
  readonly entry: RouteEntry;
  readonly pattern: string;
}

/** A preflight's match: the route serving the requested method, and the methods its path serves. */
export interface PreflightMatch {
  readonly entry: RouteEntry;
  readonly served: MethodSet;
}

/**
 * Maps (method, path) to the policy of the route that serves it, in time that does not grow with
 * the number of routes (a radix tree per method). Built once at bootstrap; read-only afterwards.
 */
export class RouteTable {
  private readonly router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  private readonly methods = new Set<string>();
  private readonly keys = new Map<string, Slot>();
  /** Methods served per pattern, filled on first use: bounded by the routes, never by requests. */
  private readonly servedByPattern = new Map<string, MethodSet>();
  private readonly implicitHead: [string, RouteEntry][] = [];
  /** Without explicit HEAD routes, a HEAD request is looked up as the GET it is served by. */
  private headIsGet = false;

  private readonly stripTrailingSlash: boolean;

  constructor(options: RouteTableOptions = {}) {
    this.stripTrailingSlash = options.ignoreTrailingSlash ?? true;
    this.router = FindMyWay({
      caseSensitive: options.caseSensitive ?? false,
      // find-my-way would also drop a slash the route requires (`/files/` matching `/files`),
      // which Express does not: the one extra slash Express allows is stripped in lookups instead.
      ignoreTrailingSlash: false,
      // Express matches parameters of any length; a shorter limit would let a long path fall
      // through to the global policy.
      maxParamLength: Number.MAX_SAFE_INTEGER,
    });
  }

  /**
   * Adds a route. Returns the entry already registered for the same method and path, if any,
   * so that the caller can check that both handlers have the same policy.
   */
  add(method: string, radixPath: string, entry: RouteEntry): RouteEntry | undefined {
    // Express answers ALL with one handler for every method, and HEAD with the GET handler
    // unless a HEAD route exists (decided in seal(), once explicit HEAD routes are known).
    const methods = method === 'ALL' ? ALL_METHODS : [method];
    if (method === 'GET') this.implicitHead.push([radixPath, entry]);
    let existing: RouteEntry | undefined;
    for (const m of methods) {
      const previous = this.keys.get(`${m} ${radixPath}`);
      if (previous) {
        existing ??= previous.entry;
        continue;
      }
      this.register(m, radixPath, entry);
    }
    return existing;
  }

  /** Prepares the trees for lookups; call once all routes are added. */
  seal(): void {
    if (this.methods.has('HEAD')) {
      // Explicit HEAD routes share the tree with the GET routes that also answer HEAD.
      for (const [path, entry] of this.implicitHead) {
        if (!this.keys.has(`HEAD ${path}`)) this.register('HEAD', path, entry);
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

  private register(method: string, pattern: string, entry: RouteEntry): void {
    const slot: Slot = { entry, pattern };
    this.router.on(method as RadixMethod, pattern, NOOP, slot);
    this.keys.set(`${method} ${pattern}`, slot);
    this.methods.add(method);
  }

  /** The entry of the route serving this method on this URL (query string allowed), if any. */
  find(method: string, url: string): RouteEntry | undefined {
    return this.slot(method, url)?.entry;
  }

  /**
   * The route serving a preflight's requested method on this path, with the methods served on
   * paths of the same pattern (one lookup, instead of one per method).
   */
  findForPreflight(method: string, url: string): PreflightMatch | undefined {
    const slot = this.slot(method, url);
    if (!slot) return undefined;
    let served = this.servedByPattern.get(slot.pattern);
    if (!served) {
      const sample = samplePath(slot.pattern);
      const names = [...this.methods].filter((m) => this.keys.has(`${m} ${slot.pattern}`) || this.slot(m, sample));
      served = methodSet(names);
      this.servedByPattern.set(slot.pattern, served);
    }
    return { entry: slot.entry, served };
  }

  private slot(method: string, url: string): Slot | undefined {
    const m = (method === 'HEAD' && this.headIsGet ? 'GET' : method) as RadixMethod;
    try {
      if (this.stripTrailingSlash) {
        // Express's non-strict routing: `/users/` is served by `/users`. Routes are registered
        // once, and the one trailing slash is dropped here (then the path is tried as it is, for
        // the rare route declared with a trailing slash).
        const end = pathEnd(url);
        if (end > 1 && url.charCodeAt(end - 1) === SLASH) {
          const stripped = (this.router.find(m, url.slice(0, end - 1) + url.slice(end))?.store as Slot | undefined) ?? undefined;
          if (stripped) return stripped;
        }
      }
      return (this.router.find(m, url)?.store as Slot | undefined) ?? undefined;
    } catch {
      return undefined;
    }
  }

  /** The methods served on this URL, or undefined when no route knows it. */
  servedMethods(url: string): MethodSet | undefined {
    const served: string[] = [];
    for (const method of this.methods) if (this.find(method, url)) served.push(method);
    return served.length ? methodSet(served) : undefined;
  }

  get size(): number {
    return this.keys.size;
  }
}

const SLASH = 0x2f;

/** Where the path of a URL ends: at its query string, if any. */
function pathEnd(url: string): number {
  const query = url.indexOf('?');
  return query < 0 ? url.length : query;
}

const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'SEARCH', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'QUERY'];
