import { describe, expect, it } from '@jest/globals';
import { closed, expressTable, open, orderedRoutes } from './support.js';

describe('first-match table: lookups', () => {
  it('finds the route serving a method and path, ignoring case and one extra trailing slash', () => {
    const { served } = expressTable([['GET', '/users/:id', 'users']]);
    expect(served('GET', '/users/1')).toBe('users');
    expect(served('GET', '/USERS/1')).toBe('users');
    expect(served('GET', '/users/1/')).toBe('users');
    expect(served('HEAD', '/users/1')).toBe('users');
    expect(served('POST', '/users/1')).toBeUndefined();
    expect(served('GET', '/users')).toBeUndefined();
  });

  it('strips one trailing slash, and no more', () => {
    const { served } = expressTable([
      ['GET', '/users/:id', 'users'],
      ['GET', '/', 'root'],
    ]);
    expect(served('GET', '/users/1/')).toBe('users');
    expect(served('GET', '/users/1//')).toBeUndefined();
    expect(served('GET', '/')).toBe('root');
  });

  it('with strict routing a trailing slash is another path, and a route declared with one requires it', () => {
    const { served } = expressTable(
      [
        ['GET', '/users/:id', 'users'],
        ['GET', '/catchall/', 'catchall'],
      ],
      { ignoreTrailingSlash: false },
    );
    expect(served('GET', '/users/1')).toBe('users');
    expect(served('GET', '/users/1/')).toBeUndefined();
    expect(served('GET', '/catchall/')).toBe('catchall');
    expect(served('GET', '/catchall')).toBeUndefined();
  });

  it('with case-sensitive routing, case matters', () => {
    const { served } = expressTable([['GET', '/Users/:id', 'users']], { caseSensitive: true });
    expect(served('GET', '/Users/1')).toBe('users');
    expect(served('GET', '/users/1')).toBeUndefined();
  });

  it('an explicit HEAD route declared first wins over the GET route on its path; other paths answer HEAD with GET', () => {
    const { served, methods } = expressTable([
      ['HEAD', '/files/:id', 'head file'],
      ['GET', '/files/:id', 'get file'],
      ['GET', '/docs/:id', 'get doc'],
    ]);
    expect(served('HEAD', '/files/a')).toBe('head file');
    expect(served('HEAD', '/docs/a/')).toBe('get doc');
    expect(served('HEAD', '/nothing')).toBeUndefined();
    expect(methods('/docs/a')).toEqual(['GET', 'HEAD']);
  });

  it('matches long parameters (no length limit that would fall back to the global policy)', () => {
    const { served } = expressTable([['GET', '/users/:id', 'users']]);
    expect(served('GET', `/users/${'a'.repeat(5000)}`)).toBe('users');
  });

  it('wildcards, optional groups and mixed segments are matched as Express matches them', () => {
    const { served } = expressTable([
      ['GET', '/files/*path', 'files'],
      ['GET', '/g{/:x}', 'optional'],
      ['GET', '/img/:name.png', 'png'],
    ]);
    expect(served('GET', '/files/a/b/c')).toBe('files');
    expect(served('GET', '/files')).toBeUndefined();
    expect(served('GET', '/g')).toBe('optional');
    expect(served('GET', '/g/1')).toBe('optional');
    expect(served('GET', '/img/cat.png')).toBe('png');
    expect(served('GET', '/img/cat.gif')).toBeUndefined();
  });
});

describe('first-match table: the methods a path serves', () => {
  it('lists the methods served on the path, HEAD with GET', () => {
    const { methods, table } = expressTable([
      ['GET', '/items/:id', 'get'],
      ['PUT', '/items/:id', 'put'],
    ]);
    expect(methods('/items/3')).toEqual(['GET', 'HEAD', 'PUT']);
    expect(table.lookupPreflight('GET', '/nothing')).toEqual({});
  });

  it('counts only the routes that serve the requested path itself (PUT /a/:p beside GET /a/x)', () => {
    const { methods, table } = expressTable([
      ['PUT', '/a/:p', 'put'],
      ['GET', '/a/x', 'get'],
    ]);
    expect(methods('/a/123')).toEqual(['PUT']);
    expect(methods('/a/x')).toEqual(['GET', 'HEAD', 'PUT']);
    expect(table.lookupPreflight('PUT', '/a/123').served?.header).toBe('PUT');
    expect(table.lookupPreflight('PUT', '/a/x').entry?.label).toBe('put');
  });

  it('a known path with no route for the requested method has no entry, but its methods', () => {
    const { table } = expressTable([['GET', '/a', 'get']]);
    const found = table.lookupPreflight('DELETE', '/a');
    expect(found.entry).toBeUndefined();
    expect([...(found.served?.names ?? [])].sort()).toEqual(['GET', 'HEAD']);
  });
});

describe('first-match table: routes on the same path', () => {
  it('reports a second handler on the same method and path pattern, parameter names aside', () => {
    const routes = [...orderedRoutes([['GET', '/x/:id', 'a']], open), ...orderedRoutes([['GET', '/x/:slug', 'b']], closed)];
    const { samePaths, served } = expressTable(routes);
    expect(samePaths.map(({ route, earlier }) => [route.value.label, earlier.value.label])).toEqual([['b', 'a']]);
    expect(served('GET', '/x/1')).toBe('a');
  });

  it('an ALL route and a GET route on one path share it; a POST and a GET route do not', () => {
    expect(
      expressTable([
        ['ALL', '/x', 'all'],
        ['GET', '/x', 'get'],
      ]).samePaths,
    ).toHaveLength(1);
    expect(
      expressTable([
        ['POST', '/x', 'post'],
        ['GET', '/x', 'get'],
      ]).samePaths,
    ).toHaveLength(0);
  });
});
