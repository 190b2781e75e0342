import type { FastifyMatching } from './fastify-path.js';
import type { TrustProxy } from './fastify-route-filter.js';

/**
 * The options a Fastify 5 instance runs on, as it keeps them (under `Symbol('fastify.options')`):
 * `routerOptions` already merged the way Fastify builds its router (routerOptions first, then the
 * deprecated top-level options, then its defaults), and `trustProxy`, which `initialConfig` leaves out.
 */
export interface FastifyOwnOptions {
  readonly routerOptions?: Partial<FastifyMatching>;
  readonly trustProxy?: TrustProxy;
  readonly exposeHeadRoutes?: boolean;
  readonly rewriteUrl?: unknown;
}

/** The instance's own options; undefined where they are out of sight (another Fastify version). */
export function fastifyOptions(instance: unknown): FastifyOwnOptions | undefined {
  if (instance === null || typeof instance !== 'object') return undefined;
  const key = Object.getOwnPropertySymbols(instance).find((symbol) => symbol.description === 'fastify.options');
  if (key === undefined) return undefined;
  const options = (instance as Record<symbol, unknown>)[key];
  return options !== null && typeof options === 'object' ? (options as FastifyOwnOptions) : undefined;
}
