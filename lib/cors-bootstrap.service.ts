import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { CorsConfigError, type CorsConfigProblem } from './core/index.js';
import { CORS_LOGGER_CONTEXT, CORS_METADATA, CORS_STACKED_METADATA, GLOBAL_POLICY_SOURCE } from './cors.constants.js';
import { CORS_MODULE_OPTIONS } from './cors.module-definition.js';
import type { CorsModuleOptions, CorsRouteMetadata } from './cors-module-options.interface.js';
import { CorsRequestHandler } from './cors-request-handler.js';
import { expressPathOf, installExpressHook, isExpressApp } from './express-hook.js';
import { PolicyResolver } from './policy-resolver.js';
import { discoverRoutes, type DiscoveredRoute } from './route-discovery.js';
import { expressMatcher, findRivals, isNeverReached, type OrderedRoute } from './route-order.js';
import { toRadixPaths } from './route-path.js';
import { RouteTable, type RouteEntry } from './route-table.js';
import { describeRoutes } from './startup-report.js';

/**
 * At bootstrap: discovers every route, resolves and validates its effective policy (stopping the
 * application with every problem at once), builds the route table and mounts the request hook.
 */
@Injectable()
export class CorsBootstrapService implements OnModuleInit {
  private readonly logger = new Logger(CORS_LOGGER_CONTEXT);

  constructor(
    @Inject(CORS_MODULE_OPTIONS) private readonly options: CorsModuleOptions,
    private readonly modules: ModulesContainer,
    private readonly config: ApplicationConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onModuleInit(): Promise<void> {
    const adapter = this.adapterHost.httpAdapter;
    // An application context or a microservice has no HTTP routes to protect.
    if (!adapter) return;
    const app = adapter.getInstance();
    if (!isExpressApp(app)) {
      throw new Error(
        `nestjs-route-cors supports the Express platform (@nestjs/platform-express); this application uses "${adapter.getType?.() ?? 'unknown'}". ` +
          'Use NestFactory.create(AppModule) with Express, or app.enableCors() until Fastify support lands.',
      );
    }
    const handler = new CorsRequestHandler(await this.buildTable(adapter));
    installExpressHook(app, handler);
  }

  private async buildTable(adapter: HttpAdapter) {
    const resolver = new PolicyResolver(this.options);
    const matching = { caseSensitive: false, ignoreTrailingSlash: true, ...adapter.getRouteMatchingOptions?.() };
    const table = new RouteTable(matching);
    const entries: RouteEntry[] = [];
    const conflicts: CorsConfigProblem[] = [];

    const routes: OrderedRoute<RouteEntry>[] = [];
    const stacked = new Set<object>();
    for (const route of await this.routesInRegistrationOrder(adapter)) {
      const label = `${route.method} ${route.path} (${route.controller.name}.${route.handlerName})${route.discriminator ? ` [${route.discriminator}]` : ''}`;
      for (const [level, holder] of [['controller', route.controller], ['handler', route.handler]] as const) {
        if (!Reflect.getOwnMetadata(CORS_STACKED_METADATA, holder) || stacked.has(holder)) continue;
        stacked.add(holder);
        conflicts.push({
          source: level === 'controller' ? `${route.controller.name}` : label,
          field: `@Cors on the ${level}`,
          message: 'is applied twice; only the top decorator would take effect.',
          fix: "Use one @Cors(...): @Cors('name', { ...fields }) combines a named policy with fields.",
        });
      }
      const resolved = resolver.resolve(
        {
          controller: Reflect.getMetadata(CORS_METADATA, route.controller) as CorsRouteMetadata | undefined,
          handler: Reflect.getMetadata(CORS_METADATA, route.handler) as CorsRouteMetadata | undefined,
        },
        label,
      );
      if (!resolved?.compiled) continue;
      const entry: RouteEntry = { policy: resolved.compiled, label };
      entries.push(entry);
      routes.push({ method: route.method, path: route.path, radixPaths: toRadixPaths(route.path), passesOn: route.discriminator !== undefined, value: entry });
    }

    const expressMatching = { caseSensitive: matching.caseSensitive, strict: !matching.ignoreTrailingSlash };
    const rivals = findRivals(routes, expressMatching);
    const routeOf = new Map(routes.map((route) => [route.value, route]));
    for (const route of routes) {
      const ownRivals = rivals.get(route);
      const servedBy = isNeverReached(route, ownRivals);
      if (servedBy && servedBy.value.policy !== route.value.policy) {
        this.logger.warn(
          `${route.value.label} is never reached: ${servedBy.value.label}, registered earlier, serves its paths, so its CORS policy applies there. ` +
            'Declare the more specific route first (or use the "specificity" route resolution strategy).',
        );
      }
      // An earlier route on the same method and path serves it first, unless it passes some
      // requests on (host or header versions): then both serve it, told apart by what the
      // browser cannot control, and their policies must agree.
      for (const existing of table.addRoute(route, ownRivals, expressMatcher(route.path, expressMatching))) {
        if (existing.policy !== route.value.policy && routeOf.get(existing)?.passesOn) {
          conflicts.push({
            source: route.value.label,
            field: '@Cors',
            message: `${existing.label} serves the same method and path with a different CORS policy; the browser cannot tell them apart.`,
            fix: 'Give both handlers the same @Cors(...) policy, or serve them on different paths (e.g. URI versioning).',
          });
        }
      }
    }

    const problems = [...resolver.problems, ...conflicts];
    if (problems.length > 0) throw new CorsConfigError(problems);
    for (const warning of resolver.warnings) {
      this.logger.warn(`${warning.source ? `${warning.source}: ` : ''}${warning.field}: ${warning.message} Fix: ${warning.fix}`);
    }
    table.seal();

    const fallback: RouteEntry = { policy: resolver.global.compiled!, label: `unknown path (${GLOBAL_POLICY_SOURCE})` };
    for (const line of describeRoutes(entries, fallback, this.options.debug === true)) this.logger.log(line);
    return {
      table,
      fallback,
      singlePolicy: entries.every((entry) => entry.policy === fallback.policy),
      debug: this.options.debug === true,
      pathOf: expressPathOf,
    };
  }

  /**
   * Routes in the order Express will hold them: declaration order, or, under Nest 12's
   * "specificity" route resolution strategy, Nest's own specificity order.
   */
  private async routesInRegistrationOrder(adapter: HttpAdapter): Promise<DiscoveredRoute[]> {
    const routes = discoverRoutes(this.modules, this.config, adapter);
    const strategy = (this.config as { getRouteResolutionStrategy?: () => string | undefined }).getRouteResolutionStrategy?.();
    if (strategy !== 'specificity' || adapter.isRouteOrderSensitive?.() === false) return routes;
    // Present from Nest 12 only, as is the strategy itself.
    const { RouteSpecificitySorter } = (await import('@nestjs/core/router/route-specificity-sorter.js')) as {
      RouteSpecificitySorter: { sort<T extends { path: string }>(routes: T[]): T[] };
    };
    return RouteSpecificitySorter.sort(routes);
  }
}

type HttpAdapter = NonNullable<HttpAdapterHost['httpAdapter']> & {
  getRouteMatchingOptions?: () => { caseSensitive?: boolean; ignoreTrailingSlash?: boolean };
  isRouteOrderSensitive?: () => boolean;
};
