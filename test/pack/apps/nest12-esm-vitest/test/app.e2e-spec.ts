import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { appOptions } from '../src/app.options.js';

const APP_ORIGIN = 'https://app.example.com';
const OTHER_ORIGIN = 'https://evil.example.net';

describe('CORS under a global auth guard (e2e)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ ...appOptions, logger: ['error', 'warn'] });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers the preflight of a guarded route (no token): 204 with the CORS headers', async () => {
    const res = await request(app.getHttpServer())
      .options('/feed')
      .set('Origin', APP_ORIGIN)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-headers']).toBe('content-type,authorization');
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
  });

  it("keeps Access-Control-Allow-Origin on the guard's 401, so the browser can read it", async () => {
    for (const path of ['/feed', '/feed/42']) {
      const res = await request(app.getHttpServer()).get(path).set('Origin', APP_ORIGIN).expect(401);
      expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    }
  });

  it('serves the guarded route with a token (the guard and its injected services work): 200 with the CORS headers', async () => {
    const res = await request(app.getHttpServer())
      .get('/feed')
      .set('Origin', APP_ORIGIN)
      .set('Authorization', 'Bearer valid-token')
      .expect(200, { items: ['a', 'b'] });
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
  });

  it('gives another origin no CORS headers, and refuses its preflight (403)', async () => {
    const res = await request(app.getHttpServer()).get('/feed').set('Origin', OTHER_ORIGIN).set('Authorization', 'Bearer valid-token').expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await request(app.getHttpServer()).options('/feed').set('Origin', OTHER_ORIGIN).set('Access-Control-Request-Method', 'GET').expect(403);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("opens @Cors('public') routes to every origin, without credentials (/feed/open too, though /feed/:id is declared first)", async () => {
    for (const [path, body] of [
      ['/public', { public: true }],
      ['/feed/open', { open: true }],
    ] as const) {
      const res = await request(app.getHttpServer()).get(path).set('Origin', OTHER_ORIGIN).expect(200, body);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });

  it('sends no CORS headers on a @Cors(false) route and refuses its preflight', async () => {
    const res = await request(app.getHttpServer()).get('/internal').set('Origin', APP_ORIGIN).expect(200, { up: 1 });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    await request(app.getHttpServer()).options('/internal').set('Origin', APP_ORIGIN).set('Access-Control-Request-Method', 'GET').expect(403);
  });
});
