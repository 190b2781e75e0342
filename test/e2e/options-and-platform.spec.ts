// Policy fields that shape the preflight answer (preflightContinue, optionsSuccessStatus,
// allowPrivateNetwork, maxAge), HEAD, the "null" origin, Nest middleware that ends the request,
// on every platform; then each platform's own set-ups: an Express or Fastify instance reached
// without the application's server (serverless style, inject()), the frameworks' routing settings
// (Express's "case sensitive routing" / "strict routing", Fastify's router options), Fastify's
// rewriteUrl, and the Fastify adapter's single onRequest slot.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpCode, Module, Options, type INestApplication, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import express from 'express';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Cors } from '../../lib/index.js';
import { corsFields, rawHead, rawRequest } from '../support/raw-http.js';
import {
  APP_ORIGIN,
  buildApp,
  closeAll,
  corsHeaders,
  createApp,
  EVIL_ORIGIN,
  fastifyAdapter,
  headerList,
  initApp,
  PARTNER_ORIGIN,
  PLATFORMS,
  preflight,
  RecordingLogger,
  send,
  type Platform,
} from './support/app-factory.js';

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

/** Plain Node.js middleware that ends the request: Express and Fastify (middie) run it alike. */
function rateLimit(_req: IncomingMessage, res: ServerResponse) {
  res.statusCode = 429;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ message: 'slow down' }));
}

@Module({ controllers: [OptionsController] })
class OptionsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(rateLimit).forRoutes('opts/blocked');
  }
}

describe.each<Platform>(PLATFORMS)('preflight options and request kinds, on %s', (platform) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp({ platform, cors: { origin: [APP_ORIGIN] }, imports: [OptionsModule] });
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

/** A route served on one host only (Nest's host filter), with its own policy. */
@Cors({ origin: PARTNER_ORIGIN })
@Controller({ path: 'hosted', host: 'api.example.com' })
class HostedController {
  @Get()
  get() {
    return { ok: 'hosted' };
  }
}

describe('an Express instance the application does not own (serverless style)', () => {
  let app: INestApplication;
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
  let app: INestApplication;
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

type FastifyLike = {
  routing: (req: IncomingMessage, res: ServerResponse) => void;
  addHook(name: 'onResponse', hook: (request: unknown, reply: unknown, done: () => void) => void): void;
};
type OnRequestSlot = { setOnRequestHook(hook: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse }, done: () => void) => unknown): void };

describe.each<Platform>(['fastify', 'fastify-hook'])('a Fastify application on %s', (platform) => {
  describe("requests handed straight to Fastify's handler (serverless style; what inject() does)", () => {
    let app: INestApplication;
    let responses = 0;

    beforeAll(async () => {
      app = await createApp({
        platform,
        cors: { origin: [APP_ORIGIN] },
        controllers: [CaseController],
        configure: (nest) =>
          (nest.getHttpAdapter().getInstance() as FastifyLike).addHook('onResponse', (_request, _reply, done) => {
            responses++;
            done();
          }),
      });
    });

    afterAll(() => closeAll(app));

    it('get the CORS answers through the onRequest hook, without the application server', async () => {
      const fastify = app.getHttpAdapter().getInstance() as FastifyLike;
      const server = createServer((req, res) => fastify.routing(req, res));
      const pre = await request(server).options('/Users/1').set('Origin', PARTNER_ORIGIN).set('Access-Control-Request-Method', 'GET');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
      expect(pre.headers['content-length']).toBe('0');
      expect((await request(server).options('/Users/1').set('Origin', EVIL_ORIGIN).set('Access-Control-Request-Method', 'GET')).status).toBe(403);
      const res = await request(server).get('/Users/1').set('Origin', PARTNER_ORIGIN);
      expect(res.status).toBe(200);
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
    });

    // On its own server the application's preflights are answered before Fastify sees them (as on
    // Express, before Express does): Fastify's hooks do not run for them. Through the onRequest
    // hook, Fastify has routed the preflight: its onResponse hooks run.
    it(`preflights ${platform === 'fastify' ? 'never reach Fastify' : 'reach Fastify as far as its onRequest hooks'}`, async () => {
      const before = responses;
      expect((await preflight(app, '/Users/1', PARTNER_ORIGIN, 'GET')).status).toBe(204);
      await send(app, 'get', '/Users/1', PARTNER_ORIGIN);
      expect(responses - before).toBe(platform === 'fastify' ? 1 : 2);
    });
  });

  describe('the router options, read from the Fastify instance', () => {
    const settings = { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 1000 };
    let nested: INestApplication;
    let topLevel: INestApplication;

    beforeAll(async () => {
      // Fastify 5's place for them, and the deprecated top-level one (which Nest's adapter still passes on).
      nested = await createApp({
        cors: { origin: [APP_ORIGIN] },
        controllers: [CaseController],
        adapter: fastifyAdapter(platform, { routerOptions: settings }),
      });
      topLevel = await createApp({ cors: { origin: [APP_ORIGIN] }, controllers: [CaseController], adapter: fastifyAdapter(platform, settings) });
    });

    afterAll(() => closeAll(nested, topLevel));

    it.each(['/Users/1', '/users/1', '/USERS/1/', '//Users//1', `/users/${'x'.repeat(500)}`])(
      '%s is served by the route, and gets its policy',
      async (path) => {
        for (const app of [nested, topLevel]) {
          const res = await send(app, 'get', path, PARTNER_ORIGIN);
          expect(res.status).toBe(200);
          expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
          const pre = await preflight(app, path, PARTNER_ORIGIN, 'GET');
          expect(pre.status).toBe(204);
          expect(pre.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
        }
      },
    );
  });

  describe('rewriteUrl: Fastify routes the rewritten URL', () => {
    let app: INestApplication;

    beforeAll(async () => {
      const adapter = fastifyAdapter(platform, { rewriteUrl: (req: IncomingMessage) => (req.url ?? '/').replace(/^\/legacy/, '') } as never);
      app = await createApp({ cors: { origin: [APP_ORIGIN] }, controllers: [CaseController], adapter });
    });

    afterAll(() => closeAll(app));

    it('requests and preflights get the policy of the route the rewritten URL reaches', async () => {
      const res = await send(app, 'get', '/legacy/Users/1', PARTNER_ORIGIN);
      expect(res.status).toBe(200);
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
      const pre = await preflight(app, '/legacy/Users/1', PARTNER_ORIGIN, 'GET');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
    });
  });

  describe("the adapter's single onRequest slot", () => {
    const logger = new RecordingLogger();
    let app: INestApplication;
    const seen: string[] = [];

    /** A hook that ends every request without a token, as an auth hook would. */
    const authHook = (name: string) => (request: { raw: IncomingMessage }, reply: { raw: ServerResponse }, done: () => void) => {
      seen.push(`${name} ${request.raw.method}`);
      if (request.raw.headers.authorization) return done();
      reply.raw.writeHead(401, { 'Content-Type': 'text/plain' });
      reply.raw.end('no token');
    };

    beforeAll(async () => {
      app = await buildApp({ platform, cors: { origin: [APP_ORIGIN] }, controllers: [CaseController], logger });
      // Set before CorsModule's: kept, and run after it.
      (app.getHttpAdapter() as unknown as OnRequestSlot).setOnRequestHook(authHook('before'));
      await initApp(app);
    });

    afterAll(() => closeAll(app));

    it('a hook set before CorsModule runs after the CORS hook: preflights are answered first, other requests reach it with their headers', async () => {
      seen.length = 0;
      const pre = await preflight(app, '/Users/1', PARTNER_ORIGIN, 'GET');
      expect(pre.status).toBe(204);
      expect(seen).toEqual([]);
      const refused = await send(app, 'get', '/Users/1', PARTNER_ORIGIN);
      expect(refused.status).toBe(401);
      expect(corsHeaders(refused)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
      const served = await send(app, 'get', '/Users/1', PARTNER_ORIGIN).set('Authorization', 'Bearer x');
      expect(served.status).toBe(200);
      expect(seen).toEqual(['before GET', 'before GET']);
    });

    it('a hook set later replaces that one, runs after the CORS hook too, and a warning says so', async () => {
      (app.getHttpAdapter() as unknown as OnRequestSlot).setOnRequestHook(authHook('later'));
      expect(logger.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
        expect.stringContaining('onRequest hook was set on the Fastify adapter (setOnRequestHook) after CorsModule'),
      ]);
      seen.length = 0;
      expect((await preflight(app, '/Users/1', PARTNER_ORIGIN, 'GET')).status).toBe(204);
      const refused = await send(app, 'get', '/Users/1', PARTNER_ORIGIN);
      expect(refused.status).toBe(401);
      expect(corsHeaders(refused)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
      expect(seen).toEqual(['later GET']);
    });
  });
  describe('trustProxy: a host-bound route reached through a trusted proxy', () => {
    let trusted: INestApplication;
    let listed: INestApplication;
    let untrusted: INestApplication;
    const forwarded = { Host: 'internal:3000', 'X-Forwarded-Host': 'api.example.com' };

    beforeAll(async () => {
      const spec = (trustProxy: unknown) => ({
        cors: { origin: [APP_ORIGIN] },
        controllers: [HostedController],
        adapter: fastifyAdapter(platform, { trustProxy } as never),
      });
      // Every peer, the loopback peer supertest connects from, and another address only.
      [trusted, listed, untrusted] = await Promise.all([createApp(spec(true)), createApp(spec('127.0.0.1')), createApp(spec('10.0.0.1'))]);
    });

    afterAll(() => closeAll(trusted, listed, untrusted));

    it('preflights and requests get the policy of the route the forwarded host reaches', async () => {
      for (const app of [trusted, listed]) {
        const res = await send(app, 'get', '/hosted', PARTNER_ORIGIN).set(forwarded);
        expect(res.status).toBe(200);
        expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
        const pre = await preflight(app, '/hosted', PARTNER_ORIGIN, 'GET').set(forwarded);
        expect(pre.status).toBe(204);
        expect(pre.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
      }
    });

    it('from a peer that is not a trusted proxy, X-Forwarded-Host is ignored, as Fastify ignores it', async () => {
      const res = await send(untrusted, 'get', '/hosted', PARTNER_ORIGIN).set(forwarded);
      expect(res.status).toBe(404);
      expect(corsHeaders(res)).toEqual({});
      expect((await preflight(untrusted, '/hosted', PARTNER_ORIGIN, 'GET').set(forwarded)).status).toBe(403);
      expect((await preflight(untrusted, '/hosted', PARTNER_ORIGIN, 'GET').set('Host', 'api.example.com')).status).toBe(204);
    });
  });

  describe('router options set both in routerOptions and at the top level: Fastify takes routerOptions', () => {
    let app: INestApplication;

    beforeAll(async () => {
      const options = {
        caseSensitive: false,
        ignoreTrailingSlash: true,
        ignoreDuplicateSlashes: true,
        routerOptions: { caseSensitive: true, ignoreTrailingSlash: false, ignoreDuplicateSlashes: false },
      };
      app = await createApp({ cors: { origin: [APP_ORIGIN] }, controllers: [CaseController], adapter: fastifyAdapter(platform, options) });
    });

    afterAll(() => closeAll(app));

    it.each(['/users/1', '/Users/1/', '//Users//1'])('%s is not served, and its preflight gets the global policy', async (path) => {
      expect((await send(app, 'get', path, PARTNER_ORIGIN)).status).toBe(404);
      expect((await preflight(app, path, PARTNER_ORIGIN, 'GET')).status).toBe(403);
      expect((await preflight(app, path, APP_ORIGIN, 'GET')).status).toBe(204);
    });

    it('/Users/1 is served with the route policy', async () => {
      expect((await preflight(app, '/Users/1', PARTNER_ORIGIN, 'GET')).status).toBe(204);
    });
  });

  describe('an onRequest hook of the application that throws, after an asynchronous origin function', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await buildApp({
        platform,
        cors: { origin: async (origin: string | undefined) => Promise.resolve(origin === APP_ORIGIN) },
        controllers: [CaseController],
      });
      (app.getHttpAdapter() as unknown as OnRequestSlot).setOnRequestHook(() => {
        throw new Error('hook failed');
      });
      await initApp(app);
    });

    afterAll(() => closeAll(app));

    // A path no route serves: the global policy, decided by the origin function, asynchronously.
    it('the error reaches Fastify’s error handler (a 500), the process goes on', async () => {
      const res = await send(app, 'get', '/no-route', APP_ORIGIN).timeout(3000);
      expect(res.status).toBe(500);
      expect((await preflight(app, '/no-route', APP_ORIGIN, 'GET')).status).toBe(204);
    });
  });

  describe('request targets Fastify may refuse before any hook', () => {
    let app: INestApplication;
    let hookOnly: INestApplication;

    beforeAll(async () => {
      const spec = { cors: { origin: [APP_ORIGIN] }, controllers: [CaseController] };
      app = await createApp({ ...spec, platform });
      // rewriteUrl set: no fast path, every request goes through Fastify to the onRequest hook.
      hookOnly = await createApp({ ...spec, adapter: fastifyAdapter(platform, { rewriteUrl: (req: IncomingMessage) => req.url ?? '/' } as never) });
      await Promise.all([app.listen(0, '127.0.0.1'), hookOnly.listen(0, '127.0.0.1')]);
    });

    afterAll(() => closeAll(app, hookOnly));

    it.each(['*Users/1', 'xUsers/1', '*', '/Users/%41', '/Users/%zz', 'http://x/Users/1'])(
      '%s gets the same answer with and without the fast path',
      async (target) => {
        const text = rawHead('OPTIONS', target, [`Origin: ${PARTNER_ORIGIN}`, 'Access-Control-Request-Method: GET']);
        const portOf = (nest: INestApplication) => ((nest.getHttpServer() as Server).address() as AddressInfo).port;
        const [fast, hook] = await Promise.all([rawRequest(portOf(app), text), rawRequest(portOf(hookOnly), text)]);
        expect({ status: fast.status, cors: corsFields(fast) }).toEqual({ status: hook.status, cors: corsFields(hook) });
      },
    );
  });
});
