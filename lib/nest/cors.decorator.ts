import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import type { CorsPolicyOptions } from '../core/index.js';
import { CORS_METADATA, CORS_STACKED_METADATA } from './cors.constants.js';
import type { CorsRouteMetadata } from './cors-module-options.interface.js';

/**
 * Sets the CORS policy of a controller or a handler.
 * - `@Cors({ ...fields })`: these fields override those of the level above.
 * - `@Cors('name')`, `@Cors('name', { ...fields })`: the named policy replaces the global one (and,
 *   on a handler, the controller's fields) as the base, then the fields apply.
 * - `@Cors(false)`: no CORS on this route (a handler's own `@Cors(...)` enables it again).
 * - `@Cors()`: the inherited policy, enabled again under a disabled controller.
 *
 * @example
 * ```ts
 * @Cors('public') // the named policy "public"
 * @Controller('feed')
 * export class FeedController {
 *   @Get() list() {}
 *
 *   @Get('export')
 *   @Cors({ exposedHeaders: ['X-Total-Count'] }) // one field overridden
 *   export() {}
 *
 *   @Post('internal')
 *   @Cors(false) // no CORS: no headers, preflights refused
 *   internal() {}
 * }
 * ```
 */
export function Cors(policy: CorsPolicyOptions | string | false = {}, options?: CorsPolicyOptions): CustomDecorator<string> {
  const setMetadata = SetMetadata<string, CorsRouteMetadata>(CORS_METADATA, corsMetadata(policy, options));
  const decorator = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    // Stacked decorators would silently keep only the top one: marked here, refused at start-up.
    const holder: object = descriptor?.value ?? target;
    if (Reflect.hasOwnMetadata(CORS_METADATA, holder)) Reflect.defineMetadata(CORS_STACKED_METADATA, true, holder);
    return setMetadata(target, key!, descriptor!);
  };
  decorator.KEY = CORS_METADATA;
  return decorator as CustomDecorator<string>;
}

function corsMetadata(policy: CorsPolicyOptions | string | false, options?: CorsPolicyOptions): CorsRouteMetadata {
  if (policy === false) return false;
  return typeof policy === 'string' ? { policy, options } : { options: policy };
}
