import { normalizeOrigin, parseOrigin, serializeOrigin, type ParsedOrigin } from './origin.js';
import type { CorsOrigin, CustomOrigin, OriginCallback, StaticOrigin } from './cors-options.js';

/** A subdomain and/or port pattern: `https://*.example.com`, `http://localhost:*`. */
export interface OriginPattern {
  readonly scheme: string;
  /** Host that must match exactly, or, with `anySubdomain`, the suffix after `*`. */
  readonly host: string;
  readonly anySubdomain: boolean;
  /** A port, '' for the default one, or '*' for any. */
  readonly port: string;
}

/** How a policy decides which origins are allowed, compiled from the `origin` option. */
export type OriginRule =
  | { readonly kind: 'none' }
  | { readonly kind: 'any' }
  | { readonly kind: 'reflect' }
  | {
      readonly kind: 'list';
      readonly exact: ReadonlySet<string>;
      readonly patterns: readonly OriginPattern[];
      readonly regexps: readonly RegExp[];
    }
  | { readonly kind: 'function'; readonly fn: CustomOrigin; readonly callbackStyle: boolean };

/** The outcome for one request origin: the `Access-Control-Allow-Origin` value, or a refusal. */
export type OriginVerdict = { readonly allow: string } | { readonly deny: string };

const PATTERN_SHAPE = /^([a-z][a-z0-9+.-]*):\/\/(\*\.)?([^:/?#*]+)(?::(\*|\d{1,5}))?$/;

/** Parses `scheme://*.host[:port]` or `scheme://host:*`; undefined when the text is neither. */
export function parseOriginPattern(text: string): OriginPattern | undefined {
  const match = PATTERN_SHAPE.exec(text.toLowerCase());
  if (!match) return undefined;
  const anySubdomain = match[2] !== undefined;
  const anyPort = match[4] === '*';
  if (!anySubdomain && !anyPort) return undefined;
  const base = parseOrigin(`${match[1]}://${match[3]}${match[4] && !anyPort ? `:${match[4]}` : ''}`);
  if (!base) return undefined;
  return { scheme: base.scheme, host: base.host, anySubdomain, port: anyPort ? '*' : base.port };
}

export function matchesPattern(pattern: OriginPattern, origin: ParsedOrigin): boolean {
  if (origin.scheme !== pattern.scheme) return false;
  if (pattern.port !== '*' && pattern.port !== origin.port) return false;
  if (!pattern.anySubdomain) return origin.host === pattern.host;
  return origin.host.length > pattern.host.length + 1 && origin.host.endsWith(`.${pattern.host}`);
}

/**
 * Compiles a static origin value. Entries that are neither origins nor patterns are skipped:
 * configured values are validated beforehand, and values returned by origin functions at request
 * time must not throw.
 */
export function compileOriginRule(origin: CorsOrigin | undefined): OriginRule {
  if (typeof origin === 'function') {
    return { kind: 'function', fn: origin as CustomOrigin, callbackStyle: origin.length >= 2 };
  }
  if (origin === undefined || origin === null || origin === false) return { kind: 'none' };
  if (origin === true) return { kind: 'reflect' };
  if (origin === '*') return { kind: 'any' };
  const entries: ReadonlyArray<unknown> = Array.isArray(origin) ? origin : [origin];
  const exact = new Set<string>();
  const patterns: OriginPattern[] = [];
  const regexps: RegExp[] = [];
  for (const entry of entries) {
    if (entry instanceof RegExp) {
      // A global or sticky RegExp keeps state between test() calls; a copy without those flags does not.
      regexps.push(new RegExp(entry.source, entry.flags.replace(/[gy]/g, '')));
    } else if (typeof entry === 'string') {
      const normalized = normalizeOrigin(entry);
      if (normalized !== undefined) exact.add(normalized);
      else {
        const pattern = parseOriginPattern(entry);
        if (pattern) patterns.push(pattern);
      }
    }
  }
  return { kind: 'list', exact, patterns, regexps };
}

const NOT_AN_ORIGIN = 'the Origin header is not a serialised origin';

/**
 * Decides one request origin against a rule. Synchronous except for origin functions that
 * return a Promise or use a callback. `credentials` forbids the `*` answer.
 */
export function judgeOrigin(rule: OriginRule, requestOrigin: string, credentials: boolean): OriginVerdict | Promise<OriginVerdict> {
  switch (rule.kind) {
    case 'none':
      return { deny: 'no origin is allowed' };
    case 'any':
      return { allow: '*' };
    case 'reflect': {
      const normalized = normalizeOrigin(requestOrigin);
      return normalized === undefined ? { deny: NOT_AN_ORIGIN } : { allow: normalized };
    }
    case 'list':
      return judgeListed(rule, requestOrigin);
    case 'function':
      return judgeByFunction(rule, requestOrigin, credentials);
  }
}

function judgeListed(rule: Extract<OriginRule, { kind: 'list' }>, requestOrigin: string): OriginVerdict {
  // Browsers send origins already normalised, so the common case is one Set lookup.
  if (rule.exact.has(requestOrigin)) return { allow: requestOrigin };
  const parsed = parseOrigin(requestOrigin);
  if (!parsed) return { deny: NOT_AN_ORIGIN };
  const normalized = serializeOrigin(parsed);
  if (rule.exact.has(normalized)) return { allow: normalized };
  for (const pattern of rule.patterns) {
    if (matchesPattern(pattern, parsed)) return { allow: normalized };
  }
  for (const regexp of rule.regexps) {
    if (regexp.test(normalized)) return { allow: normalized };
  }
  return { deny: `origin ${normalized} is not in the allowed list` };
}

function judgeByFunction(rule: Extract<OriginRule, { kind: 'function' }>, requestOrigin: string, credentials: boolean): OriginVerdict | Promise<OriginVerdict> {
  const normalized = requestOrigin === 'null' ? 'null' : normalizeOrigin(requestOrigin);
  if (normalized === undefined) return { deny: NOT_AN_ORIGIN };
  const interpret = (value: StaticOrigin | null | undefined): OriginVerdict => interpretFunctionResult(value, normalized, credentials);
  const failed = (error: unknown): OriginVerdict => ({ deny: `the origin function failed: ${describeError(error)}` });
  try {
    if (rule.callbackStyle) {
      return new Promise<OriginVerdict>((resolve) => {
        const callback: OriginCallback = (err, value) => resolve(err ? failed(err) : interpret(value));
        (rule.fn as (o: string, cb: OriginCallback) => void)(normalized, callback);
      }).catch(failed);
    }
    const result = (rule.fn as (o: string) => unknown)(normalized);
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      return Promise.resolve(result as Promise<StaticOrigin>).then(interpret, failed);
    }
    return interpret(result as StaticOrigin | undefined);
  } catch (error) {
    return failed(error);
  }
}

function interpretFunctionResult(value: StaticOrigin | null | undefined, requestOrigin: string, credentials: boolean): OriginVerdict {
  if (value === true) return { allow: requestOrigin };
  if (value === '*') {
    return credentials ? { deny: "the origin function returned '*', which cannot be combined with credentials" } : { allow: '*' };
  }
  if (value === undefined || value === null || value === false) {
    return { deny: `the origin function refused ${requestOrigin}` };
  }
  if (requestOrigin === 'null') return { deny: 'the opaque origin "null" only matches when the function returns true' };
  const rule = compileOriginRule(value);
  const verdict = rule.kind === 'list' ? judgeListed(rule, requestOrigin) : undefined;
  return verdict && 'allow' in verdict ? verdict : { deny: `the origin function refused ${requestOrigin}` };
}

/** A thrown value as text; whatever was thrown (even an object that refuses conversion) must not throw again. */
function describeError(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
