import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { CORS_INSPECTOR, CorsInspector } from '../inspection/cors-inspector.js';
import { CorsBootstrapService } from './cors-bootstrap.service.js';
import { ConfigurableModuleClass, OPTIONS_TYPE } from './cors.module-definition.js';
import type { CorsModuleAsyncOptions, CorsModuleOptions } from './cors-module-options.interface.js';
import type { CorsOptionsFactory } from './cors-options-factory.interface.js';
import { CORS_MODULE_MARKER } from './cors.constants.js';

/** A factory class as accepted: Nest's convention, or ConfigurableModuleBuilder's default `create()`. */
type OptionsFactoryLike = Partial<CorsOptionsFactory> & { create?: () => CorsModuleOptions | Promise<CorsModuleOptions> };

/**
 * Per-route CORS. Import once, in the root module; then `@Cors(...)` on controllers and handlers.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     CorsModule.forRoot({ origin: ['https://app.example.com'], credentials: true, policies: { public: { origin: '*' } } }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({ providers: [CorsBootstrapService, CorsInspector, { provide: CORS_INSPECTOR, useExisting: CorsInspector }] })
export class CorsModule extends ConfigurableModuleClass {
  /** Marks the class for the duplicate-import check, across copies of the package. */
  static readonly [CORS_MODULE_MARKER] = true;

  /**
   * The global policy, named policies and module extras. Without `origin`, no route is open until
   * a `@Cors(...)` opens it.
   */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  /**
   * The options from a factory: `useFactory` + `inject` (e.g. ConfigService), `useClass` or
   * `useExisting` (a CorsOptionsFactory).
   */
  static override forRootAsync(options: CorsModuleAsyncOptions): DynamicModule {
    const factoryClass = (options.useExisting ?? options.useClass) as Type<OptionsFactoryLike> | undefined;
    if (!factoryClass) return super.forRootAsync(options as Parameters<typeof ConfigurableModuleClass.forRootAsync>[0]);
    const { useClass, useExisting: _useExisting, ...rest } = options;
    const definition = super.forRootAsync({
      ...rest,
      inject: [factoryClass],
      useFactory: (factory: OptionsFactoryLike) => (factory.createCorsOptions ? factory.createCorsOptions() : factory.create!()),
    });
    // useClass: the module instantiates the class itself; useExisting: another module provides it.
    if (useClass) definition.providers = [...(definition.providers ?? []), useClass];
    return definition;
  }
}
