import { describe, expect, it } from '@jest/globals';
import { expressTable } from './support.js';

describe('Express serves the first registered route that matches', () => {
  const neverReached = (built: ReturnType<typeof expressTable>) => built.neverReached.map(({ route, servedBy }) => [route.value.label, servedBy.value.label]);

  it('a static route declared after a parameter route on the same level is never reached', () => {
    const built = expressTable([
      ['GET', '/accounts/:id', 'findOne'],
      ['GET', '/accounts/me', 'me'],
    ]);
    expect(built.served('GET', '/accounts/me')).toBe('findOne');
    expect(built.served('GET', '/accounts/ME/')).toBe('findOne');
    expect(neverReached(built)).toEqual([['me', 'findOne']]);
  });

  it('declared the other way round, each serves its own paths', () => {
    const built = expressTable([
      ['GET', '/accounts/me', 'me'],
      ['GET', '/accounts/:id', 'findOne'],
    ]);
    expect(built.served('GET', '/accounts/me')).toBe('me');
    expect(built.served('GET', '/accounts/7')).toBe('findOne');
    expect(neverReached(built)).toEqual([]);
  });

  it('other methods and routes that pass requests on (host, header versions) do not win', () => {
    const built = expressTable([
      ['POST', '/a/:id', 'post'],
      ['GET', '/a/:id', 'versioned', true],
      ['GET', '/b/:id', 'other'],
      ['GET', '/a/me', 'me'],
    ]);
    expect(built.served('GET', '/a/me')).toBe('me');
    expect(built.served('GET', '/a/1')).toBe('versioned');
    expect(built.served('POST', '/a/me')).toBe('post');
    expect(neverReached(built)).toEqual([]);
  });

  it('an earlier wildcard or ALL route serves what it covers, for every method Node parses', () => {
    const { served } = expressTable([
      ['ALL', '/files/*path', 'all'],
      ['GET', '/files/special', 'special'],
    ]);
    expect(served('GET', '/files/special')).toBe('all');
    expect(served('REPORT', '/files/x')).toBe('all');
    expect(served('TRACE', '/files/x')).toBeUndefined();
  });

  it('partial overlap: a parameter route before a wildcard route keeps one segment, the wildcard the rest', () => {
    const built = expressTable([
      ['GET', '/v/:id', 'one'],
      ['GET', '/v/*rest', 'rest'],
    ]);
    expect(built.served('GET', '/v/a')).toBe('one');
    expect(built.served('GET', '/v/a/b')).toBe('rest');
    expect(neverReached(built)).toEqual([]);
  });

  it('partial overlap: an optional group declared after the required form serves the shorter path', () => {
    const { served } = expressTable([
      ['GET', '/g/:x', 'required'],
      ['GET', '/g{/:x}', 'optional'],
    ]);
    expect(served('GET', '/g/1')).toBe('required');
    expect(served('GET', '/g')).toBe('optional');
  });

  it('partial overlap across levels: /:a/b before /a/:x', () => {
    const { served } = expressTable([
      ['GET', '/:a/b', 'first'],
      ['GET', '/a/:x', 'second'],
    ]);
    expect(served('GET', '/a/b')).toBe('first');
    expect(served('GET', '/a/c')).toBe('second');
    expect(served('GET', '/z/b')).toBe('first');
  });

  it("a static route declared before a parameter route does not take the parameter route's other paths", () => {
    const { served } = expressTable([
      ['GET', '/k/x', 'x'],
      ['GET', '/k/:name', 'name'],
    ]);
    expect(served('GET', '/k/x')).toBe('x');
    expect(served('GET', '/k/y')).toBe('name');
  });

  it('the earliest matching route wins', () => {
    const built = expressTable([
      ['GET', '/:a/:b', 'first'],
      ['GET', '/x/:b', 'second'],
      ['GET', '/x/y', 'third'],
    ]);
    expect(built.served('GET', '/x/y')).toBe('first');
    expect(built.served('GET', '/x/z')).toBe('first');
    expect(neverReached(built)).toEqual([['third', 'first']]);
  });

  it('HEAD: a GET route declared before a HEAD route on the same path answers HEAD', () => {
    const first = expressTable([
      ['GET', '/h', 'get'],
      ['HEAD', '/h', 'head'],
    ]);
    expect(first.served('HEAD', '/h')).toBe('get');
    const second = expressTable([
      ['HEAD', '/h', 'head'],
      ['GET', '/h', 'get'],
    ]);
    expect(second.served('HEAD', '/h')).toBe('head');
    expect(second.served('GET', '/h')).toBe('get');
    const partial = expressTable([
      ['GET', '/p/:id', 'get'],
      ['HEAD', '/p/me', 'head'],
    ]);
    expect(partial.served('HEAD', '/p/me')).toBe('get');
    expect(partial.served('HEAD', '/p/1')).toBe('get');
  });

  it('non-strict routing: a route declared with a trailing slash is the same path as without', () => {
    const { served } = expressTable([
      ['GET', '/a/', 'slash'],
      ['GET', '/a', 'plain'],
    ]);
    expect(served('GET', '/a/')).toBe('slash');
    expect(served('GET', '/a')).toBe('slash');
  });
});
