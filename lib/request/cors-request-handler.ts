import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { applyHeaders, decideActual, decidePreflight, type CorsDecision, type CorsRequest } from '../core/index.js';
import { CORS_LOGGER_CONTEXT } from '../nest/cors.constants.js';
import type { RouteEntry, RouteTable } from '../routing/route-table.js';

/** What the hook tells the platform: pass the request on, or it has been answered. */
export type HookOutcome = 'continue' | 'answered';

export interface CorsRequestHandlerOptions {
  readonly table: RouteTable;
  /** The policy of paths no route knows. */
  readonly fallback: RouteEntry;
  /** When every route has the fallback's policy, actual requests need no lookup. */
  readonly singlePolicy: boolean;
  readonly debug: boolean;
  /** The path the framework routes a request on, without query string; undefined when the target cannot be parsed. */
  readonly pathOf: (req: IncomingMessage) => string | undefined;
}

/** What the hook decides for one request, before anything is written. */
export interface CorsVerdict {
  readonly preflight: boolean;
  readonly request: CorsRequest;
  /** The route whose policy decided (the fallback for paths no route knows). */
  readonly entry: RouteEntry;
  readonly decision: CorsDecision;
}

/**
 * The request hook, independent of the HTTP framework: a raw Node request in, headers (and, for
 * preflights, the whole answer) out. Platforms call handle() before anything else sees the
 * request; decide() is the same judgement without a response, for inspection.
 */
export class CorsRequestHandler {
  private readonly logger = new Logger(CORS_LOGGER_CONTEXT);

  constructor(private readonly options: CorsRequestHandlerOptions) {}

  handle(req: IncomingMessage, res: ServerResponse): HookOutcome | Promise<HookOutcome> {
    try {
      const verdict = this.decide(req.method ?? 'GET', req.headers, () => this.options.pathOf(req), req);
      if (verdict instanceof Promise)
        return verdict.then(
          (v) => this.apply(res, v),
          (error: unknown) => this.failed(error),
        );
      return this.apply(res, verdict);
    } catch (error) {
      return this.failed(error);
    }
  }

  /**
   * Judges a request from its method, headers and routing path (computed only when a lookup needs
   * it); `raw` is the request itself, for routes bound to hosts behind a trusted proxy or to
   * custom versions. Synchronous unless an origin function answers asynchronously; writes nothing.
   */
  decide(method: string, headers: IncomingHttpHeaders, pathOf: () => string | undefined, raw?: unknown): CorsVerdict | Promise<CorsVerdict> {
    const origin = headers.origin;
    const requestMethod = headers['access-control-request-method'];
    if (method === 'OPTIONS' && origin !== undefined && requestMethod !== undefined) {
      const request: CorsRequest = {
        method,
        origin,
        requestMethod,
        requestHeaders: headers['access-control-request-headers'],
        requestPrivateNetwork: single(headers['access-control-request-private-network']),
      };
      // The policy of the route that serves the requested method decides. Without one, a path no
      // route knows (e.g. served by middleware, or a target that cannot be parsed) gets the global
      // policy, and a known path refuses the method.
      const path = pathOf();
      const found = path === undefined ? {} : this.options.table.lookupPreflight(requestMethod, path, { headers, preflight: true, raw });
      const entry = found.entry ?? this.options.fallback;
      return verdictOf(true, request, entry, decidePreflight(entry.policy, request, found.served));
    }
    const request: CorsRequest = { method, origin };
    const path = this.options.singlePolicy ? undefined : pathOf();
    const entry = (path !== undefined && this.options.table.find(method, path, { headers, preflight: false, raw })) || this.options.fallback;
    return verdictOf(false, request, entry, decideActual(entry.policy, request));
  }

  private apply(res: ServerResponse, verdict: CorsVerdict): HookOutcome {
    const { decision } = verdict;
    applyHeaders(res, decision);
    if (!decision.allowed && decision.reason && this.options.debug) this.logRefusal(verdict);
    if (!verdict.preflight || decision.status === undefined) return 'continue';
    res.statusCode = decision.status;
    res.end();
    return 'answered';
  }

  private logRefusal({ preflight, request, entry, decision }: CorsVerdict): void {
    const what = preflight ? `preflight for ${printable(request.requestMethod)}` : request.method;
    this.logger.log(
      `CORS ${preflight ? 'preflight' : 'request'} refused (${decision.reason}): ${what} from ${printable(request.origin)} on ${entry.label}: ${printable(decision.detail, 300)}`,
    );
  }

  private failed(error: unknown): HookOutcome {
    // A fault here must not take the request down: it goes on without CORS headers.
    this.logger.error(`CORS hook failed: ${error instanceof Error ? error.stack : String(error)}`);
    return 'continue';
  }
}

function verdictOf(
  preflight: boolean,
  request: CorsRequest,
  entry: RouteEntry,
  decision: CorsDecision | Promise<CorsDecision>,
): CorsVerdict | Promise<CorsVerdict> {
  return decision instanceof Promise ? decision.then((d) => ({ preflight, request, entry, decision: d })) : { preflight, request, entry, decision };
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
