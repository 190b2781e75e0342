import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { CorsConfigError } from '../core/index.js';
import { platformFor } from '../platforms/index.js';
import { publishSurface } from '../inspection/cors-surface.js';
import { startupLog } from '../inspection/report-format.js';
import { buildRouteReport } from '../inspection/route-report.js';
import { CorsRequestHandler, type CorsRequestHandlerOptions } from '../request/cors-request-handler.js';
import { neverReachedWarnings, samePathProblems } from '../resolution/route-conflicts.js';
import { resolveRoutes } from '../resolution/resolve-routes.js';
import { CORS_LOGGER_CONTEXT } from './cors.constants.js';
import { CORS_MODULE_OPTIONS } from './cors.module-definition.js';
import type { CorsModuleOptions } from './cors-module-options.interface.js';
import { corsModuleInstances, duplicateModuleImports } from './module-imports.js';
import { declarationsOf, discoverRoutes, inRegistrationOrder } from './route-discovery.js';

/**
 * At bootstrap, in steps that each return their problems: discover the routes, resolve and
 * validate every route's effective policy, build the platform's route table, report; then stop
 * the application with every problem at once, or mount the request hook and hand the report to
 * the inspector.
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
    const instances = corsModuleInstances(this.modules);
    const duplicates = duplicateModuleImports(this.modules, instances);
    if (duplicates.length > 0) throw new CorsConfigError(duplicates);
    // Several imports with equal options: the first one does the work, once.
    if (instances.length > 1 && instances[0]!.options !== this.options) return;
    const adapter = this.adapterHost.httpAdapter;
    // An application context or a microservice has no HTTP routes to protect.
    if (!adapter) return;
    const platform = platformFor(adapter);

    const discovery = discoverRoutes(this.modules, this.config, adapter);
    const ordered = await inRegistrationOrder(discovery.routes, this.config, adapter);
    const resolved = resolveRoutes(declarationsOf(ordered), this.options);
    const built = platform.buildTable(adapter, resolved.routes);

    const problems = [...resolved.problems, ...samePathProblems(built.samePaths)];
    if (problems.length > 0) throw new CorsConfigError(problems);
    for (const warning of resolved.warnings) {
      this.logger.warn(`${warning.source ? `${warning.source}: ` : ''}${warning.field}: ${warning.message} Fix: ${warning.fix}`);
    }
    for (const warning of neverReachedWarnings(built.neverReached)) this.logger.warn(warning);
    for (const { name, reason } of discovery.skipped) this.logger.warn(`Controller ${name} has no routes for CORS: ${reason}.`);

    // One report for the start-up log and the inspector: the log says what routes() says.
    const report = buildRouteReport({ resolved: resolved.resolved, fallback: resolved.fallback, neverReached: built.neverReached });
    const debug = this.options.debug === true;
    for (const line of startupLog(report, debug)) this.logger.log(line);

    const handlerOptions: CorsRequestHandlerOptions = {
      table: built.table,
      fallback: resolved.fallback,
      singlePolicy: resolved.routes.every((route) => route.value.policy === resolved.fallback.policy),
      debug,
      pathOf: platform.pathOf,
    };
    const handler = new CorsRequestHandler(handlerOptions);
    platform.install(adapter, handler);
    // explain() runs the same decide() on the same table; its handler always looks the route up
    // (singlePolicy only skips the lookup, not the decision), so it can name the route that
    // decided, and it logs nothing.
    const inspection = new CorsRequestHandler({ ...handlerOptions, singlePolicy: false, debug: false });
    publishSurface(this.modules, { records: report, handler: inspection, pathOf: platform.pathOf });
  }
}
