// Resolution without Nest: effective policies from plain route declarations (base ⊕ controller ⊕
// handler), each problem collected with the routes that have it.
import { describe, expect, it } from '@jest/globals';
import type { CorsModuleOptions } from '../../../lib/index.js';
import { PolicyResolver } from '../../../lib/resolution/policy-resolver.js';
import { resolveRoutes, type RouteDeclaration } from '../../../lib/resolution/resolve-routes.js';

const APP = 'https://app.example.com';
const PARTNER = 'https://partner.example.org';
const GLOBAL: CorsModuleOptions = { origin: [APP], credentials: true, policies: { public: { origin: '*' }, partner: { origin: [PARTNER] } } };

function declaration(label: string, cors: RouteDeclaration['cors'] = {}, extra: Partial<RouteDeclaration> = {}): RouteDeclaration {
  const ref = {};
  return {
    method: 'GET',
    path: `/${label}`,
    label,
    controllerName: 'TestController',
    controllerRef: ref,
    handlerRef: {},
    cors,
    stacked: { controller: false, handler: false },
    passesOn: false,
    ...extra,
  };
}

describe('PolicyResolver', () => {
  const resolver = new PolicyResolver(GLOBAL);
  const options = (meta: RouteDeclaration['cors']) => resolver.resolve(meta, 'route')?.compiled?.options;

  it('no @Cors: the global policy itself (compiled once)', () => {
    expect(resolver.resolve({}, 'a')).toBe(resolver.global);
    expect(resolver.global.compiled?.options).toEqual({ origin: [APP], credentials: true });
  });

  it('controller then handler fields override the global ones, field by field', () => {
    expect(options({ controller: { options: { exposedHeaders: ['X-A'] } }, handler: { options: { maxAge: 60 } } })).toEqual({
      origin: [APP],
      credentials: true,
      exposedHeaders: ['X-A'],
      maxAge: 60,
    });
  });

  it("a named policy replaces the base and inherits nothing; on a handler it also drops the controller's fields", () => {
    expect(options({ controller: { policy: 'public' } })).toEqual({ origin: '*' });
    expect(options({ controller: { options: { exposedHeaders: ['X-A'] } }, handler: { policy: 'partner', options: { maxAge: 5 } } })).toEqual({
      origin: [PARTNER],
      maxAge: 5,
    });
  });

  it('@Cors(false) disables; a handler @Cors under a disabled controller enables it again on the base', () => {
    expect(options({ controller: false })).toEqual({ origin: false });
    expect(options({ controller: false, handler: { options: {} } })).toEqual({ origin: [APP], credentials: true });
    expect(options({ handler: false })).toEqual({ origin: false });
  });

  it('equal effective policies share one compiled policy', () => {
    const a = resolver.resolve({ controller: { options: { maxAge: 9 } } }, 'a');
    const b = resolver.resolve({ handler: { options: { maxAge: 9 } } }, 'b');
    expect(a?.compiled).toBeDefined();
    expect(a?.compiled).toBe(b?.compiled);
  });
});

describe('PolicyResolver: where a policy comes from', () => {
  const resolver = new PolicyResolver(GLOBAL);
  const source = (meta: RouteDeclaration['cors']) => resolver.resolveWithSource(meta, 'route').source;

  it('no @Cors: the global policy, nothing else', () => {
    expect(source({})).toEqual({ fields: [], reenabled: false });
  });

  it('the levels whose fields apply, with the field names, in order', () => {
    expect(source({ controller: { options: { exposedHeaders: ['X-A'], maxAge: undefined } }, handler: { options: { maxAge: 60 } } })).toEqual({
      named: undefined,
      fields: [
        { level: 'controller', names: ['exposedHeaders'] },
        { level: 'handler', names: ['maxAge'] },
      ],
      reenabled: false,
    });
  });

  it("a named policy, and the level naming it; a handler's name drops the controller's fields", () => {
    expect(source({ controller: { policy: 'public', options: { maxAge: 5 } } })).toMatchObject({
      named: { name: 'public', level: 'controller' },
      fields: [{ level: 'controller', names: ['maxAge'] }],
    });
    expect(source({ controller: { options: { exposedHeaders: ['X-A'] } }, handler: { policy: 'partner' } })).toMatchObject({
      named: { name: 'partner', level: 'handler' },
      fields: [{ level: 'handler', names: [] }],
    });
  });

  it('@Cors(false) and the level that says it; a handler enabling CORS again under it', () => {
    expect(source({ controller: { options: { maxAge: 5 } }, handler: false })).toEqual({ disabledBy: 'handler', fields: [], reenabled: false });
    expect(source({ controller: false, handler: { options: {} } })).toEqual({ named: undefined, fields: [{ level: 'handler', names: [] }], reenabled: true });
  });

  it('an unknown policy name: no policy, and the name it asked for', () => {
    expect(resolver.resolveWithSource({ handler: { policy: 'ghost' } }, 'route')).toEqual({
      policy: undefined,
      source: { named: { name: 'ghost', level: 'handler' }, fields: [], reenabled: false },
    });
  });
});

describe('resolveRoutes', () => {
  it('gives every valid route its entry, in order, and the global policy to unknown paths', () => {
    const resolved = resolveRoutes([declaration('a'), declaration('b', { handler: { policy: 'public' } })], GLOBAL);
    expect(resolved.problems).toEqual([]);
    expect(resolved.routes.map((r) => [r.path, r.value.label, r.value.policy.options.origin])).toEqual([
      ['/a', 'a', [APP]],
      ['/b', 'b', '*'],
    ]);
    expect(resolved.fallback.policy.options.origin).toEqual([APP]);
    // The same routes, with their declarations and policy sources, for the inspector.
    expect(resolved.resolved.map((r) => [r.route, r.declaration.label, r.source.named?.name])).toEqual([
      [resolved.routes[0], 'a', undefined],
      [resolved.routes[1], 'b', 'public'],
    ]);
  });

  it('collects every problem, one per cause with all its routes, and leaves those routes out', () => {
    const resolved = resolveRoutes(
      [
        declaration('star1', { handler: { options: { origin: '*' } } }),
        declaration('star2', { handler: { options: { origin: '*' } } }),
        declaration('ghost', { handler: { policy: 'ghost' } }),
        declaration('fine'),
      ],
      GLOBAL,
    );
    expect(resolved.problems.map((p) => [p.code, p.source])).toEqual([
      ['wildcard-with-credentials', 'star1; star2'],
      ['unknown-policy', 'ghost'],
    ]);
    expect(resolved.routes.map((r) => r.value.label)).toEqual(['fine']);
  });

  it('reports stacked decorators once per controller and per handler', () => {
    const controllerRef = {};
    const stacked = { controller: true, handler: false };
    const resolved = resolveRoutes([declaration('x', {}, { controllerRef, stacked }), declaration('y', {}, { controllerRef, stacked })], GLOBAL);
    expect(resolved.problems.map((p) => [p.code, p.source, p.field])).toEqual([['stacked-decorators', 'TestController', '@Cors on the controller']]);
  });

  it('problems of the global and named policies come first, under their own names', () => {
    const resolved = resolveRoutes([declaration('a')], { origin: 'https://app.example.com/', policies: { bad: { origin: [] } } });
    expect(resolved.problems.map((p) => [p.code, p.source])).toEqual([
      ['invalid-origin', 'global policy (CorsModule.forRoot)'],
      ['empty-origin-list', 'policy "bad"'],
    ]);
  });
});
