import FindMyWay from 'find-my-way';
import { methodSet, type CompiledPolicy, type MethodSet } from './core/index.js';

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

/**
 * Maps (method, path) to the policy of the route that serves it, in time that does not grow with
 * the number of routes (a radix tree per method). Built once at bootstrap; read-only afterwards.
 */
export class RouteTable {
  private readonly router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  private readonly methods = new Set<string>();
  private readonly keys = new Map<string, RouteEntry>();
  private readonly implicitHead: [string, RouteEntry][] = [];

  private readonly extraTrailingSlash: boolean;

  constructor(options: RouteTableOptions = {}) {
    this.extraTrailingSlash = options.ignoreTrailingSlash ?? true;
    this.router = FindMyWay({
      caseSensitive: options.caseSensitive ?? false,
      // find-my-way would also drop a slash the route requires (`/files/` matching `/files`),
      // which Express does not: the one extra slash Express allows is registered explicitly.
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
    let existing: RouteEntry | undefined;
    for (const path of this.withTrailingSlash(radixPath)) {
      existing ??= this.addPath(method, path, entry);
    }
    return existing;
  }

  private withTrailingSlash(radixPath: string): string[] {
    if (!this.extraTrailingSlash || radixPath === '/' || radixPath.endsWith('/') || radixPath.endsWith('*')) return [radixPath];
    return [radixPath, `${radixPath}/`];
  }

  private addPath(method: string, radixPath: string, entry: RouteEntry): RouteEntry | undefined {
    // Express answers ALL with one handler for every method, and HEAD with the GET handler
    // unless a HEAD route exists (added in seal(), once explicit HEAD routes are known).
    const methods = method === 'ALL' ? ALL_METHODS : [method];
    if (method === 'GET') this.implicitHead.push([radixPath, entry]);
    let existing: RouteEntry | undefined;
    for (const m of methods) {
      const key = `${m} ${radixPath}`;
      const previous = this.keys.get(key);
      if (previous) {
        existing ??= previous;
        continue;
      }
      this.router.on(m as RadixMethod, radixPath, NOOP, entry);
      this.keys.set(key, entry);
      this.methods.add(m);
    }
    return existing;
  }

  /** Prepares the trees for lookups; call once all routes are added. */
  seal(): void {
    for (const [path, entry] of this.implicitHead) {
      if (this.keys.has(`HEAD ${path}`)) continue;
      this.router.on('HEAD', path, NOOP, entry);
      this.keys.set(`HEAD ${path}`, entry);
      this.methods.add('HEAD');
    }
    this.implicitHead.length = 0;
    this.router.compile?.();
  }

  /** The entry of the route serving this method on this URL (query string allowed), if any. */
  find(method: string, url: string): RouteEntry | undefined {
    try {
      return (this.router.find(method as RadixMethod, url)?.store as RouteEntry | undefined) ?? undefined;
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

const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'SEARCH', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'QUERY'];
