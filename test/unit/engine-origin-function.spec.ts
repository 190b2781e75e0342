// Origin functions: sync, Promise-returning and cors-style callbacks, and their failures.
import { describe, expect, it, jest } from '@jest/globals';
import {
  compilePolicy,
  decideActual,
  decidePreflight,
  type CorsDecision,
  type CustomOrigin,
  type OriginCallback,
  type StaticOrigin,
} from '../../lib/core/index.js';
import { header, preflightRequest } from './engine-helpers.js';

const APP = 'https://app.example.com';

function decide(origin: CustomOrigin, requestOrigin: string | undefined = APP, credentials = false): CorsDecision | Promise<CorsDecision> {
  return decideActual(compilePolicy({ origin, credentials }), { method: 'GET', origin: requestOrigin });
}

/** The three ways to write an origin function, all answering `value`. */
const styles: ReadonlyArray<readonly [string, (value: StaticOrigin | null | undefined) => CustomOrigin]> = [
  ['sync', (value) => () => value],
  ['Promise-returning', (value) => async () => value],
  ['cors-style callback', (value) => (_origin: string | undefined, callback: OriginCallback) => setImmediate(() => callback(null, value ?? undefined))],
];

describe.each(styles)('%s origin function', (_name, make) => {
  it('true allows the request origin, echoed', async () => {
    const decision = await decide(make(true));
    expect(decision.allowed).toBe(true);
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe(APP);
    expect(decision.vary).toContain('Origin');
  });

  it('false refuses with reason origin and no headers', async () => {
    const decision = await decide(make(false));
    expect(decision).toMatchObject({ allowed: false, headers: [], reason: 'origin' });
    expect(decision.vary).toContain('Origin');
  });

  it('undefined or null refuses', async () => {
    expect((await decide(make(undefined))).allowed).toBe(false);
    expect((await decide(make(null))).allowed).toBe(false);
  });

  it('a string equal to the request origin allows it; another string refuses', async () => {
    expect(header(await decide(make(APP)), 'Access-Control-Allow-Origin')).toBe(APP);
    const other = await decide(make('https://other.example.com'));
    expect(other.allowed).toBe(false);
    expect(other.headers).toEqual([]);
  });

  it('an array allows a listed origin (exact or pattern) and refuses others', async () => {
    expect((await decide(make(['https://x.test', APP]))).allowed).toBe(true);
    expect((await decide(make(['https://*.example.com']))).allowed).toBe(true);
    expect((await decide(make(['https://x.test']))).allowed).toBe(false);
  });

  it('a RegExp allows a matching origin and refuses others', async () => {
    expect((await decide(make(/^https:\/\/app\.example\.com$/))).allowed).toBe(true);
    expect((await decide(make(/^https:\/\/other\.example\.com$/))).allowed).toBe(false);
  });

  it("'*' without credentials answers Access-Control-Allow-Origin: *", async () => {
    const decision = await decide(make('*'));
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe('*');
    expect(header(decision, 'Access-Control-Allow-Credentials')).toBeUndefined();
  });

  it("'*' with credentials is refused (browsers reject * with credentials)", async () => {
    const decision = await decide(make('*'), APP, true);
    expect(decision).toMatchObject({ allowed: false, headers: [], reason: 'origin' });
    expect(decision.detail).toMatch(/\*/);
  });

  it('true with credentials echoes the origin with Access-Control-Allow-Credentials: true', async () => {
    const decision = await decide(make(true), APP, true);
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe(APP);
    expect(header(decision, 'Access-Control-Allow-Credentials')).toBe('true');
  });

  it('decides preflights too', async () => {
    const allowed = await decidePreflight(compilePolicy({ origin: make(true) }), preflightRequest({ origin: APP }));
    expect(allowed.allowed).toBe(true);
    expect(allowed.status).toBe(204);
    const refused = await decidePreflight(compilePolicy({ origin: make(false) }), preflightRequest({ origin: APP }));
    expect(refused).toMatchObject({ allowed: false, reason: 'origin', status: 403, headers: [] });
  });
});

describe('origin function arguments', () => {
  it('receives the normalised origin', async () => {
    const fn = jest.fn((_origin: string | undefined) => true);
    await decide(fn, 'HTTPS://APP.EXAMPLE.COM:443');
    expect(fn).toHaveBeenCalledWith(APP);
  });

  it("receives 'null' for an opaque origin, which only true allows", async () => {
    const fn = jest.fn((_origin: string | undefined) => true);
    const decision = await decide(fn, 'null');
    expect(fn).toHaveBeenCalledWith('null');
    expect(header(decision, 'Access-Control-Allow-Origin')).toBe('null');
    expect((await decide(() => ['null'], 'null')).allowed).toBe(false);
  });

  it('is not called for a malformed Origin, which is refused', async () => {
    const fn = jest.fn((_origin: string | undefined) => true);
    for (const origin of ['not an origin', 'https://app.example.com/', 'https://a.com\r\nX: y', '']) {
      const decision = await decide(fn, origin);
      expect(decision.allowed).toBe(false);
      expect(decision.reason).toBe('origin');
    }
    expect(fn).not.toHaveBeenCalled();
  });

  it('is not called for a request without an Origin header', async () => {
    const fn = jest.fn((_origin: string | undefined) => true);
    const decision = await decideActual(compilePolicy({ origin: fn }), { method: 'GET' });
    expect(decision.allowed).toBe(false);
    expect(decision.headers).toEqual([]);
    expect(fn).not.toHaveBeenCalled();
  });

  it('a sync function gives a synchronous decision', () => {
    expect(decide(() => true)).not.toBeInstanceOf(Promise);
  });
});

describe('origin function failures are refusals, never exceptions', () => {
  async function expectRefused(fn: CustomOrigin, message: string): Promise<void> {
    let decision: CorsDecision | Promise<CorsDecision> | undefined;
    expect(() => {
      decision = decide(fn);
    }).not.toThrow();
    const settled = await decision!;
    expect(settled).toMatchObject({ allowed: false, headers: [], reason: 'origin' });
    expect(settled.detail).toContain(message);
  }

  it('a sync function that throws', async () => {
    await expectRefused(() => {
      throw new Error('lookup failed');
    }, 'lookup failed');
  });

  it('a function that returns a rejected Promise', async () => {
    await expectRefused(() => Promise.reject(new Error('db down')), 'db down');
  });

  it('an async function that throws', async () => {
    await expectRefused(async () => {
      throw new Error('async boom');
    }, 'async boom');
  });

  it('a cors-style function that calls back with an error', async () => {
    await expectRefused((_origin: string | undefined, callback: OriginCallback) => callback(new Error('cb error')), 'cb error');
  });

  it('a cors-style function that throws before calling back', async () => {
    await expectRefused((_origin: string | undefined, _callback: OriginCallback) => {
      throw new Error('cb threw');
    }, 'cb threw');
  });

  it('a function that throws a non-Error value', async () => {
    await expectRefused(() => {
      throw 'plain string';
    }, 'plain string');
  });

  // A thrown value that String() cannot convert (a null-prototype object) must still become a refusal.
  it('a function that throws or rejects with a null-prototype object refuses', async () => {
    await expectRefused(() => {
      throw Object.create(null);
    }, 'the origin function failed');
    await expectRefused(async () => {
      throw Object.create(null);
    }, 'the origin function failed');
  });

  it('a function that returns a value of the wrong type refuses', async () => {
    for (const value of [42, {}, () => true, Symbol('x')]) {
      const decision = await decide((() => value) as unknown as CustomOrigin);
      expect(decision).toMatchObject({ allowed: false, headers: [], reason: 'origin' });
    }
  });
});
