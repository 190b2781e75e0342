import type { CorsModuleOptions } from './cors-module-options.interface.js';

/**
 * A class that supplies the module options, for `CorsModule.forRootAsync({ useClass })` or
 * `useExisting` (Nest's `*OptionsFactory` convention). A class with a `create()` method instead
 * is accepted too (the name ConfigurableModuleBuilder uses by default).
 *
 * @example
 * ```ts
 * @Injectable()
 * export class CorsConfig implements CorsOptionsFactory {
 *   constructor(private readonly config: ConfigService) {}
 *   createCorsOptions(): CorsModuleOptions {
 *     return { origin: parseOrigins(this.config.getOrThrow('CORS_ORIGINS')), credentials: true };
 *   }
 * }
 * // CorsModule.forRootAsync({ imports: [ConfigModule], useClass: CorsConfig })
 * ```
 */
export interface CorsOptionsFactory {
  createCorsOptions(): CorsModuleOptions | Promise<CorsModuleOptions>;
}
