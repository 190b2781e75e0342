// The hook runs ahead of guards, the body parser, routing and exception filters: preflights are
// answered even under a global auth guard, and every error response carries the CORS headers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Options,
  Post,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Request } from 'express';
import request from 'supertest';
import { APP_ORIGIN, closeAll, corsHeaders, createApp, EVIL_ORIGIN, PLATFORMS, preflight, send, type Platform } from './support/app-factory.js';

const API_KEY = 'x-api-key';

/** A global guard as real applications have one: no key, no entry. */
@Injectable()
class ApiKeyGuard implements CanActivate {
  static calls = 0;
  canActivate(context: ExecutionContext): boolean {
    ApiKeyGuard.calls++;
    const req = context.switchToHttp().getRequest<Request>();
    if (req.headers[API_KEY] === 'secret') return true;
    throw new UnauthorizedException('missing api key');
  }
}

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return { ok: 'things' };
  }

  @Post()
  create(@Body() body: unknown) {
    return { received: body };
  }

  @Get('boom')
  boom(): never {
    throw new Error('kaboom');
  }

  @Get('bad')
  bad(): never {
    throw new BadRequestException('bad input');
  }

  @Get('async')
  async asyncOk() {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { ok: 'async' };
  }

  @Get('async-boom')
  async asyncBoom(): Promise<never> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    throw new BadRequestException('async bad input');
  }

  @Options()
  @HttpCode(200)
  options() {
    return { ok: 'options handler' };
  }
}

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  describe('with a global APP_GUARD', () => {
    let app: INestApplication;
    const credentialed = { 'access-control-allow-origin': APP_ORIGIN, 'access-control-allow-credentials': 'true' };

    beforeAll(async () => {
      app = await createApp({
        platform,
        cors: { origin: [APP_ORIGIN], credentials: true },
        controllers: [ThingsController],
        providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }],
      });
    });

    afterAll(() => closeAll(app));

    it('preflights are answered with 204 without reaching the guard', async () => {
      const before = ApiKeyGuard.calls;
      const res = await preflight(app, '/things', APP_ORIGIN, 'POST', `content-type, ${API_KEY}`);
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-allow-headers']).toBe(`content-type,${API_KEY}`);
      expect(ApiKeyGuard.calls).toBe(before);
    });

    it('a preflight to a path with an @Options() handler is answered by the hook, not the handler', async () => {
      const res = await preflight(app, '/things', APP_ORIGIN, 'GET');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
    });

    it("the guard's 401 carries Access-Control-Allow-Origin and -Credentials for an allowed origin", async () => {
      const res = await send(app, 'get', '/things', APP_ORIGIN);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, message: 'missing api key' });
      expect(corsHeaders(res)).toEqual(credentialed);
    });

    it("the guard's 401 carries no CORS headers for a disallowed origin", async () => {
      const res = await send(app, 'get', '/things', EVIL_ORIGIN);
      expect(res.status).toBe(401);
      expect(corsHeaders(res)).toEqual({});
    });

    it('a 200 behind the guard carries the headers', async () => {
      const res = await send(app, 'get', '/things', APP_ORIGIN).set(API_KEY, 'secret');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: 'things' });
      expect(corsHeaders(res)).toEqual(credentialed);
    });

    it('a 404 for an unknown path carries them', async () => {
      const res = await send(app, 'get', '/no/such/path', APP_ORIGIN);
      expect(res.status).toBe(404);
      expect(corsHeaders(res)).toEqual(credentialed);
    });

    it("a handler's thrown Error (500) carries them", async () => {
      const res = await send(app, 'get', '/things/boom', APP_ORIGIN).set(API_KEY, 'secret');
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ statusCode: 500 });
      expect(corsHeaders(res)).toEqual(credentialed);
    });

    it("a handler's thrown HttpException (400) carries them", async () => {
      const res = await send(app, 'get', '/things/bad', APP_ORIGIN).set(API_KEY, 'secret');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, message: 'bad input' });
      expect(corsHeaders(res)).toEqual(credentialed);
    });

    it('an async handler (200 and a rejected 400) carries them', async () => {
      const ok = await send(app, 'get', '/things/async', APP_ORIGIN).set(API_KEY, 'secret');
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ ok: 'async' });
      expect(corsHeaders(ok)).toEqual(credentialed);
      const failed = await send(app, 'get', '/things/async-boom', APP_ORIGIN).set(API_KEY, 'secret');
      expect(failed.status).toBe(400);
      expect(failed.body).toMatchObject({ message: 'async bad input' });
      expect(corsHeaders(failed)).toEqual(credentialed);
    });

    it('a malformed JSON body gets 400 with the headers', async () => {
      const res = await send(app, 'post', '/things', APP_ORIGIN).set(API_KEY, 'secret').set('Content-Type', 'application/json').send('{bad');
      expect(res.status).toBe(400);
      expect(corsHeaders(res)).toEqual(credentialed);
    });

    it("a body the platform's parser refuses with 415 carries them", async () => {
      // Express's body parser refuses an unknown Content-Encoding (and skips unknown types);
      // Fastify refuses a Content-Type it has no parser for (and ignores the encoding).
      const unsupported = send(app, 'post', '/things', APP_ORIGIN).set(API_KEY, 'secret');
      const res =
        platform === 'express'
          ? await unsupported.set('Content-Type', 'application/json').set('Content-Encoding', 'x-unknown').send('{}')
          : await unsupported.set('Content-Type', 'application/x-unknown').send('x');
      expect(res.status).toBe(415);
      expect(corsHeaders(res)).toEqual(credentialed);
    });

    it('a well-formed JSON body still reaches the handler (the hook does not consume the body)', async () => {
      const res = await send(app, 'post', '/things', APP_ORIGIN).set(API_KEY, 'secret').send({ a: 1 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ received: { a: 1 } });
      expect(corsHeaders(res)).toEqual(credentialed);
    });

    it('an OPTIONS request without Access-Control-Request-Method reaches the @Options() handler', async () => {
      const res = await send(app, 'options', '/things', APP_ORIGIN).set(API_KEY, 'secret');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: 'options handler' });
      // It is an actual CORS request (it has Origin), so it is stamped like one.
      expect(corsHeaders(res)).toEqual(credentialed);
    });

    it('an OPTIONS request without Origin reaches the application (and its guard)', async () => {
      const guarded = await request(app.getHttpServer()).options('/things').set('Access-Control-Request-Method', 'GET');
      expect(guarded.status).toBe(401);
      expect(corsHeaders(guarded)).toEqual({});
      const answered = await request(app.getHttpServer()).options('/things').set(API_KEY, 'secret');
      expect(answered.status).toBe(200);
      expect(answered.body).toEqual({ ok: 'options handler' });
      expect(corsHeaders(answered)).toEqual({});
    });
  });

  describe('with a global APP_GUARD and an asynchronous origin function', () => {
    let app: INestApplication;
    const slowOrigin = async (origin: string | undefined) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return origin === APP_ORIGIN;
    };

    beforeAll(async () => {
      app = await createApp({
        platform,
        cors: { origin: slowOrigin, credentials: true },
        controllers: [ThingsController],
        providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }],
      });
    });

    afterAll(() => closeAll(app));

    it('answers preflights with 204', async () => {
      const res = await preflight(app, '/things', APP_ORIGIN, 'POST', 'content-type');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    });

    it("stamps the guard's 401", async () => {
      const res = await send(app, 'get', '/things', APP_ORIGIN);
      expect(res.status).toBe(401);
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': APP_ORIGIN, 'access-control-allow-credentials': 'true' });
    });

    it('does not lose the request body while the origin is being decided', async () => {
      const res = await send(app, 'post', '/things', APP_ORIGIN)
        .set(API_KEY, 'secret')
        .send({ big: 'x'.repeat(100_000) });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ received: { big: 'x'.repeat(100_000) } });
      expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    });

    it('stamps a malformed-JSON 400', async () => {
      const res = await send(app, 'post', '/things', APP_ORIGIN).set(API_KEY, 'secret').set('Content-Type', 'application/json').send('{bad');
      expect(res.status).toBe(400);
      expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    });
  });
});
