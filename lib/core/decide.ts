import type { CompiledPolicy, MethodSet } from './compile-policy.js';
import { DEFAULT_METHODS } from './compile-policy.js';
import { isToken, joinList, parseTokenList } from './http-syntax.js';
import { judgeOrigin, type OriginVerdict } from './origin-rule.js';

/** What the engine reads of a request: its method and CORS request headers, as received. */
export interface CorsRequest {
  readonly method: string;
  /** `Origin`; undefined when absent. */
  readonly origin?: string;
  /** `Access-Control-Request-Method`. */
  readonly requestMethod?: string;
  /** `Access-Control-Request-Headers`. */
  readonly requestHeaders?: string;
  /** `Access-Control-Request-Private-Network`. */
  readonly requestPrivateNetwork?: string;
}

export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/** Why a request was refused. */
export type RejectionReason = 'origin' | 'method' | 'header' | 'private-network';

export interface CorsDecision {
  /** Whether the browser will be allowed to read the response (or to send the request). */
  readonly allowed: boolean;
  /** Headers to set; none when refused. */
  readonly headers: HeaderList;
  /** Field names to append to `Vary`. */
  readonly vary: readonly string[];
  /** For preflights: the status to answer with, or undefined to pass the request on (preflightContinue). */
  readonly status?: number;
  readonly reason?: RejectionReason;
  /** A sentence on why, for logs. */
  readonly detail?: string;
}

const ACAO = 'Access-Control-Allow-Origin';
const ACAC = 'Access-Control-Allow-Credentials';
const ACEH = 'Access-Control-Expose-Headers';
const ACAM = 'Access-Control-Allow-Methods';
const ACAH = 'Access-Control-Allow-Headers';
const ACMA = 'Access-Control-Max-Age';
const ACAPN = 'Access-Control-Allow-Private-Network';
const VARY_ORIGIN = ['Origin'] as const;
const NO_VARY: readonly string[] = [];
const NO_HEADERS: HeaderList = [];
const REJECTED_STATUS = 403;
/** A header list in its canonical form (lower-case tokens, commas, no white space): its reflection is itself. */
const CANONICAL_LIST = /^[!#$%&'*+\-.^_`|~0-9a-z]+(?:,[!#$%&'*+\-.^_`|~0-9a-z]+)*$/;

/** Whether a request is a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method). */
export function isPreflight(request: CorsRequest): boolean {
  return request.method === 'OPTIONS' && request.origin !== undefined && request.requestMethod !== undefined;
}

/**
 * The headers for an actual (non-preflight) request. Synchronous unless the policy's origin is a
 * function that answers asynchronously.
 */
export function decideActual(policy: CompiledPolicy, request: CorsRequest): CorsDecision | Promise<CorsDecision> {
  const vary = policy.varyOnOrigin ? VARY_ORIGIN : NO_VARY;
  if (policy.origin.kind === 'any') return anyOriginDecision(policy);
  if (request.origin === undefined) return { allowed: false, headers: NO_HEADERS, vary };
  const verdict = judgeOrigin(policy.origin, request.origin, policy.credentials);
  // No closure on the synchronous path (every request with an Origin comes here).
  if (verdict instanceof Promise) return verdict.then((v) => actualAfterOrigin(policy, v, vary));
  return actualAfterOrigin(policy, verdict, vary);
}

function actualAfterOrigin(policy: CompiledPolicy, verdict: OriginVerdict, vary: readonly string[]): CorsDecision {
  if ('deny' in verdict) return { allowed: false, headers: NO_HEADERS, vary, reason: 'origin', detail: verdict.deny };
  const headers: [string, string][] = [[ACAO, verdict.allow]];
  if (policy.credentials) headers.push([ACAC, 'true']);
  if (policy.exposedHeaders !== undefined) headers.push([ACEH, policy.exposedHeaders]);
  return { allowed: true, headers, vary };
}

// A policy open to every origin answers every request alike, so its decision is made once.
const anyOriginDecisions = new WeakMap<CompiledPolicy, CorsDecision>();
function anyOriginDecision(policy: CompiledPolicy): CorsDecision {
  let decision = anyOriginDecisions.get(policy);
  if (!decision) {
    const headers: [string, string][] = [[ACAO, '*']];
    if (policy.exposedHeaders !== undefined) headers.push([ACEH, policy.exposedHeaders]);
    decision = { allowed: true, headers, vary: NO_VARY };
    anyOriginDecisions.set(policy, decision);
  }
  return decision;
}

/**
 * The answer to a preflight. `servedMethods` are the methods the matched path serves; undefined
 * when no route knows the path (then the configured or default methods apply).
 */
export function decidePreflight(policy: CompiledPolicy, request: CorsRequest, servedMethods?: MethodSet): CorsDecision | Promise<CorsDecision> {
  const vary: string[] = policy.varyOnOrigin ? ['Origin'] : [];
  if (policy.allowPrivateNetwork) vary.push('Access-Control-Request-Private-Network');
  if (request.origin === undefined) return refused('origin', 'the request has no Origin header', vary);
  const verdict = judgeOrigin(policy.origin, request.origin, policy.credentials);
  // No closure on the synchronous path: preflights are answered per request, often thousands a second.
  if (verdict instanceof Promise) return verdict.then((v) => preflightAfterOrigin(policy, request, servedMethods, v, vary));
  return preflightAfterOrigin(policy, request, servedMethods, verdict, vary);
}

function preflightAfterOrigin(
  policy: CompiledPolicy,
  request: CorsRequest,
  servedMethods: MethodSet | undefined,
  verdict: OriginVerdict,
  vary: string[],
): CorsDecision {
  if ('deny' in verdict) return refused('origin', verdict.deny, vary);

  const privateNetwork = request.requestPrivateNetwork === 'true';
  if (privateNetwork && !policy.allowPrivateNetwork) {
    return refused('private-network', 'private network access is not allowed (allowPrivateNetwork is off)', vary);
  }

  const method = request.requestMethod ?? '';
  if (!isToken(method)) return refused('method', 'Access-Control-Request-Method is not a method name', vary);
  if (servedMethods && !servedMethods.names.has(method)) {
    return refused('method', `${method} is not served on this path (it serves ${servedMethods.header})`, vary);
  }
  if (policy.methods && !policy.methods.any && !policy.methods.names.has(method)) {
    return refused('method', `${method} is not in the allowed methods (${policy.methods.header})`, vary);
  }

  const headers: [string, string][] = [[ACAO, verdict.allow]];
  if (policy.credentials) headers.push([ACAC, 'true']);
  headers.push([ACAM, (policy.methods ?? servedMethods ?? DEFAULT_METHODS).header]);

  const allowHeaders = policy.allowedHeaders;
  const requestHeaders = request.requestHeaders;
  // What browsers send (lower-case names, commas, no spaces) is reflected as it is, unparsed.
  if (allowHeaders === undefined && requestHeaders !== undefined && CANONICAL_LIST.test(requestHeaders)) {
    vary.push('Access-Control-Request-Headers');
    headers.push([ACAH, requestHeaders]);
    return allowedPreflight(policy, headers, vary, privateNetwork);
  }
  const requested = requestHeaders === undefined ? [] : parseTokenList(requestHeaders);
  if (requested === undefined) return refused('header', 'Access-Control-Request-Headers is not a list of header names', vary);
  if (allowHeaders === undefined) {
    vary.push('Access-Control-Request-Headers');
    if (requested.length > 0) headers.push([ACAH, joinList(requested.map((h) => h.toLowerCase()))]);
  } else {
    for (const name of requested) {
      const lower = name.toLowerCase();
      if (allowHeaders.names.has(lower)) continue;
      if (allowHeaders.any && lower !== 'authorization') continue;
      return refused('header', `request header ${lower} is not allowed (allowed: ${allowHeaders.header})`, vary);
    }
    if (allowHeaders.header !== '') headers.push([ACAH, allowHeaders.header]);
  }

  return allowedPreflight(policy, headers, vary, privateNetwork);
}

function allowedPreflight(policy: CompiledPolicy, headers: [string, string][], vary: readonly string[], privateNetwork: boolean): CorsDecision {
  if (policy.maxAge !== undefined) headers.push([ACMA, policy.maxAge]);
  if (privateNetwork) headers.push([ACAPN, 'true']);
  if (policy.preflightContinue) return { allowed: true, headers, vary };
  headers.push(['Content-Length', '0']);
  return { allowed: true, headers, vary, status: policy.optionsSuccessStatus };
}

/** A refused preflight: 403 and no CORS headers. */
function refused(reason: RejectionReason, detail: string, vary: readonly string[]): CorsDecision {
  return { allowed: false, headers: NO_HEADERS, vary, reason, detail, status: REJECTED_STATUS };
}
