import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { answerHeaders, applyHeaders, decideActual, decidePreflight, type CorsDecision, type CorsRequest } from '../core/index.js';
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
  /** What the table looks a request up by (see CorsPlatform.pathOf); undefined when the target cannot be parsed. */
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

  /**
   * Answers a preflight, or sets the CORS headers of an actual request and lets it go on.
   * `routed`: the framework's own record of the route it has already matched the request to
   * (Fastify's request), which the table reads instead of looking the path up (see
   * RouteTable.findRouted); preflights are always looked up, by their requested method.
   */
  handle(req: IncomingMessage, res: ServerResponse, routed?: unknown): HookOutcome | Promise<HookOutcome> {
    try {
      const verdict = this.judge(req.method ?? 'GET', req.headers, req, undefined, req, routed);
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
  decide(method: string, headers: IncomingHttpHeaders, pathOf: () => string | undefined, raw?: unknown, routed?: unknown): CorsVerdict | Promise<CorsVerdict> {
    return this.judge(method, headers, undefined, pathOf, raw, routed);
  }

  /**
   * decide(), with the path taken from `req` by the platform's pathOf when there is a request
   * (handle(): no closure per request), else from `pathOf`.
   */
  private judge(
    method: string,
    headers: IncomingHttpHeaders,
    req: IncomingMessage | undefined,
    pathOf: (() => string | undefined) | undefined,
    raw: unknown,
    routed: unknown,
  ): CorsVerdict | Promise<CorsVerdict> {
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
      const path = req !== undefined ? this.options.pathOf(req) : pathOf!();
      const found = path === undefined ? {} : this.options.table.lookupPreflight(requestMethod, path, { headers, preflight: true, raw });
      const entry = found.entry ?? this.options.fallback;
      return verdictOf(true, request, entry, decidePreflight(entry.policy, request, found.served));
    }
    const request: CorsRequest = { method, origin };
    const entry = this.actualEntry(method, headers, req, pathOf, raw, routed);
    return verdictOf(false, request, entry, decideActual(entry.policy, request));
  }

  /** The route whose policy applies to an actual request; the fallback's where none serves it. */
  private actualEntry(
    method: string,
    headers: IncomingHttpHeaders,
    req: IncomingMessage | undefined,
    pathOf: (() => string | undefined) | undefined,
    raw: unknown,
    routed: unknown,
  ): RouteEntry {
    const { table, fallback } = this.options;
    if (this.options.singlePolicy) return fallback;
    if (routed !== undefined && table.findRouted) return table.findRouted(routed, { headers, preflight: false, raw }) ?? fallback;
    const path = req !== undefined ? this.options.pathOf(req) : pathOf!();
    return (path !== undefined && table.find(method, path, { headers, preflight: false, raw })) || fallback;
  }

  private apply(res: ServerResponse, verdict: CorsVerdict): HookOutcome {
    const { decision } = verdict;
    if (!decision.allowed && decision.reason && this.options.debug) this.logRefusal(verdict);
    if (!verdict.preflight || decision.status === undefined) {
      applyHeaders(res, decision);
      return 'continue';
    }
    // The whole answer in one write: status and headers together, then the empty body (headers
    // set one by one, then end(): 19% fewer preflights per second on Fastify, issue 11).
    res.writeHead(decision.status, answerHeaders(decision, res.getHeader('Vary')));
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
