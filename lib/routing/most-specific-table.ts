import { methodSet, type MethodSet } from '../core/index.js';
import { ALL_METHODS, type PreflightLookup, type RouteEntry, type RouteTable } from './route-table.js';
import type { OrderedRoute, RouteAcceptance, RouteFilter, RouteRequest, SamePath } from './routes.js';

/**
 * A parameter that spans a whole path segment, optionally tested by a RegExp (a parameter with a
 * regex, or several parameters and literal text in one segment, as radix-tree routers write them:
 * `:id(^\\d+)`, `:file.:ext`).
 */
export interface ParamSegment {
  readonly kind: 'param';
  /** Tested against the whole segment; null: any text. */
  readonly regex: RegExp | null;
  /** How many parameters the regex captures, and the length of its literal text: they bound the segment's length. */
  readonly paramCount: number;
  readonly staticLength: number;
  /** The literal text after the segment's last parameter, if any: it orders parameter siblings. */
  readonly staticSuffix: string | null;
}

/** A wildcard: the rest of the path, slashes included, possibly empty. */
export const WILDCARD = { kind: 'wildcard' } as const;

/** A route path segment: literal text (case-folded when matching ignores case), a parameter, or a wildcard (last). */
export type PatternSegment = string | ParamSegment | typeof WILDCARD;

/** A request path as the router matches it. */
export interface MatchPath {
  /** Decoded as the router decodes it, case-folded when matching ignores case; starts with `/`. */
  readonly path: string;
  /** The same path before case folding: parameters are read from it. */
  readonly original: string;
  /** Parameters hold percent-encoded reserved characters, which count as one once decoded. */
  readonly decodeParams: boolean;
}

/** A route's filter as a router applies it. */
export interface RouteRules {
  /** Applied while routing (e.g. a version constraint): a route that turns the request away is passed over for the next one. */
  readonly constraint?: RouteAcceptance;
  /** Applied once routed (e.g. a host filter that answers 404): a route that turns the request away serves nothing. */
  readonly filter?: RouteAcceptance;
  /** Constrained routes are preferred to unconstrained ones on the same path. */
  readonly constrained?: boolean;
}

export interface MostSpecificOptions {
  /** A route path in the router's syntax, as the segments of each of its forms; undefined when the table cannot represent it. */
  readonly compile: (path: string) => PatternSegment[][] | undefined;
  /** A request target as the router reads it; undefined when the router refuses it. */
  readonly normalize: (target: string) => MatchPath | undefined;
  /** Longer parameters do not match. */
  readonly maxParamLength: number;
  /** Decodes a parameter when MatchPath.decodeParams says so. */
  readonly decodeParam: (param: string) => string;
  /** GET routes also serve HEAD where no HEAD route is declared on the same path. */
  readonly headFromGet: boolean;
  /** The methods of an `ALL` route; default ALL_METHODS. */
  readonly allMethods?: readonly string[];
  /** Applies a route's filter (host, version) as the framework does; without it, filtered routes may serve any request. */
  readonly rulesOf?: (filter: RouteFilter) => RouteRules;
}

export interface MostSpecificBuild {
  readonly table: MostSpecificTable;
  /** Routes on the same method and path pattern as another one (told apart by constraints). */
  readonly samePaths: SamePath<RouteEntry>[];
}

/** A route at a leaf, for one method. */
interface Candidate {
  readonly route: OrderedRoute<RouteEntry>;
  readonly constraint: RouteAcceptance | undefined;
  readonly filter: RouteAcceptance | undefined;
  readonly constrained: boolean;
}

/** Where routes end: the routes of each method, most preferred first, and the methods they serve. */
class Leaf {
  readonly byMethod = new Map<string, Candidate[]>();
  /** The methods of the routes here, whatever their filters. */
  served!: MethodSet;
  /** Whether a route here has a constraint or filter (its methods then depend on the request). */
  filtered = false;
}

class ParamChild {
  readonly node = new TrieNode();
  paramCount: number;
  staticLength: number;
  constructor(readonly segment: ParamSegment) {
    this.paramCount = segment.paramCount;
    this.staticLength = segment.staticLength;
  }
  get isRegex(): boolean {
    return this.segment.regex !== null;
  }
  get staticSuffix(): string | null {
    return this.segment.staticSuffix;
  }
}

class TrieNode {
  statics: Map<string, TrieNode> | undefined;
  params: ParamChild[] | undefined;
  /** Routes whose path ends after this segment. */
  leaf: Leaf | undefined;
  /** Routes ending with a wildcard here. */
  wildcard: Leaf | undefined;

  staticChild(text: string): TrieNode {
    this.statics ??= new Map();
    let child = this.statics.get(text);
    if (!child) this.statics.set(text, (child = new TrieNode()));
    return child;
  }

  paramChild(segment: ParamSegment): TrieNode {
    const source = segment.regex?.source ?? null;
    const params = (this.params ??= []);
    const known = params.find((p) => (p.segment.regex?.source ?? null) === source);
    if (known) {
      known.paramCount = Math.max(known.paramCount, segment.paramCount);
      known.staticLength = Math.max(known.staticLength, segment.staticLength);
      return known.node;
    }
    const child = new ParamChild(segment);
    params.push(child);
    // find-my-way's own order of parameter siblings (regex ones first, longer static suffixes
    // first), with its own comparator and on the same insertion order, so that ties come out as
    // they do there.
    params.sort((a, b) => {
      if (!a.isRegex) return 1;
      if (!b.isRegex) return -1;
      if (a.staticSuffix === null) return 1;
      if (b.staticSuffix === null) return -1;
      if (b.staticSuffix.endsWith(a.staticSuffix)) return 1;
      if (a.staticSuffix.endsWith(b.staticSuffix)) return -1;
      return 0;
    });
    return child.node;
  }
}

/** Distinct method combinations kept; beyond it, a set is built per request. */
const MAX_METHOD_SETS = 256;

/**
 * The route table of a radix-tree router that serves the most specific route (find-my-way, under
 * Fastify): at each segment a literal match first, then parameters, then a wildcard, backtracking
 * when a branch leads nowhere. Routes are indexed by path segment: a lookup walks the segments of
 * the request path, and its cost depends on the path and the routes overlapping it, not on the
 * number of routes. Building costs a few map insertions per route (find-my-way compiles
 * functions for every route, which at 10,000 routes takes a measurable part of a second).
 *
 * For a preflight, the walk continues past the route found to every route matching the path: the
 * methods they serve are the ones the path serves.
 */
export class MostSpecificTable implements RouteTable {
  private readonly root = new TrieNode();
  private readonly methodSets = new Map<string, MethodSet>();
  private readonly unions = new Map<MethodSet, Map<MethodSet, MethodSet>>();
  // The state of the current lookup (lookups are synchronous).
  private method = '';
  private withServed = false;
  private request: RouteRequest | undefined;
  private path: MatchPath = { path: '', original: '', decodeParams: false };
  private found = false;
  private best: Candidate | undefined;
  private served: MethodSet | undefined;
  /** With filtered leaves: methods the first route matching turned away (the router serves them with a 404). */
  private refused: Set<string> | undefined;

  private constructor(private readonly options: MostSpecificOptions) {}

  /** Builds the table, or undefined when a route path is beyond what the table represents. */
  static build(routes: readonly OrderedRoute<RouteEntry>[], options: MostSpecificOptions): MostSpecificBuild | undefined {
    const table = new MostSpecificTable(options);
    const samePaths: SamePath<RouteEntry>[] = [];
    const reported = new Set<string>();
    const leaves = new Set<Leaf>();
    const allMethods = options.allMethods ?? ALL_METHODS;
    const orderOf = new Map(routes.map((route, order) => [route, order]));
    for (let order = 0; order < routes.length; order++) {
      const route = routes[order]!;
      const variants = options.compile(route.path);
      if (!variants) return undefined;
      const rules = route.filter ? options.rulesOf?.(route.filter) : undefined;
      const candidate: Candidate = {
        route,
        constraint: rules ? rules.constraint : route.filter ? MAY_SERVE : undefined,
        filter: rules?.filter,
        constrained: rules?.constrained ?? false,
      };
      const methods = route.method === 'ALL' ? allMethods : [route.method];
      for (const variant of variants) {
        const leaf = table.insert(variant);
        leaves.add(leaf);
        if (candidate.constraint || candidate.filter) leaf.filtered = true;
        for (const method of methods) {
          const same = leaf.byMethod.get(method);
          if (!same) {
            leaf.byMethod.set(method, [candidate]);
            continue;
          }
          for (const other of same) {
            const key = `${order}:${orderOf.get(other.route)}`;
            if (other === candidate || reported.has(key)) continue;
            reported.add(key);
            // The router tells them apart by a constraint; the one that passes requests on is "earlier" for the report.
            samePaths.push(other.route.passesOn || !route.passesOn ? { route, earlier: other.route } : { route: other.route, earlier: route });
          }
          if (!same.includes(candidate)) same.push(candidate);
        }
      }
    }
    for (const leaf of leaves) table.finish(leaf);
    return { table, samePaths };
  }

  find(method: string, path: string, request?: RouteRequest): RouteEntry | undefined {
    if (!this.walk(method, path, false, request)) return undefined;
    return this.best?.route.value;
  }

  lookupPreflight(method: string, path: string, request?: RouteRequest): PreflightLookup {
    if (!this.walk(method, path, true, request)) return {};
    const served = this.servedSet();
    if (served === undefined) return {};
    return { entry: this.best?.route.value, served };
  }

  private insert(segments: readonly PatternSegment[]): Leaf {
    let node = this.root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      if (typeof segment === 'string') node = node.staticChild(segment);
      else if (segment.kind === 'param') node = node.paramChild(segment);
      else return (node.wildcard ??= new Leaf());
    }
    return (node.leaf ??= new Leaf());
  }

  /** Orders a leaf's routes (constrained first), adds HEAD where GET routes serve it, and lists its methods. */
  private finish(leaf: Leaf): void {
    for (const candidates of leaf.byMethod.values()) candidates.sort((a, b) => Number(b.constrained) - Number(a.constrained));
    const get = leaf.byMethod.get('GET');
    if (this.options.headFromGet && get && !leaf.byMethod.has('HEAD')) leaf.byMethod.set('HEAD', get);
    leaf.served = this.methodSetOf(leaf.byMethod.keys());
  }

  /** Walks the request path; false when the router refuses the target. */
  private walk(method: string, target: string, withServed: boolean, request: RouteRequest | undefined): boolean {
    const path = this.options.normalize(target);
    if (path === undefined) return false;
    this.method = method;
    this.withServed = withServed;
    this.request = request;
    this.path = path;
    this.found = false;
    this.best = undefined;
    this.served = undefined;
    this.refused = undefined;
    this.visit(this.root, 1);
    return true;
  }

  /**
   * Matches the segment starting at `index` (just after a slash) and the rest of the path below
   * `node`: literal child, then parameters, then wildcard. True when the lookup is complete.
   */
  private visit(node: TrieNode, index: number): boolean {
    const { path, original } = this.path;
    const length = path.length;
    let end = path.indexOf('/', index);
    if (end < 0) end = length;
    const child = node.statics?.get(path.slice(index, end));
    if (child && (end === length ? child.leaf !== undefined && this.consider(child.leaf) : this.visit(child, end + 1))) return true;
    if (node.params) {
      // As find-my-way: a parameter ends at the next slash of the path as received (before case folding).
      let paramEnd = original.indexOf('/', index);
      if (paramEnd < 0) paramEnd = length;
      // Plain parameters need only the value's length: no copy of it, unless it must be decoded.
      const decode = this.path.decodeParams;
      let value: string | undefined;
      for (const param of node.params) {
        if (param.segment.regex === null && !decode) {
          if (paramEnd - index > this.options.maxParamLength) continue;
        } else {
          value ??= decode ? this.options.decodeParam(original.slice(index, paramEnd)) : original.slice(index, paramEnd);
          if (!this.paramMatches(param, value)) continue;
        }
        if (paramEnd >= length ? param.node.leaf !== undefined && this.consider(param.node.leaf) : this.visit(param.node, paramEnd + 1)) return true;
      }
    }
    return node.wildcard !== undefined && this.consider(node.wildcard);
  }

  private paramMatches(param: ParamChild, value: string): boolean {
    const max = this.options.maxParamLength;
    const regex = param.segment.regex;
    if (regex === null) return value.length <= max;
    if (value.length > param.paramCount * max + param.staticLength) return false;
    const match = regex.exec(value);
    if (match === null) return false;
    for (let i = 1; i < match.length; i++) if ((match[i] ?? '').length > max) return false;
    return true;
  }

  /** A leaf whose routes match the path: the route for the method (the first one found wins), and its methods. True when the lookup is complete. */
  private consider(leaf: Leaf): boolean {
    if (!this.found) {
      const candidate = this.choose(leaf, this.method);
      if (candidate !== undefined) {
        this.found = true;
        this.best = candidate === null ? undefined : candidate;
      }
    }
    if (!this.withServed) return this.found;
    if (leaf.filtered) this.addFiltered(leaf);
    else this.addServed(leaf.served);
    return false;
  }

  /**
   * The route a leaf serves a method with: the first whose constraint does not turn the request
   * away (undefined: none, the router looks further); null when its filter turns it away once
   * routed (the router stops here: no route serves the request).
   */
  private choose(leaf: Leaf, method: string): Candidate | null | undefined {
    const candidates = leaf.byMethod.get(method);
    if (!candidates) return undefined;
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[i]!;
      if (candidate.constraint && this.judge(candidate.constraint) === false) continue;
      return candidate.filter && this.judge(candidate.filter) === false ? null : candidate;
    }
    return undefined;
  }

  private judge(acceptance: RouteAcceptance): boolean | undefined {
    return this.request === undefined ? undefined : acceptance(this.request);
  }

  /** The methods of a leaf with filters: each decided by the first leaf that has a route for it, as the router decides. */
  private addFiltered(leaf: Leaf): void {
    const names: string[] = [];
    for (const method of leaf.byMethod.keys()) {
      if (this.refused?.has(method) || this.served?.names.has(method)) continue;
      const candidate = this.choose(leaf, method);
      if (candidate === undefined) continue;
      if (candidate === null) (this.refused ??= new Set()).add(method);
      else names.push(method);
    }
    if (names.length > 0) this.addServed(this.methodSetOf(names));
  }

  private addServed(set: MethodSet): void {
    if (this.served === undefined || this.served === set) {
      this.served = set;
      return;
    }
    let byOther = this.unions.get(this.served);
    let union = byOther?.get(set);
    if (!union) {
      union = this.methodSetOf([...this.served.names, ...set.names]);
      if (this.unions.size < MAX_METHOD_SETS) {
        if (!byOther) this.unions.set(this.served, (byOther = new Map()));
        if (byOther.size < MAX_METHOD_SETS) byOther.set(set, union);
      }
    }
    this.served = union;
  }

  /** The methods served on the path: those of every route matching it, less the ones its first route turns away. */
  private servedSet(): MethodSet | undefined {
    const served = this.served;
    if (served === undefined || this.refused === undefined) return served;
    const names = [...served.names].filter((name) => !this.refused!.has(name));
    return names.length === 0 ? undefined : this.methodSetOf(names);
  }

  private methodSetOf(names: Iterable<string>): MethodSet {
    const sorted = [...new Set(names)].sort();
    const key = sorted.join(',');
    let set = this.methodSets.get(key);
    if (!set) {
      set = methodSet(sorted);
      if (this.methodSets.size < MAX_METHOD_SETS) this.methodSets.set(key, set);
    }
    return set;
  }
}

/** The constraint of a route with a filter the platform does not apply: it may serve any request. */
const MAY_SERVE: RouteAcceptance = () => undefined;
