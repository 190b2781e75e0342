// Policy fields that shape the preflight answer (preflightContinue, optionsSuccessStatus,
// allowPrivateNetwork, maxAge), HEAD, the "null" origin, Nest middleware that ends the request,
// an Express instance the application does not own (serverless style), and Express's
// "case sensitive routing" / "strict routing" settings.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpCode, Module, Options, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express, { type Request, type Response } from 'express';
import request from 'supertest';
import { Cors } from '../../lib/index.js';
import { APP_ORIGIN, closeAll, corsHeaders, createApp, EVIL_ORIGIN, headerList, PARTNER_ORIGIN, preflight, send } from './support/app-factory.js';

@Controller('opts')
class OptionsController {
  @Cors({ preflightContinue: true })
  @Get('continue')
  continued() {
    return { ok: 'get' };
  }

  @Cors({ preflightContinue: true })
  @Options('continue')
  @HttpCode(200)
  continuedOptions() {
    return { ok: 'options handler' };
  }

  @Cors({ optionsSuccessStatus: 200, maxAge: 7200 })
  @Get('status')
  status() {
    return { ok: 'status' };
  }

  @Cors({ allowPrivateNetwork: true })
  @Get('private')
  privateNetwork() {
    return { ok: 'private' };
  }

  @Get('plain')
  plain() {
    return { ok: 'plain' };
  }

  @Get('blocked')
  blocked() {
    return { ok: 'never' };
  }
}

function rateLimit(_req: Request, res: Response) {
  res.status(429).json({ message: 'slow down' });
}

@Module({ controllers: [OptionsController] })
class OptionsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(rateLimit).forRoutes('opts/blocked');
  }
}

describe('preflight options and request kinds', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await createApp({ cors: { origin: [APP_ORIGIN] }, imports: [OptionsModule] });
  });

  afterAll(() => closeAll(app));

  it('preflightContinue: the allowed preflight goes on to the @Options() handler, with the CORS headers', async () => {
    const res = await preflight(app, '/opts/continue', APP_ORIGIN, 'GET');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: 'options handler' });
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(headerList(res, 'access-control-allow-methods')).toContain('GET');
  });

  it('preflightContinue: a refused preflight is still answered 403 by the hook', async () => {
    const res = await preflight(app, '/opts/continue', EVIL_ORIGIN, 'GET');
    expect(res.status).toBe(403);
    expect(corsHeaders(res)).toEqual({});
  });

  it('optionsSuccessStatus: 200 and maxAge', async () => {
    const res = await preflight(app, '/opts/status', APP_ORIGIN, 'GET');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['access-control-max-age']).toBe('7200');
  });

  it('allowPrivateNetwork: answers Access-Control-Allow-Private-Network: true', async () => {
    const res = await preflight(app, '/opts/private', APP_ORIGIN, 'GET').set('Access-Control-Request-Private-Network', 'true');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-private-network']).toBe('true');
    expect(headerList(res, 'vary')).toContain('Access-Control-Request-Private-Network');
  });

  it('without allowPrivateNetwork a private-network preflight is refused', async () => {
    const res = await preflight(app, '/opts/plain', APP_ORIGIN, 'GET').set('Access-Control-Request-Private-Network', 'true');
    expect(res.status).toBe(403);
    expect(corsHeaders(res)).toEqual({});
  });

  it('HEAD (served by the GET route) gets the headers; a preflight for HEAD is allowed', async () => {
    const res = await send(app, 'head', '/opts/plain', APP_ORIGIN);
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': APP_ORIGIN });
    expect((await preflight(app, '/opts/plain', APP_ORIGIN, 'HEAD')).status).toBe(204);
  });

  it('a preflight URL with a query string matches its route', async () => {
    const res = await preflight(app, '/opts/plain?x=1&y=/z', APP_ORIGIN, 'GET');
    expect(res.status).toBe(204);
    expect(headerList(res, 'access-control-allow-methods').sort()).toEqual(['GET', 'HEAD']);
  });

  it('the opaque origin "null" is not allowed by an origin list', async () => {
    const res = await send(app, 'get', '/opts/plain', 'null');
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({});
    expect((await preflight(app, '/opts/plain', 'null', 'GET')).status).toBe(403);
  });

  it('a response written by Nest middleware (before guards and routes) carries the headers', async () => {
    const res = await send(app, 'get', '/opts/blocked', APP_ORIGIN);
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ message: 'slow down' });
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': APP_ORIGIN });
  });
});

@Cors({ origin: PARTNER_ORIGIN })
@Controller('Users')
class CaseController {
  @Get(':id')
  get() {
    return { ok: 'user' };
  }
}

describe('an Express instance the application does not own (serverless style)', () => {
  let app: NestExpressApplication;
  const server = express();

  beforeAll(async () => {
    app = await createApp({ cors: { origin: [APP_ORIGIN] }, controllers: [CaseController], adapter: new ExpressAdapter(server) });
  });

  afterAll(() => closeAll(app));

  it('requests handed straight to the Express instance get the CORS answers', async () => {
    const pre = await request(server).options('/Users/1').set('Origin', PARTNER_ORIGIN).set('Access-Control-Request-Method', 'GET');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
    const res = await request(server).get('/Users/1').set('Origin', PARTNER_ORIGIN);
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
  });
});

describe("Express 'case sensitive routing' and 'strict routing'", () => {
  let app: NestExpressApplication;
  const server = express();
  server.set('case sensitive routing', true);
  server.set('strict routing', true);

  beforeAll(async () => {
    app = await createApp({
      cors: { origin: [APP_ORIGIN] },
      controllers: [CaseController],
      adapter: new ExpressAdapter(server),
    });
  });

  afterAll(() => closeAll(app));

  it('the exact path resolves to the route policy', async () => {
    const res = await send(app, 'get', '/Users/1', PARTNER_ORIGIN);
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
  });

  it('another case is not served by Express, so it gets the global policy', async () => {
    const res = await send(app, 'get', '/users/1', PARTNER_ORIGIN);
    expect(res.status).toBe(404);
    expect(corsHeaders(res)).toEqual({});
    const global = await send(app, 'get', '/users/1', APP_ORIGIN);
    expect(corsHeaders(global)).toEqual({ 'access-control-allow-origin': APP_ORIGIN });
    expect((await preflight(app, '/users/1', PARTNER_ORIGIN, 'GET')).status).toBe(403);
  });

  it('a trailing slash is not served by Express, so it gets the global policy', async () => {
    const res = await send(app, 'get', '/Users/1/', PARTNER_ORIGIN);
    expect(res.status).toBe(404);
    expect(corsHeaders(res)).toEqual({});
    expect((await preflight(app, '/Users/1/', PARTNER_ORIGIN, 'GET')).status).toBe(403);
  });
});
