// Engine-level fuzzing (fast-check) of compilePolicy, decideActual and decidePreflight with
// arbitrary and hostile inputs. About 83,000 runs by default (FUZZ_RUNS multiplies them); each
// property prints its seed (FUZZ_SEED replays). Invariants, whatever the input:
// - compilePolicy either compiles or throws a CorsConfigError, nothing else;
// - the decisions never throw and are synchronous for static policies;
// - never Access-Control-Allow-Origin '*' together with credentials;
// - an origin is echoed only if an oracle independent of the engine (WHATWG URL and the
//   configured entries) admits it, and then exactly in its canonical form;
// - every header value is printable ASCII (no CR, LF, NUL, obs-text), every name a token;
// - preflight answers respect the configured and served methods, headers and private network flag.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  CorsConfigError,
  compilePolicy,
  decideActual,
  decidePreflight,
  methodSet,
  normalizeOrigin,
  type CompiledPolicy,
  type CorsDecision,
  type CorsPolicyOptions,
  type CorsRequest,
  type MethodSet,
  type OriginCallback,
} from '../../lib/core/index.js';
import {
  EXACT_ORIGINS,
  PATTERN_ORIGINS,
  entryAdmits,
  hostileString,
  httpOriginOf,
  looksSerialised,
  maybe,
  regexpOrigins,
  requestHeadersValue,
  requestMethodValue,
  requestOrigin,
  requestPrivateNetworkValue,
} from './arbitraries.js';
import { fuzzParams, runs } from './fuzz-config.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const SAFE_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const CORS_HEADER_NAMES = new Set([
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Credentials',
  'Access-Control-Expose-Headers',
  'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers',
  'Access-Control-Max-Age',
  'Access-Control-Allow-Private-Network',
  'Content-Length',
]);
const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

// Cheap assertions inside properties: Jest's expect() costs about 40 µs a call, which would
// dominate tens of thousands of runs. A thrown Error fails the property, and fast-check reports
// the shrunk counterexample with its seed and path.
function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value instanceof RegExp ? value : JSON.stringify(value));
  return text && text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
function ok(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(what);
}
function same(actual: unknown, expected: unknown, what: string): void {
  if (!Object.is(actual, expected)) throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

function header(decision: CorsDecision, name: string): string | undefined {
  let value: string | undefined;
  let count = 0;
  for (const [n, v] of decision.headers) {
    if (n === name) {
      value = v;
      count++;
    }
  }
  ok(count <= 1, `${name} appears ${count} times`);
  return value;
}

/** Compiles, or undefined when validation refuses the options; anything but CorsConfigError propagates. */
function tryCompile(options: unknown): CompiledPolicy | undefined {
  try {
    return compilePolicy(options as CorsPolicyOptions);
  } catch (error) {
    if (error instanceof CorsConfigError) return undefined;
    throw error;
  }
}

/** The shape every decision has, whatever the policy and request. */
function checkShape(decision: CorsDecision): void {
  for (const [name, value] of decision.headers) {
    ok(CORS_HEADER_NAMES.has(name), `unexpected header ${show(name)}`);
    ok(SAFE_VALUE.test(value), `${name} is not printable ASCII: ${show(value)}`);
  }
  for (const field of decision.vary) ok(TOKEN.test(field), `Vary field is not a token: ${show(field)}`);
  if (!decision.allowed) same(decision.headers.length, 0, 'headers of a refusal');
  const acao = header(decision, 'Access-Control-Allow-Origin');
  const acac = header(decision, 'Access-Control-Allow-Credentials');
  if (decision.allowed) ok(acao !== undefined, 'allowed without Access-Control-Allow-Origin');
  if (acac !== undefined) {
    same(acac, 'true', 'Access-Control-Allow-Credentials');
    ok(acao !== '*', "Access-Control-Allow-Origin '*' with credentials");
  }
}

/** The list parse of Access-Control-Request-Headers an independent reader would make. */
function requestedNames(value: string | undefined): string[] | undefined {
  if (value === undefined) return [];
  const names: string[] = [];
  for (const part of value.split(',')) {
    const name = part.trim();
    if (name === '') continue;
    if (!TOKEN.test(name)) return undefined;
    names.push(name.toLowerCase());
  }
  return names;
}

// ---------------------------------------------------------------------------------------------

describe('compilePolicy with arbitrary options', () => {
  const anything = fc.anything({
    maxDepth: 2,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withBoxedValues: true,
    withObjectString: true,
    key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'origin', 'credentials', 'methods', 'toString')),
  });
  const weird = fc.constantFrom<unknown>(
    Symbol('x'),
    10n,
    NaN,
    Infinity,
    -0,
    -1,
    1.5,
    2 ** 53,
    1e21,
    () => true,
    (o: string, cb: OriginCallback) => cb(null, o),
    async () => '*',
    new Date(NaN),
    Object.create(null),
    new String('https://app.example.com'),
    new Boolean(true),
    [undefined],
    [, 'https://app.example.com'], // eslint-disable-line no-sparse-arrays
    [[]],
    /./g,
    /^https:\/\/app\.example\.com$|/,
    /^(?:a)|b$/,
    /[|]/,
    /^a\$/,
    '*',
    '',
    ',',
    ' , ',
    'null',
    'https://*',
    'https://*.com',
    'https://*.co.uk',
    'https://*.github.io',
    'http://*.example.com',
    'https://a.example.com/',
    'https://bücher.example',
    'https://app.example.com\r\n',
  );
  const fieldValue = fc.oneof(
    anything,
    weird,
    hostileString,
    fc.array(fc.oneof(hostileString, weird, fc.constantFrom(...EXACT_ORIGINS, ...PATTERN_ORIGINS)), { maxLength: 4 }),
  );
  const options = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record(
        {
          origin: fieldValue,
          methods: fieldValue,
          allowedHeaders: fieldValue,
          exposedHeaders: fieldValue,
          credentials: fc.oneof(fc.boolean(), fieldValue),
          maxAge: fc.oneof(fc.integer({ min: -10, max: 100_000 }), fieldValue),
          optionsSuccessStatus: fc.oneof(fc.integer({ min: 0, max: 1000 }), fieldValue),
          preflightContinue: fc.oneof(fc.boolean(), fieldValue),
          allowPrivateNetwork: fc.oneof(fc.boolean(), fieldValue),
          dangerouslyAllowInsecureHttpOriginsWithCredentials: fc.oneof(fc.boolean(), fieldValue),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: anything },
    { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), fieldValue, { maxKeys: 4 }) },
  );

  // An origin array with a hole (`['https://a.example.com', , 'https://b.example.com']`, a double
  // comma) must give a CorsConfigError naming origin[1], not a TypeError from validation.
  it('a sparse origin array is reported as a CorsConfigError naming the hole', () => {
    // eslint-disable-next-line no-sparse-arrays
    const options = { origin: ['https://a.example.com', , 'https://b.example.com'] } as unknown as CorsPolicyOptions;
    let thrown: unknown;
    try {
      compilePolicy(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CorsConfigError);
    expect((thrown as CorsConfigError).problems.map((p) => p.field)).toContain('origin[1]');
  });

  it('compiles or throws a CorsConfigError; compiled policies are coherent and safe to send', () => {
    let compiled = 0;
    fc.assert(
      fc.property(options, (opts) => {
        let policy: CompiledPolicy | undefined;
        try {
          policy = compilePolicy(opts as CorsPolicyOptions, 'fuzzed policy');
        } catch (error) {
          if (!(error instanceof CorsConfigError)) throw new Error(`threw ${String(error)} instead of a CorsConfigError`, { cause: error });
          ok(error.problems.length > 0, 'a CorsConfigError without problems');
          for (const p of error.problems) {
            ok(typeof p.field === 'string' && typeof p.message === 'string' && typeof p.fix === 'string', `a malformed problem: ${show(p)}`);
          }
          ok(typeof error.message === 'string', 'a CorsConfigError without a message');
          return;
        }
        compiled++;
        ok(!(policy.origin.kind === 'any' && policy.credentials), "'*' with credentials compiled");
        ok(!(policy.origin.kind === 'reflect' && policy.credentials), 'origin: true with credentials compiled');
        ok(policy.optionsSuccessStatus >= 200 && policy.optionsSuccessStatus <= 299, `optionsSuccessStatus ${policy.optionsSuccessStatus}`);
        for (const value of [policy.methods?.header, policy.allowedHeaders?.header || undefined, policy.exposedHeaders, policy.maxAge]) {
          if (value !== undefined) ok(SAFE_VALUE.test(value), `a compiled header value is not printable ASCII: ${show(value)}`);
        }
        if (policy.maxAge !== undefined) ok(Number(policy.maxAge) <= 86400, `maxAge ${policy.maxAge}`);
        if (policy.credentials) {
          ok(!(policy.methods?.any ?? false), "methods '*' with credentials");
          ok(!(policy.allowedHeaders?.any ?? false), "allowedHeaders '*' with credentials");
        }
      }),
      fuzzParams('compilePolicy(arbitrary options)', runs(15_000)),
    );
    expect(compiled).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------

/** Static policies over the origin pools, with every other field varied. */
const staticPolicy = fc.record(
  {
    origin: fc.oneof(
      { weight: 1, arbitrary: fc.constantFrom<CorsPolicyOptions['origin']>('*', true, false, undefined) },
      { weight: 2, arbitrary: fc.constantFrom(...EXACT_ORIGINS) },
      { weight: 5, arbitrary: fc.subarray<string | RegExp>([...EXACT_ORIGINS, ...PATTERN_ORIGINS, ...regexpOrigins()], { minLength: 1 }) },
    ),
    credentials: fc.boolean(),
    methods: maybe(
      fc.oneof(fc.subarray(['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'x-custom'], { minLength: 1 }), fc.constantFrom('*', 'GET, PUT', 'get,post')),
    ),
    allowedHeaders: maybe(
      fc.oneof(fc.subarray(['content-type', 'authorization', 'x-a', 'X-Mixed']), fc.constantFrom('*', '', 'content-type, x-a', '*, authorization')),
    ),
    exposedHeaders: maybe(fc.oneof(fc.subarray(['X-Total-Count', 'etag', 'x-b']), fc.constantFrom('*', ''))),
    maxAge: maybe(fc.integer({ min: 0, max: 7200 })),
    optionsSuccessStatus: maybe(fc.constantFrom(200, 204, 299)),
    preflightContinue: maybe(fc.boolean()),
    allowPrivateNetwork: maybe(fc.boolean()),
    dangerouslyAllowInsecureHttpOriginsWithCredentials: maybe(fc.boolean()),
  },
  { requiredKeys: [] },
);

const servedMethods: fc.Arbitrary<MethodSet | undefined> = maybe(
  fc.subarray(['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'x-custom'], { minLength: 1 }).map(methodSet),
);

const hostileRequest: fc.Arbitrary<CorsRequest> = fc.record(
  {
    method: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('GET', 'POST', 'OPTIONS') }, { weight: 1, arbitrary: hostileString }),
    origin: maybe(requestOrigin, 10),
    requestMethod: maybe(requestMethodValue),
    requestHeaders: maybe(requestHeadersValue),
    requestPrivateNetwork: maybe(requestPrivateNetworkValue),
  },
  { requiredKeys: ['method'] },
);

/** Whether an origin's host is an IP literal or a name of LDH labels (1-63 chars, no edge hyphen). */
function ldhHost(origin: string): boolean {
  const { hostname } = new URL(origin);
  if (hostname.startsWith('[') || /^[0-9.]+$/.test(hostname)) return true;
  return hostname.split('.').every((l) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l));
}

/** The configured origin entries of a static policy. */
function entriesOf(origin: CorsPolicyOptions['origin']): (string | RegExp)[] {
  if (Array.isArray(origin)) return origin as (string | RegExp)[];
  if (typeof origin === 'string' && origin !== '*') return [origin];
  if (origin instanceof RegExp) return [origin];
  return [];
}

/** What the oracle says Access-Control-Allow-Origin may be for this policy and request origin. */
function allowedOrigin(options: CorsPolicyOptions, origin: string | undefined): string | undefined {
  if (options.origin === '*') return '*';
  const canonical = httpOriginOf(origin);
  if (canonical === undefined) return undefined;
  if (options.origin === true) return canonical;
  return entriesOf(options.origin).some((e) => entryAdmits(e, canonical)) ? canonical : undefined;
}

/** Origin checks common to actual requests and preflights. */
function checkOrigin(options: CorsPolicyOptions, request: CorsRequest, decision: CorsDecision): void {
  const acao = header(decision, 'Access-Control-Allow-Origin');
  if (acao === undefined) return;
  if (acao === '*') {
    same(options.origin, '*', "Access-Control-Allow-Origin '*' from a policy whose origin");
    ok(options.credentials !== true, "'*' with credentials");
    return;
  }
  ok(request.origin !== undefined, 'an origin echoed for a request without Origin');
  ok(looksSerialised(acao), `the echoed origin is not a serialised origin: ${show(acao)}`);
  if (options.origin === true) {
    // Reflection of any scheme: the echo is the request's origin, lower-cased, default port dropped.
    const canonical = httpOriginOf(request.origin);
    if (canonical !== undefined) same(acao, canonical, 'the reflected origin');
    else ok(request.origin.toLowerCase().startsWith(acao.slice(0, acao.indexOf('://') + 3)), `reflected ${show(acao)} for ${show(request.origin)}`);
    return;
  }
  // A listed origin: the oracle must admit it, and it is echoed canonically.
  same(acao, allowedOrigin(options, request.origin), `the echoed origin for ${show(request.origin)}`);
  same(header(decision, 'Access-Control-Allow-Credentials'), options.credentials === true ? 'true' : undefined, 'Access-Control-Allow-Credentials');
}

describe('decideActual / decidePreflight with static policies and hostile requests', () => {
  it('never throw, answer synchronously, and satisfy the CORS invariants', () => {
    let compiled = 0;
    let allowedActual = 0;
    let allowedPreflight = 0;
    fc.assert(
      fc.property(staticPolicy, hostileRequest, servedMethods, (options, request, served) => {
        const policy = tryCompile(options);
        if (!policy) return;
        compiled++;

        const actual = decideActual(policy, request);
        ok(!(actual instanceof Promise), 'a static policy answered asynchronously');
        checkShape(actual);
        checkOrigin(options, request, actual);
        same(actual.status, undefined, 'the status of an actual request');
        if (actual.allowed) allowedActual++;
        // Complete for canonical origins: what the oracle admits is allowed.
        const oracle = allowedOrigin(options, request.origin);
        if (options.origin === '*') same(header(actual, 'Access-Control-Allow-Origin'), '*', "ACAO of an origin: '*' policy");
        else if (request.origin !== undefined && oracle !== undefined && request.origin === oracle && ldhHost(oracle)) ok(actual.allowed, `${oracle} refused`);
        if (actual.allowed && policy.exposedHeaders !== undefined)
          same(header(actual, 'Access-Control-Expose-Headers'), policy.exposedHeaders, 'Access-Control-Expose-Headers');

        const preflight = decidePreflight(policy, request, served);
        ok(!(preflight instanceof Promise), 'a static policy answered a preflight asynchronously');
        const p = preflight;
        checkShape(p);
        checkOrigin(options, request, p);
        if (!p.allowed) {
          same(p.status, 403, 'the status of a refused preflight');
          return;
        }
        allowedPreflight++;
        ok(request.origin !== undefined, 'a preflight without Origin allowed');
        same(p.status, options.preflightContinue ? undefined : (options.optionsSuccessStatus ?? 204), 'the status of an allowed preflight');
        same(header(p, 'Content-Length'), p.status === undefined ? undefined : '0', 'Content-Length');
        // Method: a token, served by the path (if known), and configured (if configured).
        const method = request.requestMethod ?? '';
        ok(TOKEN.test(method), `a preflight for a non-token method allowed: ${show(method)}`);
        if (served) ok(served.names.has(method), `${method} allowed but not served (${served.header})`);
        if (policy.methods && !policy.methods.any) ok(policy.methods.names.has(method), `${method} allowed but not configured`);
        same(header(p, 'Access-Control-Allow-Methods'), (policy.methods ?? served)?.header ?? DEFAULT_METHODS, 'Access-Control-Allow-Methods');
        // Headers: reflected exactly (lower-cased) or the configured list, which covers every request header.
        const requested = requestedNames(request.requestHeaders);
        ok(requested !== undefined, `a malformed header list allowed: ${show(request.requestHeaders)}`);
        const acah = header(p, 'Access-Control-Allow-Headers');
        if (policy.allowedHeaders === undefined) {
          same(acah, requested.length ? requested.join(',') : undefined, 'the reflected Access-Control-Allow-Headers');
          ok(p.vary.includes('Access-Control-Request-Headers'), 'reflected headers without Vary: Access-Control-Request-Headers');
        } else {
          for (const name of requested) {
            ok(
              policy.allowedHeaders.names.has(name) || (policy.allowedHeaders.any && name !== 'authorization'),
              `request header ${name} allowed but not configured`,
            );
          }
          same(acah, policy.allowedHeaders.header || undefined, 'the configured Access-Control-Allow-Headers');
        }
        // Private network access: only asked by exactly 'true', only answered when allowed.
        const asked = request.requestPrivateNetwork === 'true';
        if (asked) ok(options.allowPrivateNetwork === true, 'private network access allowed without allowPrivateNetwork');
        same(header(p, 'Access-Control-Allow-Private-Network'), asked ? 'true' : undefined, 'Access-Control-Allow-Private-Network');
        same(header(p, 'Access-Control-Max-Age'), options.maxAge === undefined ? undefined : String(options.maxAge), 'Access-Control-Max-Age');
      }),
      fuzzParams('decideActual/decidePreflight(static policy, hostile request)', runs(35_000)),
    );
    // Not vacuous: many policies compile, and some requests of each kind are allowed.
    expect(compiled).toBeGreaterThan(runs(35_000) / 4);
    expect(allowedActual).toBeGreaterThan(0);
    expect(allowedPreflight).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('origin normalisation of IPv4 spellings', () => {
  it('canonicalises the spellings it recognises, like a browser', () => {
    for (const [text, canonical] of [
      ['http://127.1', 'http://127.0.0.1'],
      ['http://0x7f.1:8080', 'http://127.0.0.1:8080'],
      ['http://2130706433', 'http://127.0.0.1'],
      ['http://[0:0::1]', 'http://[::1]'],
    ]) {
      expect(normalizeOrigin(text!)).toBe(canonical);
      expect(normalizeOrigin(text!)).toBe(new URL(text!).origin);
    }
  });

  // WHATWG treats every host whose last label is a number (digits, or 0x + hex) as IPv4:
  // 127.0x7f is 127.0.0.127 to a browser, and a.1 is no valid host at all.
  it('hosts WHATWG reads as IPv4 (last label numeric) are canonicalised or refused', () => {
    expect(normalizeOrigin('http://127.0x7f')).toBe(new URL('http://127.0x7f').origin); // http://127.0.0.127
    expect(normalizeOrigin('http://0.0x7f:80')).toBe(new URL('http://0.0x7f:80').origin); // http://0.0.0.127
    expect(normalizeOrigin('http://example.1')).toBeUndefined(); // no valid URL host
  });
});

describe('origin matching against the WHATWG oracle (lists, patterns, RegExps)', () => {
  const listPolicy = fc.record({
    entries: fc.subarray<string | RegExp>([...EXACT_ORIGINS, ...PATTERN_ORIGINS, ...regexpOrigins()], { minLength: 1 }),
    credentials: fc.boolean(),
  });

  it('allows exactly the origins the configured entries admit, echoed canonically', () => {
    let allowed = 0;
    fc.assert(
      fc.property(listPolicy, requestOrigin, ({ entries, credentials }, origin) => {
        const options: CorsPolicyOptions = { origin: entries, credentials, dangerouslyAllowInsecureHttpOriginsWithCredentials: true };
        const policy = compilePolicy(options);
        const decision = decideActual(policy, { method: 'GET', origin }) as CorsDecision;
        checkShape(decision);
        const canonical = httpOriginOf(origin);
        const admitted = canonical !== undefined && entries.some((e) => entryAdmits(e, canonical));
        const acao = header(decision, 'Access-Control-Allow-Origin');
        if (decision.allowed) {
          allowed++;
          // Sound: never an origin the oracle does not admit, never anything but its canonical form.
          ok(admitted, `${show(origin)} allowed, but no entry admits it`);
          same(acao, canonical, `the echo of ${show(origin)}`);
        } else if (admitted && ldhHost(canonical)) {
          // Complete where it matters: a browser sends canonical origins. (Hosts that are not
          // letter-digit-hyphen names, such as -a.example.net, which WHATWG URL accepts, are
          // refused by the engine: stricter, not a hole.)
          ok(origin !== canonical, `the canonical origin ${origin} refused`);
        }
      }),
      fuzzParams('origin lists vs WHATWG oracle', runs(15_000)),
    );
    expect(allowed).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('origin functions: every style and result, hostile request origins', () => {
  type Style =
    'sync' | 'async' | 'thenable' | 'callback' | 'callback-later' | 'callback-twice' | 'throw' | 'reject' | 'callback-error' | 'callback-throws-after';
  const style = fc.constantFrom<Style>(
    'sync',
    'async',
    'thenable',
    'callback',
    'callback-later',
    'callback-twice',
    'throw',
    'reject',
    'callback-error',
    'callback-throws-after',
  );
  const ECHO = Symbol('echo');
  const result = fc.oneof(
    fc.constantFrom<unknown>(true, false, null, undefined, '*', 'null', 42, {}, [], '', ['*'], [null], ECHO, [ECHO], { then: 1 }),
    fc.constantFrom<unknown>(...EXACT_ORIGINS, ...PATTERN_ORIGINS),
    fc.subarray<unknown>([...EXACT_ORIGINS, ...PATTERN_ORIGINS, ...regexpOrigins()], { minLength: 1 }),
    fc.constantFrom<unknown>(...regexpOrigins()),
    hostileString,
  );

  /** The function's answer for a received origin (ECHO: the received origin itself). */
  function answer(value: unknown, received: string): unknown {
    if (value === ECHO) return received;
    if (Array.isArray(value)) return value.map((v) => (v === ECHO ? received : v));
    return value;
  }

  function originFunction(kind: Style, value: unknown, calls: string[]) {
    const record = (o: unknown) => {
      calls.push(o as string);
      return answer(value, o as string);
    };
    switch (kind) {
      case 'sync':
        return (o: string | undefined) => record(o) as never;
      case 'async':
        return async (o: string | undefined) => record(o) as never;
      case 'thenable':
        return (o: string | undefined) => ({ then: (resolve: (v: unknown) => void) => resolve(record(o)) }) as never;
      case 'callback':
        return (o: string | undefined, cb: OriginCallback) => cb(null, record(o) as never);
      case 'callback-later':
        return (o: string | undefined, cb: OriginCallback) => void queueMicrotask(() => cb(null, record(o) as never));
      case 'callback-twice':
        return (o: string | undefined, cb: OriginCallback) => {
          cb(null, record(o) as never);
          cb(null, true);
        };
      case 'throw':
        return (o: string | undefined) => {
          record(o);
          throw new Error('origin function failed');
        };
      case 'reject':
        return async (o: string | undefined) => {
          record(o);
          throw new Error('rejected');
        };
      case 'callback-error':
        return (o: string | undefined, cb: OriginCallback) => {
          record(o);
          cb(new Error('callback error'));
        };
      case 'callback-throws-after':
        return (o: string | undefined, cb: OriginCallback) => {
          cb(null, record(o) as never);
          throw new Error('thrown after answering');
        };
    }
  }

  it('receive only canonical origins (or "null"), never throw, never echo what the function did not allow', async () => {
    let allowed = 0;
    await fc.assert(
      fc.asyncProperty(style, result, fc.boolean(), hostileRequest, servedMethods, async (kind, value, credentials, request, served) => {
        const calls: string[] = [];
        const policy = compilePolicy({ origin: originFunction(kind, value, calls), credentials, allowPrivateNetwork: true });
        let actual: CorsDecision | undefined;
        let preflight: CorsDecision | undefined;
        try {
          actual = await decideActual(policy, request);
          preflight = await decidePreflight(policy, request, served);
        } catch (error) {
          throw new Error(`a decision threw or rejected: ${String(error)}`);
        }
        for (const received of calls) {
          ok(typeof received === 'string', `the function received ${show(received)}`);
          if (received !== 'null') {
            ok(looksSerialised(received), `the function received a non-canonical origin: ${show(received)}`);
            const canonical = httpOriginOf(received);
            if (canonical !== undefined) same(received, canonical, 'the origin the function received');
          }
        }
        if (calls.length > 0) ok(request.origin !== undefined, 'the function was called for a request without Origin');
        for (const decision of [actual, preflight]) {
          checkShape(decision);
          const acao = header(decision, 'Access-Control-Allow-Origin');
          if (acao === undefined) continue;
          allowed++;
          ok(!['throw', 'reject', 'callback-error'].includes(kind), `allowed although the function failed (${kind})`);
          const received = calls[calls.length - 1]!;
          const returned = answer(value, received);
          if (acao === '*') {
            same(returned, '*', "ACAO '*' when the function returned");
            same(credentials, false, "ACAO '*' with credentials");
          } else if (acao === 'null') {
            same(request.origin, 'null', "ACAO 'null' for the request origin");
            same(returned, true, "ACAO 'null' when the function returned");
          } else {
            same(acao, received, 'the echoed origin');
            const canonical = httpOriginOf(received);
            const entries = Array.isArray(returned) ? returned : [returned];
            const admitted =
              returned === true ||
              entries.some((e) => e === received) ||
              entries.some((e) => e instanceof RegExp && new RegExp(e.source, e.flags.replace(/[gy]/g, '')).test(received)) ||
              (canonical !== undefined && entries.some((e) => (typeof e === 'string' || e instanceof RegExp) && safeAdmits(e, canonical)));
            ok(admitted, `${acao} allowed, but the function returned ${show(returned)}`);
            same(header(decision, 'Access-Control-Allow-Credentials'), credentials ? 'true' : undefined, 'Access-Control-Allow-Credentials');
          }
        }
      }),
      fuzzParams('origin functions (every style) x hostile requests', runs(10_000)),
    );
    expect(allowed).toBeGreaterThan(0);
  });

  function safeAdmits(entry: string | RegExp, canonical: string): boolean {
    try {
      return entryAdmits(entry, canonical);
    } catch {
      return false;
    }
  }
});

// ---------------------------------------------------------------------------------------------

describe('RegExp origins: an accepted RegExp only ever matches whole origins', () => {
  // Sources built from the characters that matter to the anchoring rule: anchors, alternation,
  // groups, classes and escapes. Whatever the rule accepts must match only whole strings.
  const fragment = fc.constantFrom(
    '^',
    '$',
    '|',
    '(',
    ')',
    '(?:',
    '(?=',
    '(?<=',
    '[',
    ']',
    '[^]',
    '[|]',
    '[$]',
    '\\',
    '\\$',
    '\\|',
    '\\^',
    'a',
    'b',
    '.',
    '*',
    '+',
    '?',
    '{1,2}',
    'https:\\/\\/',
    '\\.example\\.com',
    'x',
  );
  const body = fc.array(fragment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
  // Alternatives that look anchored (often are, sometimes not quite), and free-form sources.
  const alternative = fc
    .tuple(fc.constantFrom('^', '^', '^', '', '(^', '\\^'), body, fc.constantFrom('$', '$', '$', '', '$)', '\\$', '$?'))
    .map(([a, b, c]) => a + b + c);
  const source = fc.oneof(
    { weight: 3, arbitrary: fc.array(alternative, { minLength: 1, maxLength: 3 }).map((alts) => alts.join('|')) },
    { weight: 1, arbitrary: fc.array(fragment, { minLength: 1, maxLength: 10 }).map((parts) => parts.join('')) },
  );
  const flags = fc.constantFrom('', 'i', 'm', 's', 'u', 'g', 'y', 'im', 'v');
  const probeString = fc.string({ unit: fc.constantFrom('a', 'b', 'x', '.', ':', '/', 'h', 't', 'p', 's', '|', '$', '^', '\\'), maxLength: 8 });

  it('never throws on any RegExp, and accepted ones never match a mere substring', () => {
    let accepted = 0;
    let matched = 0;
    fc.assert(
      fc.property(source, flags, fc.array(probeString, { minLength: 1, maxLength: 20 }), (src, flag, probes) => {
        let regexp: RegExp;
        try {
          regexp = new RegExp(src, flag);
        } catch {
          return; // not a RegExp at all
        }
        const policy = tryCompile({ origin: [regexp] });
        if (!policy) return;
        accepted++;
        const whole = new RegExp(`^(?:${src})$`, flag.replace(/[gy]/g, ''));
        const plain = new RegExp(src, flag.replace(/[gy]/g, ''));
        // Texts close to what the source spells (metacharacters dropped, escapes resolved), and
        // the same with something before and after: the substring matches the rule must prevent.
        const spelled = src
          .replace(/\\(.)/g, '\u0000$1')
          .replace(/[\^$()|?*+[\]{}.]/g, '')
          .replace(/\u0000/g, '');
        const texts = [...probes, '', spelled, `x${spelled}`, `${spelled}x`, 'https://a.example.com', 'xhttps://a.example.comx'];
        for (const alt of src.split('|')) {
          const a = alt
            .replace(/\\(.)/g, '\u0000$1')
            .replace(/[\^$()?*+[\]{}.]/g, '')
            .replace(/\u0000/g, '');
          texts.push(a, `x${a}`, `${a}x`);
        }
        for (const text of texts) {
          if (!plain.test(text)) continue;
          matched++;
          ok(whole.test(text), `/${src}/${flag} was accepted but matches ${show(text)} only in part`);
        }
      }),
      fuzzParams('RegExp anchoring rule', runs(8_000)),
    );
    expect(accepted).toBeGreaterThan(0);
    expect(matched).toBeGreaterThan(0);
  });
});
