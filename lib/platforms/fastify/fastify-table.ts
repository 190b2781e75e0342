import FindMyWay from 'find-my-way';
import { methodSet, type MethodSet } from '../../core/index.js';
import type { RouteRules } from '../../routing/most-specific-table.js';
import { ALL_METHODS, type PreflightLookup, type RouteEntry, type RouteTable } from '../../routing/route-table.js';
import type { OrderedRoute, RouteAcceptance, RouteFilter, RouteRequest, SamePath } from '../../routing/routes.js';
import type { FastifyMatching } from './fastify-path.js';

/** The part of a Fastify request the table reads: the route Fastify matched, by its config object (one per route). */
interface RoutedRequest {
  readonly routeOptions?: { readonly config?: { readonly url?: string; readonly method?: string | readonly string[] } };
}

/** A route as the hook applies it to a request Fastify has routed. */
interface Routed {
  readonly route: OrderedRoute<RouteEntry>;
  readonly constraint: RouteAcceptance | undefined;
  readonly filter: RouteAcceptance | undefined;
  readonly constrained?: boolean;
}

/**
 * Fastify's route table. Preflights and inspection look paths up in `lookup` (the most-specific
 * table, or a find-my-way mirror); actual requests arrive routed already, and Fastify's own
 * match is read from the request: the route's config object, one per route Fastify holds, found
 * once and then remembered (as many as there are routes, whatever the paths requested).
 */
export class FastifyRouteTable implements RouteTable {
  private readonly byKey = new Map<string, Routed[]>();
  private readonly byConfig = new WeakMap<object, readonly Routed[] | null>();

  constructor(
    private readonly lookup: RouteTable,
    routes: readonly OrderedRoute<RouteEntry>[],
    rulesOf: (filter: RouteFilter) => RouteRules,
  ) {
    for (const route of routes) {
      const rules = route.filter ? rulesOf(route.filter) : undefined;
      const key = `${route.method} ${route.path}`;
      const list = this.byKey.get(key) ?? [];
      list.push({ route, constraint: rules?.constraint, filter: rules?.filter });
      this.byKey.set(key, list);
    }
  }

  find(method: string, path: string, request?: RouteRequest): RouteEntry | undefined {
    return this.lookup.find(method, path, request);
  }

  lookupPreflight(method: string, path: string, request?: RouteRequest): PreflightLookup {
    return this.lookup.lookupPreflight(method, path, request);
  }

  findRouted(routed: unknown, request: RouteRequest): RouteEntry | undefined {
    const config = (routed as RoutedRequest).routeOptions?.config;
    // Fastify's not-found handler has a config without a url.
    if (config?.url === undefined) return undefined;
    let known = this.byConfig.get(config);
    if (known === undefined) {
      known = this.routesOf(config.method, config.url);
      this.byConfig.set(config, known);
    }
    if (known === null) return undefined;
    // Several routes on one method and path: told apart by version, with equal policies (see
    // route-conflicts); the first the version accepts is named in logs.
    const chosen = known.length === 1 ? known[0]! : (known.find((r) => r.constraint === undefined || r.constraint(request) !== false) ?? known[0]!);
    // The host filter reads Fastify's own request.hostname (trusted proxies included).
    return chosen.filter && chosen.filter({ headers: request.headers, preflight: false, raw: routed }) === false ? undefined : chosen.route.value;
  }

  /** The routes behind a Fastify route: Nest's `@All` registers every supported method at once; HEAD routes Fastify adds serve as their GET route. */
  private routesOf(method: string | readonly string[] | undefined, url: string): readonly Routed[] | null {
    const name = typeof method === 'string' ? method : 'ALL';
    return this.byKey.get(`${name} ${url}`) ?? (name === 'HEAD' ? this.byKey.get(`GET ${url}`) : undefined) ?? null;
  }
}

// ---------------------------------------------------------------------------------------------

interface MirrorEntry {
  readonly candidates: Routed[];
}

/** Distinct method combinations kept; beyond it, a set is built per request. */
const MAX_METHOD_SETS = 256;

/**
 * The route table as a find-my-way router with the application's settings: the fallback for
 * route paths the most-specific table does not represent (literal text and a parameter or a
 * wildcard in one segment). Exact by construction, at find-my-way's cost: building compiles
 * functions for every route, and a preflight's methods take one lookup per method in use.
 * Constraints (versions) are judged by this table, not by the router: a route for another
 * version ends the lookup instead of yielding to a less specific route, which only inspection
 * of an actual request can notice (preflights carry no version).
 */
export class RouterMirrorTable implements RouteTable {
  private readonly router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  private readonly methods = new Set<string>();
  private readonly methodSets = new Map<string, MethodSet>();

  private constructor(matching: FastifyMatching) {
    this.router = FindMyWay({ ...matching, allowUnsafeRegex: true });
  }

  static build(
    routes: readonly OrderedRoute<RouteEntry>[],
    matching: FastifyMatching,
    options: { headFromGet: boolean; allMethods?: readonly string[]; rulesOf: (filter: RouteFilter) => RouteRules },
  ): { table: RouterMirrorTable; samePaths: SamePath<RouteEntry>[] } {
    const table = new RouterMirrorTable(matching);
    const samePaths: SamePath<RouteEntry>[] = [];
    const gets: { path: string; entry: MirrorEntry }[] = [];
    const heads = new Set<MirrorEntry>();
    for (const route of routes) {
      const rules = route.filter ? options.rulesOf(route.filter) : undefined;
      const routed: Routed = { route, constraint: rules?.constraint, filter: rules?.filter, constrained: rules?.constrained ?? false };
      for (const method of route.method === 'ALL' ? (options.allMethods ?? ALL_METHODS) : [route.method]) {
        const entry = table.register(method, route.path, routed, samePaths);
        if (entry === undefined) continue;
        if (method === 'GET') gets.push({ path: route.path, entry });
        if (method === 'HEAD') heads.add(entry);
      }
    }
    if (options.headFromGet) {
      for (const { path, entry } of gets) {
        const head = table.router.findRoute('HEAD', path)?.store as MirrorEntry | undefined;
        if (head === undefined) table.router.on('HEAD', path, noop, entry);
      }
      if (gets.length > 0) table.methods.add('HEAD');
    }
    return { table, samePaths };
  }

  find(method: string, path: string, request?: RouteRequest): RouteEntry | undefined {
    const chosen = this.choose(method, path, request);
    return chosen ? chosen.route.value : undefined;
  }

  lookupPreflight(method: string, path: string, request?: RouteRequest): PreflightLookup {
    const names: string[] = [];
    let entry: RouteEntry | undefined;
    for (const name of this.methods) {
      const chosen = this.choose(name, path, request);
      if (chosen) names.push(name);
      if (name === method && chosen) entry = chosen.route.value;
    }
    if (names.length === 0) return {};
    return { entry, served: this.methodSetOf(names) };
  }

  /** The route serving a method on a path: the router's match, its first route whose constraint does not refuse, unless its filter does. */
  private choose(method: string, path: string, request: RouteRequest | undefined): Routed | undefined {
    if (!this.methods.has(method)) return undefined;
    const found = this.router.find(method as FindMyWay.HTTPMethod, path);
    const candidates = (found?.store as MirrorEntry | undefined)?.candidates;
    if (!candidates) return undefined;
    const judge = (acceptance: RouteAcceptance) => (request === undefined ? undefined : acceptance(request));
    const chosen = candidates.find((c) => !c.constraint || judge(c.constraint) !== false);
    return chosen && (!chosen.filter || judge(chosen.filter) !== false) ? chosen : undefined;
  }

  /** Registers a route for a method; on a path pattern already held, joins the routes there. */
  private register(method: string, path: string, routed: Routed, samePaths: SamePath<RouteEntry>[]): MirrorEntry | undefined {
    const entry: MirrorEntry = { candidates: [routed] };
    try {
      this.router.on(method as FindMyWay.HTTPMethod, path, noop, entry);
      this.methods.add(method);
      return entry;
    } catch {
      const held = this.router.findRoute(method as FindMyWay.HTTPMethod, path)?.store as MirrorEntry | undefined;
      // A path find-my-way refuses: Fastify refused it first, so it never reaches here.
      if (!held) return undefined;
      const other = held.candidates[0]!.route;
      const route = routed.route;
      samePaths.push(other.passesOn || !route.passesOn ? { route, earlier: other } : { route: other, earlier: route });
      held.candidates.push(routed);
      // As the router: routes that name versions before version-neutral ones.
      held.candidates.sort((a, b) => Number(b.constrained ?? false) - Number(a.constrained ?? false));
      return undefined;
    }
  }

  private methodSetOf(names: string[]): MethodSet {
    const key = names.sort().join(',');
    let set = this.methodSets.get(key);
    if (!set) {
      set = methodSet(names);
      if (this.methodSets.size < MAX_METHOD_SETS) this.methodSets.set(key, set);
    }
    return set;
  }
}

function noop(): void {}
