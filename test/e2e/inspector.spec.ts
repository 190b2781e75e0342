// CorsInspector against the hook it describes, over real HTTP: routes() must say what the hook
// actually applies on every route of a multi-controller app (global prefix and its exclude, URI
// versions, named policies, @Cors(false), handlers enabled again), and explain() must give the
// verdict and CORS headers of real responses for generated requests.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { All, Controller, Delete, Get, Post, Put, VERSION_NEUTRAL, VersioningType, type INestApplication, type Type } from '@nestjs/common';
import fc from 'fast-check';
import { CORS_INSPECTOR, Cors, CorsInspector, CorsModule, type CorsExplanation, type CorsModuleOptions, type CorsRouteReport } from '../../lib/index.js';
import { fuzzParams, runs } from '../hardening/fuzz-config.js';
import {
  APP_ORIGIN,
  buildApp,
  closeAll,
  corsHeaders,
  createApp,
  EVIL_ORIGIN,
  PARTNER_ORIGIN,
  RecordingLogger,
  PLATFORMS,
  type Platform,
} from './support/app-factory.js';
import request from 'supertest';

const PARTNER_SUB = 'https://shop.partner.example.org';
const CORS: CorsModuleOptions = {
  origin: [APP_ORIGIN],
  credentials: true,
  allowedHeaders: ['content-type', 'authorization'],
  maxAge: 600,
  debug: true,
  policies: {
    public: { origin: '*', methods: ['GET'] },
    partner: { origin: [PARTNER_ORIGIN, 'https://*.partner.example.org'], exposedHeaders: ['X-Total-Count'] },
    // An async origin function: explain() answers with a Promise there.
    tenants: {
      origin: async function allowTenants(origin: string | undefined) {
        return origin === APP_ORIGIN || origin === PARTNER_SUB;
      },
    },
  },
};

@Controller('users')
class UsersController {
  @Get()
  list() {
    return [];
  }

  @Get(':id')
  findOne() {
    return {};
  }

  @Cors({ exposedHeaders: ['X-Request-Id'] })
  @Put(':id')
  update() {
    return {};
  }

  @Cors(false)
  @Delete(':id')
  remove() {
    return {};
  }
}

@Cors('partner')
@Controller({ path: 'catalog', version: ['1', '2'] })
class CatalogController {
  @Get()
  list() {
    return [];
  }

  @Cors('public')
  @Get('public')
  open() {
    return [];
  }

  @Cors({ maxAge: 60 })
  @Post()
  create() {
    return {};
  }
}

@Cors(false)
@Controller('admin')
class AdminController {
  @Get('stats')
  stats() {
    return {};
  }

  @Cors()
  @Get('ping')
  ping() {
    return {};
  }

  @Cors('partner', { allowPrivateNetwork: true, methods: ['POST'] })
  @Post('import')
  import() {
    return {};
  }
}

@Cors('public')
@Controller({ path: 'health', version: VERSION_NEUTRAL })
class HealthController {
  @Get()
  check() {
    return { ok: true };
  }
}

@Cors('tenants')
@Controller('tenants')
class TenantsController {
  @Get()
  list() {
    return [];
  }

  @All('any')
  any() {
    return {};
  }
}

/** A wildcard route: `*path` in Express's syntax, `*` in Fastify's (find-my-way). */
function filesController(wildcard: string): Type {
  @Controller('files')
  class FilesController {
    @Get(wildcard)
    file() {
      return {};
    }
  }
  return FilesController;
}
const WILDCARD: Record<Platform, string> = { express: '*path', fastify: '*', 'fastify-hook': '*' };

// One host's reports are closed; elsewhere (and for other reports) the public policy applies.
@Cors(false)
@Controller({ host: 'admin.example.com', path: 'reports' })
class AdminReportsController {
  @Get(':id')
  report() {
    return {};
  }
}

@Cors('public')
@Controller('reports')
class ReportsController {
  @Get('latest')
  latest() {
    return {};
  }
}

const controllersFor = (platform: Platform) => [
  UsersController,
  CatalogController,
  AdminController,
  HealthController,
  TenantsController,
  filesController(WILDCARD[platform]),
  AdminReportsController,
  ReportsController,
];
const ADMIN_HOST = 'admin.example.com';

function configure(nest: INestApplication): void {
  nest.setGlobalPrefix('api', { exclude: ['health'] });
  nest.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
}

describe.each<Platform>(PLATFORMS)('on %s', (platform) => {
  let app: INestApplication;
  let inspector: CorsInspector;
  const logger = new RecordingLogger();

  beforeAll(async () => {
    app = await createApp({ platform, cors: CORS, controllers: controllersFor(platform), configure, logger });
    inspector = app.get(CorsInspector);
  });

  afterAll(() => closeAll(app));

  const byRoute = (route: string) => inspector.routes().find((record) => record.route === route)!;

  describe('routes()', () => {
    it('lists every route, as Nest registers it, sorted by path and method, then the paths no route serves', () => {
      const keys = inspector.routes().map((r) => `${r.method} ${r.path} ${r.handler}`);
      expect(keys).toEqual([
        'POST /api/v1/admin/import AdminController.import',
        'GET /api/v1/admin/ping AdminController.ping',
        'GET /api/v1/admin/stats AdminController.stats',
        'GET /api/v1/catalog CatalogController.list',
        'POST /api/v1/catalog CatalogController.create',
        'GET /api/v1/catalog/public CatalogController.open',
        `GET /api/v1/files/${WILDCARD[platform]} FilesController.file`,
        'GET /api/v1/reports/:id AdminReportsController.report',
        'GET /api/v1/reports/latest ReportsController.latest',
        'GET /api/v1/tenants TenantsController.list',
        'ALL /api/v1/tenants/any TenantsController.any',
        'GET /api/v1/users UsersController.list',
        'DELETE /api/v1/users/:id UsersController.remove',
        'GET /api/v1/users/:id UsersController.findOne',
        'PUT /api/v1/users/:id UsersController.update',
        'GET /api/v2/catalog CatalogController.list',
        'POST /api/v2/catalog CatalogController.create',
        'GET /api/v2/catalog/public CatalogController.open',
        'GET /health HealthController.check',
        '* * null',
      ]);
    });

    it('is plain JSON, and a fresh copy on every call', () => {
      const routes = inspector.routes();
      expect(JSON.parse(JSON.stringify(routes))).toEqual(routes);
      routes[0]!.policy.origins.push('https://mutated.example');
      expect(inspector.routes()[0]!.policy.origins).not.toContain('https://mutated.example');
      // Two routes of one policy: editing one record leaves the other as it was.
      const [first, second] = routes.filter((r) => r.path.startsWith('/api/v1/catalog/public') || r.path.startsWith('/api/v2/catalog/public'));
      first!.policy.methods.push('DELETE');
      expect(second!.policy.methods).toEqual(['GET']);
    });

    it('gives the effective policy in readable form, with where it came from', () => {
      expect(byRoute('PUT /api/v1/users/:id (UsersController.update)')).toEqual({
        method: 'PUT',
        path: '/api/v1/users/:id',
        handler: 'UsersController.update',
        boundTo: null,
        route: 'PUT /api/v1/users/:id (UsersController.update)',
        disabled: false,
        policy: {
          origins: [APP_ORIGIN],
          credentials: true,
          methods: ['DELETE', 'GET', 'HEAD', 'PUT'],
          methodsFrom: 'the methods this path serves',
          allowedHeaders: ['content-type', 'authorization'],
          exposedHeaders: ['X-Request-Id'],
          maxAge: 600,
          privateNetwork: false,
          optionsSuccessStatus: 204,
          preflightContinue: false,
        },
        from: ['global', 'handler @Cors: exposedHeaders'],
        shadowedBy: null,
      });
      const publicCatalog = byRoute('GET /api/v2/catalog/public (CatalogController.open)');
      expect(publicCatalog.policy).toMatchObject({
        origins: ['*'],
        credentials: false,
        methods: ['GET'],
        methodsFrom: 'configured',
        allowedHeaders: 'reflected',
      });
      expect(publicCatalog.from).toEqual(['policy "public" (handler @Cors)']);
      expect(byRoute('POST /api/v1/catalog (CatalogController.create)').from).toEqual(['policy "partner" (controller @Cors)', 'handler @Cors: maxAge']);
      expect(byRoute('GET /api/v1/tenants (TenantsController.list)').policy.origins).toEqual(['origin function (allowTenants)']);
      expect(byRoute('GET /health (HealthController.check)').from).toEqual(['policy "public" (controller @Cors)']);
    });

    it('says which routes @Cors(false) disables, and which handlers enable CORS again', () => {
      const removed = byRoute('DELETE /api/v1/users/:id (UsersController.remove)');
      expect(removed).toMatchObject({ disabled: true, from: ['handler @Cors(false)'] });
      expect(removed.policy.origins).toEqual([]);
      expect(byRoute('GET /api/v1/admin/stats (AdminController.stats)')).toMatchObject({ disabled: true, from: ['controller @Cors(false)'] });
      const ping = byRoute('GET /api/v1/admin/ping (AdminController.ping)');
      expect(ping).toMatchObject({ disabled: false, from: ['global', 'handler @Cors()', 'enabled again under controller @Cors(false)'] });
      expect(ping.policy.origins).toEqual([APP_ORIGIN]);
      const imported = byRoute('POST /api/v1/admin/import (AdminController.import)');
      expect(imported.from).toEqual([
        'policy "partner" (handler @Cors)',
        'handler @Cors: allowPrivateNetwork, methods',
        'enabled again under controller @Cors(false)',
      ]);
      expect(imported.policy).toMatchObject({ privateNetwork: true, methods: ['POST'], methodsFrom: 'configured', credentials: false });
    });

    it('ends with the policy of paths no route serves: the global one, with the default methods', () => {
      const unknown = inspector.routes().at(-1)!;
      expect(unknown).toMatchObject({ method: '*', path: '*', handler: null, from: ['global'], route: 'unknown path (global policy (CorsModule.forRoot))' });
      expect(unknown.policy).toMatchObject({ origins: [APP_ORIGIN], methodsFrom: 'default', methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'] });
    });

    it('matches what the hook applies on every route: a preflight and an actual request per route, over HTTP', async () => {
      const routes = inspector.routes().filter((record) => record.method !== '*');
      expect(routes).toHaveLength(19);
      for (const record of routes) {
        const path = concretePath(record.path);
        const method = record.method === 'ALL' ? 'PATCH' : record.method;
        const origin = allowedOriginOf(record);
        const open = !record.disabled && record.policy.origins.length > 0;
        const what = `${record.route} at ${path} from ${origin}`;
        // A route bound to a host is reached with that Host only.
        const host = /^host ([^,]+)/.exec(record.boundTo ?? '')?.[1];

        const reflected = record.policy.allowedHeaders === 'reflected';
        let pre = request(app.getHttpServer()).options(path).set('Origin', origin).set('Access-Control-Request-Method', method);
        if (host) pre = pre.set('Host', host);
        if (reflected) pre = pre.set('Access-Control-Request-Headers', 'x-probe');
        const answer = await pre;
        const methodAllowed = record.policy.methods.includes(method);
        if (!open || !methodAllowed) {
          expect({ what, status: answer.status, cors: corsHeaders(answer) }).toEqual({ what, status: 403, cors: {} });
        } else {
          expect({ what, status: answer.status, cors: corsHeaders(answer) }).toEqual({
            what,
            status: record.policy.optionsSuccessStatus,
            cors: {
              'access-control-allow-origin': record.policy.origins.includes('*') ? '*' : origin,
              ...(record.policy.credentials ? { 'access-control-allow-credentials': 'true' } : {}),
              'access-control-allow-methods': expect.any(String),
              'access-control-allow-headers': reflected ? 'x-probe' : (record.policy.allowedHeaders as string[]).join(','),
              ...(record.policy.maxAge !== null ? { 'access-control-max-age': String(record.policy.maxAge) } : {}),
            },
          });
          // Order aside (a set of methods), exactly the report's list.
          expect({ what, methods: String(answer.headers['access-control-allow-methods']).split(',').sort() }).toEqual({
            what,
            methods: [...record.policy.methods].sort(),
          });
        }

        let call = request(app.getHttpServer())[method.toLowerCase() as 'get'](path).set('Origin', origin);
        if (host) call = call.set('Host', host);
        const actual = await call;
        const expected = open
          ? {
              'access-control-allow-origin': record.policy.origins.includes('*') ? '*' : origin,
              ...(record.policy.credentials ? { 'access-control-allow-credentials': 'true' } : {}),
              ...(record.policy.exposedHeaders.length ? { 'access-control-expose-headers': record.policy.exposedHeaders.join(',') } : {}),
            }
          : {};
        expect({ what, cors: corsHeaders(actual) }).toEqual({ what, cors: expected });
      }
    });

    it('is what the start-up log printed (debug: true), via format()', () => {
      const table = inspector.format();
      const lines = logger.from('CorsModule');
      expect(lines.slice(0, table.split('\n').filter(Boolean).length).join('\n')).toBe(table.replace(/\n\n/g, '\n'));
    });
  });

  describe('format()', () => {
    it('groups routes by policy under one line saying what the policy allows', () => {
      const lines = inspector.format().split('\n');
      expect(lines[0]).toBe('CORS surface: 19 routes in 8 policies');
      expect(lines[1]).toMatch(/^ {2}METHOD +PATH +HANDLER +PREFLIGHT METHODS +POLICY FROM$/);
      const group = (heading: string) => {
        const start = lines.indexOf(heading);
        expect(start).toBeGreaterThan(0);
        const end = lines.indexOf('', start);
        return lines.slice(start + 1, end === -1 ? undefined : end).map((line) => line.trim().split(/ {2,}/));
      };
      expect(group('open to *; methods GET')).toEqual([
        ['GET', '/api/v1/catalog/public', 'CatalogController.open', '(policy)', 'policy "public" (handler @Cors)'],
        ['GET', '/api/v1/reports/latest', 'ReportsController.latest', '(policy)', 'policy "public" (controller @Cors)'],
        ['GET', '/api/v2/catalog/public', 'CatalogController.open', '(policy)', 'policy "public" (handler @Cors)'],
        ['GET', '/health', 'HealthController.check', '(policy)', 'policy "public" (controller @Cors)'],
      ]);
      expect(group('CORS off (@Cors(false)): no CORS headers, preflights answered 403')).toEqual([
        ['GET', '/api/v1/admin/stats', 'AdminController.stats', '-', 'controller @Cors(false)'],
        ['GET', `/api/v1/reports/:id [host ${ADMIN_HOST}]`, 'AdminReportsController.report', '-', 'controller @Cors(false)'],
        ['DELETE', '/api/v1/users/:id', 'UsersController.remove', '-', 'handler @Cors(false)'],
      ]);
      expect(group(`open to ${APP_ORIGIN}; with credentials; allowed headers content-type, authorization; max age 600s`)).toContainEqual([
        '*',
        '(paths no route serves)',
        'GET, HEAD, PUT, PATCH, POST, DELETE',
        'global',
      ]);
    });
  });

  describe('explain()', () => {
    it('explains an allowed preflight: status, exact headers, Vary, and the route that decided', () => {
      expect(
        inspector.explain({ method: 'OPTIONS', path: '/api/v1/users/7', origin: APP_ORIGIN, requestMethod: 'PUT', requestHeaders: ['Content-Type'] }),
      ).toEqual({
        allowed: true,
        status: 204,
        headers: {
          'Access-Control-Allow-Origin': APP_ORIGIN,
          'Access-Control-Allow-Credentials': 'true',
          'Access-Control-Allow-Methods': 'DELETE,GET,HEAD,PUT',
          'Access-Control-Allow-Headers': 'content-type,authorization',
          'Access-Control-Max-Age': '600',
          'Content-Length': '0',
        },
        vary: ['Origin'],
        route: 'PUT /api/v1/users/:id (UsersController.update)',
        preflight: true,
      });
    });

    it('takes other request headers: the Host that selects a host-bound route', () => {
      const admin = { method: 'GET', path: '/api/v1/reports/latest', origin: EVIL_ORIGIN, headers: { Host: ADMIN_HOST } };
      if (platform === 'express') {
        // Express: the host-bound /reports/:id, registered first, serves the admin host.
        expect(inspector.explain(admin)).toMatchObject({
          allowed: false,
          headers: {},
          route: `GET /api/v1/reports/:id (AdminReportsController.report) [host ${ADMIN_HOST}]`,
        });
      } else {
        // Fastify: the most specific route, /reports/latest, serves every host; the host-bound one serves the other reports.
        expect(inspector.explain(admin)).toMatchObject({ allowed: true, route: 'GET /api/v1/reports/latest (ReportsController.latest)' });
        expect(inspector.explain({ ...admin, path: '/api/v1/reports/9' })).toMatchObject({
          allowed: false,
          headers: {},
          route: `GET /api/v1/reports/:id (AdminReportsController.report) [host ${ADMIN_HOST}]`,
        });
      }
      expect(inspector.explain({ ...admin, headers: { host: 'www.example.com' } })).toMatchObject({
        allowed: true,
        headers: { 'Access-Control-Allow-Origin': '*' },
        route: 'GET /api/v1/reports/latest (ReportsController.latest)',
      });
    });

    it('explains a refusal with its reason and detail, and a request with no status of its own', () => {
      expect(inspector.explain({ method: 'OPTIONS', path: '/api/v1/users/7', origin: APP_ORIGIN, requestMethod: 'DELETE' })).toMatchObject({
        allowed: false,
        status: 403,
        headers: {},
        reason: 'origin',
        route: 'DELETE /api/v1/users/:id (UsersController.remove)',
      });
      const get = inspector.explain({ method: 'get', path: '/api/v1/users?page=2', origin: EVIL_ORIGIN }) as CorsExplanation;
      expect(get).toEqual({
        allowed: false,
        headers: {},
        vary: ['Origin'],
        reason: 'origin',
        detail: `origin ${EVIL_ORIGIN} is not in the allowed list`,
        route: 'GET /api/v1/users (UsersController.list)',
        preflight: false,
      });
      expect(get).not.toHaveProperty('status');
    });

    it('answers with a Promise where an origin function is asynchronous', async () => {
      const pending = inspector.explain({ method: 'GET', path: '/api/v1/tenants', origin: PARTNER_SUB });
      expect(pending).toBeInstanceOf(Promise);
      expect(await pending).toMatchObject({
        allowed: true,
        headers: { 'Access-Control-Allow-Origin': PARTNER_SUB },
        route: 'GET /api/v1/tenants (TenantsController.list)',
      });
    });

    it('has no side effects: nothing logged for refusals even with debug: true, nothing sent', async () => {
      const before = logger.lines.length;
      inspector.explain({ method: 'GET', path: '/api/v1/users', origin: EVIL_ORIGIN });
      inspector.explain({ method: 'OPTIONS', path: '/api/v1/users', origin: EVIL_ORIGIN, requestMethod: 'GET' });
      await inspector.explain({ method: 'GET', path: '/api/v1/tenants', origin: EVIL_ORIGIN });
      expect(logger.lines.slice(before)).toEqual([]);
      // The same refusal through the hook is logged (debug: true): the two differ only in that.
      await request(app.getHttpServer()).get('/api/v1/users').set('Origin', EVIL_ORIGIN);
      expect(logger.lines.slice(before).map((l) => l.message)).toEqual([expect.stringContaining('CORS request refused (origin)')]);
    });

    it(`agrees with real HTTP responses on ${runs(250)} generated requests: same verdict, same CORS headers, same Vary`, async () => {
      await fc.assert(
        fc.asyncProperty(wireRequest, async (req) => {
          const explained = await inspector.explain(req);
          let call = request(app.getHttpServer())[req.method.toLowerCase() as 'get'](req.path);
          if (req.origin !== undefined) call = call.set('Origin', req.origin);
          if (req.requestMethod !== undefined) call = call.set('Access-Control-Request-Method', req.requestMethod);
          if (req.requestHeaders !== undefined) call = call.set('Access-Control-Request-Headers', req.requestHeaders);
          if (req.headers?.host !== undefined) call = call.set('Host', req.headers.host);
          const res = await call;
          const said = Object.fromEntries(
            Object.entries(explained.headers)
              .filter(([name]) => name.toLowerCase().startsWith('access-control-'))
              .map(([name, value]) => [name.toLowerCase(), value]),
          );
          expect(corsHeaders(res)).toEqual(said);
          // The verdict: an answered preflight's status, and whether the browser may read.
          if (explained.status !== undefined) expect(res.status).toBe(explained.status);
          expect(res.headers['access-control-allow-origin'] !== undefined).toBe(explained.allowed);
          const vary = String(res.headers.vary ?? '')
            .split(',')
            .map((field) => field.trim())
            .filter(Boolean);
          for (const field of explained.vary) expect(vary).toContain(field);
        }),
        fuzzParams('explain() vs HTTP', runs(250)),
      );
    });
  });

  describe('the inspector in other set-ups', () => {
    it('is also registered under Symbol.for("nestjs-route-cors.inspector"), for tools loading another copy of the package', () => {
      expect(app.get(CORS_INSPECTOR)).toBe(inspector);
      expect(CORS_INSPECTOR).toBe(Symbol.for('nestjs-route-cors.inspector'));
    });

    it('says to call it after app.init() when asked before', async () => {
      const early = await buildApp({ platform, cors: { origin: [APP_ORIGIN] }, controllers: [HealthController] });
      try {
        expect(() => early.get(CorsInspector).routes()).toThrow(/after app\.init\(\)/);
      } finally {
        await early.close();
      }
    });

    it('works whichever of two equal CorsModule imports Nest hands out (only the first one bootstraps)', async () => {
      const twice = await createApp({
        platform,
        noCorsModule: true,
        imports: [CorsModule.forRoot({ origin: [APP_ORIGIN] }), CorsModule.forRoot({ origin: [APP_ORIGIN] })],
        controllers: [UsersController],
      });
      try {
        expect(twice.get(CorsInspector).routes()).toHaveLength(5);
        expect(twice.get(CorsInspector).explain({ method: 'GET', path: '/users', origin: APP_ORIGIN })).toMatchObject({ allowed: true });
      } finally {
        await twice.close();
      }
    });
  });

  /** A URL the route pattern matches: parameters and wildcards filled in. */
  function concretePath(pattern: string): string {
    return pattern.replace(/\*\w*/g, 'a/b').replace(/:\w+/g, 'x7');
  }

  /** An origin the record's policy allows, if it allows any (else one it refuses). */
  function allowedOriginOf(record: CorsRouteReport): string {
    const [first] = record.policy.origins;
    if (first === undefined) return APP_ORIGIN;
    if (first === '*' || first === 'any origin, reflected') return 'https://anyone.example';
    if (first.startsWith('origin function')) return APP_ORIGIN;
    return first.replace('://*.', '://sub.');
  }

  // Requests as a browser (or anything else) may send them to this app: known and unknown paths,
  // with parameters, query strings, trailing slashes and other case; allowed, refused and malformed
  // origins; preflights with and without valid methods and header lists.
  const PATHS = [
    '/api/v1/users',
    '/api/v1/users/',
    '/api/v1/users/7',
    '/API/V1/USERS/7',
    '/api/v1/users/7?full=1',
    '/api/v1/catalog',
    '/api/v2/catalog/public',
    '/api/v2/catalog/public?page=2',
    '/api/v1/admin/stats?x=1',
    '/api/v1/admin/stats',
    '/api/v1/admin/ping',
    '/api/v1/admin/import',
    '/api/v1/tenants',
    '/api/v1/tenants/any',
    '/api/v1/files/a/b.txt',
    '/api/v1/reports/latest',
    '/api/v1/reports/9',
    '/health',
    '/health?full=1#top',
    '/api/health',
    '/graphql',
    '/',
  ];
  const wireRequest = fc.record(
    {
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'OPTIONS', 'OPTIONS'),
      path: fc.constantFrom(...PATHS),
      origin: fc.constantFrom(
        APP_ORIGIN,
        'HTTPS://APP.EXAMPLE.COM:443',
        PARTNER_ORIGIN,
        PARTNER_SUB,
        EVIL_ORIGIN,
        'null',
        'https://app.example.com/',
        'not an origin',
      ),
      requestMethod: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'get', 'BAD METHOD'),
      requestHeaders: fc.constantFrom('content-type', 'Content-Type, Authorization', 'x-custom', 'bad header', ''),
      headers: fc.record({ host: fc.constantFrom(ADMIN_HOST, 'ADMIN.example.com:8080', 'www.example.com') }),
    },
    { requiredKeys: ['method', 'path'] },
  );
});
