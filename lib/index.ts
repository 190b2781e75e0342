export * from './core/index.js';
export { Cors } from './cors.decorator.js';
export { CorsModule } from './cors.module.js';
export { CORS_MODULE_OPTIONS } from './cors.module-definition.js';
export { CORS_METADATA } from './cors.constants.js';
export type { CorsModuleAsyncOptions, CorsModuleOptions, CorsRouteMetadata } from './cors-module-options.interface.js';
