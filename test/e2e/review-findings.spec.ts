// Issue 9's findings, through real applications: a second CorsModule.forRoot() import, Private
// Network Access with '*', reflect-everything RegExps with credentials, and the methods a
// preflight is told for overlapping routes.
import { afterAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Put, Version, VERSION_NEUTRAL, VersioningType, type INestApplication } from '@nestjs/common';
import { Cors, CorsConfigError, CorsModule } from '../../lib/index.js';
import { APP_ORIGIN, closeAll, createApp, type AppSpec, preflight, send, PLATFORMS, type Platform, initError } from './support/app-factory.js';

function problemsOf(error: unknown): CorsConfigError['problems'] {
  expect(error).toBeInstanceOf(CorsConfigError);
  return (error as CorsConfigError).problems;
}

@Controller('items')
class ItemsController {
  @Get()
  list() {
    return [];
  }
}

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  describe('CorsModule imported twice with options (item 1)', () => {
    const rootOptions = CorsModule.forRoot({ origin: [APP_ORIGIN], credentials: true });

    @Module({ imports: [CorsModule.forRoot({ origin: '*' })], controllers: [ItemsController] })
    class FeatureModule {}

    it('stops start-up naming the modules that import it, and the fix', async () => {
      const problems = problemsOf(await initError({ noCorsModule: true, imports: [rootOptions, FeatureModule] }));
      expect(problems).toHaveLength(1);
      const [problem] = problems;
      expect(problem!.code).toBe('duplicate-module-import');
      expect(problem!.message).toContain('FeatureModule');
      expect(problem!.message).toMatch(/imported 2 times/);
      expect(problem!.fix).toMatch(/once, in the root module/);
    });

    it('the same DynamicModule object imported twice is one module: starts', async () => {
      @Module({ imports: [rootOptions], controllers: [ItemsController] })
      class SharingModule {}
      expect(await initError({ noCorsModule: true, imports: [rootOptions, SharingModule] })).toBeUndefined();
    });

    it('two imports with identical options change nothing: starts', async () => {
      @Module({ imports: [CorsModule.forRoot({ origin: [APP_ORIGIN] })], controllers: [ItemsController] })
      class SameOptionsModule {}
      expect(await initError({ noCorsModule: true, imports: [CorsModule.forRoot({ origin: [APP_ORIGIN] }), SameOptionsModule] })).toBeUndefined();
    });
  });

  describe("Private Network Access with '*' or origin: true (item 2)", () => {
    @Controller('devices')
    class DevicesController {
      @Cors({ origin: '*' })
      @Get('open')
      open() {
        return 'open';
      }
    }

    it.each([
      ['the global policy', { origin: '*', allowPrivateNetwork: true }, 'global policy'],
      ['a named policy', { policies: { lan: { origin: true, allowPrivateNetwork: true } } }, 'policy "lan"'],
    ])('is refused in %s', async (_name, cors, source) => {
      const problems = problemsOf(await initError({ cors: cors as AppSpec['cors'], controllers: [ItemsController] }));
      expect(problems.map((p) => [p.code, p.field])).toContainEqual(['private-network-with-wildcard', 'allowPrivateNetwork']);
      expect(problems.find((p) => p.code === 'private-network-with-wildcard')!.source).toContain(source);
    });

    it("is refused where an effective policy combines them (global allowPrivateNetwork, @Cors({ origin: '*' }))", async () => {
      const problems = problemsOf(await initError({ cors: { origin: [APP_ORIGIN], allowPrivateNetwork: true }, controllers: [DevicesController] }));
      expect(problems).toHaveLength(1);
      expect(problems[0]!.code).toBe('private-network-with-wildcard');
      expect(problems[0]!.source).toContain('GET /devices/open (DevicesController.open)');
    });
  });

  describe('RegExps that reflect every origin, with credentials (item 3)', () => {
    it.each([/^.*$/, /^https?:\/\/.*$/, /^.+$/])('%s with credentials is refused like origin: true, naming the probe', async (regexp) => {
      const problems = problemsOf(await initError({ cors: { origin: [APP_ORIGIN, regexp], credentials: true }, controllers: [ItemsController] }));
      expect(problems.map((p) => [p.code, p.field])).toEqual([['reflect-everything-regexp', 'origin[1]']]);
      expect(problems[0]!.message).toMatch(/also matches https?:\/\/[a-z.-]+\.(invalid|test)(:\d+)?,/);
    });

    it('a RegExp narrowed to your own hosts starts, with credentials', async () => {
      expect(
        await initError({ cors: { origin: [/^https:\/\/([a-z0-9-]+\.)?example\.com$/], credentials: true }, controllers: [ItemsController] }),
      ).toBeUndefined();
    });

    it('without credentials, a wide RegExp is a choice, not a mistake', async () => {
      expect(await initError({ cors: { origin: /^.*$/ }, controllers: [ItemsController] })).toBeUndefined();
    });
  });

  describe('Access-Control-Allow-Methods for overlapping routes (item 4)', () => {
    @Controller('a')
    class OverlapController {
      @Put(':p')
      put() {
        return 'put';
      }

      @Get('x')
      get() {
        return 'get';
      }
    }

    let app: INestApplication | undefined;
    afterAll(() => closeAll(app));

    it('lists the methods served on the requested path, not on another path of the matched pattern', async () => {
      app = await createApp({ platform, cors: { origin: [APP_ORIGIN] }, controllers: [OverlapController] });
      const onParameter = await preflight(app, '/a/123', APP_ORIGIN, 'PUT');
      expect(onParameter.status).toBe(204);
      expect(onParameter.headers['access-control-allow-methods']).toBe('PUT');
      const onLiteral = await preflight(app, '/a/x', APP_ORIGIN, 'PUT');
      expect(onLiteral.status).toBe(204);
      expect(onLiteral.headers['access-control-allow-methods']?.split(',').sort()).toEqual(['GET', 'HEAD', 'PUT']);
    });
  });

  describe('module- and route-level problems carry their codes (item 7)', () => {
    @Cors({ origin: [APP_ORIGIN] })
    @Cors({ origin: '*' })
    @Controller('stacked')
    class StackedController {
      @Get()
      get() {
        return 'x';
      }
    }

    @Controller({ path: 'versioned', version: '1' })
    class V1Controller {
      @Cors({ origin: [APP_ORIGIN] })
      @Get()
      get() {
        return 'v1';
      }
    }

    @Controller({ path: 'versioned', version: '2' })
    class V2Controller {
      @Cors('ghost')
      @Get()
      get() {
        return 'v2';
      }

      @Cors({ origin: '*' })
      @Get('other')
      other() {
        return 'other';
      }
    }

    it('unknown-policy, stacked-decorators, invalid-policies-option', async () => {
      const problems = problemsOf(
        await initError({ cors: { origin: [APP_ORIGIN], policies: [] as unknown as Record<string, never> }, controllers: [StackedController, V2Controller] }),
      );
      expect(problems.map((p) => p.code).sort()).toEqual(['invalid-policies-option', 'stacked-decorators', 'unknown-policy']);
    });

    it('same-path-different-policies', async () => {
      const problems = problemsOf(
        await initError({
          cors: { origin: [APP_ORIGIN], policies: { ghost: { origin: '*' } } },
          controllers: [V1Controller, V2Controller],
          configure: (app) => app.enableVersioning({ type: VersioningType.HEADER, header: 'X-Version' }),
        }),
      );
      expect(problems.map((p) => p.code)).toEqual(['same-path-different-policies']);
    });
  });

  describe('what is sent without Origin (item 6, as the README says)', () => {
    @Controller('open')
    class OpenController {
      @Cors({ origin: '*' })
      @Get()
      open() {
        return 'open';
      }

      @Get('listed')
      listed() {
        return 'listed';
      }
    }

    let app: INestApplication | undefined;
    afterAll(() => closeAll(app));

    it("a '*' policy sends Access-Control-Allow-Origin: * without Origin too (cache-friendly, as the cors package); a list policy sends none", async () => {
      app = await createApp({ platform, cors: { origin: [APP_ORIGIN] }, controllers: [OpenController] });
      const open = await send(app, 'get', '/open');
      expect(open.headers['access-control-allow-origin']).toBe('*');
      expect(open.headers.vary ?? '').not.toMatch(/origin/i);
      const listed = await send(app, 'get', '/open/listed');
      expect(listed.headers['access-control-allow-origin']).toBeUndefined();
      expect(listed.headers.vary).toMatch(/Origin/);
    });
  });

  describe('routes bound to hosts and versions get their own policy, per request (independent probe)', () => {
    @Cors(false)
    @Controller({ host: 'admin.example.com', path: 'items' })
    class AdminItemsController {
      @Get(':id')
      item() {
        return 'admin';
      }
    }

    @Cors('public')
    @Controller('items')
    class PublicItemsController {
      @Get('featured')
      featured() {
        return 'public';
      }
    }

    @Controller('acct')
    class AccountController {
      @Get(':id')
      @Version('1')
      @Cors({ origin: '*' })
      byId() {
        return 'v1';
      }

      @Get('me')
      @Version(VERSION_NEUTRAL)
      @Cors(false)
      me() {
        return 'neutral';
      }
    }

    const EVIL = 'https://evil.example.net';
    let hostApp: INestApplication | undefined;
    let versionApp: INestApplication | undefined;
    afterAll(() => closeAll(hostApp, versionApp));

    it('a @Cors(false) host-bound route keeps its policy where it overlaps a public route, for requests and preflights', async () => {
      hostApp = await createApp({
        platform,
        cors: { origin: [APP_ORIGIN], credentials: true, policies: { public: { origin: '*' } } },
        controllers: [AdminItemsController, PublicItemsController],
      });
      // Express tries the host-bound /items/:id first (registered first); Fastify serves /items/featured
      // on every host with the more specific route, and the host-bound route on the other items.
      const overlapped = platform === 'express' ? '/items/featured' : '/items/7';
      const admin = await send(hostApp, 'get', overlapped, EVIL).set('Host', 'admin.example.com');
      expect(admin.text).toBe('admin');
      expect(admin.headers['access-control-allow-origin']).toBeUndefined();
      const adminPreflight = await preflight(hostApp, overlapped, EVIL, 'GET').set('Host', 'admin.example.com');
      expect(adminPreflight.status).toBe(403);
      if (platform !== 'express') {
        const featured = await send(hostApp, 'get', '/items/featured', EVIL).set('Host', 'admin.example.com');
        expect(featured.text).toBe('public');
        expect(featured.headers['access-control-allow-origin']).toBe('*');
        expect((await preflight(hostApp, '/items/featured', EVIL, 'GET').set('Host', 'admin.example.com')).status).toBe(204);
        // The host-bound route answers other hosts with 404 (Nest's host filter on Fastify): the global policy's.
        const elsewhereItem = await send(hostApp, 'get', '/items/7', APP_ORIGIN).set('Host', 'www.example.com');
        expect(elsewhereItem.status).toBe(404);
        expect(elsewhereItem.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
        expect((await preflight(hostApp, '/items/7', EVIL, 'GET').set('Host', 'www.example.com')).status).toBe(403);
        expect((await preflight(hostApp, '/items/7', APP_ORIGIN, 'GET').set('Host', 'www.example.com')).status).toBe(204);
      }
      const elsewhere = await send(hostApp, 'get', '/items/featured', EVIL).set('Host', 'www.example.com');
      expect(elsewhere.text).toBe('public');
      expect(elsewhere.headers['access-control-allow-origin']).toBe('*');
    });

    it('a VERSION_NEUTRAL route serves requests without a version header with its own policy', async () => {
      versionApp = await createApp({
        platform,
        cors: { origin: [APP_ORIGIN] },
        controllers: [AccountController],
        configure: (app) => app.enableVersioning({ type: VersioningType.HEADER, header: 'X-API-Version' }),
      });
      const neutral = await send(versionApp, 'get', '/acct/me', EVIL);
      expect(neutral.text).toBe('neutral');
      expect(neutral.headers['access-control-allow-origin']).toBeUndefined();
      const v1 = await send(versionApp, 'get', '/acct/me', EVIL).set('X-API-Version', '1');
      if (platform === 'express') {
        // Express: the version-1 /acct/:id route, registered first, takes version 1.
        expect(v1.text).toBe('v1');
        expect(v1.headers['access-control-allow-origin']).toBe('*');
      } else {
        // Fastify: the more specific /acct/me serves every version; /acct/:id the other paths.
        expect(v1.text).toBe('neutral');
        expect(v1.headers['access-control-allow-origin']).toBeUndefined();
        const other = await send(versionApp, 'get', '/acct/7', EVIL).set('X-API-Version', '1');
        expect(other.text).toBe('v1');
        expect(other.headers['access-control-allow-origin']).toBe('*');
      }
    });
  });

  describe('@Cors with a value it does not take (independent probe)', () => {
    @Controller('odd')
    class OddController {
      @Cors(123 as unknown as string)
      @Get()
      get() {
        return 'odd';
      }
    }

    it('@Cors(123) stops start-up with invalid-policy, naming the route', async () => {
      const problems = problemsOf(await initError({ cors: { origin: [APP_ORIGIN] }, controllers: [OddController] }));
      expect(problems.map((p) => [p.code, p.source, p.field])).toEqual([['invalid-policy', 'GET /odd (OddController.get)', '@Cors on the handler']]);
    });
  });
});
