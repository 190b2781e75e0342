// Path shapes: params, wildcards, optional groups, path arrays, case and trailing slashes,
// query strings, and route order. Every case checks which handler Express ran (the body) and that
// the CORS headers are those of that handler's policy.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { All, Controller, Get, Head, Param, type INestApplication } from '@nestjs/common';
import { Cors } from '../../lib/index.js';
import { APP_ORIGIN, closeAll, corsHeaders, createApp, EVIL_ORIGIN, PARTNER_ORIGIN, preflight, send, type Platform } from './support/app-factory.js';

// Global: APP_ORIGIN. 'partner': PARTNER_ORIGIN. 'public': '*'.
const OPEN_TO_PARTNER = { 'access-control-allow-origin': PARTNER_ORIGIN };
const OPEN_TO_ALL = { 'access-control-allow-origin': '*' };

@Controller('users')
class UsersController {
  @Get()
  list() {
    return { handler: 'list' };
  }

  @Cors('partner')
  @Get(':id')
  findOne(@Param('id') id: string) {
    return { handler: 'findOne', id };
  }

  @Cors('public')
  @Get(':id/posts/:postId')
  post(@Param('id') id: string, @Param('postId') postId: string) {
    return { handler: 'post', id, postId };
  }
}

@Controller('files')
class FilesController {
  @Cors('partner')
  @Get('*path')
  file(@Param('path') path: string[]) {
    return { handler: 'file', path };
  }
}

@Cors('public')
@Controller('catchall')
class CatchAllController {
  @Get('{*splat}')
  any() {
    return { handler: 'splat' };
  }
}

@Controller('opt')
class OptionalController {
  @Cors('partner')
  @Get('report{.:format}')
  report(@Param('format') format?: string) {
    return { handler: 'report', format: format ?? null };
  }
}

@Controller('arr')
class ArrayPathController {
  @Cors('partner')
  @Get(['a', 'b/:x'])
  both() {
    return { handler: 'array' };
  }
}

@Cors('partner')
@Controller(['multi-one', 'multi-two'])
class ArrayControllerPath {
  @Get()
  get() {
    return { handler: 'multi' };
  }
}

// Shared by both platforms' sections.
// Express tries routes in the order they are registered; a radix tree prefers static segments.
// When a parameter route is declared before a static sibling, Express serves the static path with
// the parameter route, and the CORS policy must follow Express.
@Controller('accounts')
class RouteOrderController {
  @Cors('partner')
  @Get(':id')
  findOne(@Param('id') id: string) {
    return { handler: 'findOne', id };
  }

  @Cors('public')
  @Get('me')
  me() {
    return { handler: 'me' };
  }
}

// '{*splat}' on a controller without a path: a catch-all at the root, declared after the other
// controllers (so Express tries it last, as a radix tree does).
@Cors('partner')
@Controller('specific')
class SpecificController {
  @Get()
  get() {
    return { handler: 'specific' };
  }
}

@Controller('head-order')
class HeadOrderController {
  @Cors('public')
  @Get()
  get() {
    return { handler: 'get' };
  }

  @Cors(false)
  @Head()
  head() {
    return { handler: 'head' };
  }
}

@Controller('anything')
class AllMethodsController {
  @Cors('partner')
  @All()
  any() {
    return { handler: 'all' };
  }
}

@Cors('public')
@Controller()
class RootCatchAllFastify {
  @Get('*')
  any() {
    return { handler: 'root-splat' };
  }
}

// GET routes answer HEAD on Fastify too (exposeHeadRoutes): a HEAD route of its own on the same
// path is refused at start-up by Fastify, whichever is declared first.
@Cors('public')
@Controller('head-via-get')
class HeadViaGetController {
  @Get()
  get() {
    return { handler: 'get' };
  }
}

@Controller('overlap')
class PartialOverlapFastify {
  @Cors('public')
  @Get(':id')
  one(@Param('id') id: string) {
    return { handler: 'one', id };
  }

  @Cors(false)
  @Get('*')
  rest() {
    return { handler: 'rest' };
  }
}

describe('on express', () => {
  describe('path shapes', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform: 'express',
        cors: { origin: [APP_ORIGIN], policies: { public: { origin: '*' }, partner: { origin: PARTNER_ORIGIN } } },
        controllers: [UsersController, FilesController, CatchAllController, OptionalController, ArrayPathController, ArrayControllerPath],
      });
    });

    afterAll(() => closeAll(app));

    async function expectRoute(path: string, body: unknown, headers: Record<string, string>, origin: string) {
      const res = await send(app, 'get', path, origin);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(body);
      expect(corsHeaders(res)).toEqual(headers);
      const pre = await preflight(app, path, origin, 'GET');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(headers['access-control-allow-origin']);
    }

    it('/users/:id params', async () => {
      await expectRoute('/users/42', { handler: 'findOne', id: '42' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/users', { handler: 'list' }, { 'access-control-allow-origin': APP_ORIGIN }, APP_ORIGIN);
      expect(corsHeaders(await send(app, 'get', '/users/42', APP_ORIGIN))).toEqual({});
    });

    it('several params', async () => {
      await expectRoute('/users/42/posts/7', { handler: 'post', id: '42', postId: '7' }, OPEN_TO_ALL, EVIL_ORIGIN);
    });

    it('a long parameter value (beyond radix routers’ default length limits)', async () => {
      const id = 'x'.repeat(500);
      await expectRoute(`/users/${id}`, { handler: 'findOne', id }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
    });

    it('percent-encoded parameter values', async () => {
      await expectRoute('/users/a%20b', { handler: 'findOne', id: 'a b' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
    });

    it('a query string does not change the route', async () => {
      await expectRoute('/users/42?expand=posts&x=/y', { handler: 'findOne', id: '42' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/users?page=2', { handler: 'list' }, { 'access-control-allow-origin': APP_ORIGIN }, APP_ORIGIN);
    });

    it("wildcard 'files/*path' at one and several levels", async () => {
      await expectRoute('/files/a.txt', { handler: 'file', path: ['a.txt'] }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/files/a/b/c.txt', { handler: 'file', path: ['a', 'b', 'c.txt'] }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      // '*path' needs at least one segment: /files itself is not served.
      const bare = await send(app, 'get', '/files', PARTNER_ORIGIN);
      expect(bare.status).toBe(404);
      expect(corsHeaders(bare)).toEqual({});
    });

    it("wildcard '{*splat}' under a controller path: several levels and the empty rest", async () => {
      await expectRoute('/catchall/x/y/z', { handler: 'splat' }, OPEN_TO_ALL, EVIL_ORIGIN);
      await expectRoute('/catchall/', { handler: 'splat' }, OPEN_TO_ALL, EVIL_ORIGIN);
    });

    // Express does not serve /catchall (the route is /catchall/{*splat}, which needs the slash),
    // so it is a path no route knows and must get the global policy (APP_ORIGIN only).
    it('/catchall itself is not served by Express, so it gets the global policy', async () => {
      const res = await send(app, 'get', '/catchall', EVIL_ORIGIN);
      expect(res.status).toBe(404);
      expect(corsHeaders(res)).toEqual({});
      const pre = await preflight(app, '/catchall', EVIL_ORIGIN, 'GET');
      expect(pre.status).toBe(403);
      expect(corsHeaders(pre)).toEqual({});
    });

    it('optional groups: report{.:format}', async () => {
      await expectRoute('/opt/report', { handler: 'report', format: null }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/opt/report.csv', { handler: 'report', format: 'csv' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
    });

    it("path arrays: @Get(['a', 'b/:x'])", async () => {
      await expectRoute('/arr/a', { handler: 'array' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/arr/b/1', { handler: 'array' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
    });

    it("controller path arrays: @Controller(['multi-one', 'multi-two'])", async () => {
      await expectRoute('/multi-one', { handler: 'multi' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/multi-two', { handler: 'multi' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
    });

    it('case-insensitive like Express: /Users/1 resolves like /users/1', async () => {
      await expectRoute('/Users/1', { handler: 'findOne', id: '1' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/USERS/1/POSTS/2', { handler: 'post', id: '1', postId: '2' }, OPEN_TO_ALL, EVIL_ORIGIN);
      await expectRoute('/FILES/A.TXT', { handler: 'file', path: ['A.TXT'] }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
    });

    it('trailing slash like Express: /users/1/ resolves like /users/1', async () => {
      await expectRoute('/users/1/', { handler: 'findOne', id: '1' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/users/', { handler: 'list' }, { 'access-control-allow-origin': APP_ORIGIN }, APP_ORIGIN);
      await expectRoute('/Users/1/', { handler: 'findOne', id: '1' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
    });
  });

  describe('route order (parameter route declared before a static sibling)', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform: 'express',
        cors: { origin: [APP_ORIGIN], policies: { public: { origin: '*' }, partner: { origin: PARTNER_ORIGIN } } },
        controllers: [RouteOrderController],
      });
    });

    afterAll(() => closeAll(app));

    it('Express serves /accounts/me with findOne (the handler declared first)', async () => {
      const res = await send(app, 'get', '/accounts/me', PARTNER_ORIGIN);
      expect(res.body).toEqual({ handler: 'findOne', id: 'me' });
    });

    // A radix tree prefers the static 'me' route (public, '*'), but Express serves /accounts/me
    // with findOne (declared first, partner only): its policy must apply, or a partner-only
    // endpoint would be opened to every origin.
    it('/accounts/me gets the policy of the handler that serves it (findOne: partner only)', async () => {
      const partner = await send(app, 'get', '/accounts/me', PARTNER_ORIGIN);
      expect(partner.body).toEqual({ handler: 'findOne', id: 'me' });
      expect(corsHeaders(partner)).toEqual(OPEN_TO_PARTNER);
      const stranger = await send(app, 'get', '/accounts/me', EVIL_ORIGIN);
      expect(stranger.body).toEqual({ handler: 'findOne', id: 'me' });
      expect(corsHeaders(stranger)).toEqual({});
    });

    // The preflight side of the same rule.
    it('a preflight for /accounts/me from a stranger is refused (findOne: partner only)', async () => {
      const pre = await preflight(app, '/accounts/me', EVIL_ORIGIN, 'GET');
      expect(pre.status).toBe(403);
      expect(corsHeaders(pre)).toEqual({});
    });
  });

  @Cors('public')
  @Controller()
  class RootCatchAllController {
    @Get('{*splat}')
    any() {
      return { handler: 'root-splat' };
    }
  }

  describe("root catch-all '{*splat}'", () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform: 'express',
        cors: { origin: [APP_ORIGIN], policies: { public: { origin: '*' }, partner: { origin: PARTNER_ORIGIN } } },
        controllers: [SpecificController, RootCatchAllController],
      });
    });

    afterAll(() => closeAll(app));

    it.each(['/', '/anything', '/deep/ly/nested', '/specific/below'])('%s is served by the catch-all and gets its policy', async (path) => {
      const res = await send(app, 'get', path, EVIL_ORIGIN);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ handler: 'root-splat' });
      expect(corsHeaders(res)).toEqual(OPEN_TO_ALL);
      const pre = await preflight(app, path, EVIL_ORIGIN, 'GET');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('*');
    });

    it('a route declared before it keeps its own policy', async () => {
      const res = await send(app, 'get', '/specific', EVIL_ORIGIN);
      expect(res.body).toEqual({ handler: 'specific' });
      expect(corsHeaders(res)).toEqual({});
      const partner = await send(app, 'get', '/specific', PARTNER_ORIGIN);
      expect(corsHeaders(partner)).toEqual(OPEN_TO_PARTNER);
      expect((await preflight(app, '/specific', EVIL_ORIGIN, 'GET')).status).toBe(403);
    });
  });

  // Routes that overlap on some paths only: Express still serves each request with the first
  // registered route that matches it, whatever a radix tree would prefer.
  @Controller('overlap')
  class PartialOverlapController {
    @Cors('public')
    @Get(':id')
    one(@Param('id') id: string) {
      return { handler: 'one', id };
    }

    @Cors(false)
    @Get('*rest')
    rest() {
      return { handler: 'rest' };
    }
  }

  @Controller('opt-overlap')
  class OptionalOverlapController {
    @Cors('public')
    @Get('g/:x')
    required() {
      return { handler: 'required' };
    }

    @Cors('partner')
    @Get('g{/:x}')
    optional() {
      return { handler: 'optional' };
    }
  }

  describe('partial overlaps, HEAD order and ALL routes follow Express', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform: 'express',
        cors: { origin: [APP_ORIGIN], policies: { public: { origin: '*' }, partner: { origin: PARTNER_ORIGIN } } },
        controllers: [PartialOverlapController, OptionalOverlapController, HeadOrderController, AllMethodsController],
      });
    });

    afterAll(() => closeAll(app));

    it('/overlap/a is served by the parameter route declared first (public)', async () => {
      const res = await send(app, 'get', '/overlap/a', EVIL_ORIGIN);
      expect(res.body).toEqual({ handler: 'one', id: 'a' });
      expect(corsHeaders(res)).toEqual(OPEN_TO_ALL);
    });

    // The wildcard route serves the deeper paths: its @Cors(false) must hold there, although the
    // parameter route declared first overlaps it on one level.
    it('/overlap/a/b is served by the @Cors(false) wildcard: no CORS headers, preflight refused', async () => {
      const res = await send(app, 'get', '/overlap/a/b', APP_ORIGIN);
      expect(res.body).toEqual({ handler: 'rest' });
      expect(corsHeaders(res)).toEqual({});
      const pre = await preflight(app, '/overlap/a/b', APP_ORIGIN, 'GET');
      expect(pre.status).toBe(403);
      expect(corsHeaders(pre)).toEqual({});
    });

    it('an optional group declared after the required form serves the shorter path with its own policy', async () => {
      const short = await send(app, 'get', '/opt-overlap/g', EVIL_ORIGIN);
      expect(short.body).toEqual({ handler: 'optional' });
      expect(corsHeaders(short)).toEqual({});
      const partner = await send(app, 'get', '/opt-overlap/g', PARTNER_ORIGIN);
      expect(corsHeaders(partner)).toEqual(OPEN_TO_PARTNER);
      const long = await send(app, 'get', '/opt-overlap/g/1', EVIL_ORIGIN);
      expect(long.body).toEqual({ handler: 'required' });
      expect(corsHeaders(long)).toEqual(OPEN_TO_ALL);
    });

    it("HEAD on a path whose GET route is declared before its HEAD route gets the GET route's policy", async () => {
      const res = await send(app, 'head', '/head-order', EVIL_ORIGIN);
      expect(res.status).toBe(200);
      expect(corsHeaders(res)).toEqual(OPEN_TO_ALL);
    });

    it('an @All() route answers preflights for any method Node parses (REPORT), with its policy', async () => {
      const pre = await preflight(app, '/anything', PARTNER_ORIGIN, 'REPORT');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
      expect(pre.headers['access-control-allow-methods']).toContain('REPORT');
      const refused = await preflight(app, '/anything', APP_ORIGIN, 'REPORT');
      expect(refused.status).toBe(403);
    });
  });
});

// The same shapes on Fastify, in its router's syntax (find-my-way: `*` wildcards, `:param?`,
// `:id(^\\d+)`, `:name.:ext`, `::` for a colon). Fastify serves the most specific route, whatever
// the order of declaration, is case-sensitive and strict about trailing slashes by default, and
// refuses parameters longer than 100 characters (414) before any hook: every case checks which
// handler Fastify ran and that the CORS headers are that handler's, and says where Express differs.
@Controller('users')
class FastifyUsersController {
  @Get()
  list() {
    return { handler: 'list' };
  }

  @Cors('partner')
  @Get(':id')
  findOne(@Param('id') id: string) {
    return { handler: 'findOne', id };
  }

  @Cors('public')
  @Get(':id/posts/:postId')
  post(@Param('id') id: string, @Param('postId') postId: string) {
    return { handler: 'post', id, postId };
  }
}

@Controller('files')
class FastifyFilesController {
  @Cors('partner')
  @Get('*')
  file(@Param('*') path: string) {
    return { handler: 'file', path };
  }
}

@Cors('public')
@Controller('catchall')
class FastifyCatchAllController {
  @Get('*')
  any() {
    return { handler: 'splat' };
  }
}

@Controller('opt')
class FastifyOptionalController {
  @Cors('partner')
  @Get('report/:format?')
  report(@Param('format') format?: string) {
    return { handler: 'report', format: format ?? null };
  }
}

@Controller('orders')
class FastifyRegexController {
  @Cors('partner')
  @Get(':id(^\\d+)')
  numeric(@Param('id') id: string) {
    return { handler: 'numeric', id };
  }

  @Cors('public')
  @Get(':slug')
  slug(@Param('slug') slug: string) {
    return { handler: 'slug', slug };
  }
}

@Controller('docs')
class FastifyMultiParamController {
  @Cors('partner')
  @Get(':name.:ext')
  doc(@Param('name') name: string, @Param('ext') ext: string) {
    return { handler: 'doc', name, ext };
  }

  @Cors('public')
  @Get('ns::get')
  colon() {
    return { handler: 'colon' };
  }
}

describe.each<Platform>(['fastify', 'fastify-hook'])('on %s', (platform) => {
  const cors = { origin: [APP_ORIGIN], policies: { public: { origin: '*' as const }, partner: { origin: PARTNER_ORIGIN } } };

  describe('path shapes', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform,
        cors,
        controllers: [
          FastifyUsersController,
          FastifyFilesController,
          FastifyCatchAllController,
          FastifyOptionalController,
          FastifyRegexController,
          FastifyMultiParamController,
          ArrayPathController,
          ArrayControllerPath,
        ],
      });
    });

    afterAll(() => closeAll(app));

    async function expectRoute(path: string, body: unknown, headers: Record<string, string>, origin: string) {
      const res = await send(app, 'get', path, origin);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(body);
      expect(corsHeaders(res)).toEqual(headers);
      const pre = await preflight(app, path, origin, 'GET');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(headers['access-control-allow-origin']);
    }

    /** A path no route serves (404): the global policy, for the request and its preflight. */
    async function expectUnknown(path: string) {
      const stranger = await send(app, 'get', path, EVIL_ORIGIN);
      expect(stranger.status).toBe(404);
      expect(corsHeaders(stranger)).toEqual({});
      const app404 = await send(app, 'get', path, APP_ORIGIN);
      expect(corsHeaders(app404)).toEqual({ 'access-control-allow-origin': APP_ORIGIN });
      expect((await preflight(app, path, EVIL_ORIGIN, 'GET')).status).toBe(403);
      const pre = await preflight(app, path, APP_ORIGIN, 'GET');
      expect(pre.status).toBe(204);
      // Nothing is known of what the path serves: the default list.
      expect(pre.headers['access-control-allow-methods']).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
    }

    it('/users/:id params', async () => {
      await expectRoute('/users/42', { handler: 'findOne', id: '42' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/users', { handler: 'list' }, { 'access-control-allow-origin': APP_ORIGIN }, APP_ORIGIN);
      expect(corsHeaders(await send(app, 'get', '/users/42', APP_ORIGIN))).toEqual({});
    });

    it('several params', async () => {
      await expectRoute('/users/42/posts/7', { handler: 'post', id: '42', postId: '7' }, OPEN_TO_ALL, EVIL_ORIGIN);
    });

    it('percent-encoded parameter values', async () => {
      await expectRoute('/users/a%20b', { handler: 'findOne', id: 'a b' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
    });

    it('a query string does not change the route', async () => {
      await expectRoute('/users/42?expand=posts&x=/y', { handler: 'findOne', id: '42' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/users?page=2', { handler: 'list' }, { 'access-control-allow-origin': APP_ORIGIN }, APP_ORIGIN);
    });

    it("wildcard 'files/*' at one and several levels, and the empty rest", async () => {
      await expectRoute('/files/a.txt', { handler: 'file', path: 'a.txt' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/files/a/b/c.txt', { handler: 'file', path: 'a/b/c.txt' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/catchall/x/y/z', { handler: 'splat' }, OPEN_TO_ALL, EVIL_ORIGIN);
      // Unlike Express's '*path', Fastify's '*' matches the empty rest too.
      await expectRoute('/catchall/', { handler: 'splat' }, OPEN_TO_ALL, EVIL_ORIGIN);
    });

    it('/catchall itself is not served (the wildcard needs the slash), so it gets the global policy', async () => {
      await expectUnknown('/catchall');
    });

    it("optional parameter: 'report/:format?'", async () => {
      await expectRoute('/opt/report', { handler: 'report', format: null }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/opt/report/csv', { handler: 'report', format: 'csv' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
    });

    it('a regex parameter is preferred to a plain one where it matches, each with its own policy', async () => {
      await expectRoute('/orders/42', { handler: 'numeric', id: '42' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      expect(corsHeaders(await send(app, 'get', '/orders/42', EVIL_ORIGIN))).toEqual({});
      await expectRoute('/orders/abc', { handler: 'slug', slug: 'abc' }, OPEN_TO_ALL, EVIL_ORIGIN);
    });

    it("several parameters in one segment (':name.:ext') and a literal colon ('ns::get')", async () => {
      await expectRoute('/docs/readme.md', { handler: 'doc', name: 'readme', ext: 'md' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/docs/ns:get', { handler: 'colon' }, OPEN_TO_ALL, EVIL_ORIGIN);
      await expectUnknown('/docs/readme');
    });

    it("path arrays: @Get(['a', 'b/:x'])", async () => {
      await expectRoute('/arr/a', { handler: 'array' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/arr/b/1', { handler: 'array' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
    });

    it("controller path arrays: @Controller(['multi-one', 'multi-two'])", async () => {
      await expectRoute('/multi-one', { handler: 'multi' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
      await expectRoute('/multi-two', { handler: 'multi' }, OPEN_TO_PARTNER, PARTNER_ORIGIN);
    });

    // Differs from Express, whose routing ignores case and one trailing slash by default.
    it('case-sensitive and strict by default: /Users/1 and /users/1/ are paths no route serves', async () => {
      await expectUnknown('/Users/1');
      await expectUnknown('/users/1/');
    });

    // Differs from Express, which has no such limit: Fastify answers 414 before any hook runs,
    // so that response carries no CORS headers; its preflight gets the global policy (no route
    // matches the path).
    it('a parameter longer than maxParamLength (100): 414 from Fastify, without CORS headers', async () => {
      const path = `/users/${'x'.repeat(500)}`;
      const res = await send(app, 'get', path, PARTNER_ORIGIN);
      expect(res.status).toBe(414);
      expect(corsHeaders(res)).toEqual({});
      expect((await preflight(app, path, PARTNER_ORIGIN, 'GET')).status).toBe(403);
      expect((await preflight(app, path, APP_ORIGIN, 'GET')).status).toBe(204);
    });
  });

  describe('most specific route first, whatever the order of declaration (Express: first declared)', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp({
        platform,
        cors,
        controllers: [RouteOrderController, SpecificController, RootCatchAllFastify, PartialOverlapFastify, HeadViaGetController, AllMethodsController],
      });
    });

    afterAll(() => closeAll(app));

    // Express serves /accounts/me with findOne (declared first, partner only); Fastify with me.
    it('/accounts/me is served by the static route and gets its policy (public)', async () => {
      const res = await send(app, 'get', '/accounts/me', EVIL_ORIGIN);
      expect(res.body).toEqual({ handler: 'me' });
      expect(corsHeaders(res)).toEqual(OPEN_TO_ALL);
      expect((await preflight(app, '/accounts/me', EVIL_ORIGIN, 'GET')).status).toBe(204);
      const other = await send(app, 'get', '/accounts/7', EVIL_ORIGIN);
      expect(other.body).toEqual({ handler: 'findOne', id: '7' });
      expect(corsHeaders(other)).toEqual({});
      expect((await preflight(app, '/accounts/7', EVIL_ORIGIN, 'GET')).status).toBe(403);
    });

    it.each(['/', '/whatever', '/deep/ly/nested', '/specific/below'])('%s is served by the root catch-all and gets its policy', async (path) => {
      const res = await send(app, 'get', path, EVIL_ORIGIN);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ handler: 'root-splat' });
      expect(corsHeaders(res)).toEqual(OPEN_TO_ALL);
      const pre = await preflight(app, path, EVIL_ORIGIN, 'GET');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('*');
    });

    it('a more specific route keeps its own policy', async () => {
      const res = await send(app, 'get', '/specific', EVIL_ORIGIN);
      expect(res.body).toEqual({ handler: 'specific' });
      expect(corsHeaders(res)).toEqual({});
      expect(corsHeaders(await send(app, 'get', '/specific', PARTNER_ORIGIN))).toEqual(OPEN_TO_PARTNER);
      expect((await preflight(app, '/specific', EVIL_ORIGIN, 'GET')).status).toBe(403);
    });

    it('partial overlaps: the parameter serves one level (public), the @Cors(false) wildcard the deeper paths', async () => {
      const one = await send(app, 'get', '/overlap/a', EVIL_ORIGIN);
      expect(one.body).toEqual({ handler: 'one', id: 'a' });
      expect(corsHeaders(one)).toEqual(OPEN_TO_ALL);
      const deep = await send(app, 'get', '/overlap/a/b', APP_ORIGIN);
      expect(deep.body).toEqual({ handler: 'rest' });
      expect(corsHeaders(deep)).toEqual({});
      expect((await preflight(app, '/overlap/a/b', APP_ORIGIN, 'GET')).status).toBe(403);
    });

    it('HEAD is served by the GET route of the path, with its policy', async () => {
      const head = await send(app, 'head', '/head-via-get', EVIL_ORIGIN);
      expect(head.status).toBe(200);
      expect(corsHeaders(head)).toEqual(OPEN_TO_ALL);
      const pre = await preflight(app, '/head-via-get', EVIL_ORIGIN, 'HEAD');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-methods']).toBe('GET,HEAD');
    });

    it('an @All() route answers preflights with its policy', async () => {
      const pre = await preflight(app, '/anything', PARTNER_ORIGIN, 'PATCH');
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(PARTNER_ORIGIN);
      expect(pre.headers['access-control-allow-methods']).toContain('PATCH');
      expect((await preflight(app, '/anything', APP_ORIGIN, 'PATCH')).status).toBe(403);
      const res = await send(app, 'patch', '/anything', PARTNER_ORIGIN);
      expect(res.body).toEqual({ handler: 'all' });
      expect(corsHeaders(res)).toEqual(OPEN_TO_PARTNER);
    });
  });
});
