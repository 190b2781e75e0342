// Which methods a preflight is told, which it is refused, and paths no Nest route knows.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { All, Controller, Delete, Get, Patch, Post, Put, type INestApplication } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Cors } from '../../lib/index.js';
import { APP_ORIGIN, closeAll, corsHeaders, createApp, headerList, PARTNER_ORIGIN, preflight, send, PLATFORMS, type Platform } from './support/app-factory.js';

@Controller('docs')
class DocsController {
  @Get(':id')
  get() {
    return { ok: 'get' };
  }

  @Put(':id')
  put() {
    return { ok: 'put' };
  }
}

@Controller('narrow')
class NarrowController {
  @Cors({ methods: ['GET', 'POST'] })
  @Get()
  get() {
    return { ok: 'get' };
  }

  @Cors({ methods: ['GET', 'POST'] })
  @Post()
  post() {
    return { ok: 'post' };
  }

  @Cors({ methods: ['GET', 'POST'] })
  @Patch()
  patch() {
    return { ok: 'patch' };
  }
}

@Controller('split')
class SplitController {
  @Get()
  get() {
    return { ok: 'get' };
  }

  @Cors({ origin: PARTNER_ORIGIN })
  @Delete()
  remove() {
    return { ok: 'delete' };
  }
}

@Controller('any')
class AnyMethodController {
  @All()
  all() {
    return { ok: 'all' };
  }
}

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  describe('Access-Control-Allow-Methods and refused methods', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform,
        cors: { origin: [APP_ORIGIN] },
        controllers: [DocsController, NarrowController, SplitController, AnyMethodController],
        configure: (nest) => {
          // Plain Node.js middleware: Express and Fastify (middie) run it alike.
          nest.use('/raw', (req: IncomingMessage, res: ServerResponse, next: () => void) => {
            if (req.method !== 'GET' && req.method !== 'POST') return next();
            res.setHeader('Content-Type', 'application/json');
            res.end(JSON.stringify({ ok: 'raw', method: req.method }));
          });
        },
      });
    });

    afterAll(() => closeAll(app));

    it('lists the methods the path serves (GET, implicit HEAD, PUT) and not others', async () => {
      const res = await preflight(app, '/docs/7', APP_ORIGIN, 'PUT');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      const methods = headerList(res, 'access-control-allow-methods');
      expect([...methods].sort()).toEqual(['GET', 'HEAD', 'PUT']);
      expect(methods).not.toContain('DELETE');
    });

    it('refuses with 403 a preflight for a method the path does not serve', async () => {
      const res = await preflight(app, '/docs/7', APP_ORIGIN, 'DELETE');
      expect(res.status).toBe(403);
      expect(corsHeaders(res)).toEqual({});
    });

    it('configured methods are what the preflight lists, and narrow what it allows', async () => {
      const res = await preflight(app, '/narrow', APP_ORIGIN, 'POST');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-methods']).toBe('GET,POST');
      const refused = await preflight(app, '/narrow', APP_ORIGIN, 'PATCH');
      expect(refused.status).toBe(403);
      expect(corsHeaders(refused)).toEqual({});
    });

    it('the policy of the handler serving the requested method decides', async () => {
      const deleteFromPartner = await preflight(app, '/split', PARTNER_ORIGIN, 'DELETE');
      expect(deleteFromPartner.status).toBe(204);
      expect(deleteFromPartner.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
      expect(headerList(deleteFromPartner, 'access-control-allow-methods')).toContain('DELETE');

      const deleteFromApp = await preflight(app, '/split', APP_ORIGIN, 'DELETE');
      expect(deleteFromApp.status).toBe(403);
      expect(corsHeaders(deleteFromApp)).toEqual({});

      const getFromApp = await preflight(app, '/split', APP_ORIGIN, 'GET');
      expect(getFromApp.status).toBe(204);
      const getFromPartner = await preflight(app, '/split', PARTNER_ORIGIN, 'GET');
      expect(getFromPartner.status).toBe(403);

      const actualDelete = await send(app, 'delete', '/split', PARTNER_ORIGIN);
      expect(actualDelete.body).toEqual({ ok: 'delete' });
      expect(corsHeaders(actualDelete)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
      const actualGet = await send(app, 'get', '/split', PARTNER_ORIGIN);
      expect(corsHeaders(actualGet)).toEqual({});
    });

    it('an @All() route serves every method', async () => {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'POST']) {
        const res = await preflight(app, '/any', APP_ORIGIN, method);
        expect(res.status).toBe(204);
        expect(headerList(res, 'access-control-allow-methods')).toContain(method);
      }
    });

    it('a path no route knows (plain Express middleware on /raw) gets the global policy', async () => {
      const pre = await preflight(app, '/raw', APP_ORIGIN, 'POST', 'content-type');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      // Nothing is known of what the path serves: the default list.
      expect(headerList(pre, 'access-control-allow-methods').sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
      expect(pre.headers['access-control-allow-headers']).toBe('content-type');

      const res = await send(app, 'post', '/raw', APP_ORIGIN);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: 'raw', method: 'POST' });
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': APP_ORIGIN });

      const refused = await preflight(app, '/raw', PARTNER_ORIGIN, 'POST');
      expect(refused.status).toBe(403);
      expect(corsHeaders(refused)).toEqual({});
      const unstamped = await send(app, 'get', '/raw', PARTNER_ORIGIN);
      expect(unstamped.body).toEqual({ ok: 'raw', method: 'GET' });
      expect(corsHeaders(unstamped)).toEqual({});
    });
  });
});
