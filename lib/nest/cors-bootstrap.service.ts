import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { CorsConfigError } from '../core/index.js';
import { platformFor } from '../platforms/index.js';
import { CorsRequestHandler } from '../request/cors-request-handler.js';
import { neverReachedWarnings, samePathProblems } from '../resolution/route-conflicts.js';
import { resolveRoutes } from '../resolution/resolve-routes.js';
import { describeRoutes } from '../resolution/startup-report.js';
import { CORS_LOGGER_CONTEXT } from './cors.constants.js';
import { CORS_MODULE_OPTIONS } from './cors.module-definition.js';
import type { CorsModuleOptions } from './cors-module-options.interface.js';
import { corsModuleInstances, duplicateModuleImports } from './module-imports.js';
import { declarationsOf, discoverRoutes, inRegistrationOrder } from './route-discovery.js';

/**
 * At bootstrap, in steps that each return their problems: discover the routes, resolve and
 * validate every route's effective policy, build the platform's route table, report; then stop
 * the application with every problem at once, or mount the request hook.
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

    const debug = this.options.debug === true;
    for (const line of describeRoutes(
      resolved.routes.map((route) => route.value),
      resolved.fallback,
      debug,
    ))
      this.logger.log(line);
    const handler = new CorsRequestHandler({
      table: built.table,
      fallback: resolved.fallback,
      singlePolicy: resolved.routes.every((route) => route.value.policy === resolved.fallback.policy),
      debug,
      pathOf: platform.pathOf,
    });
    platform.install(adapter, handler);
  }
}
