import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CorsModuleOptions } from './cors-module-options.interface.js';

/**
 * `CORS_MODULE_OPTIONS`: the injection token of the module options (as resolved by forRoot or
 * forRootAsync), for providers that need them.
 *
 * @example
 * ```ts
 * constructor(@Inject(CORS_MODULE_OPTIONS) private readonly corsOptions: CorsModuleOptions) {}
 * ```
 */
export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: CORS_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CorsModuleOptions>({ moduleName: 'Cors' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createCorsOptions')
  // One import in the root module covers every route of the application. `isGlobal` is accepted
  // (as by ConfigModule, out of habit) and kept out of the policy options.
  .setExtras({ isGlobal: true }, (definition) => ({ ...definition, global: true }))
  .build();
