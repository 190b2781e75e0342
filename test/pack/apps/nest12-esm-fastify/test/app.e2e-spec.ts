import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';

const APP_ORIGIN = 'https://app.example.com';
const OTHER_ORIGIN = 'https://evil.example.net';
const TOKEN = { Authorization: 'Bearer valid-token' };

interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}
type Send = (method: 'GET' | 'OPTIONS', url: string, headers: Record<string, string>) => Promise<Reply>;

/**
 * Two ways in: app.inject() (light-my-request calls Fastify without its server: every request goes
 * through the adapter's onRequest hook), and supertest on the application's HTTP server (Fastify's
 * own server, where preflights are answered on the server's `request` event, the fast path).
 */
const transports: Record<string, (app: NestFastifyApplication) => Send> = {
  'app.inject()': (app) => async (method, url, headers) => {
    const res = await app.inject({ method, url, headers });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  },
  'the HTTP server (supertest)': (app) => async (method, url, headers) => {
    const res = await request(app.getHttpServer())[method === 'GET' ? 'get' : 'options'](url).set(headers);
    return { status: res.status, headers: res.headers, body: res.text };
  },
};

const preflightHeaders = (origin: string, requestHeaders?: string) => ({
  Origin: origin,
  'Access-Control-Request-Method': 'GET',
  ...(requestHeaders ? { 'Access-Control-Request-Headers': requestHeaders } : {}),
});

function corsHeaders(res: Reply) {
  return Object.fromEntries(Object.entries(res.headers).filter(([name]) => name.startsWith('access-control-')));
}

function assertVaryOrigin(res: Reply) {
  assert.ok(
    String(res.headers.vary ?? '')
      .toLowerCase()
      .split(/\s*,\s*/)
      .includes('origin'),
    `Vary: ${String(res.headers.vary)}`,
  );
}

/** NestFactory.create on a FastifyAdapter, init(), and Fastify's ready(): the routes are in place once its plugins have loaded. */
async function createApp(): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('CORS on Fastify under a global auth guard (e2e)', () => {
  let app: NestFastifyApplication;

  before(async () => {
    app = await createApp();
  });

  after(async () => {
    await app.close();
  });

  it("takes over the server's request listener (the preflight fast path), in front of Fastify's own routing", () => {
    const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
    const listeners = app.getHttpServer().listeners('request');
    assert.equal(listeners.length, 1);
    assert.notEqual(listeners[0], fastify.routing);
  });

  for (const [transport, sender] of Object.entries(transports)) {
    describe(`through ${transport}`, () => {
      let send: Send;

      before(() => {
        send = sender(app);
      });

      it('answers the preflight of a guarded route (no token) by the global policy: 204, ACAO, ACAC, ACAH, Vary: Origin', async () => {
        for (const path of ['/feed', '/feed/42']) {
          const res = await send('OPTIONS', path, preflightHeaders(APP_ORIGIN, 'authorization'));
          assert.equal(res.status, 204, path);
          assert.equal(res.headers['access-control-allow-origin'], APP_ORIGIN);
          assert.equal(res.headers['access-control-allow-credentials'], 'true');
          assert.equal(res.headers['access-control-allow-headers'], 'content-type,authorization');
          assertVaryOrigin(res);
        }
      });

      it('refuses the preflight of an origin the policy does not allow (403, no CORS headers), and gives its requests none', async () => {
        const pre = await send('OPTIONS', '/feed', preflightHeaders(OTHER_ORIGIN));
        assert.equal(pre.status, 403);
        assert.deepEqual(corsHeaders(pre), {});
        const res = await send('GET', '/feed', { Origin: OTHER_ORIGIN, ...TOKEN });
        assert.equal(res.status, 200);
        assert.deepEqual(corsHeaders(res), {});
      });

      it("keeps ACAO and ACAC on the guard's 401 for an allowed origin, so the browser can read it", async () => {
        for (const path of ['/feed', '/feed/42']) {
          const res = await send('GET', path, { Origin: APP_ORIGIN });
          assert.equal(res.status, 401, path);
          assert.equal(res.headers['access-control-allow-origin'], APP_ORIGIN);
          assert.equal(res.headers['access-control-allow-credentials'], 'true');
          assertVaryOrigin(res);
        }
      });

      it('serves the guarded route with a token: 200 with the CORS headers', async () => {
        const res = await send('GET', '/feed', { Origin: APP_ORIGIN, ...TOKEN });
        assert.equal(res.status, 200);
        assert.deepEqual(JSON.parse(res.body), { items: ['a', 'b'] });
        assert.equal(res.headers['access-control-allow-origin'], APP_ORIGIN);
      });

      it("opens @Cors({ origin: '*', credentials: false }) on a handler, and @Cors('public') on a controller and on a handler, to every origin", async () => {
        for (const [path, body] of [
          ['/health', { status: 'ok' }],
          ['/public', { public: true }],
          ['/feed/open', { open: true }],
        ] as const) {
          const res = await send('GET', path, { Origin: OTHER_ORIGIN });
          assert.equal(res.status, 200, path);
          assert.deepEqual(JSON.parse(res.body), body);
          assert.equal(res.headers['access-control-allow-origin'], '*');
          assert.equal(res.headers['access-control-allow-credentials'], undefined);
          const pre = await send('OPTIONS', path, preflightHeaders(OTHER_ORIGIN));
          assert.equal(pre.status, 204, path);
          assert.equal(pre.headers['access-control-allow-origin'], '*');
          assert.equal(pre.headers['access-control-allow-credentials'], undefined);
        }
      });

      it('sends no CORS headers on a @Cors(false) route and refuses its preflight (403)', async () => {
        const res = await send('GET', '/internal', { Origin: APP_ORIGIN });
        assert.equal(res.status, 200);
        assert.deepEqual(JSON.parse(res.body), { up: 1 });
        assert.deepEqual(corsHeaders(res), {});
        const pre = await send('OPTIONS', '/internal', preflightHeaders(APP_ORIGIN));
        assert.equal(pre.status, 403);
        assert.deepEqual(corsHeaders(pre), {});
      });

      it("routes a find-my-way regex parameter (':id(^\\\\d+)') as Fastify does: /feed/42 served, /feed/abc a 404 under the global policy", async () => {
        const item = await send('GET', '/feed/42', { Origin: APP_ORIGIN, ...TOKEN });
        assert.equal(item.status, 200);
        assert.deepEqual(JSON.parse(item.body), { id: '42' });
        assert.equal(item.headers['access-control-allow-origin'], APP_ORIGIN);
        const none = await send('GET', '/feed/abc', { Origin: APP_ORIGIN, ...TOKEN });
        assert.equal(none.status, 404);
        assert.equal(none.headers['access-control-allow-origin'], APP_ORIGIN);
        const stranger = await send('GET', '/feed/abc', { Origin: OTHER_ORIGIN, ...TOKEN });
        assert.equal(stranger.status, 404);
        assert.deepEqual(corsHeaders(stranger), {});
      });
    });
  }
});
