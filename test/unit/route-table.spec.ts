import { describe, expect, it } from '@jest/globals';
import { compilePolicy } from '../../lib/core/index.js';
import { findShadowedRoutes, type OrderedRoute } from '../../lib/route-order.js';
import { toRadixPaths } from '../../lib/route-path.js';
import { RouteTable } from '../../lib/route-table.js';

describe('toRadixPaths (Express 5 paths to find-my-way paths)', () => {
  it.each([
    ['/users/:id', ['/users/:p0']],
    ['/users/:id/posts/:postId', ['/users/:p0/posts/:p1']],
    ['/files/*path', ['/files/*']],
    ['/{*splat}', ['/*', '/']],
    ['/users{/:id}', ['/users/:p0', '/users']],
    ['/a/:"quoted name"/b', ['/a/:p0/b']],
    ['/time\\:now', ['/time::now']],
    ['/', ['/']],
  ])('%s -> %j', (path, expected) => {
    expect(toRadixPaths(path)).toEqual(expected);
  });
});

const open = compilePolicy({ origin: '*' });
const closed = compilePolicy({ origin: false });

describe('RouteTable', () => {
  it('finds the route serving a method and path, with query strings and one extra trailing slash', () => {
    const table = new RouteTable();
    table.add('GET', '/users/:p0', { policy: open, label: 'users' });
    table.seal();
    expect(table.find('GET', '/users/1')?.label).toBe('users');
    expect(table.find('GET', '/USERS/1?x=1')?.label).toBe('users');
    expect(table.find('GET', '/users/1/')?.label).toBe('users');
    expect(table.find('HEAD', '/users/1')?.label).toBe('users');
    expect(table.find('POST', '/users/1')).toBeUndefined();
    expect(table.find('GET', '/users')).toBeUndefined();
  });

  it('does not drop a slash the route requires', () => {
    const table = new RouteTable();
    table.add('GET', '/catchall/', { policy: open, label: 'catchall' });
    table.seal();
    expect(table.find('GET', '/catchall/')?.label).toBe('catchall');
    expect(table.find('GET', '/catchall')).toBeUndefined();
  });

  it('strips the one trailing slash before the query string, and no more', () => {
    const table = new RouteTable();
    table.add('GET', '/users/:p0', { policy: open, label: 'users' });
    table.add('GET', '/', { policy: closed, label: 'root' });
    table.seal();
    expect(table.find('GET', '/users/1/?x=1')?.label).toBe('users');
    expect(table.find('GET', '/users/1//')).toBeUndefined();
    expect(table.find('GET', '/')?.label).toBe('root');
    expect(table.find('GET', '/?q=/')?.label).toBe('root');
  });

  it('with strict routing (ignoreTrailingSlash false) a trailing slash is another path', () => {
    const table = new RouteTable({ ignoreTrailingSlash: false });
    table.add('GET', '/users/:p0', { policy: open, label: 'users' });
    table.seal();
    expect(table.find('GET', '/users/1')?.label).toBe('users');
    expect(table.find('GET', '/users/1/')).toBeUndefined();
  });

  it('an explicit HEAD route wins over the GET route on its path; other paths answer HEAD with GET', () => {
    const table = new RouteTable();
    table.add('GET', '/files/:p0', { policy: open, label: 'get file' });
    table.add('HEAD', '/files/:p0', { policy: closed, label: 'head file' });
    table.add('GET', '/docs/:p0', { policy: open, label: 'get doc' });
    table.seal();
    expect(table.find('HEAD', '/files/a')?.label).toBe('head file');
    expect(table.find('HEAD', '/docs/a/')?.label).toBe('get doc');
    expect(table.find('HEAD', '/nothing')).toBeUndefined();
    expect([...(table.servedMethods('/docs/a')?.names ?? [])].sort()).toEqual(['GET', 'HEAD']);
  });

  it('matches long parameters (no length limit that would fall back to the global policy)', () => {
    const table = new RouteTable();
    table.add('GET', '/users/:p0', { policy: closed, label: 'users' });
    table.seal();
    expect(table.find('GET', `/users/${'a'.repeat(5000)}`)?.label).toBe('users');
  });

  it('lists the methods a path serves, HEAD with GET', () => {
    const table = new RouteTable();
    table.add('GET', '/items/:p0', { policy: open, label: 'get' });
    table.add('PUT', '/items/:p0', { policy: open, label: 'put' });
    table.seal();
    expect([...(table.servedMethods('/items/3')?.names ?? [])].sort()).toEqual(['GET', 'HEAD', 'PUT']);
    expect(table.servedMethods('/nothing')).toBeUndefined();
  });

  it('reports a second handler on the same method and path', () => {
    const table = new RouteTable();
    expect(table.add('GET', '/x', { policy: open, label: 'a' })).toBeUndefined();
    expect(table.add('GET', '/x', { policy: closed, label: 'b' })?.label).toBe('a');
  });
});

describe('findShadowedRoutes (Express serves the first matching route)', () => {
  const route = (method: string, path: string, value: string, passesOn = false): OrderedRoute<string> => ({
    method,
    path,
    radixPaths: toRadixPaths(path),
    passesOn,
    value,
  });
  const options = { caseSensitive: false, strict: false };

  it('a static route declared after a parameter route on the same level is served by the parameter route', () => {
    const routes = [route('GET', '/accounts/:id', 'findOne'), route('GET', '/accounts/me', 'me')];
    expect(findShadowedRoutes(routes, options).get(routes[1]!)?.value).toBe('findOne');
  });

  it('declared the other way round, nothing is shadowed', () => {
    const routes = [route('GET', '/accounts/me', 'me'), route('GET', '/accounts/:id', 'findOne')];
    expect(findShadowedRoutes(routes, options).size).toBe(0);
  });

  it('other methods, routes that pass requests on (host, header versions) and non-matching paths do not shadow', () => {
    const routes = [
      route('POST', '/a/:id', 'post'),
      route('GET', '/a/:id', 'versioned', true),
      route('GET', '/b/:id', 'other'),
      route('GET', '/a/me', 'me'),
    ];
    expect(findShadowedRoutes(routes, options).size).toBe(0);
  });

  it('an earlier wildcard or ALL route shadows what it covers', () => {
    const routes = [route('ALL', '/files/*path', 'all'), route('GET', '/files/special', 'special')];
    expect(findShadowedRoutes(routes, options).get(routes[1]!)?.value).toBe('all');
  });

  it('the earliest matching route wins', () => {
    const routes = [route('GET', '/:a/:b', 'first'), route('GET', '/x/:b', 'second'), route('GET', '/x/y', 'third')];
    const shadowed = findShadowedRoutes(routes, options);
    expect(shadowed.get(routes[1]!)?.value).toBe('first');
    expect(shadowed.get(routes[2]!)?.value).toBe('first');
  });
});
