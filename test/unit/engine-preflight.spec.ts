// Preflights: status, methods, request headers, max age, private network, preflightContinue.
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_METHODS, compilePolicy, isPreflight, methodSet, type CorsPolicyOptions } from '../../lib/core/index.js';
import { corsHeaderNames, header, headerObject, preflight, preflightWith } from './engine-helpers.js';

const APP = 'https://app.example.com';
const base: CorsPolicyOptions = { origin: [APP] };

describe('isPreflight', () => {
  it('is OPTIONS with Origin and Access-Control-Request-Method', () => {
    expect(isPreflight({ method: 'OPTIONS', origin: APP, requestMethod: 'PUT' })).toBe(true);
  });

  it.each([
    ['without Access-Control-Request-Method', { method: 'OPTIONS', origin: APP }],
    ['without Origin', { method: 'OPTIONS', requestMethod: 'PUT' }],
    ['for another method', { method: 'POST', origin: APP, requestMethod: 'PUT' }],
  ])('is false %s (the OPTIONS belongs to the application)', (_name, request) => {
    expect(isPreflight(request)).toBe(false);
  });
});

describe('allowed preflight', () => {
  it('answers 204 with ACAO, ACAM, Content-Length: 0 by default', async () => {
    const decision = await preflight(base);
    expect(decision.allowed).toBe(true);
    expect(decision.status).toBe(204);
    expect(headerObject(decision)).toEqual({
      'Access-Control-Allow-Origin': APP,
      'Access-Control-Allow-Methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
      'Content-Length': '0',
    });
  });

  it('uses optionsSuccessStatus', async () => {
    expect((await preflight({ ...base, optionsSuccessStatus: 200 })).status).toBe(200);
  });

  it('echoes the normalised origin', async () => {
    expect(header(await preflight(base, { origin: 'HTTPS://APP.EXAMPLE.COM:443' }), 'Access-Control-Allow-Origin')).toBe(APP);
  });

  it('adds Access-Control-Allow-Credentials: true only with credentials', async () => {
    expect(header(await preflight({ ...base, credentials: true }), 'Access-Control-Allow-Credentials')).toBe('true');
    expect(header(await preflight(base), 'Access-Control-Allow-Credentials')).toBeUndefined();
  });

  it("answers '*' for an origin '*' policy, without Vary: Origin", async () => {
    const decision = await preflight({ origin: '*' }, { origin: 'https://anyone.test' });
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe('*');
    expect(decision.vary).not.toContain('Origin');
  });

  it('adds Vary: Origin for an origin-dependent policy, allowed or not', async () => {
    expect((await preflight(base)).vary).toContain('Origin');
    expect((await preflight(base, { origin: 'https://evil.test' })).vary).toContain('Origin');
  });

  it('does not send Access-Control-Expose-Headers (it belongs to actual responses)', async () => {
    expect(header(await preflight({ ...base, exposedHeaders: ['X-Total-Count'] }), 'Access-Control-Expose-Headers')).toBeUndefined();
  });
});

describe('Access-Control-Allow-Methods', () => {
  it('lists the configured methods when methods is set', async () => {
    const decision = await preflight({ ...base, methods: ['GET', 'PUT'] }, { requestMethod: 'PUT' }, methodSet(['GET', 'PUT', 'DELETE']));
    expect(header(decision, 'Access-Control-Allow-Methods')).toBe('GET,PUT');
  });

  it('accepts methods as a comma-separated string', async () => {
    expect(header(await preflight({ ...base, methods: 'GET, PUT' }), 'Access-Control-Allow-Methods')).toBe('GET,PUT');
  });

  it('lists the methods the path serves when methods is not set', async () => {
    const decision = await preflight(base, { requestMethod: 'PUT' }, methodSet(['GET', 'HEAD', 'PUT']));
    expect(header(decision, 'Access-Control-Allow-Methods')).toBe('GET,HEAD,PUT');
  });

  it('falls back to GET,HEAD,PUT,PATCH,POST,DELETE when neither is known', async () => {
    expect(header(await preflight(base), 'Access-Control-Allow-Methods')).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
    expect(DEFAULT_METHODS.header).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
  });

  it('methodSet upper-cases names', () => {
    expect(methodSet(['get', 'Put']).header).toBe('GET,PUT');
  });
});

describe('refused preflight: method', () => {
  it('a method the path does not serve is refused with 403 and no headers', async () => {
    const decision = await preflight(base, { requestMethod: 'DELETE' }, methodSet(['GET', 'PUT']));
    expect(decision).toMatchObject({ allowed: false, reason: 'method', status: 403, headers: [] });
    expect(decision.detail).toContain('DELETE');
  });

  it('a method not in the configured list is refused', async () => {
    const decision = await preflight({ ...base, methods: ['GET', 'POST'] }, { requestMethod: 'PUT' });
    expect(decision).toMatchObject({ allowed: false, reason: 'method', status: 403, headers: [] });
  });

  it('a configured method the path does not serve is still refused', async () => {
    const decision = await preflight({ ...base, methods: ['GET', 'PUT'] }, { requestMethod: 'PUT' }, methodSet(['GET']));
    expect(decision).toMatchObject({ allowed: false, reason: 'method' });
  });

  it.each(['', 'GE T', 'PUT\r\n', 'P(UT', 'PÜT'])('an Access-Control-Request-Method that is not a token (%j) is refused', async (requestMethod) => {
    const decision = await preflight(base, { requestMethod });
    expect(decision).toMatchObject({ allowed: false, reason: 'method', status: 403, headers: [] });
  });
});

describe('Access-Control-Allow-Headers', () => {
  it('lists the configured headers, lower-cased', async () => {
    const decision = await preflight({ ...base, allowedHeaders: ['Content-Type', 'Authorization'] }, { requestHeaders: 'content-type' });
    expect(header(decision, 'Access-Control-Allow-Headers')).toBe('content-type,authorization');
    expect(decision.vary).not.toContain('Access-Control-Request-Headers');
  });

  it('matches requested names case-insensitively', async () => {
    const decision = await preflight({ ...base, allowedHeaders: ['x-request-id'] }, { requestHeaders: 'X-Request-ID' });
    expect(decision.allowed).toBe(true);
  });

  it('refuses a requested header not in the configured list, with no headers', async () => {
    const decision = await preflight({ ...base, allowedHeaders: ['content-type'] }, { requestHeaders: 'content-type,x-secret' });
    expect(decision).toMatchObject({ allowed: false, reason: 'header', status: 403, headers: [] });
    expect(decision.detail).toContain('x-secret');
  });

  it('reflects the requested names, lower-cased, when allowedHeaders is unset, with Vary: Access-Control-Request-Headers', async () => {
    const decision = await preflight(base, { requestHeaders: 'X-Request-ID, Content-Type' });
    expect(decision.allowed).toBe(true);
    expect(header(decision, 'Access-Control-Allow-Headers')).toBe('x-request-id,content-type');
    expect(decision.vary).toEqual(expect.arrayContaining(['Origin', 'Access-Control-Request-Headers']));
  });

  it('sends no Access-Control-Allow-Headers when reflecting and nothing was requested (Vary still set)', async () => {
    const decision = await preflight(base);
    expect(header(decision, 'Access-Control-Allow-Headers')).toBeUndefined();
    expect(decision.vary).toContain('Access-Control-Request-Headers');
  });

  it("'*' allows any requested header except authorization", async () => {
    const wildcard: CorsPolicyOptions = { ...base, allowedHeaders: '*' };
    const allowed = await preflight(wildcard, { requestHeaders: 'x-anything,content-type' });
    expect(allowed.allowed).toBe(true);
    expect(header(allowed, 'Access-Control-Allow-Headers')).toBe('*');
    const auth = await preflight(wildcard, { requestHeaders: 'x-anything,Authorization' });
    expect(auth).toMatchObject({ allowed: false, reason: 'header', headers: [] });
  });

  it("'*' with authorization listed by name allows authorization", async () => {
    const decision = await preflight({ ...base, allowedHeaders: ['*', 'authorization'] }, { requestHeaders: 'authorization' });
    expect(decision.allowed).toBe(true);
  });

  it.each(['x a', 'x-a;x-b', 'x-a,\u00e9', 'x-a\r\nx-b', 'x-a, (b)'])(
    'refuses a malformed Access-Control-Request-Headers %j (reflect mode)',
    async (requestHeaders) => {
      const decision = await preflight(base, { requestHeaders });
      expect(decision).toMatchObject({ allowed: false, reason: 'header', status: 403, headers: [] });
    },
  );

  it('refuses a malformed Access-Control-Request-Headers with a configured list', async () => {
    const decision = await preflight({ ...base, allowedHeaders: ['x-a'] }, { requestHeaders: 'x-a x-b' });
    expect(decision).toMatchObject({ allowed: false, reason: 'header', headers: [] });
  });

  it('ignores empty list elements and optional white space', async () => {
    const decision = await preflight(base, { requestHeaders: ' x-a ,, x-b ,' });
    expect(header(decision, 'Access-Control-Allow-Headers')).toBe('x-a,x-b');
  });
});

describe('Access-Control-Max-Age', () => {
  it('is sent when maxAge is set', async () => {
    expect(header(await preflight({ ...base, maxAge: 600 }), 'Access-Control-Max-Age')).toBe('600');
  });

  it('is sent for maxAge 0 (disables caching)', async () => {
    expect(header(await preflight({ ...base, maxAge: 0 }), 'Access-Control-Max-Age')).toBe('0');
  });

  it('is not sent without maxAge', async () => {
    expect(header(await preflight(base), 'Access-Control-Max-Age')).toBeUndefined();
  });
});

describe('Private Network Access', () => {
  it('a preflight with Access-Control-Request-Private-Network: true is refused without allowPrivateNetwork', async () => {
    const decision = await preflight(base, { requestPrivateNetwork: 'true' });
    expect(decision).toMatchObject({ allowed: false, reason: 'private-network', status: 403, headers: [] });
  });

  it('is answered with Access-Control-Allow-Private-Network: true when allowed', async () => {
    const decision = await preflight({ ...base, allowPrivateNetwork: true }, { requestPrivateNetwork: 'true' });
    expect(decision.allowed).toBe(true);
    expect(header(decision, 'Access-Control-Allow-Private-Network')).toBe('true');
    expect(decision.vary).toContain('Access-Control-Request-Private-Network');
  });

  it('sends no Access-Control-Allow-Private-Network when the preflight did not ask', async () => {
    const decision = await preflight({ ...base, allowPrivateNetwork: true });
    expect(decision.allowed).toBe(true);
    expect(header(decision, 'Access-Control-Allow-Private-Network')).toBeUndefined();
  });

  it('still requires an allowed origin', async () => {
    const decision = await preflight({ ...base, allowPrivateNetwork: true }, { origin: 'https://evil.test', requestPrivateNetwork: 'true' });
    expect(decision).toMatchObject({ allowed: false, reason: 'origin', headers: [] });
  });
});

describe('preflightContinue', () => {
  it('allows with the CORS headers and no status (the application answers)', async () => {
    const decision = await preflight({ ...base, preflightContinue: true, maxAge: 60 });
    expect(decision.allowed).toBe(true);
    expect(decision.status).toBeUndefined();
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe(APP);
    expect(header(decision, 'Access-Control-Max-Age')).toBe('60');
    expect(header(decision, 'Content-Length')).toBeUndefined();
  });

  it('does not let a refused preflight through', async () => {
    const decision = await preflight({ ...base, preflightContinue: true }, { origin: 'https://evil.test' });
    expect(decision).toMatchObject({ allowed: false, status: 403, headers: [] });
  });
});

describe('refused preflight: origin', () => {
  it.each([
    ['a disallowed origin', base, 'https://evil.test'],
    ['a malformed origin', base, 'https://app.example.com/'],
    ['origin false', { origin: false }, APP],
    ['no origin option', {}, APP],
    ["'null'", base, 'null'],
  ] as const)('%s: 403, reason origin, no Access-Control-* headers', async (_name, options, origin) => {
    const decision = await preflight(options, { origin, requestHeaders: 'x-a', requestPrivateNetwork: 'true' });
    expect(decision).toMatchObject({ allowed: false, reason: 'origin', status: 403 });
    expect(decision.headers).toEqual([]);
    expect(decision.detail).toEqual(expect.any(String));
  });

  it('a request without Origin is refused', async () => {
    const decision = await preflightWith(compilePolicy({ origin: '*' }), { origin: undefined });
    expect(decision).toMatchObject({ allowed: false, reason: 'origin', status: 403, headers: [] });
  });
});

describe('rejected preflights carry no Access-Control-* headers, answered ones carry Content-Length: 0', () => {
  const cases: ReadonlyArray<readonly [string, CorsPolicyOptions, Parameters<typeof preflight>[1]]> = [
    ['origin', { ...base, credentials: true, maxAge: 60, allowedHeaders: ['x-a'] }, { origin: 'https://evil.test' }],
    ['method', { ...base, credentials: true, maxAge: 60, methods: ['GET'] }, { requestMethod: 'PUT' }],
    ['header', { ...base, credentials: true, maxAge: 60, allowedHeaders: ['x-a'] }, { requestHeaders: 'x-b' }],
    ['private-network', { ...base, credentials: true, maxAge: 60 }, { requestPrivateNetwork: 'true' }],
  ];

  it.each(cases)('refused for %s', async (reason, options, input) => {
    const decision = await preflight(options, input);
    expect(decision.reason).toBe(reason);
    expect(corsHeaderNames(decision)).toEqual([]);
    expect(decision.headers).toEqual([]);
  });

  it('an answered preflight has Content-Length: 0', async () => {
    expect(header(await preflight({ ...base, credentials: true, maxAge: 60 }), 'Content-Length')).toBe('0');
  });
});
