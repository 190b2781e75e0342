import { SetMetadata } from '@nestjs/common';
import type { CorsPolicyOptions } from './core/index.js';
import { CORS_METADATA } from './cors.constants.js';
import type { CorsRouteMetadata } from './cors-module-options.interface.js';

/**
 * Sets the CORS policy of a controller or a handler.
 * - `@Cors({ ...fields })`: these fields override those of the level above.
 * - `@Cors('name')`, `@Cors('name', { ...fields })`: the named policy replaces the global one (and,
 *   on a handler, the controller's fields) as the base, then the fields apply.
 * - `@Cors(false)`: no CORS on this route (a handler's own `@Cors(...)` enables it again).
 * - `@Cors()`: the inherited policy, enabled again under a disabled controller.
 */
export const Cors = (policy: CorsPolicyOptions | string | false = {}, options?: CorsPolicyOptions) =>
  SetMetadata<string, CorsRouteMetadata>(CORS_METADATA, corsMetadata(policy, options));

function corsMetadata(policy: CorsPolicyOptions | string | false, options?: CorsPolicyOptions): CorsRouteMetadata {
  if (policy === false) return false;
  return typeof policy === 'string' ? { policy, options } : { options: policy };
}
