// The CORS surface as plain data: one JSON record per route, built from what the bootstrap
// resolved (the compiled policy each route hands the hook, and where it came from). Pure: no Nest,
// no HTTP framework; imports lib/core, lib/routing and lib/resolution types only.
import { DEFAULT_METHODS, type CompiledPolicy } from '../core/index.js';
import type { PolicySource } from '../resolution/policy-resolver.js';
import type { ResolvedRoute } from '../resolution/resolve-routes.js';
import { ALL_METHODS, type RouteEntry } from '../routing/route-table.js';
import type { NeverReached } from '../routing/routes.js';

/**
 * A route's effective policy in readable form.
 *
 * @example
 * ```ts
 * const policy: CorsPolicyReport = {
 *   origins: ['https://app.example.com', 'https://*.example.com'],
 *   credentials: true,
 *   methods: ['GET', 'HEAD'],
 *   methodsFrom: 'the methods this path serves',
 *   allowedHeaders: ['content-type', 'authorization'],
 *   exposedHeaders: [],
 *   maxAge: 600,
 *   privateNetwork: false,
 *   optionsSuccessStatus: 204,
 *   preflightContinue: false,
 * };
 * ```
 */
export interface CorsPolicyReport {
  /**
   * Who may read responses: the configured origins and patterns as written, RegExps as
   * `/source/flags`, or one of `'*'`, `'any origin, reflected'` (`origin: true`), `'origin function'`
   * (with the function's name when it has one). Empty: no origin (closed or disabled).
   */
  readonly origins: string[];
  readonly credentials: boolean;
  /** The methods a preflight may ask for (and `Access-Control-Allow-Methods` lists). */
  readonly methods: string[];
  /**
   * Where `methods` comes from: the `methods` option, the methods the routes on this path pattern
   * serve (the default; a concrete URL may match more patterns: explain() says exactly), or, for
   * paths no route serves, the default list of the `cors` package.
   */
  readonly methodsFrom: 'configured' | 'the methods this path serves' | 'default';
  /** Request headers preflights may ask for, lower-case; `'reflected'`: whatever the preflight asks for. */
  readonly allowedHeaders: string[] | 'reflected';
  /** Response headers exposed to scripts (`Access-Control-Expose-Headers`). */
  readonly exposedHeaders: string[];
  /** `Access-Control-Max-Age` in seconds; null when not sent. */
  readonly maxAge: number | null;
  /** Private Network Access preflights are answered (`allowPrivateNetwork`). */
  readonly privateNetwork: boolean;
  /** Status of an allowed preflight answered by the hook. */
  readonly optionsSuccessStatus: number;
  /** Allowed preflights are passed on to the application instead of answered. */
  readonly preflightContinue: boolean;
}

/**
 * One route of the CORS surface, as `CorsInspector.routes()` returns it: plain JSON, for
 * snapshots and reviews.
 *
 * @example
 * ```ts
 * const record: CorsRouteReport = {
 *   method: 'GET',
 *   path: '/api/users/:id',
 *   handler: 'UsersController.findOne',
 *   boundTo: null,
 *   route: 'GET /api/users/:id (UsersController.findOne)',
 *   disabled: false,
 *   policy: { origins: ['https://partner.example.org'], credentials: false, methods: ['GET', 'HEAD'], methodsFrom: 'the methods this path serves',
 *     allowedHeaders: 'reflected', exposedHeaders: [], maxAge: null, privateNetwork: false, optionsSuccessStatus: 204, preflightContinue: false },
 *   from: ['policy "partner" (controller @Cors)'],
 *   shadowedBy: null,
 * };
 * ```
 */
export interface CorsRouteReport {
  /** Upper-case method, `ALL`, or `*` for the record of paths no route serves. */
  readonly method: string;
  /** The path as Nest registers it (global prefix, versions, module paths applied); `*` for paths no route serves. */
  readonly path: string;
  /** `Controller.method`; null for paths no route serves. */
  readonly handler: string | null;
  /** What else selects this handler (`host …`, `version …` outside the path); null when nothing does. */
  readonly boundTo: string | null;
  /** The route's label, as in start-up logs, refusal logs and `explain()`'s `route`. */
  readonly route: string;
  /** `@Cors(false)` is in effect: no CORS headers, preflights refused. */
  readonly disabled: boolean;
  readonly policy: CorsPolicyReport;
  /**
   * Where the policy comes from, base first: `global`, `policy "name" (controller @Cors)`, then the
   * levels whose fields apply (`controller @Cors: exposedHeaders`), or the `@Cors(false)` that disables it.
   */
  readonly from: string[];
  /** The label of an earlier route that serves every path of this one (so its policy applies there); null when none does. */
  readonly shadowedBy: string | null;
}

/** What the bootstrap resolved and built, as the report reads it. */
export interface RouteReportInput {
  readonly resolved: readonly ResolvedRoute[];
  /** The policy of paths no route serves. */
  readonly fallback: RouteEntry;
  /** Routes that an earlier route always serves instead (from the platform's table). */
  readonly neverReached: readonly NeverReached<RouteEntry>[];
}

/** The record of paths no route serves: last in the report. */
export const UNKNOWN_PATHS = '*';

/**
 * Every route's record, sorted by path, method, handler and binding (registration order depends on
 * module and controller order, which is not part of the CORS surface: a snapshot should change
 * when a policy does, not when a controller moves), then the record of paths no route serves.
 */
export function buildRouteReport({ resolved, fallback, neverReached }: RouteReportInput): CorsRouteReport[] {
  const served = servedMethodsByPattern(resolved);
  const shadowedBy = new Map(neverReached.map(({ route, servedBy }) => [route, servedBy.value.label]));
  // Records share their policy and source descriptions (a handful for thousands of routes: the
  // report costs little at start-up and in memory); the inspector hands out copies.
  const policyReports = new Map<CompiledPolicy, Map<readonly string[] | undefined, CorsPolicyReport>>();
  const describeOnce = (policy: CompiledPolicy, methods: readonly string[] | undefined): CorsPolicyReport => {
    const byMethods = policyReports.get(policy) ?? new Map<readonly string[] | undefined, CorsPolicyReport>();
    policyReports.set(policy, byMethods);
    const known = byMethods.get(methods);
    if (known) return known;
    const described = describePolicy(policy, methods);
    byMethods.set(methods, described);
    return described;
  };
  const sources = new Map<PolicySource, string[]>();
  const sourceOnce = (source: PolicySource): string[] => sources.get(source) ?? sources.set(source, describeSource(source)).get(source)!;
  const records = resolved.map(({ declaration, route, source }): CorsRouteReport => {
    const disabled = source.disabledBy !== undefined;
    return {
      method: route.method,
      path: route.path,
      handler: declaration.handlerName === undefined ? declaration.controllerName : `${declaration.controllerName}.${declaration.handlerName}`,
      boundTo: declaration.discriminator ?? null,
      route: route.value.label,
      disabled,
      policy: describeOnce(route.value.policy, served.get(patternKey(route.path))),
      from: sourceOnce(source),
      shadowedBy: shadowedBy.get(route) ?? null,
    };
  });
  records.sort(compareRecords);
  records.push({
    method: UNKNOWN_PATHS,
    path: UNKNOWN_PATHS,
    handler: null,
    boundTo: null,
    route: fallback.label,
    disabled: false,
    policy: describePolicy(fallback.policy, undefined),
    from: ['global'],
    shadowedBy: null,
  });
  return records;
}

/** `served`: the methods of the path, or undefined for paths no route serves. */
function describePolicy(policy: CompiledPolicy, served: readonly string[] | undefined): CorsPolicyReport {
  const { options } = policy;
  return {
    origins: describeOrigins(options.origin),
    credentials: policy.credentials,
    methods: policy.methods ? [...policy.methods.names] : served ? [...served] : [...DEFAULT_METHODS.names],
    methodsFrom: policy.methods ? 'configured' : served ? 'the methods this path serves' : 'default',
    allowedHeaders: policy.allowedHeaders ? [...policy.allowedHeaders.names] : 'reflected',
    exposedHeaders: policy.exposedHeaders === undefined ? [] : policy.exposedHeaders.split(','),
    maxAge: policy.maxAge === undefined ? null : Number(policy.maxAge),
    privateNetwork: policy.allowPrivateNetwork,
    optionsSuccessStatus: policy.optionsSuccessStatus,
    preflightContinue: policy.preflightContinue,
  };
}

function describeOrigins(origin: CompiledPolicy['options']['origin']): string[] {
  if (origin === undefined || origin === null || origin === false) return [];
  if (origin === true) return ['any origin, reflected'];
  if (typeof origin === 'function') {
    // An inline `origin: (o) => …` is named after the property: no information.
    const name = origin.name && origin.name !== 'origin' ? ` (${origin.name})` : '';
    return [`origin function${name}`];
  }
  return (Array.isArray(origin) ? origin : [origin]).map((entry: string | RegExp) => String(entry));
}

function describeSource(source: PolicySource): string[] {
  if (source.disabledBy) return [`${source.disabledBy} @Cors(false)`];
  const steps = [source.named ? `policy "${source.named.name}" (${source.named.level} @Cors)` : 'global'];
  for (const { level, names } of source.fields) {
    if (names.length > 0) steps.push(`${level} @Cors: ${names.join(', ')}`);
    // A level that only names a policy is said by the first step already.
    else if (source.named?.level !== level) steps.push(`${level} @Cors()`);
  }
  if (source.reenabled) steps.push('enabled again under controller @Cors(false)');
  return steps;
}

/**
 * The methods each path pattern serves, by the routing rule of lib/routing (GET serves HEAD, ALL
 * every method a browser may send). Parameter names do not matter: `/a/:id` and `/a/:key` are one pattern.
 */
function servedMethodsByPattern(resolved: readonly ResolvedRoute[]): Map<string, readonly string[]> {
  const byPattern = new Map<string, Set<string>>();
  for (const { route } of resolved) {
    const key = patternKey(route.path);
    const methods = byPattern.get(key) ?? new Set<string>();
    const added = route.method === 'ALL' ? ALL_METHODS : route.method === 'GET' ? ['GET', 'HEAD'] : [route.method];
    for (const method of added) methods.add(method);
    byPattern.set(key, methods);
  }
  // Equal lists are one array, so that records can share their policy description.
  const lists = new Map<string, readonly string[]>();
  const interned = (methods: Set<string>) => {
    const list = [...methods].sort();
    const key = list.join(',');
    return lists.get(key) ?? lists.set(key, list).get(key)!;
  };
  return new Map([...byPattern].map(([key, methods]) => [key, interned(methods)]));
}

function patternKey(path: string): string {
  return path.replace(/:[A-Za-z_$][A-Za-z0-9_$]*/g, ':');
}

function compareRecords(a: CorsRouteReport, b: CorsRouteReport): number {
  return compare(a.path, b.path) || compare(a.method, b.method) || compare(a.handler ?? '', b.handler ?? '') || compare(a.boundTo ?? '', b.boundTo ?? '');
}

/** Code-unit order: the same on every machine, whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
