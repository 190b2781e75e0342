import { CorsConfigError, type CorsConfigProblem } from './cors-config-error.js';
import type { CorsPolicyOptions } from './cors-options.js';
import { joinList, listOption } from './http-syntax.js';
import { compileOriginRule, type OriginRule } from './origin-rule.js';
import { validatePolicy } from './validate-policy.js';

/** A set of methods with the `Access-Control-Allow-Methods` value that lists them. */
export interface MethodSet {
  readonly names: ReadonlySet<string>;
  readonly header: string;
  /** `'*'` was given: any method (only without credentials). */
  readonly any: boolean;
}

export interface HeaderNameSet {
  /** Lower-case names. */
  readonly names: ReadonlySet<string>;
  readonly header: string;
  /** `'*'` was given: any name but `authorization` (only without credentials). */
  readonly any: boolean;
}

/** A policy validated and reduced to what the request path needs. Build with compilePolicy(). */
export interface CompiledPolicy {
  /** The options it was compiled from. */
  readonly options: Readonly<CorsPolicyOptions>;
  readonly origin: OriginRule;
  readonly credentials: boolean;
  /** Configured methods; undefined: the methods the path serves. */
  readonly methods: MethodSet | undefined;
  /** Configured request headers; undefined: reflect the requested ones. */
  readonly allowedHeaders: HeaderNameSet | undefined;
  readonly exposedHeaders: string | undefined;
  readonly maxAge: string | undefined;
  readonly optionsSuccessStatus: number;
  readonly preflightContinue: boolean;
  readonly allowPrivateNetwork: boolean;
  /** Whether `Access-Control-Allow-Origin` depends on the request (then `Vary: Origin`). */
  readonly varyOnOrigin: boolean;
  /** Problems that do not stop the application, e.g. a maxAge that browsers cap. */
  readonly warnings: readonly CorsConfigProblem[];
}

/** The methods browsers are told when nothing narrower is known (the `cors` package default). */
export const DEFAULT_METHODS: MethodSet = methodSet(['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']);

/** Builds a MethodSet from method names (upper-cased, as Nest and Fetch spell them). */
export function methodSet(methods: Iterable<string>): MethodSet {
  const names = new Set([...methods].map((m) => m.toUpperCase()));
  return { names, header: joinList(names), any: names.has('*') };
}

/**
 * Validates a policy and compiles it. Throws a CorsConfigError listing every problem; `source`
 * names the policy (a route, `global policy`, `policy "public"`) in each of them.
 */
export function compilePolicy(options: CorsPolicyOptions = {}, source?: string): CompiledPolicy {
  const { problems, warnings } = validatePolicy(options, source);
  if (problems.length > 0) throw new CorsConfigError(problems);
  return compileValidated(options, warnings);
}

/** Compiles options already validated by validatePolicy(). */
export function compileValidated(options: CorsPolicyOptions, warnings: readonly CorsConfigProblem[] = []): CompiledPolicy {
  const origin = compileOriginRule(options.origin);
  return {
    options,
    origin,
    credentials: options.credentials === true,
    methods: options.methods === undefined ? undefined : methodSet(listOption(options.methods)),
    allowedHeaders: options.allowedHeaders === undefined ? undefined : headerNameSet(listOption(options.allowedHeaders)),
    exposedHeaders: options.exposedHeaders === undefined ? undefined : joinList(listOption(options.exposedHeaders)) || undefined,
    maxAge: options.maxAge === undefined ? undefined : String(options.maxAge),
    optionsSuccessStatus: options.optionsSuccessStatus ?? 204,
    preflightContinue: options.preflightContinue === true,
    allowPrivateNetwork: options.allowPrivateNetwork === true,
    varyOnOrigin: origin.kind !== 'any' && origin.kind !== 'none',
    warnings,
  };
}

function headerNameSet(names: string[]): HeaderNameSet {
  const lower = new Set(names.map((n) => n.toLowerCase()));
  return { names: lower, header: joinList(lower), any: lower.has('*') };
}
