import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import {
  applyHeaders,
  decideActual,
  decidePreflight,
  type CorsDecision,
  type CorsRequest,
} from './core/index.js';
import { CORS_LOGGER_CONTEXT } from './cors.constants.js';
import type { RouteEntry, RouteTable } from './route-table.js';

/** What the hook tells the HTTP adapter: pass the request on, or it has been answered. */
export type HookOutcome = 'continue' | 'answered';

export interface CorsRequestHandlerOptions {
  readonly table: RouteTable;
  /** The policy of paths no route knows. */
  readonly fallback: RouteEntry;
  /** When every route has the fallback's policy, actual requests need no lookup. */
  readonly singlePolicy: boolean;
  readonly debug: boolean;
  /** The path the framework routes on (for Express, parseurl's pathname, which handles absolute-form targets). */
  readonly pathOf: (req: IncomingMessage) => string;
}

/**
 * The request hook, independent of the HTTP framework: a raw Node request in, headers (and, for
 * preflights, the whole answer) out. Adapters call handle() before anything else sees the request.
 */
export class CorsRequestHandler {
  private readonly logger = new Logger(CORS_LOGGER_CONTEXT);

  constructor(private readonly options: CorsRequestHandlerOptions) {}

  handle(req: IncomingMessage, res: ServerResponse): HookOutcome | Promise<HookOutcome> {
    try {
      const headers = req.headers;
      const origin = headers.origin;
      const requestMethod = headers['access-control-request-method'];
      if (req.method === 'OPTIONS' && origin !== undefined && requestMethod !== undefined) {
        return this.preflight(req, res, {
          method: 'OPTIONS',
          origin,
          requestMethod,
          requestHeaders: headers['access-control-request-headers'],
          requestPrivateNetwork: single(headers['access-control-request-private-network']),
        });
      }
      const entry = this.options.singlePolicy ? this.options.fallback : this.entryFor(req.method ?? 'GET', this.options.pathOf(req));
      return this.actual(res, entry, { method: req.method ?? 'GET', origin });
    } catch (error) {
      return this.failed(error);
    }
  }

  private actual(res: ServerResponse, entry: RouteEntry, request: CorsRequest): HookOutcome | Promise<HookOutcome> {
    const decision = decideActual(entry.policy, request);
    if (decision instanceof Promise) {
      return decision.then((d) => this.finishActual(res, entry, request, d), (error: unknown) => this.failed(error));
    }
    return this.finishActual(res, entry, request, decision);
  }

  private finishActual(res: ServerResponse, entry: RouteEntry, request: CorsRequest, decision: CorsDecision): HookOutcome {
    applyHeaders(res, decision);
    if (!decision.allowed && decision.reason && this.options.debug) this.logRefusal('request', request, entry, decision);
    return 'continue';
  }

  private preflight(req: IncomingMessage, res: ServerResponse, request: CorsRequest): HookOutcome | Promise<HookOutcome> {
    const url = this.options.pathOf(req);
    // The policy of the route that serves the requested method decides. Without one, a path no
    // route knows (e.g. served by middleware) gets the global policy, and a known path refuses
    // the method.
    const match = this.options.table.findForPreflight(request.requestMethod!, url);
    const entry = match?.entry ?? this.options.fallback;
    const served = match ? match.served : this.options.table.servedMethods(url);
    const decision = decidePreflight(entry.policy, request, served);
    if (decision instanceof Promise) {
      return decision.then((d) => this.finishPreflight(res, entry, request, d), (error: unknown) => this.failed(error));
    }
    return this.finishPreflight(res, entry, request, decision);
  }

  private finishPreflight(res: ServerResponse, entry: RouteEntry, request: CorsRequest, decision: CorsDecision): HookOutcome {
    applyHeaders(res, decision);
    if (!decision.allowed && this.options.debug) this.logRefusal('preflight', request, entry, decision);
    if (decision.status === undefined) return 'continue';
    res.statusCode = decision.status;
    res.end();
    return 'answered';
  }

  private entryFor(method: string, url: string): RouteEntry {
    return this.options.table.find(method, url) ?? this.options.fallback;
  }

  private logRefusal(kind: string, request: CorsRequest, entry: RouteEntry, decision: CorsDecision): void {
    const method = kind === 'preflight' ? `preflight for ${printable(request.requestMethod)}` : request.method;
    this.logger.log(`CORS ${kind} refused (${decision.reason}): ${method} from ${printable(request.origin)} on ${entry.label}: ${printable(decision.detail, 300)}`);
  }

  private failed(error: unknown): HookOutcome {
    // A fault here must not take the request down: it goes on without CORS headers.
    this.logger.error(`CORS hook failed: ${error instanceof Error ? error.stack : String(error)}`);
    return 'continue';
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** Request header values as they may appear in a log line: bounded, no control characters. */
function printable(value: string | undefined, limit = 200): string {
  if (value === undefined) return '(none)';
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > limit ? `${clean.slice(0, limit)}…` : clean;
}
