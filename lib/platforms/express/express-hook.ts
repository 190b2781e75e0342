import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsRequestHandler } from '../../request/cors-request-handler.js';

type ExpressHandle = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => unknown;

/** The part of an Express application the hook uses. */
export interface ExpressLike {
  handle: ExpressHandle;
}

// Symbol.for: a second copy of this package (its CommonJS and ESM builds both loaded) finds the
// original handle too, instead of wrapping the first copy's hook.
const INSTALLED = Symbol.for('nestjs-route-cors.hook');

/**
 * Runs the CORS hook ahead of everything Express does (query and body parsers, middleware, guards,
 * routes, error handlers). Wrapping `app.handle` rather than listening on the HTTP server also
 * covers serverless adapters that call the Express app directly.
 */
export function installExpressHook(app: ExpressLike, handler: CorsRequestHandler): void {
  const target = app as ExpressLike & { [INSTALLED]?: ExpressHandle };
  const original = target[INSTALLED] ?? app.handle;
  target[INSTALLED] = original;
  app.handle = function corsHook(this: unknown, req, res, next) {
    const outcome = handler.handle(req, res);
    if (outcome === 'continue') return original.call(this, req, res, next);
    if (outcome === 'answered') return undefined;
    return outcome.then((o) => (o === 'continue' ? original.call(this, req, res, next) : undefined));
  };
}

export function isExpressApp(app: unknown): app is ExpressLike {
  return typeof app === 'function' && typeof (app as Partial<ExpressLike>).handle === 'function';
}
