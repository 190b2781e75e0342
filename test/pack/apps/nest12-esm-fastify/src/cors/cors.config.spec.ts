import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CorsConfigError } from 'nestjs-route-cors';
import * as core from 'nestjs-route-cors/core';
import { compilePolicy, decideActual, decidePreflight } from 'nestjs-route-cors/core';
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
    assert.equal(decision.allowed, true);
    assert.equal(decision.status, 204);
    const headers = Object.fromEntries(decision.headers);
    assert.equal(headers['Access-Control-Allow-Origin'], APP_ORIGIN);
    assert.equal(headers['Access-Control-Allow-Credentials'], 'true');
    assert.equal(headers['Access-Control-Allow-Headers'], 'content-type,authorization');
  });

  it('gives another origin no CORS headers; the public policy gives it *', async () => {
    const refused = await decideActual(compilePolicy(global), { method: 'GET', origin: 'https://evil.example.net' });
    assert.equal(refused.allowed, false);
    assert.deepEqual(refused.headers, []);
    const open = await decideActual(compilePolicy(policies!.public), { method: 'GET', origin: 'https://evil.example.net' });
    assert.deepEqual(Object.fromEntries(open.headers), { 'Access-Control-Allow-Origin': '*' });
  });

  it('refuses a bad CORS_ORIGINS with a CorsConfigError (one class for the root and /core)', () => {
    assert.throws(() => corsOptions({ CORS_ORIGINS: 'app.example.com' }), CorsConfigError);
    assert.equal(core.CorsConfigError, CorsConfigError);
  });

  it('runs the ES module build of the package', () => {
    assert.match(fileURLToPath(import.meta.resolve('nestjs-route-cors')), /nestjs-route-cors[\\/]dist[\\/]esm[\\/]index\.js$/);
    assert.match(fileURLToPath(import.meta.resolve('nestjs-route-cors/core')), /nestjs-route-cors[\\/]dist[\\/]esm[\\/]core[\\/]index\.js$/);
  });
});
