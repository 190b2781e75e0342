// The route table follows Nest's path building: global prefix and its excludes, URI versioning
// (two versions of one path, VERSION_NEUTRAL, defaultVersion) and RouterModule paths.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Post, Version, VERSION_NEUTRAL, VersioningType, type INestApplication } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { Cors } from '../../lib/index.js';
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

const POLICIES = { public: { origin: '*' as const }, partner: { origin: PARTNER_ORIGIN } };

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  describe("global prefix 'api' with an excluded path", () => {
    @Cors('partner')
    @Controller('users')
    class UsersController {
      @Get(':id')
      findOne() {
        return { ok: 'user' };
      }
    }

    @Cors('public')
    @Controller('health')
    class HealthController {
      @Get()
      check() {
        return { ok: 'health' };
      }
    }

    @Controller('orders')
    class OrdersController {
      @Post()
      create() {
        return { ok: 'order' };
      }
    }

    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform,
        cors: { origin: [APP_ORIGIN], policies: POLICIES },
        controllers: [UsersController, HealthController, OrdersController],
        configure: (nest) => nest.setGlobalPrefix('api', { exclude: ['health'] }),
      });
    });

    afterAll(() => closeAll(app));

    it('/api/users/:id resolves to its controller policy', async () => {
      const res = await send(app, 'get', '/api/users/1', PARTNER_ORIGIN);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: 'user' });
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
      const pre = await preflight(app, '/api/users/1', PARTNER_ORIGIN, 'GET');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
      const refused = await preflight(app, '/api/users/1', APP_ORIGIN, 'GET');
      expect(refused.status).toBe(403);
    });

    it('the excluded /health resolves to its own policy', async () => {
      const res = await send(app, 'get', '/health', EVIL_ORIGIN);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: 'health' });
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': '*' });
      const pre = await preflight(app, '/health', EVIL_ORIGIN, 'GET');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('*');
    });

    it('a route without @Cors under the prefix has the global policy and its served methods', async () => {
      const pre = await preflight(app, '/api/orders', APP_ORIGIN, 'POST');
      expect(pre.status).toBe(204);
      expect(headerList(pre, 'access-control-allow-methods')).toEqual(['POST']);
      const wrongMethod = await preflight(app, '/api/orders', APP_ORIGIN, 'GET');
      expect(wrongMethod.status).toBe(403);
    });

    it('the unprefixed /users/1 and the prefixed /api/health are unknown paths (global policy)', async () => {
      const users = await send(app, 'get', '/users/1', PARTNER_ORIGIN);
      expect(users.status).toBe(404);
      expect(corsHeaders(users)).toEqual({});
      const usersApp = await send(app, 'get', '/users/1', APP_ORIGIN);
      expect(usersApp.status).toBe(404);
      expect(corsHeaders(usersApp)).toEqual({ 'access-control-allow-origin': APP_ORIGIN });
      const health = await send(app, 'get', '/api/health', EVIL_ORIGIN);
      expect(health.status).toBe(404);
      expect(corsHeaders(health)).toEqual({});
    });
  });

  describe('URI versioning', () => {
    @Cors({ origin: APP_ORIGIN })
    @Controller({ path: 'cats', version: '1' })
    class CatsV1Controller {
      @Get()
      list() {
        return { version: 1 };
      }
    }

    @Cors({ origin: PARTNER_ORIGIN })
    @Controller({ path: 'cats', version: '2' })
    class CatsV2Controller {
      @Get()
      list() {
        return { version: 2 };
      }
    }

    @Cors('public')
    @Controller({ path: 'ping', version: VERSION_NEUTRAL })
    class PingController {
      @Get()
      ping() {
        return { ok: 'ping' };
      }
    }

    // No version of its own: defaultVersion '3' applies.
    @Cors('partner')
    @Controller('dogs')
    class DogsController {
      @Get()
      list() {
        return { ok: 'dogs' };
      }

      @Cors('public')
      @Version(['4', '5'])
      @Get('new')
      listNew() {
        return { ok: 'dogs-new' };
      }
    }

    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform,
        cors: { origin: [EVIL_ORIGIN], policies: POLICIES },
        controllers: [CatsV1Controller, CatsV2Controller, PingController, DogsController],
        configure: (nest) => {
          nest.setGlobalPrefix('api');
          nest.enableVersioning({ type: VersioningType.URI, defaultVersion: '3' });
        },
      });
    });

    afterAll(() => closeAll(app));

    it('v1 of a path is open to origin A only', async () => {
      const allowed = await send(app, 'get', '/api/v1/cats', APP_ORIGIN);
      expect(allowed.body).toEqual({ version: 1 });
      expect(corsHeaders(allowed)).toEqual({ 'access-control-allow-origin': APP_ORIGIN });
      const refused = await send(app, 'get', '/api/v1/cats', PARTNER_ORIGIN);
      expect(refused.body).toEqual({ version: 1 });
      expect(corsHeaders(refused)).toEqual({});
      expect((await preflight(app, '/api/v1/cats', APP_ORIGIN, 'GET')).status).toBe(204);
      expect((await preflight(app, '/api/v1/cats', PARTNER_ORIGIN, 'GET')).status).toBe(403);
    });

    it('v2 of the same path is open to origin B only', async () => {
      const allowed = await send(app, 'get', '/api/v2/cats', PARTNER_ORIGIN);
      expect(allowed.body).toEqual({ version: 2 });
      expect(corsHeaders(allowed)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
      const refused = await send(app, 'get', '/api/v2/cats', APP_ORIGIN);
      expect(refused.body).toEqual({ version: 2 });
      expect(corsHeaders(refused)).toEqual({});
      const pre = await preflight(app, '/api/v2/cats', PARTNER_ORIGIN, 'GET');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
      expect((await preflight(app, '/api/v2/cats', APP_ORIGIN, 'GET')).status).toBe(403);
    });

    it('a VERSION_NEUTRAL controller is served, and resolved, without a version segment', async () => {
      const res = await send(app, 'get', '/api/ping', APP_ORIGIN);
      expect(res.body).toEqual({ ok: 'ping' });
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': '*' });
      const pre = await preflight(app, '/api/ping', APP_ORIGIN, 'GET');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('*');
    });

    it('a controller without a version is served, and resolved, under defaultVersion', async () => {
      const res = await send(app, 'get', '/api/v3/dogs', PARTNER_ORIGIN);
      expect(res.body).toEqual({ ok: 'dogs' });
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
      expect((await preflight(app, '/api/v3/dogs', PARTNER_ORIGIN, 'GET')).status).toBe(204);
      // Not served without the version: the global policy (open to EVIL_ORIGIN only) applies.
      const unversioned = await send(app, 'get', '/api/dogs', PARTNER_ORIGIN);
      expect(unversioned.status).toBe(404);
      expect(corsHeaders(unversioned)).toEqual({});
    });

    it('a handler @Version([...]) is resolved under each of its versions', async () => {
      for (const v of ['4', '5']) {
        const res = await send(app, 'get', `/api/v${v}/dogs/new`, APP_ORIGIN);
        expect(res.body).toEqual({ ok: 'dogs-new' });
        expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': '*' });
      }
      const v3 = await send(app, 'get', '/api/v3/dogs/new', APP_ORIGIN);
      expect(v3.status).toBe(404);
      expect(corsHeaders(v3)).toEqual({});
    });

    it('an unknown version is an unknown path (global policy)', async () => {
      const res = await send(app, 'get', '/api/v9/cats', EVIL_ORIGIN);
      expect(res.status).toBe(404);
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': EVIL_ORIGIN });
    });
  });

  describe('RouterModule paths', () => {
    @Cors('partner')
    @Controller('users')
    class AdminUsersController {
      @Get()
      list() {
        return { ok: 'admin-users' };
      }
    }

    @Cors('public')
    @Controller('daily')
    class AdminReportsController {
      @Get()
      daily() {
        return { ok: 'admin-reports' };
      }
    }

    @Module({ controllers: [AdminUsersController] })
    class AdminModule {}

    @Module({ controllers: [AdminReportsController] })
    class ReportsModule {}

    @Controller('users')
    class PlainUsersController {
      @Get()
      list() {
        return { ok: 'plain-users' };
      }
    }

    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform,
        cors: { origin: [APP_ORIGIN], policies: POLICIES },
        imports: [
          AdminModule,
          ReportsModule,
          RouterModule.register([{ path: 'admin', module: AdminModule, children: [{ path: 'reports', module: ReportsModule }] }]),
        ],
        controllers: [PlainUsersController],
      });
    });

    afterAll(() => closeAll(app));

    it('/admin/users resolves to the policy of the module controller', async () => {
      const res = await send(app, 'get', '/admin/users', PARTNER_ORIGIN);
      expect(res.body).toEqual({ ok: 'admin-users' });
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
      expect((await preflight(app, '/admin/users', PARTNER_ORIGIN, 'GET')).status).toBe(204);
      expect((await preflight(app, '/admin/users', APP_ORIGIN, 'GET')).status).toBe(403);
    });

    it('child module paths (/admin/reports/daily) resolve too', async () => {
      const res = await send(app, 'get', '/admin/reports/daily', EVIL_ORIGIN);
      expect(res.body).toEqual({ ok: 'admin-reports' });
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': '*' });
    });

    it('/users of the root module keeps the global policy', async () => {
      const res = await send(app, 'get', '/users', APP_ORIGIN);
      expect(res.body).toEqual({ ok: 'plain-users' });
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': APP_ORIGIN });
      expect(corsHeaders(await send(app, 'get', '/users', PARTNER_ORIGIN))).toEqual({});
    });
  });

  describe('global prefix, URI versioning and RouterModule together', () => {
    @Cors('partner')
    @Controller({ path: 'users', version: '2' })
    class ShopUsersController {
      @Get(':id')
      get() {
        return { ok: 'shop-user' };
      }
    }

    @Module({ controllers: [ShopUsersController] })
    class ShopModule {}

    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform,
        cors: { origin: [APP_ORIGIN], policies: POLICIES },
        imports: [ShopModule, RouterModule.register([{ path: 'shop', module: ShopModule }])],
        configure: (nest) => {
          nest.setGlobalPrefix('api');
          nest.enableVersioning({ type: VersioningType.URI });
        },
      });
    });

    afterAll(() => closeAll(app));

    it('/api/v2/shop/users/:id resolves to the controller policy', async () => {
      const res = await send(app, 'get', '/api/v2/shop/users/9', PARTNER_ORIGIN);
      expect(res.body).toEqual({ ok: 'shop-user' });
      expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': PARTNER_ORIGIN });
      const pre = await preflight(app, '/api/v2/shop/users/9', PARTNER_ORIGIN, 'GET');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
    });
  });
});
