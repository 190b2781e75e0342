import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsRequestHandler } from '../../request/cors-request-handler.js';
import { fastifyOptions } from './fastify-options.js';

type Done = (error?: unknown) => void;

/** A hook in the adapter's onRequest slot, as FastifyAdapter runs it: callback or promise style. */
export type OnRequestHook = (this: unknown, request: FastifyRequestLike, reply: FastifyReplyLike, done: Done) => unknown;

/** The part of a Fastify request the hook uses. */
export interface FastifyRequestLike {
  readonly raw: IncomingMessage;
}

/** The part of a Fastify reply the hook uses. */
export interface FastifyReplyLike {
  readonly raw: ServerResponse;
}

/** The part of Nest's FastifyAdapter the hook uses: its single onRequest slot, which runs ahead of every other hook. */
export interface FastifyAdapterLike {
  setOnRequestHook(hook: OnRequestHook): void;
  onRequestHook?: OnRequestHook;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The part of a Fastify instance the listener fast path uses. */
export interface FastifyInstanceLike {
  /** The function Fastify's HTTP server calls with every request. */
  readonly routing?: RequestListener;
  readonly server?: {
    listeners(event: 'request'): Function[];
    removeListener(event: 'request', listener: Function): unknown;
    on(event: 'request', listener: RequestListener): unknown;
  };
}

interface HookState {
  /** The hook in the slot before ours, or set there since: it runs after ours. */
  other: OnRequestHook | undefined;
  warned: boolean;
}

// Symbol.for: a second copy of this package (its CommonJS and ESM builds both loaded) finds the
// first one's state, and replaces its hook instead of running CORS twice.
const INSTALLED = Symbol.for('nestjs-route-cors.fastify-hook');
const LISTENER = Symbol.for('nestjs-route-cors.fastify-listener');
/** On a request the listener has judged already (a preflight let through): the onRequest hook passes it on. */
const JUDGED = Symbol.for('nestjs-route-cors.judged');

type Marked = IncomingMessage & { [JUDGED]?: true };

/**
 * Runs the CORS hook ahead of everything Fastify does with a request after routing it: Nest's
 * adapter runs the hook of `setOnRequestHook()` first of all onRequest hooks, ahead of Nest
 * middleware (middie), body parsing, guards and handlers, for unmatched paths (404) too, and for
 * `inject()` and serverless handlers that call Fastify without its server. The slot holds one
 * hook: one already there runs after ours, and so does one set later, with a warning.
 */
export function installFastifyHook(adapter: FastifyAdapterLike, handler: CorsRequestHandler, warn: (message: string) => void): void {
  const target = adapter as FastifyAdapterLike & { [INSTALLED]?: HookState };
  const state: HookState = target[INSTALLED] ?? { other: adapter.onRequestHook, warned: false };
  target[INSTALLED] = state;

  const next = (self: unknown, request: FastifyRequestLike, reply: FastifyReplyLike, done: Done): unknown => {
    const other = state.other;
    return other ? other.call(self, request, reply, done) : done();
  };

  const corsOnRequest: OnRequestHook = function (this: unknown, request, reply, done) {
    const raw = request.raw as Marked;
    if (raw[JUDGED] === true) return next(this, request, reply, done);
    const outcome = handler.handle(raw, reply.raw, request);
    if (outcome === 'continue') return next(this, request, reply, done);
    // Answered: the response is complete, and nothing else may run (done() is not called).
    if (outcome === 'answered') return undefined;
    // Decided asynchronously (an origin function's promise): no promise goes back to the adapter,
    // which would call done() when it settles, answered or not. What the next hook throws or
    // rejects with goes to done(), as Fastify does with a hook's error: to the error handler.
    outcome
      .then((later) => {
        if (later !== 'continue') return;
        const result = next(this, request, reply, done);
        if (isPromise(result)) return result.then(() => done());
        return undefined;
      })
      .catch((error: unknown) => done(error ?? new Error('onRequest hook rejected')));
    return undefined;
  };

  adapter.setOnRequestHook(corsOnRequest);
  // The slot stays ours: what is set there later runs after the CORS hook.
  Object.defineProperty(adapter, 'onRequestHook', {
    configurable: true,
    enumerable: true,
    get: () => corsOnRequest,
    set: (hook: OnRequestHook | undefined) => {
      if (hook === corsOnRequest) return;
      state.other = hook;
      if (state.warned) return;
      state.warned = true;
      warn(
        'An onRequest hook was set on the Fastify adapter (setOnRequestHook) after CorsModule set its own. The adapter holds one ' +
          'such hook: the new one now runs right after the CORS hook, which stays first so that preflights are answered ahead of ' +
          'middleware and guards.',
      );
    },
  });
}

/**
 * The fast path: preflights answered on the HTTP server's `request` event, before Fastify routes
 * them and builds its request and reply (about a fifth more preflights per second). Everything
 * else goes straight to Fastify, and the onRequest hook stays in place for what does not come
 * through this server (`inject()`, serverless handlers, the extra servers Fastify opens when
 * listening on `localhost`). Only when the listener is Fastify's own and Fastify does not
 * rewrite URLs (`rewriteUrl`) before routing them; false when not installed. `routable`: whether
 * Fastify's router surely accepts a request target, and reads it as the table does (else Fastify
 * gets it, and the onRequest hook judges it if Fastify routes it).
 */
export function installFastifyListener(instance: FastifyInstanceLike, handler: CorsRequestHandler, routable: (target: string) => boolean): boolean {
  const server = instance.server;
  const target = instance as FastifyInstanceLike & { [LISTENER]?: { routing: RequestListener; listener: Function } };
  const routing = target[LISTENER]?.routing ?? instance.routing;
  if (!server || typeof routing !== 'function' || rewritesUrls(instance)) return false;
  const listeners = server.listeners('request');
  const current = listeners[0];
  if (listeners.length !== 1 || (current !== routing && current !== target[LISTENER]?.listener)) return false;

  const listener: RequestListener = (req, res) => {
    const headers = req.headers;
    if (req.method !== 'OPTIONS' || headers['access-control-request-method'] === undefined || headers.origin === undefined) return routing(req, res);
    // A target Fastify refuses before any hook (400: malformed percent-encoding or absolute form)
    // gets Fastify's answer, as it does through the onRequest hook.
    const url = req.url ?? '/';
    if ((url.charCodeAt(0) !== 0x2f || url.includes('%')) && !routable(url)) return routing(req, res);
    const outcome = handler.handle(req, res);
    if (outcome === 'answered') return undefined;
    (req as Marked)[JUDGED] = true;
    if (outcome === 'continue') return routing(req, res);
    void outcome.then((later) => (later === 'continue' ? routing(req, res) : undefined));
    return undefined;
  };
  server.removeListener('request', current!);
  server.on('request', listener);
  target[LISTENER] = { routing, listener };
  return true;
}

/** Whether Fastify rewrites request URLs before routing them (its `rewriteUrl` option): then only the onRequest hook sees the URL Fastify routes. */
function rewritesUrls(instance: FastifyInstanceLike): boolean {
  const options = fastifyOptions(instance);
  // Options out of sight (another Fastify version): no fast path, rather than a wrong one.
  return options === undefined || options.rewriteUrl !== undefined;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | undefined)?.then === 'function';
}
