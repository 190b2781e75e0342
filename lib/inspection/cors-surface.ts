// The hand-over from the bootstrap to the inspector: the report and the handler to explain with,
// per application. No Nest: imports lib/request and the report's types.
import type { IncomingMessage } from 'node:http';
import type { CorsRequestHandler } from '../request/cors-request-handler.js';
import type { CorsRouteReport } from './route-report.js';

/** What the bootstrap hands the inspector: the report, and a handler to explain requests with. */
export interface CorsSurface {
  readonly records: readonly CorsRouteReport[];
  readonly handler: CorsRequestHandler;
  /** The platform's routing path of a request (undefined when its target cannot be parsed). */
  readonly pathOf: (req: IncomingMessage) => string | undefined;
}

// Keyed by the application's ModulesContainer: one per application, and shared by every
// CorsModule instance in it (equal imports of CorsModule.forRoot() each have an inspector, while
// only the first one bootstraps). Symbol.for: the CommonJS and ESM builds of the package may both
// be loaded in one process (the bootstrap from one, an inspector from the other): one map for all.
const SURFACES = Symbol.for('nestjs-route-cors.surfaces');
const registry = globalThis as { [SURFACES]?: WeakMap<object, CorsSurface> };
const surfaces = (registry[SURFACES] ??= new WeakMap<object, CorsSurface>());

export function publishSurface(application: object, surface: CorsSurface): void {
  surfaces.set(application, surface);
}

export function surfaceOf(application: object): CorsSurface | undefined {
  return surfaces.get(application);
}
