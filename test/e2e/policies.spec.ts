// Policy resolution over HTTP: global policy, controller and handler overrides, named policies,
// @Cors(false) and re-enabling, credentials, exposed headers, subdomain patterns, origin functions,
// and forRoot() without an origin.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Post, Put, type INestApplication } from '@nestjs/common';
import { Cors, type OriginCallback } from '../../lib/index.js';
import {
  APP_ORIGIN,
  closeAll,
  corsHeaders,
  createApp,
  EVIL_ORIGIN,
  headerList,
  PARTNER_ORIGIN,
  preflight,
  send,
  PLATFORMS,
  type Platform,
} from './support/app-factory.js';

@Controller('global')
class GlobalController {
  @Get()
  list() {
    return { ok: 'global' };
  }

  @Put()
  replace() {
    return { ok: 'put' };
  }
}

// The controller replaces the origin; credentials, exposedHeaders, allowedHeaders, maxAge come from the global policy.
@Cors({ origin: PARTNER_ORIGIN })
@Controller('ctrl')
class ControllerOverrideController {
  @Get()
  inherited() {
    return { ok: 'ctrl' };
  }

  // Handler fields override the controller's: origin from the controller, credentials off, own exposed headers.
  @Cors({ credentials: false, exposedHeaders: ['X-Handler'] })
  @Get('handler')
  handlerFields() {
    return { ok: 'handler' };
  }

  // The handler's origin overrides the controller's origin.
  @Cors({ origin: APP_ORIGIN })
  @Get('back')
  handlerOrigin() {
    return { ok: 'back' };
  }

  // A named policy on the handler: the controller's origin does not leak into it.
  @Cors('public')
  @Get('named')
  handlerNamed() {
    return { ok: 'named' };
  }
}

@Cors('public')
@Controller('public')
class PublicController {
  @Get()
  feed() {
    return { ok: 'public' };
  }

  @Cors('public', { exposedHeaders: ['X-Public'] })
  @Get('exposed')
  exposed() {
    return { ok: 'public-exposed' };
  }
}

@Controller('mixed')
class MixedController {
  // A named policy on one handler only.
  @Cors('partner')
  @Get('partner')
  partner() {
    return { ok: 'partner' };
  }
}

@Cors(false)
@Controller('off')
class DisabledController {
  @Get()
  off() {
    return { ok: 'off' };
  }

  @Cors({ origin: PARTNER_ORIGIN })
  @Get('on')
  on() {
    return { ok: 'on' };
  }

  @Cors()
  @Get('inherit')
  inherit() {
    return { ok: 'inherit' };
  }

  @Cors('public')
  @Get('named')
  named() {
    return { ok: 'named' };
  }
}

@Controller('handler-off')
class HandlerDisabledController {
  @Cors(false)
  @Post()
  create() {
    return { ok: 'handler-off' };
  }
}

@Cors({ origin: 'https://*.example.com' })
@Controller('pattern')
class PatternController {
  @Get()
  get() {
    return { ok: 'pattern' };
  }
}

const calls: string[] = [];
const syncOrigin = (origin: string | undefined) => {
  calls.push(`sync:${String(origin)}`);
  return origin === APP_ORIGIN;
};
const promiseOrigin = async (origin: string | undefined) => {
  calls.push(`promise:${String(origin)}`);
  await new Promise((resolve) => setTimeout(resolve, 5));
  return origin === APP_ORIGIN ? [APP_ORIGIN] : false;
};
const callbackOrigin = (origin: string | undefined, callback: OriginCallback) => {
  calls.push(`callback:${String(origin)}`);
  setTimeout(() => callback(null, origin === APP_ORIGIN), 5);
};
const failingCallbackOrigin = (_origin: string | undefined, callback: OriginCallback) => {
  callback(new Error('lookup failed'));
};

@Controller('fn')
class OriginFunctionController {
  @Cors({ origin: syncOrigin })
  @Get('sync')
  sync() {
    return { ok: 'sync' };
  }

  @Cors({ origin: promiseOrigin })
  @Get('promise')
  promise() {
    return { ok: 'promise' };
  }

  @Cors({ origin: callbackOrigin })
  @Get('callback')
  callback() {
    return { ok: 'callback' };
  }

  @Cors({ origin: failingCallbackOrigin })
  @Get('failing')
  failing() {
    return { ok: 'failing' };
  }
}

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  describe('policy resolution', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform,
        cors: {
          origin: [APP_ORIGIN],
          credentials: true,
          allowedHeaders: ['content-type', 'authorization'],
          exposedHeaders: ['X-Total-Count'],
          maxAge: 600,
          policies: { public: { origin: '*' }, partner: { origin: PARTNER_ORIGIN } },
        },
        controllers: [
          GlobalController,
          ControllerOverrideController,
          PublicController,
          MixedController,
          DisabledController,
          HandlerDisabledController,
          PatternController,
          OriginFunctionController,
        ],
      });
    });

    afterAll(() => closeAll(app));

    describe('global policy only', () => {
      it('answers an allowed preflight with 204 and every configured header', async () => {
        const res = await preflight(app, '/global', APP_ORIGIN, 'PUT', 'content-type');
        expect(res.status).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
        expect(res.headers['access-control-allow-credentials']).toBe('true');
        expect(res.headers['access-control-allow-headers']).toBe('content-type,authorization');
        expect(res.headers['access-control-max-age']).toBe('600');
        expect(headerList(res, 'access-control-allow-methods').sort()).toEqual(['GET', 'HEAD', 'PUT']);
        expect(res.headers['content-length']).toBe('0');
        expect(res.text).toBe('');
        // Expose-Headers belongs on actual responses only.
        expect(res.headers['access-control-expose-headers']).toBeUndefined();
      });

      it('echoes the exact origin with credentials and exposed headers on an actual request', async () => {
        const res = await send(app, 'get', '/global', APP_ORIGIN);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ok: 'global' });
        expect(corsHeaders(res)).toEqual({
          'access-control-allow-origin': APP_ORIGIN,
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': 'X-Total-Count',
        });
      });

      it('echoes a non-normalised allowed origin in its normalised form', async () => {
        const res = await send(app, 'get', '/global', 'HTTPS://APP.EXAMPLE.COM:443');
        expect(res.status).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      });

      it('refuses a preflight from a disallowed origin with 403 and no CORS headers', async () => {
        const res = await preflight(app, '/global', EVIL_ORIGIN, 'PUT');
        expect(res.status).toBe(403);
        expect(corsHeaders(res)).toEqual({});
      });

      it('lets an actual request from a disallowed origin proceed without CORS headers', async () => {
        const res = await send(app, 'get', '/global', EVIL_ORIGIN);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ok: 'global' });
        expect(corsHeaders(res)).toEqual({});
      });

      it('refuses a preflight asking for a header outside allowedHeaders', async () => {
        const res = await preflight(app, '/global', APP_ORIGIN, 'PUT', 'x-custom');
        expect(res.status).toBe(403);
        expect(corsHeaders(res)).toEqual({});
      });
    });

    describe('controller @Cors override', () => {
      it('replaces the origin and keeps the other global fields (preflight)', async () => {
        const res = await preflight(app, '/ctrl', PARTNER_ORIGIN, 'GET', 'authorization');
        expect(res.status).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
        expect(res.headers['access-control-allow-credentials']).toBe('true');
        expect(res.headers['access-control-allow-headers']).toBe('content-type,authorization');
        expect(res.headers['access-control-max-age']).toBe('600');
      });

      it('replaces the origin and keeps the other global fields (actual)', async () => {
        const res = await send(app, 'get', '/ctrl', PARTNER_ORIGIN);
        expect(res.status).toBe(200);
        expect(corsHeaders(res)).toEqual({
          'access-control-allow-origin': PARTNER_ORIGIN,
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': 'X-Total-Count',
        });
      });

      it('no longer allows the global origin', async () => {
        const pre = await preflight(app, '/ctrl', APP_ORIGIN, 'GET');
        expect(pre.status).toBe(403);
        expect(corsHeaders(pre)).toEqual({});
        const res = await send(app, 'get', '/ctrl', APP_ORIGIN);
        expect(res.status).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      });
    });

    describe('handler override of a controller override', () => {
      it('handler fields win, the controller origin stays (actual)', async () => {
        const res = await send(app, 'get', '/ctrl/handler', PARTNER_ORIGIN);
        expect(res.status).toBe(200);
        expect(corsHeaders(res)).toEqual({
          'access-control-allow-origin': PARTNER_ORIGIN,
          'access-control-expose-headers': 'X-Handler',
        });
      });

      it('handler fields win, the controller origin stays (preflight)', async () => {
        const res = await preflight(app, '/ctrl/handler', PARTNER_ORIGIN, 'GET');
        expect(res.status).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
        expect(res.headers['access-control-max-age']).toBe('600');
      });

      it("a handler origin replaces the controller's origin", async () => {
        const allowed = await send(app, 'get', '/ctrl/back', APP_ORIGIN);
        expect(allowed.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
        expect(allowed.headers['access-control-allow-credentials']).toBe('true');
        const refused = await send(app, 'get', '/ctrl/back', PARTNER_ORIGIN);
        expect(refused.status).toBe(200);
        expect(corsHeaders(refused)).toEqual({});
        const pre = await preflight(app, '/ctrl/back', PARTNER_ORIGIN, 'GET');
        expect(pre.status).toBe(403);
        expect(corsHeaders(pre)).toEqual({});
      });

      it("a handler @Cors('public') under a controller override gets the named policy, not the controller's origin", async () => {
        const res = await send(app, 'get', '/ctrl/named', EVIL_ORIGIN);
        expect(res.body).toEqual({ ok: 'named' });
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
        const pre = await preflight(app, '/ctrl/named', EVIL_ORIGIN, 'GET');
        expect(pre.status).toBe(204);
        expect(pre.headers['access-control-allow-origin']).toBe('*');
      });
    });

    describe("named policy @Cors('public')", () => {
      it("answers '*' to any origin, without the global credentials or exposed headers", async () => {
        const res = await send(app, 'get', '/public', EVIL_ORIGIN);
        expect(res.status).toBe(200);
        expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': '*' });
      });

      it('answers a preflight with *, no credentials, no global maxAge, reflected request headers', async () => {
        const res = await preflight(app, '/public', EVIL_ORIGIN, 'GET', 'X-Custom, content-type');
        expect(res.status).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
        expect(res.headers['access-control-max-age']).toBeUndefined();
        // The global allowedHeaders are not inherited: the requested headers are reflected.
        expect(res.headers['access-control-allow-headers']).toBe('x-custom,content-type');
        expect(headerList(res, 'vary')).toContain('Access-Control-Request-Headers');
      });

      it("@Cors('public', overrides) applies the fields on top of the named policy", async () => {
        const res = await send(app, 'get', '/public/exposed', APP_ORIGIN);
        expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': '*', 'access-control-expose-headers': 'X-Public' });
      });

      it('a named policy on a handler replaces the global one', async () => {
        const allowed = await send(app, 'get', '/mixed/partner', PARTNER_ORIGIN);
        expect(corsHeaders(allowed)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
        const refused = await send(app, 'get', '/mixed/partner', APP_ORIGIN);
        expect(corsHeaders(refused)).toEqual({});
        const pre = await preflight(app, '/mixed/partner', PARTNER_ORIGIN, 'GET');
        expect(pre.status).toBe(204);
        expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
        expect(pre.headers['access-control-max-age']).toBeUndefined();
      });
    });

    describe('@Cors(false)', () => {
      it('sends no CORS headers on an actual request from an otherwise allowed origin', async () => {
        const res = await send(app, 'get', '/off', APP_ORIGIN);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ok: 'off' });
        expect(corsHeaders(res)).toEqual({});
      });

      it('refuses the preflight with 403 and no Access-Control-* headers', async () => {
        const res = await preflight(app, '/off', APP_ORIGIN, 'GET');
        expect(res.status).toBe(403);
        expect(corsHeaders(res)).toEqual({});
      });

      it('on a handler only, disables that handler', async () => {
        const pre = await preflight(app, '/handler-off', APP_ORIGIN, 'POST');
        expect(pre.status).toBe(403);
        expect(corsHeaders(pre)).toEqual({});
        const res = await send(app, 'post', '/handler-off', APP_ORIGIN);
        expect(res.status).toBe(201);
        expect(corsHeaders(res)).toEqual({});
      });

      it('a handler @Cors({...}) under a disabled controller enables that handler again (global ⊕ handler)', async () => {
        const pre = await preflight(app, '/off/on', PARTNER_ORIGIN, 'GET');
        expect(pre.status).toBe(204);
        expect(pre.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
        expect(pre.headers['access-control-allow-credentials']).toBe('true');
        const res = await send(app, 'get', '/off/on', PARTNER_ORIGIN);
        expect(res.status).toBe(200);
        expect(corsHeaders(res)).toEqual({
          'access-control-allow-origin': PARTNER_ORIGIN,
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': 'X-Total-Count',
        });
      });

      it('a handler @Cors() under a disabled controller gets the inherited global policy', async () => {
        const res = await send(app, 'get', '/off/inherit', APP_ORIGIN);
        expect(corsHeaders(res)).toEqual({
          'access-control-allow-origin': APP_ORIGIN,
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': 'X-Total-Count',
        });
      });

      it("a handler @Cors('public') under a disabled controller gets the named policy", async () => {
        const res = await send(app, 'get', '/off/named', EVIL_ORIGIN);
        expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': '*' });
      });
    });

    describe('subdomain pattern https://*.example.com', () => {
      it.each(['https://api.example.com', 'https://a.b.example.com'])('allows %s (echoed exactly)', async (origin) => {
        const res = await send(app, 'get', '/pattern', origin);
        expect(res.headers['access-control-allow-origin']).toBe(origin);
        const pre = await preflight(app, '/pattern', origin, 'GET');
        expect(pre.status).toBe(204);
        expect(pre.headers['access-control-allow-origin']).toBe(origin);
      });

      it.each(['https://example.com', 'http://api.example.com', 'https://api.example.com.evil.net', 'https://api.example.com:8443'])(
        'refuses %s',
        async (origin) => {
          const res = await send(app, 'get', '/pattern', origin);
          expect(res.status).toBe(200);
          expect(corsHeaders(res)).toEqual({});
          const pre = await preflight(app, '/pattern', origin, 'GET');
          expect(pre.status).toBe(403);
          expect(corsHeaders(pre)).toEqual({});
        },
      );
    });

    describe('origin functions', () => {
      it.each(['sync', 'promise', 'callback'])('%s: allows the origin it accepts (actual and preflight)', async (kind) => {
        calls.length = 0;
        const res = await send(app, 'get', `/fn/${kind}`, APP_ORIGIN);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ok: kind });
        expect(corsHeaders(res)).toEqual({
          'access-control-allow-origin': APP_ORIGIN,
          'access-control-allow-credentials': 'true',
          'access-control-expose-headers': 'X-Total-Count',
        });
        const pre = await preflight(app, `/fn/${kind}`, APP_ORIGIN, 'GET');
        expect(pre.status).toBe(204);
        expect(pre.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
        expect(calls).toEqual([`${kind}:${APP_ORIGIN}`, `${kind}:${APP_ORIGIN}`]);
      });

      it.each(['sync', 'promise', 'callback'])('%s: refuses the origin it rejects (actual and preflight)', async (kind) => {
        const res = await send(app, 'get', `/fn/${kind}`, EVIL_ORIGIN);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ok: kind });
        expect(corsHeaders(res)).toEqual({});
        const pre = await preflight(app, `/fn/${kind}`, EVIL_ORIGIN, 'GET');
        expect(pre.status).toBe(403);
        expect(corsHeaders(pre)).toEqual({});
      });

      it('a callback that reports an error refuses, and the request still proceeds', async () => {
        const res = await send(app, 'get', '/fn/failing', APP_ORIGIN);
        expect(res.status).toBe(200);
        expect(corsHeaders(res)).toEqual({});
        const pre = await preflight(app, '/fn/failing', APP_ORIGIN, 'GET');
        expect(pre.status).toBe(403);
        expect(corsHeaders(pre)).toEqual({});
      });
    });
  });

  @Controller('closed')
  class ClosedController {
    @Get()
    get() {
      return { ok: 'closed' };
    }
  }

  @Controller('opted-in')
  class OptedInController {
    @Cors({ origin: APP_ORIGIN })
    @Get()
    get() {
      return { ok: 'opted-in' };
    }
  }

  describe('CorsModule.forRoot() with no origin', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({ platform, cors: {}, controllers: [ClosedController, OptedInController] });
    });

    afterAll(() => closeAll(app));

    it('opens nothing: no CORS headers on actual requests', async () => {
      const res = await send(app, 'get', '/closed', APP_ORIGIN);
      expect(res.status).toBe(200);
      expect(corsHeaders(res)).toEqual({});
    });

    it('opens nothing: preflights are refused with 403', async () => {
      const res = await preflight(app, '/closed', APP_ORIGIN, 'GET');
      expect(res.status).toBe(403);
      expect(corsHeaders(res)).toEqual({});
    });

    it('opens nothing on paths no route knows either', async () => {
      const res = await preflight(app, '/nowhere', APP_ORIGIN, 'GET');
      expect(res.status).toBe(403);
      expect(corsHeaders(res)).toEqual({});
    });

    it('a route opts in with @Cors', async () => {
      const res = await send(app, 'get', '/opted-in', APP_ORIGIN);
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': APP_ORIGIN });
      const pre = await preflight(app, '/opted-in', APP_ORIGIN, 'GET');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
    });
  });
});
