// What the benchmark's parent (load generator) and its server processes share: the server
// configurations, the CORS options they all use, the generated application's shape and the
// requests of each scenario.

/**
 * - `none`: no CORS at all.
 * - `enableCors`: `app.enableCors(SAME_OPTIONS)` (the `cors` package on Express, `@fastify/cors`
 *   on Fastify, through Nest).
 * - `library`: `CorsModule.forRoot(SAME_OPTIONS)`, no `@Cors` anywhere.
 * - `perRoute`: the same global policy, with `@Cors` overrides on half the controllers, a few
 *   `@Cors(false)` controllers and handlers, and handler-level field overrides.
 */
export type Mode = 'none' | 'enableCors' | 'library' | 'perRoute';

export const MODES: readonly Mode[] = ['none', 'enableCors', 'library', 'perRoute'];

export const MODE_LABELS: Readonly<Record<Mode, string>> = {
  none: 'no CORS',
  enableCors: 'app.enableCors()',
  library: 'library, global policy',
  perRoute: 'library, per-route @Cors',
};

/** The HTTP platform of a server: Nest on Express 5 (the default), or on Fastify 5. */
export type BenchPlatform = 'express' | 'fastify';

export const PLATFORM_LABELS: Readonly<Record<BenchPlatform, string>> = { express: 'Express', fastify: 'Fastify' };

export interface ServerConfig {
  /** Express when absent (raw files of earlier runs have no platform). */
  readonly platform?: BenchPlatform;
  readonly mode: Mode;
  /** Number of routes (10 per controller). */
  readonly routes: number;
  /** Number of allowed origins in SAME_OPTIONS.origin. */
  readonly origins: number;
  /** A second server identical to another one: the two measure the benchmark's own noise. */
  readonly twin?: boolean;
}

export function configKey(config: ServerConfig): string {
  return `${config.platform === 'fastify' ? 'fastify/' : ''}${config.mode}/${config.routes}r/${config.origins}o${config.twin ? '/twin' : ''}`;
}

export function platformOf(config: Pick<ServerConfig, 'platform'>): BenchPlatform {
  return config.platform ?? 'express';
}

/** Messages from a server process to the parent. */
export type ServerMessage =
  | { readonly type: 'ready'; readonly port: number; readonly startupMs: number; readonly memory: MemorySample }
  | { readonly type: 'memory'; readonly memory: MemorySample }
  /** CPU time the process has used (user + system, all threads), in microseconds. */
  | { readonly type: 'cpu'; readonly micros: number }
  | { readonly type: 'error'; readonly message: string };

/** Messages from the parent to a server process. */
/** `gc`: collect garbage (a full GC; the server runs with --expose-gc) before sampling. */
export type ParentMessage = { readonly type: 'memory'; readonly gc?: boolean } | { readonly type: 'cpu' } | { readonly type: 'stop' };

export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

// ---------------------------------------------------------------------------------------------
// Origins and options

export const APP_ORIGIN = 'https://app.example.com';
export const PARTNER_ORIGIN = 'https://partner.example.org';
export const EVIL_ORIGIN = 'https://evil.example.net';

/**
 * The allowed origins: APP_ORIGIN alone, or `count - 1` generated origins followed by APP_ORIGIN
 * (last: the worst case for a list scanned in order, as the `cors` package does).
 */
export function allowedOrigins(count: number): string[] {
  const origins: string[] = [];
  for (let i = 0; i < count - 1; i++) origins.push(`https://app-${i}.tenant${i % 97}.example.com`);
  origins.push(APP_ORIGIN);
  return origins;
}

/** The options every CORS configuration gets: `cors` package options, methods and allowedHeaders unset. */
export function sameOptions(originCount: number): { origin: string[]; credentials: true } {
  return { origin: allowedOrigins(originCount), credentials: true };
}

/** The origin list of the per-route configuration's overridden controllers: a different list that also allows APP_ORIGIN. */
export const OVERRIDE_ORIGINS = [PARTNER_ORIGIN, APP_ORIGIN];

// ---------------------------------------------------------------------------------------------
// The generated application: `routes / 10` controllers `/res{i}`, each with these routes.

export type HttpVerb = 'Get' | 'Post' | 'Put' | 'Delete';

export const ROUTES_PER_CONTROLLER = 10;

/** [handler name, method decorator, path]; static paths before the parameter routes they overlap. */
export const CONTROLLER_ROUTES: ReadonlyArray<readonly [string, HttpVerb, string]> = [
  ['list', 'Get', ''],
  ['search', 'Get', 'search'],
  ['deep', 'Get', 'static/a/b'],
  ['create', 'Post', ''],
  ['findOne', 'Get', ':id'],
  ['replace', 'Put', ':id'],
  ['remove', 'Delete', ':id'],
  ['parts', 'Get', ':id/parts'],
  ['part', 'Get', 'items/:id/parts/:part'],
  ['replacePart', 'Put', 'items/:id/parts/:part'],
];

/** Per-route configuration: which controllers get which controller-level `@Cors`. */
export function controllerOverride(index: number): 'disabled' | 'otherOrigins' | undefined {
  if (index % 10 === 8) return 'disabled';
  if (index % 2 === 1) return 'otherOrigins';
  return undefined;
}

export function controllerCount(routes: number): number {
  return Math.max(1, Math.round(routes / ROUTES_PER_CONTROLLER));
}

/** How many controllers the throughput scenarios spread their requests over (at most). */
export const MEASURED_CONTROLLERS = 50;

/**
 * The controllers the throughput scenarios hit: spread evenly over the whole application (first
 * and last included, so that a router that scans routes in order pays its average cost), both
 * with and without a controller-level override, never a `@Cors(false)` one.
 */
export function measuredControllers(routes: number): number[] {
  const n = controllerCount(routes);
  const count = Math.min(n, MEASURED_CONTROLLERS);
  const picked = new Set<number>();
  for (let k = 0; k < count; k++) {
    let index = count === 1 ? 0 : Math.round((k * (n - 1)) / (count - 1));
    if (controllerOverride(index) === 'disabled') index = index > 0 ? index - 1 : index + 1;
    picked.add(Math.min(n - 1, index));
  }
  return [...picked];
}

// ---------------------------------------------------------------------------------------------
// Scenarios

export type Scenario = 'getOrigin' | 'getNoOrigin' | 'preflightAllowed' | 'preflightDisallowed';

export const SCENARIOS: readonly Scenario[] = ['getOrigin', 'getNoOrigin', 'preflightAllowed', 'preflightDisallowed'];

export const SCENARIO_LABELS: Readonly<Record<Scenario, string>> = {
  getOrigin: 'GET, allowed Origin',
  getNoOrigin: 'GET, no Origin',
  preflightAllowed: 'preflight, allowed origin',
  preflightDisallowed: 'preflight, disallowed origin',
};

export interface BenchRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
}

/** GET paths: static and parameter routes, in turn, over the measured controllers. */
function getPaths(routes: number): string[] {
  return measuredControllers(routes).map((c, i) => {
    switch (i % 5) {
      case 0:
        return `/res${c}`;
      case 1:
        return `/res${c}/${1000 + c}`;
      case 2:
        return `/res${c}/items/${c}/parts/p${c}`;
      case 3:
        return `/res${c}/static/a/b`;
      default:
        return `/res${c}/search?q=${c}`;
    }
  });
}

/** Preflight paths: both kinds serve PUT. */
function preflightPaths(routes: number): string[] {
  return measuredControllers(routes).map((c, i) => (i % 2 === 0 ? `/res${c}/${1000 + c}` : `/res${c}/items/${c}/parts/p${c}`));
}

/** The requests of a scenario; every connection cycles through them. */
export function scenarioRequests(scenario: Scenario, routes: number): BenchRequest[] {
  switch (scenario) {
    case 'getOrigin':
      return getPaths(routes).map((path) => ({ method: 'GET', path, headers: { origin: APP_ORIGIN } }));
    case 'getNoOrigin':
      return getPaths(routes).map((path) => ({ method: 'GET', path, headers: {} }));
    case 'preflightAllowed':
    case 'preflightDisallowed':
      return preflightPaths(routes).map((path) => ({
        method: 'OPTIONS',
        path,
        headers: {
          origin: scenario === 'preflightAllowed' ? APP_ORIGIN : EVIL_ORIGIN,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type',
        },
      }));
  }
}

/** The scenarios that mean something for a configuration (without CORS there is no preflight to answer). */
export function scenariosFor(mode: Mode): readonly Scenario[] {
  return mode === 'none' ? ['getOrigin', 'getNoOrigin'] : SCENARIOS;
}

/** The status each scenario must get; anything else makes the measurement suspect. */
export function expectedStatus(mode: Mode, scenario: Scenario): number {
  if (scenario === 'getOrigin' || scenario === 'getNoOrigin') return 200;
  if (scenario === 'preflightAllowed') return 204;
  // The cors package and @fastify/cors answer every preflight (without ACAO when refused); the library refuses with 403.
  return mode === 'enableCors' ? 204 : 403;
}
