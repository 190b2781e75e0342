import { Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CORS_LOGGER_CONTEXT } from '../../nest/cors.constants.js';
import { MostSpecificTable, type MostSpecificOptions } from '../../routing/most-specific-table.js';
import type { RouteEntry } from '../../routing/route-table.js';
import type { OrderedRoute, RouteFilter } from '../../routing/routes.js';
import type { CorsPlatform, HttpAdapterLike, RouteTableBuild } from '../cors-platform.js';
import { installFastifyHook, installFastifyListener, type FastifyAdapterLike, type FastifyInstanceLike } from './fastify-hook.js';
import { compileFastifyPath, decodeFastifyParam, normalizeFastifyTarget, type FastifyMatching } from './fastify-path.js';
import { fastifyOptions } from './fastify-options.js';
import { fastifyRules, proxyTrust, type TrustProxy } from './fastify-route-filter.js';
import { FastifyRouteTable, RouterMirrorTable } from './fastify-table.js';

/** What the platform reads of a Fastify instance's settings. */
interface FastifyConfig {
  readonly initialConfig?: {
    readonly routerOptions?: Partial<FastifyMatching>;
    readonly caseSensitive?: boolean;
    readonly ignoreTrailingSlash?: boolean;
    readonly ignoreDuplicateSlashes?: boolean;
    readonly useSemicolonDelimiter?: boolean;
    readonly maxParamLength?: number;
    readonly exposeHeadRoutes?: boolean;
    readonly trustProxy?: TrustProxy;
  };
}

/** The adapter's own reading of the router settings (FastifyAdapter#getRouteMatchingOptions, Nest 12). */
interface FastifyAdapterSettings extends HttpAdapterLike {
  getRouteMatchingOptions?(): { caseSensitive?: boolean; ignoreTrailingSlash?: boolean; maxParamLength?: number; useSemicolonDelimiter?: boolean };
}

/** Everything the table needs of the application's Fastify settings. */
export interface FastifySettings extends FastifyMatching {
  /** GET routes also answer HEAD (Fastify's exposeHeadRoutes, on by default). */
  readonly exposeHeadRoutes: boolean;
  readonly trustProxy: TrustProxy;
}

/**
 * Fastify (@nestjs/platform-fastify): a request is served by the most specific route that
 * matches it (find-my-way), and duplicate routes are refused at start-up; route paths are in
 * find-my-way's syntax. The hook takes the adapter's onRequest slot, and answers preflights on
 * the server's `request` event where it can.
 */
export const fastifyPlatform: CorsPlatform = {
  name: 'fastify',
  packageName: '@nestjs/platform-fastify',

  supports: (adapter) =>
    adapter.getType?.() === 'fastify' &&
    typeof (adapter as Partial<FastifyAdapterLike>).setOnRequestHook === 'function' &&
    typeof (adapter.getInstance() as FastifyInstanceLike | undefined)?.routing === 'function',

  buildTable(adapter, routes) {
    return buildFastifyTable(routes, fastifySettings(adapter));
  },

  // The request target as received: the table reads it as find-my-way does (query string, decoding, slashes).
  pathOf: (req: IncomingMessage) => req.url ?? '/',

  install(adapter, handler) {
    const logger = new Logger(CORS_LOGGER_CONTEXT);
    installFastifyHook(adapter as unknown as FastifyAdapterLike, handler, (message) => logger.warn(message));
    const settings = fastifySettings(adapter);
    installFastifyListener(adapter.getInstance() as FastifyInstanceLike, handler, (target) => normalizeFastifyTarget(target, settings) !== undefined);
  },
};

/**
 * The route table of routes as Fastify holds them: the most-specific table, or, for route paths
 * it does not represent, a find-my-way mirror; wrapped to read Fastify's own match of actual requests.
 */
export function buildFastifyTable(routes: readonly OrderedRoute<RouteEntry>[], settings: FastifySettings): RouteTableBuild {
  const trusts = proxyTrust(settings.trustProxy);
  const rulesOf = (filter: RouteFilter) => fastifyRules(filter, trusts);
  const options: MostSpecificOptions = {
    compile: (path) => compileFastifyPath(path, settings),
    normalize: (target) => normalizeFastifyTarget(target, settings),
    maxParamLength: settings.maxParamLength,
    decodeParam: decodeFastifyParam,
    headFromGet: settings.exposeHeadRoutes,
    rulesOf,
  };
  const built = MostSpecificTable.build(routes, options) ?? RouterMirrorTable.build(routes, settings, { headFromGet: settings.exposeHeadRoutes, rulesOf });
  return { table: new FastifyRouteTable(built.table, routes, rulesOf), samePaths: built.samePaths, neverReached: [] };
}

/**
 * The instance's router settings, read where Fastify keeps the ones its router was built with
 * (`routerOptions` first, then the deprecated top-level options, then its defaults, already
 * merged), and its trustProxy. Without them (another Fastify version): the adapter's own reading
 * (Nest 12), then `initialConfig` read the same way; find-my-way's defaults for the rest
 * (case-sensitive, no trailing or duplicate slash folding, parameters up to 100 characters).
 */
export function fastifySettings(adapter: FastifyAdapterSettings): FastifySettings {
  const instance = adapter.getInstance() as FastifyConfig;
  const options = fastifyOptions(instance);
  const config = instance.initialConfig ?? {};
  const trustProxy = options?.trustProxy ?? config.trustProxy;
  const exposeHeadRoutes = options?.exposeHeadRoutes ?? config.exposeHeadRoutes ?? true;
  const merged = options?.routerOptions;
  if (merged !== undefined) {
    return {
      caseSensitive: merged.caseSensitive ?? true,
      ignoreTrailingSlash: merged.ignoreTrailingSlash ?? false,
      ignoreDuplicateSlashes: merged.ignoreDuplicateSlashes ?? false,
      useSemicolonDelimiter: merged.useSemicolonDelimiter ?? false,
      maxParamLength: merged.maxParamLength || 100,
      exposeHeadRoutes,
      trustProxy,
    };
  }
  const router = config.routerOptions ?? {};
  const read = <K extends keyof FastifyMatching>(key: K, fallback: FastifyMatching[K]): FastifyMatching[K] =>
    (router[key] ?? (config as Partial<FastifyMatching>)[key] ?? fallback) as FastifyMatching[K];
  const own = adapter.getRouteMatchingOptions?.() ?? {};
  return {
    caseSensitive: own.caseSensitive ?? read('caseSensitive', true),
    ignoreTrailingSlash: own.ignoreTrailingSlash ?? read('ignoreTrailingSlash', false),
    ignoreDuplicateSlashes: read('ignoreDuplicateSlashes', false),
    useSemicolonDelimiter: own.useSemicolonDelimiter ?? read('useSemicolonDelimiter', false),
    maxParamLength: own.maxParamLength || read('maxParamLength', 100) || 100,
    exposeHeadRoutes,
    trustProxy,
  };
}
