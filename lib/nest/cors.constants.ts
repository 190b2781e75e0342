/**
 * Metadata key under which @Cors() stores its argument (a CorsRouteMetadata) on a controller or a handler.
 *
 * @example
 * ```ts
 * const meta = this.reflector.getAllAndOverride<CorsRouteMetadata>(CORS_METADATA, [context.getHandler(), context.getClass()]);
 * ```
 */
export const CORS_METADATA = 'nestjs-route-cors:policy';

/** Set when a second @Cors() lands on the same controller or handler (only one would apply). */
export const CORS_STACKED_METADATA = 'nestjs-route-cors:stacked';

/**
 * Static property that marks the CorsModule class. Symbol.for: the CommonJS and ESM builds of the
 * package may both be loaded, and each has its own class.
 */
export const CORS_MODULE_MARKER = Symbol.for('nestjs-route-cors.module');

/** Logger context of everything the module logs. */
export const CORS_LOGGER_CONTEXT = 'CorsModule';

/** Where the global policy comes from, in errors and logs. */
export const GLOBAL_POLICY_SOURCE = 'global policy (CorsModule.forRoot)';
