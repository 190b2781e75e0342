import { describe, expect, it } from '@jest/globals';
import { compilePolicy } from '../../lib/core/index.js';
import { expressMatcher, findRivals, isNeverReached, type OrderedRoute } from '../../lib/route-order.js';
import { toRadixPaths } from '../../lib/route-path.js';
import { RouteTable, type RouteEntry } from '../../lib/route-table.js';

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

  it('an explicit HEAD route declared first wins over the GET route on its path; other paths answer HEAD with GET', () => {
    const table = new RouteTable();
    table.add('HEAD', '/files/:p0', { policy: closed, label: 'head file' });
    table.add('GET', '/files/:p0', { policy: open, label: 'get file' });
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

describe('Express serves the first registered route that matches (findRivals + RouteTable)', () => {
  type Spec = [method: string, path: string, label: string, passesOn?: boolean];
  const policy = compilePolicy({ origin: '*' });
  const ordered = (specs: Spec[]): OrderedRoute<RouteEntry>[] =>
    specs.map(([method, path, label, passesOn = false]) => ({ method, path, radixPaths: toRadixPaths(path), passesOn, value: { policy, label } }));
  const tableOf = (specs: Spec[], options = { caseSensitive: false, strict: false }) => {
    const routes = ordered(specs);
    const rivals = findRivals(routes, options);
    const table = new RouteTable({ caseSensitive: options.caseSensitive, ignoreTrailingSlash: !options.strict });
    for (const route of routes) table.addRoute(route, rivals.get(route), expressMatcher(route.path, options));
    table.seal();
    return { table, routes, rivals, served: (method: string, path: string) => table.find(method, path)?.label };
  };

  it('a static route declared after a parameter route on the same level is never reached', () => {
    const { served, routes, rivals } = tableOf([['GET', '/accounts/:id', 'findOne'], ['GET', '/accounts/me', 'me']]);
    expect(served('GET', '/accounts/me')).toBe('findOne');
    expect(served('GET', '/accounts/ME/')).toBe('findOne');
    expect(isNeverReached(routes[1]!, rivals.get(routes[1]!))?.value.label).toBe('findOne');
  });

  it('declared the other way round, each serves its own paths', () => {
    const { served, routes, rivals } = tableOf([['GET', '/accounts/me', 'me'], ['GET', '/accounts/:id', 'findOne']]);
    expect(served('GET', '/accounts/me')).toBe('me');
    expect(served('GET', '/accounts/7')).toBe('findOne');
    expect(rivals.size).toBe(0);
    expect(isNeverReached(routes[1]!, rivals.get(routes[1]!))).toBeUndefined();
  });

  it('other methods and routes that pass requests on (host, header versions) do not win', () => {
    const { served, rivals } = tableOf([
      ['POST', '/a/:id', 'post'],
      ['GET', '/a/:id', 'versioned', true],
      ['GET', '/b/:id', 'other'],
      ['GET', '/a/me', 'me'],
    ]);
    expect(served('GET', '/a/me')).toBe('me');
    expect(served('POST', '/a/me')).toBe('post');
    expect(rivals.size).toBe(0);
  });

  it('an earlier wildcard or ALL route serves what it covers, for every method Node parses', () => {
    const { served } = tableOf([['ALL', '/files/*path', 'all'], ['GET', '/files/special', 'special']]);
    expect(served('GET', '/files/special')).toBe('all');
    expect(served('REPORT', '/files/x')).toBe('all');
    expect(served('TRACE', '/files/x')).toBeUndefined();
  });

  it('partial overlap: a parameter route before a wildcard route keeps one segment, the wildcard the rest', () => {
    const { served, routes, rivals } = tableOf([['GET', '/v/:id', 'one'], ['GET', '/v/*rest', 'rest']]);
    expect(served('GET', '/v/a')).toBe('one');
    expect(served('GET', '/v/a/b')).toBe('rest');
    expect(isNeverReached(routes[1]!, rivals.get(routes[1]!))).toBeUndefined();
  });

  it('partial overlap: an optional group declared after the required form serves the shorter path', () => {
    const { served } = tableOf([['GET', '/g/:x', 'required'], ['GET', '/g{/:x}', 'optional']]);
    expect(served('GET', '/g/1')).toBe('required');
    expect(served('GET', '/g')).toBe('optional');
  });

  it('partial overlap across levels: /:a/b before /a/:x', () => {
    const { served } = tableOf([['GET', '/:a/b', 'first'], ['GET', '/a/:x', 'second']]);
    expect(served('GET', '/a/b')).toBe('first');
    expect(served('GET', '/a/c')).toBe('second');
    expect(served('GET', '/z/b')).toBe('first');
  });

  it('a static route declared before a parameter route does not take the parameter route\'s other paths', () => {
    const { served } = tableOf([['GET', '/k/x', 'x'], ['GET', '/k/:name', 'name']]);
    expect(served('GET', '/k/x')).toBe('x');
    expect(served('GET', '/k/y')).toBe('name');
  });

  it('the earliest matching route wins', () => {
    const { served } = tableOf([['GET', '/:a/:b', 'first'], ['GET', '/x/:b', 'second'], ['GET', '/x/y', 'third']]);
    expect(served('GET', '/x/y')).toBe('first');
    expect(served('GET', '/x/z')).toBe('first');
  });

  it('HEAD: a GET route declared before a HEAD route on the same path answers HEAD', () => {
    const first = tableOf([['GET', '/h', 'get'], ['HEAD', '/h', 'head']]);
    expect(first.served('HEAD', '/h')).toBe('get');
    const second = tableOf([['HEAD', '/h', 'head'], ['GET', '/h', 'get']]);
    expect(second.served('HEAD', '/h')).toBe('head');
    expect(second.served('GET', '/h')).toBe('get');
    const partial = tableOf([['GET', '/p/:id', 'get'], ['HEAD', '/p/me', 'head']]);
    expect(partial.served('HEAD', '/p/me')).toBe('get');
    expect(partial.served('HEAD', '/p/1')).toBe('get');
  });

  it('the one optional trailing slash: an earlier route declared with it wins', () => {
    const { served } = tableOf([['GET', '/a/', 'slash'], ['GET', '/a', 'plain']]);
    expect(served('GET', '/a/')).toBe('slash');
    expect(served('GET', '/a')).toBe('plain');
  });
});
