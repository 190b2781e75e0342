// The package root: what a Nest application needs. The framework-free engine is `nestjs-route-cors/core`.
export { Cors } from './nest/cors.decorator.js';
export { CorsModule } from './nest/cors.module.js';
export { CORS_MODULE_OPTIONS } from './nest/cors.module-definition.js';
export { CORS_METADATA } from './nest/cors.constants.js';
export type { CorsModuleAsyncOptions, CorsModuleOptions, CorsRouteMetadata } from './nest/cors-module-options.interface.js';
export type { CorsOptionsFactory } from './nest/cors-options-factory.interface.js';
export { CORS_INSPECTOR, CorsInspector } from './inspection/cors-inspector.js';
export type { CorsExplainRequest, CorsExplanation } from './inspection/explain.js';
export type { CorsPolicyReport, CorsRouteReport } from './inspection/route-report.js';
export {
  CORS_PROBLEM_CODES,
  CorsConfigError,
  parseOrigins,
  type CorsConfigProblem,
  type CorsOrigin,
  type CorsPolicyOptions,
  type CorsProblemCode,
  type CustomOrigin,
  type OriginCallback,
  type StaticOrigin,
} from './core/index.js';
