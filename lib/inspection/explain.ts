// What the request hook would answer for a request described as data, by the hook's own
// decide(): no second implementation of the decision. Imports lib/request and lib/core types.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { RejectionReason } from '../core/index.js';
import type { CorsRequestHandler, CorsVerdict } from '../request/cors-request-handler.js';

/**
 * A request to explain, as it would arrive on the wire. A preflight is `method: 'OPTIONS'` with
 * `origin` and `requestMethod`; without `origin` it is a same-origin or non-browser request.
 *
 * @example
 * ```ts
 * const preflight: CorsExplainRequest = { method: 'OPTIONS', path: '/api/users/1', origin: 'https://app.example.com', requestMethod: 'DELETE', requestHeaders: ['authorization'] };
 * const get: CorsExplainRequest = { method: 'GET', path: '/api/users/1?full=1', origin: 'https://evil.example' };
 * ```
 */
export interface CorsExplainRequest {
  /** The request method (upper-cased, as Node.js receives it). */
  readonly method: string;
  /** The request target: a path, with or without a query string. */
  readonly path: string;
  /** `Origin`. */
  readonly origin?: string;
  /** `Access-Control-Request-Method` (preflights). */
  readonly requestMethod?: string;
  /** `Access-Control-Request-Headers` (preflights): a header value, or a list of names. */
  readonly requestHeaders?: string | readonly string[];
  /** `Access-Control-Request-Private-Network: true` (Private Network Access preflights). */
  readonly requestPrivateNetwork?: boolean;
  /**
   * Other request headers, by lower-case name: what routes bound to hosts or to header and
   * media-type versions are chosen by (`host`, `x-api-version`, `accept`).
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * What the hook would do with a request.
 *
 * @example
 * ```ts
 * const answer: CorsExplanation = {
 *   allowed: false,
 *   status: 403,
 *   headers: {},
 *   vary: ['Origin', 'Access-Control-Request-Headers'],
 *   reason: 'method',
 *   detail: 'DELETE is not served on this path (it serves GET,HEAD)',
 *   route: 'unknown path (global policy (CorsModule.forRoot))',
 *   preflight: true,
 * };
 * ```
 */
export interface CorsExplanation {
  /** Whether the browser may read the response (or, for a preflight, send the request). */
  readonly allowed: boolean;
  /** Set only where the hook answers itself (preflights, unless `preflightContinue` lets an allowed one through). */
  readonly status?: number;
  /** The headers the hook sets, by name (none when refused; an answered preflight also gets `Content-Length: 0`). */
  readonly headers: Record<string, string>;
  /** Field names the hook appends to `Vary`. */
  readonly vary: string[];
  /** Why it was refused. */
  readonly reason?: RejectionReason;
  /** A sentence on why, as in the `debug` refusal log. */
  readonly detail?: string;
  /** The label of the route whose policy decided: a route's, or that of paths no route serves. */
  readonly route?: string;
  /** The request is a CORS preflight. */
  readonly preflight: boolean;
}

/**
 * Explains a request with the handler's decide(), the judgement the hook makes before writing
 * anything. `pathOf` is the platform's: it gets a stand-in request with the method, target and
 * headers, the parts of a request the platforms read.
 */
export function explainRequest(
  handler: CorsRequestHandler,
  pathOf: (req: IncomingMessage) => string | undefined,
  request: CorsExplainRequest,
): CorsExplanation | Promise<CorsExplanation> {
  const method = request.method.toUpperCase();
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  if (request.origin !== undefined) headers.origin = request.origin;
  if (request.requestMethod !== undefined) headers['access-control-request-method'] = request.requestMethod;
  if (request.requestHeaders !== undefined) {
    headers['access-control-request-headers'] = typeof request.requestHeaders === 'string' ? request.requestHeaders : request.requestHeaders.join(', ');
  }
  if (request.requestPrivateNetwork) headers['access-control-request-private-network'] = 'true';
  // The stand-in is also what route filters get as the raw request (a custom version extractor
  // reads its headers); it has no socket, so no proxy is trusted and Host decides.
  const standIn = { method, url: request.path, headers } as IncomingMessage;
  const verdict = handler.decide(method, headers, () => pathOf(standIn), standIn);
  return verdict instanceof Promise ? verdict.then(explanationOf) : explanationOf(verdict);
}

/** What the hook's apply() writes for a verdict, as data. */
function explanationOf({ preflight, entry, decision }: CorsVerdict): CorsExplanation {
  return {
    allowed: decision.allowed,
    // The hook answers only preflights, and only when the decision carries a status.
    ...(preflight && decision.status !== undefined ? { status: decision.status } : {}),
    headers: Object.fromEntries(decision.headers),
    vary: [...decision.vary],
    ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
    ...(decision.detail !== undefined ? { detail: decision.detail } : {}),
    route: entry.label,
    preflight,
  };
}
