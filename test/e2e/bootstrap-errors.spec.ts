// Misconfiguration stops app.init() with ONE CorsConfigError listing every problem, each naming
// the route (method, path, Controller.handler), the field and the fix.
import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Post, VersioningType, type INestApplication } from '@nestjs/common';
import { Cors, CorsConfigError } from '../../lib/index.js';
import { APP_ORIGIN, buildApp, corsHeaders, PARTNER_ORIGIN, preflight, send, PLATFORMS, type Platform, initApp, initError } from './support/app-factory.js';

function asConfigError(error: unknown): CorsConfigError {
  expect(error).toBeInstanceOf(CorsConfigError);
  return error as CorsConfigError;
}

@Controller('bad')
class BadController {
  @Cors({ origin: '*' })
  @Get('star')
  star() {
    return 'star';
  }

  @Cors('nope')
  @Post('ghost')
  ghost() {
    return 'ghost';
  }

  @Get('fine')
  fine() {
    return 'fine';
  }
}

@Controller('more')
class MoreBadController {
  // The same invalid effective policy as BadController.star: reported once, naming both routes.
  @Cors({ origin: '*' })
  @Get()
  alsoStar() {
    return 'also';
  }
}

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  describe('invalid effective policies', () => {
    it("'*' under global credentials and an unknown named policy: one error naming both routes", async () => {
      const error = asConfigError(
        await initError({ cors: { origin: [APP_ORIGIN], credentials: true, policies: { public: { origin: '*' } } }, controllers: [BadController] }),
      );
      expect(error.problems.length).toBe(2);
      expect(error.name).toBe('CorsConfigError');
      const message = error.message;
      expect(message).toContain('Invalid CORS configuration (2 problems)');
      // Route 1: method, path, Controller.handler, field, fix.
      expect(message).toContain('GET /bad/star (BadController.star)');
      expect(message).toMatch(/GET \/bad\/star \(BadController\.star\): origin: .*credentials.* Fix: /);
      // Route 2.
      expect(message).toContain('POST /bad/ghost (BadController.ghost)');
      expect(message).toMatch(/POST \/bad\/ghost \(BadController\.ghost\): @Cors\('nope'\) on the handler: there is no policy named "nope"\. Fix: .*"public"/);
      expect(message).not.toContain('BadController.fine');
      expect(message.match(/Fix:/g)?.length).toBe(2);

      const star = error.problems.find((p) => p.source?.includes('BadController.star'));
      expect(star).toMatchObject({ field: 'origin' });
      expect(star?.fix).toMatch(/credentials/);
      const ghost = error.problems.find((p) => p.source?.includes('BadController.ghost'));
      expect(ghost?.field).toBe("@Cors('nope') on the handler");
    });

    it('routes sharing one invalid policy are listed in one problem', async () => {
      const error = asConfigError(await initError({ cors: { origin: [APP_ORIGIN], credentials: true }, controllers: [BadController, MoreBadController] }));
      expect(error.problems.length).toBe(2);
      const star = error.problems.find((p) => p.field === 'origin');
      expect(star?.source).toContain('GET /bad/star (BadController.star)');
      expect(star?.source).toContain('GET /more (MoreBadController.alsoStar)');
    });

    it('problems of the global policy, a named policy and a route come in the same error', async () => {
      const error = asConfigError(
        await initError({
          cors: { origin: ['https://app.example.com/'], credentials: true, policies: { broken: { origin: 'app.example.com' }, public: { origin: '*' } } },
          controllers: [BadController],
        }),
      );
      expect(error.problems.length).toBe(4);
      expect(error.message).toContain('global policy');
      expect(error.message).toContain('policy "broken"');
      expect(error.message).toContain('BadController.star');
      expect(error.message).toContain('BadController.ghost');
      expect(error.message.match(/Fix:/g)?.length).toBe(4);
    });
  });

  function headerVersioned(v1Origin: string, v2Origin: string) {
    @Cors({ origin: v1Origin })
    @Controller({ path: 'items', version: '1' })
    class ItemsV1Controller {
      @Get()
      list() {
        return { version: 1 };
      }
    }

    @Cors({ origin: v2Origin })
    @Controller({ path: 'items', version: '2' })
    class ItemsV2Controller {
      @Get()
      list() {
        return { version: 2 };
      }
    }
    return [ItemsV1Controller, ItemsV2Controller];
  }

  const headerVersioning = (nest: INestApplication) => {
    nest.enableVersioning({ type: VersioningType.HEADER, header: 'X-API-Version' });
  };

  describe('one method and path served by two handlers (header versioning)', () => {
    it('with different policies: bootstrap error naming both handlers', async () => {
      const error = asConfigError(await initError({ cors: {}, controllers: headerVersioned(APP_ORIGIN, PARTNER_ORIGIN), configure: headerVersioning }));
      expect(error.problems.length).toBe(1);
      expect(error.message).toContain('ItemsV1Controller.list');
      expect(error.message).toContain('ItemsV2Controller.list');
      expect(error.message).toContain('GET /items');
      expect(error.message).toContain('Fix:');
    });

    it('with equal policies: starts, and both versions get the headers', async () => {
      const app = await buildApp({ platform, cors: {}, controllers: headerVersioned(APP_ORIGIN, APP_ORIGIN), configure: headerVersioning });
      try {
        await initApp(app);
        for (const version of ['1', '2']) {
          const res = await send(app, 'get', '/items', APP_ORIGIN).set('X-API-Version', version);
          expect(res.status).toBe(200);
          expect(res.body).toEqual({ version: Number(version) });
          expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': APP_ORIGIN });
        }
        const pre = await preflight(app, '/items', APP_ORIGIN, 'GET', 'x-api-version');
        expect(pre.status).toBe(204);
        expect(pre.headers['access-control-allow-headers']).toBe('x-api-version');
        expect(corsHeaders(await send(app, 'get', '/items', PARTNER_ORIGIN).set('X-API-Version', '1'))).toEqual({});
      } finally {
        await app.close();
      }
    });
  });

  describe('one method and path served by two handlers (host routing)', () => {
    @Cors({ origin: APP_ORIGIN })
    @Controller({ path: 'tenant', host: 'a.example.com' })
    class TenantAController {
      @Get()
      get() {
        return { tenant: 'a' };
      }
    }

    @Cors({ origin: PARTNER_ORIGIN })
    @Controller({ path: 'tenant', host: 'b.example.com' })
    class TenantBController {
      @Get()
      get() {
        return { tenant: 'b' };
      }
    }

    it('with different policies: bootstrap error naming both handlers', async () => {
      const error = asConfigError(await initError({ cors: {}, controllers: [TenantAController, TenantBController] }));
      expect(error.problems.length).toBe(1);
      expect(error.message).toContain('TenantAController.get');
      expect(error.message).toContain('TenantBController.get');
      expect(error.message).toContain('GET /tenant');
      expect(error.message).toContain('Fix:');
    });
  });

  @Cors({ origin: PARTNER_ORIGIN })
  @Cors('public')
  @Controller('stacked')
  class StackedController {
    @Cors('public')
    @Cors({ exposedHeaders: ['X-Total-Count'] })
    @Get('a')
    a() {
      return 'a';
    }

    @Get('b')
    b() {
      return 'b';
    }
  }

  describe('two @Cors decorators on one controller or handler', () => {
    it('stop app.init(), each reported once with the controller or the route, and the fix', async () => {
      const error = asConfigError(await initError({ cors: { origin: [APP_ORIGIN], policies: { public: { origin: '*' } } }, controllers: [StackedController] }));
      expect(error.problems).toHaveLength(2);
      const [controller, handler] = error.problems;
      expect(controller).toMatchObject({ source: 'StackedController', field: '@Cors on the controller' });
      expect(handler).toMatchObject({ source: 'GET /stacked/a (StackedController.a)', field: '@Cors on the handler' });
      expect(handler!.message).toMatch(/applied twice/);
      expect(handler!.fix).toMatch(/@Cors\('name', \{ \.\.\.fields \}\)/);
    });
  });
});
