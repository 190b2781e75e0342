import { methodSet, type MethodSet } from '../core/index.js';
import { ALL_METHODS, type PreflightLookup, type RouteEntry, type RouteTable } from './route-table.js';
import type { NeverReached, OrderedRoute, SamePath } from './routes.js';

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
}

export interface FirstMatchBuild {
  readonly table: FirstMatchTable;
  readonly samePaths: SamePath<RouteEntry>[];
  readonly neverReached: NeverReached<RouteEntry>[];
}

const ALL_SET: ReadonlySet<string> = new Set(ALL_METHODS);
const SLASH = 0x2f;
/** Distinct method combinations kept; beyond it, a set is built per request. */
const MAX_METHOD_SETS = 256;

/** A route in the index. */
class Candidate {
  /** Lookup in which it was last found / last tested with the framework's matcher. */
  found = 0;
  tested = 0;

  constructor(
    readonly order: number,
    readonly route: OrderedRoute<RouteEntry>,
    readonly served: MethodSet,
    /** The framework's matcher, kept only for routes with a variant the index cannot judge alone. */
    readonly matches: ((path: string) => boolean) | undefined,
  ) {}

  serves(method: string): boolean {
    const own = this.route.method;
    return own === method || (own === 'ALL' ? ALL_SET.has(method) : method === 'HEAD' && own === 'GET');
  }
}

class IndexNode {
  /** A lone literal child segment, compared without slicing the path; with more, the `statics` map. */
  onlyStatic: string | undefined;
  onlyStaticNode: IndexNode | undefined;
  statics: Map<string, IndexNode> | undefined;
  parameter: IndexNode | undefined;
  /** Routes with a complete variant ending here. */
  ends: Candidate[] | undefined;
  /** The methods the routes in `ends` serve, computed on first use. */
  endsServed: MethodSet | undefined;
  /** Routes with an incomplete variant whose known segments end here: their matcher decides. */
  checks: Candidate[] | undefined;

  /** The child for a literal segment, created if needed. */
  literalChild(key: string): IndexNode {
    if (this.statics) {
      let child = this.statics.get(key);
      if (!child) this.statics.set(key, (child = new IndexNode()));
      return child;
    }
    if (this.onlyStatic === undefined) {
      this.onlyStatic = key;
      return (this.onlyStaticNode = new IndexNode());
    }
    if (this.onlyStatic === key) return this.onlyStaticNode!;
    this.statics = new Map([[this.onlyStatic, this.onlyStaticNode!]]);
    this.onlyStatic = this.onlyStaticNode = undefined;
    const child = new IndexNode();
    this.statics.set(key, child);
    return child;
  }
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
  /** Scratch state of the current lookup (lookups are synchronous, so one is enough). */
  private readonly foundList: Candidate[] = [];
  /** The node whose `ends` gave every route found, when one did (then its methods are precomputed). */
  private foundAt: IndexNode | undefined;
  private lookupId = 0;

  private constructor(private readonly options: FirstMatchOptions) {}

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
      const candidate = new Candidate(order, route, served, compiled.variants.every((v) => v.complete) ? undefined : compiled.matches);
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

  find(method: string, path: string): RouteEntry | undefined {
    return pick(this.collect(path), method)?.route.value;
  }

  lookupPreflight(method: string, path: string): PreflightLookup {
    const found = this.collect(path);
    if (found.length === 0) return {};
    return { entry: pick(found, method)?.route.value, served: this.servedBy(found) };
  }

  private insert(variant: PathVariant, candidate: Candidate): void {
    let node = this.root;
    for (const segment of variant.segments) {
      if (segment === PARAMETER) {
        node = node.parameter ??= new IndexNode();
      } else {
        node = node.literalChild(this.options.caseSensitive ? segment : segment.toLowerCase());
      }
    }
    if (variant.complete) (node.ends ??= []).push(candidate);
    else (node.checks ??= []).push(candidate);
  }

  /** Every route that matches the path, each once, in no particular order. */
  private collect(path: string): Candidate[] {
    const found = this.foundList;
    found.length = 0;
    this.foundAt = undefined;
    // Express's non-strict routing: one trailing slash more matches (the matcher sees it as sent).
    let length = path.length;
    if (this.options.ignoreTrailingSlash && length > 1 && path.charCodeAt(length - 1) === SLASH) length--;
    // "/" has no segment; any other path has one after each slash.
    this.visit(this.root, path, length, length === 1 ? 2 : 1, ++this.lookupId);
    return found;
  }

  /** Walks the index from a node, at the segment starting at `start` (past `length`: none left). */
  private visit(from: IndexNode, path: string, length: number, start: number, id: number): void {
    let node: IndexNode | undefined = from;
    while (node) {
      if (node.checks) this.runChecks(node.checks, path, id);
      if (start > length) {
        this.takeEnds(node, id);
        return;
      }
      let end = path.indexOf('/', start);
      if (end < 0 || end > length) end = length;
      const literal: IndexNode | undefined = this.literalChildAt(node, path, start, end);
      const parameter: IndexNode | undefined = end > start ? node.parameter : undefined;
      // Both may lead to a match: follow the parameter branch apart, then go on with the literal one.
      if (literal && parameter) this.visit(parameter, path, length, end + 1, id);
      node = literal ?? parameter;
      start = end + 1;
    }
  }

  /** The child for the literal segment path[start, end), comparing without copying where it can. */
  private literalChildAt(node: IndexNode, path: string, start: number, end: number): IndexNode | undefined {
    const only = node.onlyStatic;
    if (only !== undefined) {
      if (end - start !== only.length) return undefined;
      if (path.startsWith(only, start)) return node.onlyStaticNode;
      return !this.options.caseSensitive && path.slice(start, end).toLowerCase() === only ? node.onlyStaticNode : undefined;
    }
    if (!node.statics) return undefined;
    const segment = path.slice(start, end);
    // Literal keys are lower-case when matching ignores case; paths usually are too.
    return node.statics.get(segment) ?? (this.options.caseSensitive ? undefined : node.statics.get(segment.toLowerCase()));
  }

  private runChecks(checks: readonly Candidate[], path: string, id: number): void {
    for (const candidate of checks) {
      if (candidate.tested === id) continue;
      candidate.tested = id;
      if (candidate.found !== id && candidate.matches!(path)) {
        candidate.found = id;
        this.foundList.push(candidate);
      }
    }
  }

  private takeEnds(node: IndexNode, id: number): void {
    if (!node.ends) return;
    this.foundAt = this.foundList.length === 0 ? node : undefined;
    for (const candidate of node.ends) {
      if (candidate.found === id) continue;
      candidate.found = id;
      this.foundList.push(candidate);
    }
  }

  /** The methods served by the routes found; one shared MethodSet per distinct combination. */
  private servedBy(found: readonly Candidate[]): MethodSet {
    if (found.length === 1) return found[0]!.served;
    const node = this.foundAt;
    if (node && found.length === node.ends!.length) return (node.endsServed ??= this.union(node.ends!));
    return this.union(found);
  }

  private union(found: readonly Candidate[]): MethodSet {
    const names = new Set<string>();
    for (const candidate of found) for (const name of candidate.served.names) names.add(name);
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
    const covers = (other: Candidate) =>
      other.order < candidate.order &&
      !other.route.passesOn &&
      (candidate.route.method === 'ALL' ? other.route.method === 'ALL' : other.serves(candidate.route.method));
    for (const variant of variants) {
      const key = this.options.caseSensitive ? variant.key : variant.key.toLowerCase();
      let earlier = byKey.get(key)?.find(covers);
      if (!earlier && variant.complete && !variant.segments.includes(PARAMETER)) {
        for (const other of this.collect(`/${variant.segments.join('/')}`)) {
          if (covers(other) && (!earlier || other.order < earlier.order)) earlier = other;
        }
      }
      if (!earlier) return undefined;
      servedBy ??= earlier;
    }
    return servedBy;
  }
}

/** The route a first-match framework serves: the earliest one serving the method, preferring routes that do not pass requests on. */
function pick(found: readonly Candidate[], method: string): Candidate | undefined {
  let best: Candidate | undefined;
  let passing: Candidate | undefined;
  for (const candidate of found) {
    if (!candidate.serves(method)) continue;
    if (candidate.route.passesOn) {
      if (!passing || candidate.order < passing.order) passing = candidate;
    } else if (!best || candidate.order < best.order) {
      best = candidate;
    }
  }
  return best ?? passing;
}

function sharesAMethod(a: Candidate, b: Candidate): boolean {
  for (const name of a.served.names) if (b.served.names.has(name)) return true;
  return false;
}
