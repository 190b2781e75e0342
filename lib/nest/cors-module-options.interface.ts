import type { Type } from '@nestjs/common';
import type { ASYNC_OPTIONS_TYPE } from './cors.module-definition.js';
import type { CorsOptionsFactory } from './cors-options-factory.interface.js';
import type { CorsPolicyOptions } from '../core/index.js';

/**
 * Options of CorsModule.forRoot() / forRootAsync(): the global policy, plus module-level extras.
 *
 * @example
 * ```ts
 * const options: CorsModuleOptions = {
 *   origin: ['https://app.example.com'],
 *   credentials: true,
 *   policies: { public: { origin: '*' } },
 *   debug: process.env.NODE_ENV !== 'production',
 * };
 * ```
 */
export interface CorsModuleOptions extends CorsPolicyOptions {
  /**
   * Named policies, used with `@Cors('name')`. A named policy stands alone: it inherits nothing
   * from the global policy.
   * @default {}
   */
  policies?: Record<string, CorsPolicyOptions>;
  /**
   * Log each refused CORS request with its reason and route, and at start-up the table of every
   * route with its effective policy.
   * @default false
   */
  debug?: boolean;
}

/**
 * What @Cors() stores under CORS_METADATA: disabled, or a named base and/or field overrides.
 *
 * @example
 * ```ts
 * const meta = reflector.get<CorsRouteMetadata>(CORS_METADATA, handler); // e.g. { policy: 'public' }
 * ```
 */
export type CorsRouteMetadata = false | { readonly policy?: string; readonly options?: CorsPolicyOptions };

/** A class that supplies the options: a CorsOptionsFactory, or a class with a `create()` method. */
export type CorsOptionsFactoryClass = Type<CorsOptionsFactory | { create(): CorsModuleOptions | Promise<CorsModuleOptions> }>;

/**
 * Options of CorsModule.forRootAsync(): imports, inject, and useFactory, useClass or useExisting.
 *
 * @example
 * ```ts
 * const async: CorsModuleAsyncOptions = { imports: [ConfigModule], useClass: CorsConfig }; // CorsConfig implements CorsOptionsFactory
 * ```
 */
export type CorsModuleAsyncOptions = Omit<typeof ASYNC_OPTIONS_TYPE, 'useClass' | 'useExisting'> & {
  /** A CorsOptionsFactory class that the module instantiates. */
  useClass?: CorsOptionsFactoryClass;
  /** A CorsOptionsFactory provided by an imported module. */
  useExisting?: CorsOptionsFactoryClass;
};
