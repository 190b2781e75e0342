import { describe, expect, it } from '@jest/globals';
import { VERSION_NEUTRAL, VersioningType } from '@nestjs/common';
import { expressTable, requestWith } from './support.js';

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

  it('a route bound to a host serves only requests for that host; the others go on to later routes', () => {
    const admin = { hosts: ['admin.example.com'] };
    const built = expressTable([
      ['POST', '/a/:id', 'post'],
      ['GET', '/a/:id', 'admin', admin],
      ['GET', '/b/:id', 'other'],
      ['GET', '/a/me', 'me'],
    ]);
    const host = (name: string, preflight = false) => requestWith({ host: `${name}:3000` }, preflight);
    expect(built.served('GET', '/a/me', host('admin.example.com'))).toBe('admin');
    expect(built.served('GET', '/a/me', host('ADMIN.example.com'))).toBe('admin');
    expect(built.served('GET', '/a/me', host('www.example.com'))).toBe('me');
    expect(built.served('GET', '/a/1', host('www.example.com'))).toBeUndefined();
    expect(built.served('POST', '/a/me', host('admin.example.com'))).toBe('post');
    // A preflight carries the Host of the request it announces.
    expect(built.table.lookupPreflight('GET', '/a/me', host('admin.example.com', true)).entry?.label).toBe('admin');
    expect(built.table.lookupPreflight('GET', '/a/1', host('www.example.com', true)).entry).toBeUndefined();
    expect([...(built.table.lookupPreflight('GET', '/a/1', host('www.example.com', true)).served?.names ?? [])]).toEqual(['POST']);
    expect(neverReached(built)).toEqual([]);
  });

  it('header versions: a version-neutral route serves every request; a preflight, without the version, may be for any', () => {
    const versioning = { type: VersioningType.HEADER, header: 'X-API-Version' };
    const built = expressTable([
      ['GET', '/acct/:id', 'v1', { version: '1', versioning }],
      ['GET', '/acct/me', 'neutral', { version: VERSION_NEUTRAL, versioning }],
      ['GET', '/acct/x', 'v2 or none', { version: ['2', VERSION_NEUTRAL], versioning }],
    ]);
    expect(built.served('GET', '/acct/me', requestWith({}))).toBe('neutral');
    expect(built.served('GET', '/acct/me', requestWith({ 'x-api-version': '1' }))).toBe('v1');
    expect(built.served('GET', '/acct/7', requestWith({ 'x-api-version': '2' }))).toBeUndefined();
    expect(built.served('GET', '/acct/x', requestWith({}))).toBe('v2 or none');
    expect(built.served('GET', '/acct/x', requestWith({ 'x-api-version': '2' }))).toBe('v2 or none');
    expect(built.served('GET', '/acct/x', requestWith({ 'x-api-version': '3' }))).toBeUndefined();
    expect(built.table.lookupPreflight('GET', '/acct/me', requestWith({}, true)).entry?.label).toBe('v1');
  });

  it('media-type versions read the Accept header; a default version is a version like any other', () => {
    const versioning = { type: VersioningType.MEDIA_TYPE, key: 'v=' };
    const built = expressTable([
      ['GET', '/m/:id', 'v2', { version: '2', versioning }],
      ['GET', '/m/x', 'v1 (default)', { version: '1', versioning }],
    ]);
    expect(built.served('GET', '/m/x', requestWith({ accept: 'application/json;v=1' }))).toBe('v1 (default)');
    expect(built.served('GET', '/m/x', requestWith({ accept: 'text/html, application/json; v="2"' }))).toBe('v2');
    expect(built.served('GET', '/m/x', requestWith({ accept: 'application/json' }))).toBeUndefined();
  });

  it('custom versions ask the extractor; one that throws serves nothing', () => {
    const extractor = (req: { headers: Record<string, string> }) => {
      if (req.headers['x-fail']) throw new Error('boom');
      return (req.headers['x-v'] ?? '').split(',');
    };
    const built = expressTable([['GET', '/c', 'v3', { version: '3', versioning: { type: VersioningType.CUSTOM, extractor } }]]);
    expect(built.served('GET', '/c', requestWith({ 'x-v': '1,3' }))).toBe('v3');
    expect(built.served('GET', '/c', requestWith({ 'x-v': '1' }))).toBeUndefined();
    expect(built.served('GET', '/c', requestWith({ 'x-v': '3', 'x-fail': '1' }))).toBeUndefined();
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
