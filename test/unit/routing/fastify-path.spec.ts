// Fastify's route paths and request targets as the most-specific table reads them: each case is
// also put to find-my-way itself (Fastify 5's router), so an expectation cannot drift from it.
import { describe, expect, it } from '@jest/globals';
import FindMyWay from 'find-my-way';
import { compileFastifyPath, decodeFastifyParam, normalizeFastifyTarget, type FastifyMatching } from '../../../lib/platforms/fastify/fastify-path.js';
import { WILDCARD } from '../../../lib/routing/most-specific-table.js';

const STRICT: FastifyMatching = {
  caseSensitive: true,
  ignoreTrailingSlash: false,
  ignoreDuplicateSlashes: false,
  useSemicolonDelimiter: false,
  maxParamLength: 100,
};
const LOOSE: FastifyMatching = {
  caseSensitive: false,
  ignoreTrailingSlash: true,
  ignoreDuplicateSlashes: true,
  useSemicolonDelimiter: true,
  maxParamLength: 100,
};

/** The one segment of a one-segment path's one form, as a parameter with a regex. */
function onlyRegex(path: string): RegExp {
  const forms = compileFastifyPath(path, STRICT);
  expect(forms).toHaveLength(1);
  const segment = forms![0]![0] as { regex: RegExp | null };
  expect(segment.regex).toBeInstanceOf(RegExp);
  return segment.regex!;
}

/** What find-my-way finds for a target with one route registered: its params, or undefined. */
function fmw(path: string, target: string, matching: FastifyMatching = STRICT): Record<string, string | undefined> | undefined {
  const router = FindMyWay({ ...matching });
  router.on('GET', path, () => undefined);
  return router.find('GET', target)?.params as Record<string, string | undefined> | undefined;
}

describe('compileFastifyPath', () => {
  it('reads literal, parameter and wildcard segments', () => {
    expect(compileFastifyPath('/a/:id/*', STRICT)).toEqual([
      ['a', { kind: 'param', regex: null, paramCount: 1, staticLength: 0, staticSuffix: null }, WILDCARD],
    ]);
  });

  it('gives both forms of a trailing optional parameter, and refuses one that is not last (as find-my-way does)', () => {
    expect(compileFastifyPath('/a/:id?', STRICT)).toHaveLength(2);
    expect(fmw('/a/:id?', '/a')).toBeDefined();
    expect(compileFastifyPath('/a/:id?/b', STRICT)).toBeUndefined();
    expect(() => fmw('/a/:id?/b', '/a/b')).toThrow();
  });

  it('does not represent an optional parameter whose full form it cannot represent', () => {
    expect(compileFastifyPath('/f/file-:name?', STRICT)).toBeUndefined();
  });

  it('does not represent a path without a leading slash', () => {
    expect(compileFastifyPath('a/b', STRICT)).toBeUndefined();
  });

  it('does not represent a wildcard that is not a whole last segment, or one after a parameter', () => {
    for (const path of ['/files*', '/a/*/b', '/:name*', '/:a-x*']) expect(compileFastifyPath(path, STRICT)).toBeUndefined();
  });

  it('reads `::` as a colon, in literal text and after a parameter', () => {
    expect(compileFastifyPath('/a::b', STRICT)).toEqual([['a:b']]);
    expect(fmw('/a::b', '/a:b')).toEqual({});
    expect(onlyRegex('/:id-x::y').test('7-x:y')).toBe(true);
    expect(fmw('/:id-x::y', '/7-x:y')).toEqual({ id: '7' });
  });

  it('reads a regex with nested and escaped parentheses, and drops its own anchors', () => {
    expect(onlyRegex('/:id(\\d+(?:\\(x\\))?)').test('12(x)')).toBe(true);
    expect(fmw('/:id(\\d+(?:\\(x\\))?)', '/12(x)')).toEqual({ id: '12(x)' });
    const anchored = onlyRegex('/:id(^\\d+$)');
    expect(anchored.test('12')).toBe(true);
    expect(anchored.test('12x')).toBe(false);
    expect(fmw('/:id(^\\d+$)', '/12x')).toBeUndefined();
  });

  it('refuses an unclosed regex as find-my-way does', () => {
    expect(() => compileFastifyPath('/:id(\\d+', STRICT)).toThrow(/Invalid regexp expression/);
    expect(() => fmw('/:id(\\d+', '/1')).toThrow();
  });

  it('applies the duplicate-slash, trailing-slash and case settings to route paths', () => {
    expect(compileFastifyPath('/A//b/', LOOSE)).toEqual([['a', 'b']]);
    expect(compileFastifyPath('/A//b/', STRICT)).toEqual([['A', '', 'b', '']]);
  });
});

describe('normalizeFastifyTarget', () => {
  it('cuts the query string and fragment, and the semicolon part when asked', () => {
    expect(normalizeFastifyTarget('/a?x=1', STRICT)?.path).toBe('/a');
    expect(normalizeFastifyTarget('/a#f', STRICT)?.path).toBe('/a');
    expect(normalizeFastifyTarget('/a;x=1', STRICT)?.path).toBe('/a;x=1');
    expect(normalizeFastifyTarget('/a;x=1', LOOSE)?.path).toBe('/a');
    expect(fmw('/a', '/a;x=1', LOOSE)).toEqual({});
  });

  it('reads absolute-form targets, and refuses the ones find-my-way cannot parse', () => {
    expect(normalizeFastifyTarget('http://example.com/a/b?q', STRICT)?.path).toBe('/a/b');
    expect(normalizeFastifyTarget('HTTPS://example.com', STRICT)?.path).toBe('/');
    expect(normalizeFastifyTarget('http://[bad/a', STRICT)).toBeUndefined();
  });

  it('decodes the path, keeps reserved escapes for parameters, and refuses malformed escapes', () => {
    expect(normalizeFastifyTarget('/caf%C3%A9', STRICT)).toEqual({ path: '/café', original: '/café', decodeParams: false });
    expect(normalizeFastifyTarget('/a%2Fb', STRICT)).toEqual({ path: '/a%2Fb', original: '/a%2Fb', decodeParams: true });
    expect(fmw('/:p', '/a%2Fb')).toEqual({ p: 'a/b' });
    expect(normalizeFastifyTarget('/100%25', STRICT)?.path).toBe('/100%25');
    expect(fmw('/:p', '/100%25')).toEqual({ p: '100%' });
    expect(normalizeFastifyTarget('/bad%E0%A4%A', STRICT)).toBeUndefined();
  });

  it('applies the duplicate-slash, trailing-slash and case settings', () => {
    expect(normalizeFastifyTarget('/A//B/', LOOSE)).toEqual({ path: '/a/b', original: '/A/B', decodeParams: false });
    expect(normalizeFastifyTarget('/A//B/', STRICT)?.path).toBe('/A//B/');
  });
});

describe('decodeFastifyParam', () => {
  it("decodes the reserved escapes decodeURI() left, as find-my-way's safeDecodeURIComponent", () => {
    expect(decodeFastifyParam('plain')).toBe('plain');
    expect(decodeFastifyParam('a%2Fb%3Fc')).toBe('a/b?c');
    // An escape find-my-way does not know becomes the text 'null' there too.
    expect(decodeFastifyParam('x%41')).toBe('xnull');
  });
});
