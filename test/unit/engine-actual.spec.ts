// Actual (non-preflight) requests: which headers an allowed, disallowed or absent Origin gets.
import { describe, expect, it } from '@jest/globals';
import { compilePolicy, decideActual, normalizeOrigin } from '../../lib/core/index.js';
import { actual, header, headerObject } from './engine-helpers.js';

const APP = 'https://app.example.com';

describe('actual request from an allowed origin', () => {
  it('echoes the exact origin in Access-Control-Allow-Origin', async () => {
    const decision = await actual({ origin: [APP] }, APP);
    expect(decision.allowed).toBe(true);
    expect(headerObject(decision)).toEqual({ 'Access-Control-Allow-Origin': APP });
  });

  it('adds Access-Control-Allow-Credentials: true only when credentials is on', async () => {
    expect(header(await actual({ origin: APP, credentials: true }, APP), 'Access-Control-Allow-Credentials')).toBe('true');
    expect(header(await actual({ origin: APP, credentials: false }, APP), 'Access-Control-Allow-Credentials')).toBeUndefined();
    expect(header(await actual({ origin: APP }, APP), 'Access-Control-Allow-Credentials')).toBeUndefined();
  });

  it('sends Access-Control-Expose-Headers when exposedHeaders is set (array or string)', async () => {
    const fromArray = await actual({ origin: APP, exposedHeaders: ['X-Total-Count', 'X-Request-Id'] }, APP);
    expect(header(fromArray, 'Access-Control-Expose-Headers')).toBe('X-Total-Count,X-Request-Id');
    const fromString = await actual({ origin: APP, exposedHeaders: 'X-Total-Count, X-Request-Id' }, APP);
    expect(header(fromString, 'Access-Control-Expose-Headers')).toBe('X-Total-Count,X-Request-Id');
  });

  it('sends no Access-Control-Expose-Headers without exposedHeaders', async () => {
    expect(header(await actual({ origin: APP }, APP), 'Access-Control-Expose-Headers')).toBeUndefined();
  });

  it('never sends preflight-only headers on an actual response', async () => {
    const decision = await actual({ origin: APP, methods: ['GET'], allowedHeaders: ['x-a'], maxAge: 60 }, APP);
    expect(Object.keys(headerObject(decision)).sort()).toEqual(['Access-Control-Allow-Origin']);
  });

  it('decides synchronously for a static origin list (no Promise)', () => {
    const decision = decideActual(compilePolicy({ origin: [APP] }), { method: 'GET', origin: APP });
    expect(decision).not.toBeInstanceOf(Promise);
  });
});

describe("origin '*'", () => {
  it("answers Access-Control-Allow-Origin: '*' to any origin", async () => {
    const decision = await actual({ origin: '*' }, 'https://anyone.test');
    expect(decision.allowed).toBe(true);
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe('*');
  });

  it("answers '*' also to a request without an Origin header", async () => {
    const decision = await actual({ origin: '*' });
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe('*');
  });

  it('does not add Vary: Origin (the answer does not depend on the request)', async () => {
    expect((await actual({ origin: '*' }, APP)).vary).not.toContain('Origin');
    expect((await actual({ origin: '*' })).vary).not.toContain('Origin');
  });

  it('sends Access-Control-Expose-Headers and never Access-Control-Allow-Credentials', async () => {
    const decision = await actual({ origin: '*', exposedHeaders: ['X-Total-Count'] }, APP);
    expect(headerObject(decision)).toEqual({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'X-Total-Count',
    });
  });
});

describe('Vary: Origin for policies whose answer depends on the Origin', () => {
  const dependent = {
    list: { origin: [APP] },
    single: { origin: APP },
    pattern: { origin: 'https://*.example.com' },
    regexp: { origin: /^https:\/\/[a-z]+\.example\.org$/ },
    function: { origin: (o: string | undefined) => o === APP },
    reflect: { origin: true },
  } as const;

  for (const [kind, options] of Object.entries(dependent)) {
    it(`${kind}: on an allowed origin, a disallowed origin and a missing Origin`, async () => {
      const allowedOrigin = kind === 'regexp' ? 'https://a.example.org' : APP;
      const allowed = await actual(options, allowedOrigin);
      expect(allowed.allowed).toBe(true);
      expect(allowed.vary).toContain('Origin');
      if (kind !== 'reflect') {
        const disallowed = await actual(options, 'https://evil.test');
        expect(disallowed.allowed).toBe(false);
        expect(disallowed.vary).toContain('Origin');
      }
      const none = await actual(options);
      expect(none.allowed).toBe(false);
      expect(none.vary).toContain('Origin');
    });
  }

  it('reflect: also on a malformed Origin', async () => {
    const decision = await actual({ origin: true }, 'not an origin');
    expect(decision.allowed).toBe(false);
    expect(decision.vary).toContain('Origin');
  });
});

describe('actual request from a disallowed origin', () => {
  it('gets no headers at all, and a reason', async () => {
    const decision = await actual({ origin: [APP], credentials: true, exposedHeaders: ['X-Total-Count'] }, 'https://evil.test');
    expect(decision.allowed).toBe(false);
    expect(decision.headers).toEqual([]);
    expect(decision.reason).toBe('origin');
    expect(decision.detail).toEqual(expect.any(String));
  });

  it('does not carry a status (the request proceeds)', async () => {
    const decision = await actual({ origin: [APP] }, 'https://evil.test');
    expect(decision.status).toBeUndefined();
  });

  it('a request without Origin gets no headers from a list policy', async () => {
    const decision = await actual({ origin: [APP], credentials: true });
    expect(decision.allowed).toBe(false);
    expect(decision.headers).toEqual([]);
  });

  it("the opaque origin 'null' is not matched by a list", async () => {
    expect((await actual({ origin: [APP] }, 'null')).headers).toEqual([]);
  });

  it('origin false allows nothing', async () => {
    const decision = await actual({ origin: false }, APP);
    expect(decision.allowed).toBe(false);
    expect(decision.headers).toEqual([]);
  });

  it('an absent origin option allows nothing (not the cors package default)', async () => {
    expect((await actual({}, APP)).headers).toEqual([]);
    expect((await actual({ credentials: true, exposedHeaders: ['X-A'] }, APP)).headers).toEqual([]);
    expect((await actual({})).headers).toEqual([]);
  });
});

describe('origin normalisation', () => {
  it('HTTPS://APP.EXAMPLE.COM:443 matches https://app.example.com and the normalised form is echoed', async () => {
    const decision = await actual({ origin: [APP] }, 'HTTPS://APP.EXAMPLE.COM:443');
    expect(decision.allowed).toBe(true);
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe(APP);
  });

  it('a configured origin with upper case and default port matches the browser form', async () => {
    const decision = await actual({ origin: ['HTTPS://App.Example.COM:443'] }, APP);
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe(APP);
  });

  it('http default port 80 is dropped, a non-default port is kept and must match', async () => {
    expect(header(await actual({ origin: 'http://api.example.com' }, 'http://api.example.com:80'), 'Access-Control-Allow-Origin')).toBe(
      'http://api.example.com',
    );
    expect((await actual({ origin: 'http://api.example.com' }, 'http://api.example.com:8080')).allowed).toBe(false);
    expect(header(await actual({ origin: 'http://api.example.com:8080' }, 'http://api.example.com:8080'), 'Access-Control-Allow-Origin')).toBe(
      'http://api.example.com:8080',
    );
  });

  it('the scheme is part of the origin', async () => {
    expect((await actual({ origin: APP }, 'http://app.example.com')).allowed).toBe(false);
  });

  it.each([
    ['HTTPS://APP.EXAMPLE.COM:443', 'https://app.example.com'],
    ['http://Localhost:80', 'http://localhost'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['https://example.com:80', 'https://example.com:80'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
  ])('normalizeOrigin(%s) = %s', (input, expected) => {
    expect(normalizeOrigin(input)).toBe(expected);
  });

  it.each([
    'null',
    'https://app.example.com/',
    'https://app.example.com/path',
    'app.example.com',
    '',
    'https://a..b',
    'https://-a.com',
    'http://a.com:65536',
    'https://user@a.com',
  ])('normalizeOrigin(%j) is undefined (not an origin)', (input) => {
    expect(normalizeOrigin(input)).toBeUndefined();
  });
});

describe('subdomain pattern https://*.example.com', () => {
  const options = { origin: 'https://*.example.com' };

  it.each(['https://a.example.com', 'https://a.b.example.com', 'HTTPS://A.Example.com:443'])('matches %s', async (origin) => {
    const decision = await actual(options, origin);
    expect(decision.allowed).toBe(true);
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe(normalizeOrigin(origin));
  });

  it.each([
    'https://example.com',
    'http://a.example.com',
    'https://a.example.com.evil.com',
    'https://evilexample.com',
    'https://a.example.com:8443',
    'https://a.example.co',
  ])('does not match %s', async (origin) => {
    const decision = await actual(options, origin);
    expect(decision.allowed).toBe(false);
    expect(decision.headers).toEqual([]);
  });

  it('with an explicit port only matches that port', async () => {
    expect((await actual({ origin: 'https://*.example.com:8443' }, 'https://a.example.com:8443')).allowed).toBe(true);
    expect((await actual({ origin: 'https://*.example.com:8443' }, 'https://a.example.com')).allowed).toBe(false);
  });
});

describe('port pattern http://localhost:*', () => {
  const options = { origin: 'http://localhost:*' };

  it.each(['http://localhost:3000', 'http://localhost:4200', 'http://localhost'])('matches %s', async (origin) => {
    const decision = await actual(options, origin);
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe(origin);
  });

  it.each(['https://localhost:3000', 'http://localhost.evil.com:3000', 'http://a.localhost:3000', 'http://127.0.0.1:3000'])(
    'does not match %s',
    async (origin) => {
      expect((await actual(options, origin)).allowed).toBe(false);
    },
  );
});

describe('RegExp origin', () => {
  const re = /^https:\/\/[a-z0-9-]+\.example\.org$/;

  it('allows a matching origin, echoing it', async () => {
    const decision = await actual({ origin: re }, 'https://shop.example.org');
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe('https://shop.example.org');
  });

  it('is tested against the normalised origin', async () => {
    const decision = await actual({ origin: re }, 'HTTPS://SHOP.EXAMPLE.ORG:443');
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe('https://shop.example.org');
  });

  it('refuses a non-matching origin', async () => {
    expect((await actual({ origin: re }, 'https://shop.example.net')).headers).toEqual([]);
  });

  it('works inside a list next to exact origins and patterns', async () => {
    const options = { origin: [APP, 'https://*.example.net', re] };
    expect((await actual(options, APP)).allowed).toBe(true);
    expect((await actual(options, 'https://x.example.net')).allowed).toBe(true);
    expect((await actual(options, 'https://x.example.org')).allowed).toBe(true);
    expect((await actual(options, 'https://x.example.com')).allowed).toBe(false);
  });

  it('a global RegExp gives the same answer every time (no lastIndex state)', async () => {
    const policy = compilePolicy({ origin: /^https:\/\/shop\.example\.org$/g });
    for (let i = 0; i < 4; i++) {
      const decision = await decideActual(policy, { method: 'GET', origin: 'https://shop.example.org' });
      expect(decision.allowed).toBe(true);
    }
  });
});

describe('origin: true (reflect)', () => {
  it('reflects any well-formed origin, normalised', async () => {
    expect(header(await actual({ origin: true }, 'https://anyone.test'), 'Access-Control-Allow-Origin')).toBe('https://anyone.test');
    expect(header(await actual({ origin: true }, 'HTTP://Anyone.Test:80'), 'Access-Control-Allow-Origin')).toBe('http://anyone.test');
  });

  it('does not reflect a malformed Origin', async () => {
    const decision = await actual({ origin: true }, 'https://anyone.test\r\nSet-Cookie: a=b');
    expect(decision.allowed).toBe(false);
    expect(decision.headers).toEqual([]);
  });

  it('gives no headers without an Origin header', async () => {
    expect((await actual({ origin: true })).headers).toEqual([]);
  });
});
