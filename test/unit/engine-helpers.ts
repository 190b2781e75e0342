// Small helpers shared by the engine specs (not a spec itself: jest only runs *.spec.ts).
import { expect } from '@jest/globals';
import {
  CorsConfigError,
  compilePolicy,
  decideActual,
  decidePreflight,
  type CompiledPolicy,
  type CorsDecision,
  type CorsPolicyOptions,
  type CorsRequest,
  type MethodSet,
} from '../../lib/core/index.js';

/** The value of one header in a decision (case-insensitive name), or undefined. */
export function header(decision: CorsDecision, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return decision.headers.find(([n]) => n.toLowerCase() === wanted)?.[1];
}

/** The decision's headers as a plain object, names as the engine spells them. */
export function headerObject(decision: CorsDecision): Record<string, string> {
  return Object.fromEntries(decision.headers.map(([n, v]) => [n, v]));
}

/** Names of the Access-Control-* headers in a decision. */
export function corsHeaderNames(decision: CorsDecision): string[] {
  return decision.headers.map(([n]) => n).filter((n) => n.toLowerCase().startsWith('access-control-'));
}

/** Compiles a policy, decides an actual GET from `origin`, and awaits the result. */
export async function actual(options: CorsPolicyOptions, origin?: string, method = 'GET'): Promise<CorsDecision> {
  return decideActual(compilePolicy(options), { method, origin });
}

export interface PreflightInput {
  origin?: string;
  requestMethod?: string;
  requestHeaders?: string;
  requestPrivateNetwork?: string;
}

/** A preflight request: OPTIONS with the given CORS request headers (origin and ACRM defaulted). */
export function preflightRequest(input: PreflightInput = {}): CorsRequest {
  return {
    method: 'OPTIONS',
    origin: 'origin' in input ? input.origin : 'https://app.example.com',
    requestMethod: 'requestMethod' in input ? input.requestMethod : 'PUT',
    requestHeaders: input.requestHeaders,
    requestPrivateNetwork: input.requestPrivateNetwork,
  };
}

/** Compiles a policy, decides a preflight, and awaits the result. */
export async function preflight(options: CorsPolicyOptions, input: PreflightInput = {}, servedMethods?: MethodSet): Promise<CorsDecision> {
  return decidePreflight(compilePolicy(options), preflightRequest(input), servedMethods);
}

/** Compiles a policy, decides a preflight with an already compiled policy. */
export async function preflightWith(policy: CompiledPolicy, input: PreflightInput = {}, servedMethods?: MethodSet): Promise<CorsDecision> {
  return decidePreflight(policy, preflightRequest(input), servedMethods);
}

/** Runs `fn`, expects a CorsConfigError, and returns it. */
export function configError(fn: () => unknown): CorsConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CorsConfigError);
    return error as CorsConfigError;
  }
  throw new Error('expected a CorsConfigError, but nothing was thrown');
}
