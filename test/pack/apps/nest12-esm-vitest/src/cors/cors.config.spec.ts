import * as root from 'nestjs-route-cors';
import { CorsConfigError } from 'nestjs-route-cors';
import * as core from 'nestjs-route-cors/core';
import { compilePolicy, decideActual, decidePreflight } from 'nestjs-route-cors/core';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, corsOptions } from './cors.config.js';

describe('CORS configuration (the engine, nestjs-route-cors/core)', () => {
  const { policies, ...global } = corsOptions({});

  it('answers a preflight from the front end: 204, its origin, credentials, the allowed headers', async () => {
    const decision = await decidePreflight(compilePolicy(global), {
      method: 'OPTIONS',
      origin: APP_ORIGIN,
      requestMethod: 'GET',
      requestHeaders: 'authorization',
    });
    expect(decision.allowed).toBe(true);
    expect(decision.status).toBe(204);
    expect(Object.fromEntries(decision.headers)).toMatchObject({
      'Access-Control-Allow-Origin': APP_ORIGIN,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Headers': 'content-type,authorization',
    });
  });

  it('gives another origin no CORS headers; the public policy gives it *', async () => {
    const refused = await decideActual(compilePolicy(global), { method: 'GET', origin: 'https://evil.example.net' });
    expect(refused).toMatchObject({ allowed: false, headers: [] });
    const open = await decideActual(compilePolicy(policies!.public), { method: 'GET', origin: 'https://evil.example.net' });
    expect(Object.fromEntries(open.headers)).toEqual({ 'Access-Control-Allow-Origin': '*' });
  });

  it('refuses a bad CORS_ORIGINS with a CorsConfigError (one class for the root and /core)', () => {
    expect(() => corsOptions({ CORS_ORIGINS: 'app.example.com' })).toThrow(CorsConfigError);
    expect(core.CorsConfigError).toBe(CorsConfigError);
  });

  it('runs the ES module build of the package (a CommonJS module would show `default` and `__esModule`)', () => {
    expect(Object.keys(root)).not.toContain('default');
    expect(Object.keys(root)).not.toContain('__esModule');
    expect(Object.keys(core)).not.toContain('default');
  });
});
