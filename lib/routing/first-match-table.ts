import { methodSet, type MethodSet } from '../core/index.js';
import { ALL_METHODS, type PreflightLookup, type RouteEntry, type RouteTable } from './route-table.js';
import type { NeverReached, OrderedRoute, RouteAcceptance, RouteFilter, RouteRequest, SamePath } from './routes.js';

/** A segment the index matches by itself: literal text, or PARAMETER (any non-empty segment). */
export type IndexSegment = string | typeof PARAMETER;
export const PARAMETER = null;

/** One form of a route path (a path with optional groups has several), as the index sees it. */
export interface PathVariant {
  /** The leading segments the index can match: literal text or whole-segment parameters. */
  readonly segments: readonly IndexSegment[];
  /** Whether the segments are the whole path; if not, the framework's matcher judges the rest. */
  readonly complete: boolean;
  /** Equal for two variants that match the same paths (parameter names aside). */
  readonly key: string;
}

/** A route path compiled by a framework's path syntax. */
export interface CompiledPath {
  readonly variants: readonly PathVariant[];
  /** The framework's own test of a request path against the route path (compile it lazily: most routes never need it). */
  readonly matches: (path: string) => boolean;
}

export interface FirstMatchOptions {
  readonly caseSensitive: boolean;
  /** A request path may end with one slash more than the route (Express's non-strict routing). */
  readonly ignoreTrailingSlash: boolean;
  /** Compiles a route path written in the framework's syntax. */
  readonly compile: (path: string) => CompiledPath;
  /** Applies a route's filter (host, version) as the framework does; without it, filtered routes may serve any request. */
  readonly acceptanceOf?: (filter: RouteFilter) => RouteAcceptance;
}

export interface FirstMatchBuild {
  readonly table: FirstMatchTable;
  readonly samePaths: SamePath<RouteEntry>[];
  readonly neverReached: NeverReached<RouteEntry>[];
}

const ALL_SET: ReadonlySet<string> = new Set(ALL_METHODS);
/** The filter of a route when the platform does not apply filters: it may serve any request. */
const MAY_ACCEPT: RouteAcceptance = () => undefined;
/** A lookup that leaves routes with filters out (which earlier routes always serve a path). */
const UNFILTERED_ONLY: RouteRequest = { headers: {}, preflight: false };
const SLASH = 0x2f;
/** The `depths` bit of routes at any depth (and of depths beyond it). */
const ANY_DEPTH = 30;

/** The number of segments of path[start, length) (past `length`: none). */
function segmentsFrom(path: string, start: number, length: number): number {
  if (start > length) return 0;
  let count = 1;
  for (let i = path.indexOf('/', start); i >= 0 && i < length; i = path.indexOf('/', i + 1)) count++;
  return count;
}

/** Whether a route at or below the node may match a path with `remaining` more segments. */
function reaches(node: IndexNode, remaining: number): boolean {
  return (node.depths & (1 << ANY_DEPTH)) !== 0 || (remaining < ANY_DEPTH && (node.depths & (1 << remaining)) !== 0);
}

/** Up to this many literal children are compared one by one; more are found by hash. */
const FEW_LITERALS = 8;
/** Distinct method combinations kept; beyond it, a set is built per request. */
const MAX_METHOD_SETS = 256;

/** A route in the index. */
class Candidate {
  constructor(
    readonly order: number,
    readonly route: OrderedRoute<RouteEntry>,
    readonly served: MethodSet,
    /** The framework's matcher, kept only for routes with a variant the index cannot judge alone. */
    readonly matches: ((path: string) => boolean) | undefined,
    /** The route's filter, as the framework applies it. */
    readonly accepts: RouteAcceptance | undefined,
  ) {}

  serves(method: string): boolean {
    const own = this.route.method;
    return own === method || (own === 'ALL' ? ALL_SET.has(method) : method === 'HEAD' && own === 'GET');
  }
}

class IndexNode {
  /** Literal children: a few in a list (compared directly), more in `statics` by the hash of their segment. */
  few: IndexNode[] | undefined;
  statics: Map<number, IndexNode | IndexNode[]> | undefined;
  parameter: IndexNode | undefined;
  /** Routes with a complete variant ending here. */
  ends: Candidate[] | undefined;
  /** Whether one of them has a filter (host, version). */
  filtered = false;
  /** The methods the routes in `ends` serve, computed on first use. */
  endsServed: MethodSet | undefined;
  /** The routes in `ends` serving each method looked up so far (only methods in ALL_METHODS: bounded). */
  endsByMethod: Map<string, Candidate[]> | undefined;
  /** Routes with an incomplete variant whose known segments end here: their matcher decides. */
  checks: Candidate[] | undefined;
  /** The earliest registration order of a route at this node or below it. */
  firstOrder = Infinity;
  /** Bit k: a route ends k segments below this node; bit ANY_DEPTH: a route whose matcher decides is at or below it. */
  depths = 0;

  /** `segment`: the literal text leading to this node from its parent (lower-case when matching ignores case). */
  constructor(readonly segment = '') {}

  /** The child for a literal segment, created if needed. */
  literalChild(segment: string): IndexNode {
    const known = this.few ? this.few.find((node) => node.segment === segment) : this.inStatics(segment, segmentHash(segment, 0, segment.length, false));
    if (known) return known;
    const child = new IndexNode(segment);
    if (!this.statics && (this.few ??= []).length < FEW_LITERALS) {
      this.few.push(child);
    } else {
      this.statics ??= new Map();
      for (const node of [...(this.few ?? []), child]) {
        const hash = segmentHash(node.segment, 0, node.segment.length, false);
        const bucket = this.statics.get(hash);
        this.statics.set(hash, bucket === undefined ? node : Array.isArray(bucket) ? [...bucket, node] : [bucket, node]);
      }
      this.few = undefined;
    }
    return child;
  }

  private inStatics(segment: string, hash: number): IndexNode | undefined {
    const bucket = this.statics?.get(hash);
    return Array.isArray(bucket) ? bucket.find((node) => node.segment === segment) : bucket?.segment === segment ? bucket : undefined;
  }
}

/**
 * A hash of text[start, end), with ASCII letters folded to lower case when `foldCase`: literal
 * children are found without slicing or lower-casing the request path. Kept within V8's small
 * integers, which make fast Map keys.
 */
function segmentHash(text: string, start: number, end: number, foldCase: boolean): number {
  let hash = 0;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (foldCase && c >= 65 && c <= 90) c += 32;
    hash = (hash * 31 + c) & 0x3fffffff;
  }
  return hash;
}

/** Whether text[start, start + literal.length) is `literal` (a lower-case literal, when `foldCase`). */
function sameSegment(text: string, start: number, literal: string, foldCase: boolean): boolean {
  for (let i = 0; i < literal.length; i++) {
    let c = text.charCodeAt(start + i);
    if (foldCase && c >= 65 && c <= 90) c += 32;
    if (c !== literal.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * The route table of a framework that serves a request with the first registered route that
 * matches it (Express). An index of path segments finds every route that may match a path, in
 * time that depends on the path, not on the number of routes; the earliest one serving the
 * method wins. Routes whose syntax the index cannot judge alone (wildcards, optional or mixed
 * segments) are found by their leading literal segments and confirmed with the framework's own
 * matcher, so the table agrees with the framework wherever the index is unsure.
 */
export class FirstMatchTable implements RouteTable {
  private readonly root = new IndexNode();
  private readonly methodSets = new Map<string, MethodSet>();
  // The state of the current lookup (see walk()).
  private method = '';
  private withServed = false;
  private request: RouteRequest | undefined;
  private best: Candidate | undefined;
  private served: MethodSet | undefined;
  private moreServed: MethodSet[] | undefined;

  /** Literal segments compare with ASCII letters folded to lower case (case-insensitive routing). */
  private readonly foldCase: boolean;

  private constructor(private readonly options: FirstMatchOptions) {
    this.foldCase = !options.caseSensitive;
  }

  /** Builds the table from routes in registration order. */
  static build(routes: readonly OrderedRoute<RouteEntry>[], options: FirstMatchOptions): FirstMatchBuild {
    const table = new FirstMatchTable(options);
    const samePaths: SamePath<RouteEntry>[] = [];
    const byKey = new Map<string, Candidate[]>();
    const servedSets = new Map<string, MethodSet>();
    const variantsOf = new Map<Candidate, readonly PathVariant[]>();
    const candidates = routes.map((route, order) => {
      const compiled = options.compile(route.path);
      let served = servedSets.get(route.method);
      if (!served) {
        served = table.methodSetOf(route.method === 'ALL' ? ALL_METHODS : route.method === 'GET' ? ['GET', 'HEAD'] : [route.method]);
        servedSets.set(route.method, served);
      }
      const matches = compiled.variants.every((v) => v.complete) ? undefined : compiled.matches;
      const accepts = route.filter ? (options.acceptanceOf?.(route.filter) ?? MAY_ACCEPT) : undefined;
      const candidate = new Candidate(order, route, served, matches, accepts);
      variantsOf.set(candidate, compiled.variants);
      let reported: Set<Candidate> | undefined;
      for (const variant of compiled.variants) {
        table.insert(variant, candidate);
        const key = options.caseSensitive ? variant.key : variant.key.toLowerCase();
        const same = byKey.get(key);
        if (!same) {
          byKey.set(key, [candidate]);
          continue;
        }
        for (const earlier of same) {
          if (reported?.has(earlier) || !sharesAMethod(earlier, candidate)) continue;
          (reported ??= new Set()).add(earlier);
          samePaths.push({ route, earlier: earlier.route });
        }
        same.push(candidate);
      }
      return candidate;
    });
    const neverReached: NeverReached<RouteEntry>[] = [];
    for (const candidate of candidates) {
      const servedBy = table.earlierServing(candidate, variantsOf.get(candidate)!, byKey);
      if (servedBy) neverReached.push({ route: candidate.route, servedBy: servedBy.route });
    }
    return { table, samePaths, neverReached };
  }

  find(method: string, path: string, request?: RouteRequest): RouteEntry | undefined {
    this.walk(method, path, false, request);
    return this.best?.route.value;
  }

  lookupPreflight(method: string, path: string, request?: RouteRequest): PreflightLookup {
    this.walk(method, path, true, request);
    const served = this.servedSet();
    if (served === undefined) return {};
    return { entry: this.best?.route.value, served };
  }

  private insert(variant: PathVariant, candidate: Candidate): void {
    const { segments, complete } = variant;
    let node = this.root;
    for (let depth = 0; ; depth++) {
      node.firstOrder = Math.min(node.firstOrder, candidate.order);
      // How many more segments a path may have here to reach this route (any, for the matcher's routes).
      const below = segments.length - depth;
      if (complete && below < ANY_DEPTH) node.depths |= 1 << below;
      else node.depths |= 1 << ANY_DEPTH;
      if (depth === segments.length) break;
      const segment = segments[depth]!;
      node = segment === PARAMETER ? (node.parameter ??= new IndexNode()) : node.literalChild(this.options.caseSensitive ? segment : segment.toLowerCase());
    }
    if (complete) (node.ends ??= []).push(candidate);
    else (node.checks ??= []).push(candidate);
    if (complete && candidate.accepts) node.filtered = true;
  }

  /**
   * Finds the route a first-match framework serves `method` on `path` with (`best`): the earliest
   * one whose path matches and whose filter, if any, accepts the request or cannot tell; with
   * `withServed`, also the methods of every such route (`served`, `moreServed`). `request`
   * UNFILTERED_ONLY leaves filtered routes out. Lookups are synchronous, so one set of fields
   * holds the state of the current one.
   */
  private walk(method: string, path: string, withServed: boolean, request: RouteRequest | undefined): void {
    this.method = method;
    this.withServed = withServed;
    this.request = request;
    this.best = undefined;
    this.served = undefined;
    this.moreServed = undefined;
    // Express's non-strict routing: one trailing slash more matches (the matcher sees it as sent).
    let length = path.length;
    if (this.options.ignoreTrailingSlash && length > 1 && path.charCodeAt(length - 1) === SLASH) length--;
    // "/" has no segment; any other path has one after each slash.
    this.visit(this.root, path, length, length === 1 ? 2 : 1);
  }

  /** Walks the index from a node, at the segment starting at `start` (past `length`: none left). */
  private visit(from: IndexNode, path: string, length: number, start: number): void {
    let node: IndexNode | undefined = from;
    while (node) {
      if (node.checks) this.runChecks(node.checks, path);
      if (start > length) {
        if (node.ends) this.takeEnds(node);
        return;
      }
      let end = path.indexOf('/', start);
      if (end < 0 || end > length) end = length;
      const literal: IndexNode | undefined = this.literalChildAt(node, path, start, end);
      const parameter: IndexNode | undefined = end > start ? node.parameter : undefined;
      start = end + 1;
      if (literal && parameter) {
        // Both may lead to a match. Each branch only if it has a route as deep as the path; the
        // parameter branch, after the literal one, only if a route in it could still be earlier than
        // the one found (or the methods of all are wanted).
        const remaining = segmentsFrom(path, start, length);
        if (reaches(literal, remaining)) this.visit(literal, path, length, start);
        if (!reaches(parameter, remaining) || (!this.withServed && this.best && parameter.firstOrder > this.best.order)) return;
        node = parameter;
      } else {
        node = literal ?? parameter;
      }
    }
  }

  /** The child for the literal segment path[start, end), compared without copying the path. */
  private literalChildAt(node: IndexNode, path: string, start: number, end: number): IndexNode | undefined {
    const foldCase = this.foldCase;
    const length = end - start;
    const few = node.few;
    if (few) {
      for (let i = 0; i < few.length; i++) {
        const child = few[i]!;
        if (child.segment.length === length && sameSegment(path, start, child.segment, foldCase)) return child;
      }
      return undefined;
    }
    const bucket = node.statics?.get(segmentHash(path, start, end, foldCase));
    if (bucket === undefined) return undefined;
    if (!Array.isArray(bucket)) return bucket.segment.length === length && sameSegment(path, start, bucket.segment, foldCase) ? bucket : undefined;
    return bucket.find((child) => child.segment.length === length && sameSegment(path, start, child.segment, foldCase));
  }

  private runChecks(checks: readonly Candidate[], path: string): void {
    for (const candidate of checks) {
      // Without the methods to collect, a route that could not win need not be matched at all.
      if (!this.withServed && !this.couldWin(candidate)) continue;
      if (!candidate.matches!(path) || !this.accepted(candidate)) continue;
      this.consider(candidate);
      if (this.withServed) this.addServed(candidate.served);
    }
  }

  /** Whether a route's filter lets it serve the request (or cannot tell). */
  private accepted(candidate: Candidate): boolean {
    if (!candidate.accepts) return true;
    if (this.request === UNFILTERED_ONLY) return false;
    return this.request === undefined || candidate.accepts(this.request) !== false;
  }

  private takeEnds(node: IndexNode): void {
    const ends = node.ends!;
    if (node.filtered) {
      // Routes with filters: each judged against the request, and only those that may serve it count.
      for (const candidate of ends) {
        if (!candidate.serves(this.method) && !this.withServed) continue;
        if (!this.accepted(candidate)) continue;
        this.consider(candidate);
        if (this.withServed) this.addServed(candidate.served);
      }
      return;
    }
    if (ends.length === 1) this.consider(ends[0]!);
    else {
      // The node's routes serving the method, earliest first, found once per method a route can
      // serve (a preflight's requested method is the client's text: others are not kept).
      let winners = node.endsByMethod?.get(this.method);
      if (!winners) {
        winners = ends.filter((c) => c.serves(this.method)).sort(byOrder);
        if (ALL_SET.has(this.method)) (node.endsByMethod ??= new Map()).set(this.method, winners);
      }
      for (let i = 0; i < winners.length; i++) this.consider(winners[i]!);
    }
    if (this.withServed) this.addServed((node.endsServed ??= this.union(ends)));
  }

  private couldWin(candidate: Candidate): boolean {
    return candidate.serves(this.method) && (this.best === undefined || candidate.order < this.best.order);
  }

  /** The earliest route serving the method wins (filters are judged by the caller). */
  private consider(candidate: Candidate): void {
    if (this.couldWin(candidate)) this.best = candidate;
  }

  private addServed(set: MethodSet): void {
    if (this.served === undefined || this.served === set) this.served = set;
    else (this.moreServed ??= []).push(set);
  }

  /** The methods of every route found; one shared MethodSet per distinct combination. */
  private servedSet(): MethodSet | undefined {
    if (this.moreServed === undefined) return this.served;
    const names = new Set<string>();
    for (const set of [this.served!, ...this.moreServed]) for (const name of set.names) names.add(name);
    return this.methodSetOf(names);
  }

  private union(candidates: readonly Candidate[]): MethodSet {
    const names = new Set<string>();
    for (const candidate of candidates) for (const name of candidate.served.names) names.add(name);
    return this.methodSetOf(names);
  }

  private methodSetOf(names: Iterable<string>): MethodSet {
    const sorted = [...names].sort();
    const key = sorted.join(',');
    let set = this.methodSets.get(key);
    if (!set) {
      set = methodSet(sorted);
      if (this.methodSets.size < MAX_METHOD_SETS) this.methodSets.set(key, set);
    }
    return set;
  }

  /**
   * The earlier route that serves every path of this one, when that is certain: each variant is
   * on the same path pattern as an earlier route, or is literal and matched by an earlier route.
   */
  private earlierServing(candidate: Candidate, variants: readonly PathVariant[], byKey: ReadonlyMap<string, readonly Candidate[]>): Candidate | undefined {
    let servedBy: Candidate | undefined;
    // An ALL route is covered only by an earlier ALL route (Candidate.serves('ALL')).
    const method = candidate.route.method;
    const covers = (other: Candidate) => other.order < candidate.order && !other.route.passesOn && other.serves(method);
    for (const variant of variants) {
      const key = this.options.caseSensitive ? variant.key : variant.key.toLowerCase();
      let earlier = byKey.get(key)?.find(covers);
      if (!earlier && variant.complete && !variant.segments.includes(PARAMETER)) {
        this.walk(method, `/${variant.segments.join('/')}`, false, UNFILTERED_ONLY);
        if (this.best && covers(this.best)) earlier = this.best;
      }
      if (!earlier) return undefined;
      servedBy ??= earlier;
    }
    return servedBy;
  }
}

function byOrder(a: Candidate, b: Candidate): number {
  return a.order - b.order;
}

function sharesAMethod(a: Candidate, b: Candidate): boolean {
  for (const name of a.served.names) if (b.served.names.has(name)) return true;
  return false;
}
