import { describe, expect, it } from '@jest/globals';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { expressPathOf } from '../../../lib/platforms/express/express-platform.js';
import { compileExpressPath } from '../../../lib/platforms/express/express-path.js';
import { PARAMETER } from '../../../lib/routing/first-match-table.js';

const matching = { caseSensitive: false, ignoreTrailingSlash: true };
const variants = (path: string) => compileExpressPath(path, matching).variants.map(({ segments, complete }) => ({ segments, complete }));

describe('compileExpressPath (Express 5 paths for the first-match index)', () => {
  it.each([
    ['/', [{ segments: [], complete: true }]],
    ['/users/:id', [{ segments: ['users', PARAMETER], complete: true }]],
    ['/users/:id/posts/:postId', [{ segments: ['users', PARAMETER, 'posts', PARAMETER], complete: true }]],
    ['/a/:"quoted name"/b', [{ segments: ['a', PARAMETER, 'b'], complete: true }]],
    ['/time\\:now', [{ segments: ['time:now'], complete: true }]],
    ['/files/*path', [{ segments: ['files'], complete: false }]],
    ['/file.:ext', [{ segments: [], complete: false }]],
    [
      '/users{/:id}',
      [
        { segments: ['users'], complete: true },
        { segments: ['users', PARAMETER], complete: true },
      ],
    ],
    [
      '/{*splat}',
      [
        { segments: [], complete: true },
        { segments: [], complete: false },
      ],
    ],
  ])('%s', (path, expected) => {
    expect(variants(path)).toEqual(expected);
  });

  it('drops the trailing slashes of a route under non-strict routing, as Express does', () => {
    expect(variants('/catchall/')).toEqual([{ segments: ['catchall'], complete: true }]);
    expect(compileExpressPath('/catchall/', { ...matching, ignoreTrailingSlash: false }).variants[0]?.complete).toBe(false);
  });

  it('leaves non-ASCII text to the matcher when matching ignores case', () => {
    expect(variants('/café')).toEqual([{ segments: [], complete: false }]);
    expect(compileExpressPath('/café', { ...matching, caseSensitive: true }).variants[0]?.complete).toBe(true);
  });

  it("uses Express's own matcher for what the index cannot judge", () => {
    const { matches } = compileExpressPath('/files/*path', matching);
    expect(matches('/files/a/b')).toBe(true);
    expect(matches('/files')).toBe(false);
    expect(matches('/FILES/x/')).toBe(true);
  });

  it('gives parameter-name-free keys: /a/:id and /a/:slug are one path pattern', () => {
    const key = (path: string) => compileExpressPath(path, matching).variants[0]?.key;
    expect(key('/a/:id')).toBe(key('/a/:slug'));
    expect(key('/a/:id')).not.toBe(key('/a/id'));
  });
});

describe('compileExpressPath: plain paths take a shortcut that gives what the parser gives', () => {
  it.each(['/users/:id', '/a/b/c', '/res0/items/:id/parts/:part', "/x-y_z.~$&',;=@%41"])('%s', (path) => {
    const plain = compileExpressPath(path, matching).variants;
    // Through the parser: the same path with an (empty) optional group at the end takes the general route.
    const parsed = compileExpressPath(`${path}{}`, matching).variants.filter((v) => v.complete);
    expect(plain).toEqual([parsed[0]]);
  });
});

describe('expressPathOf (the path Express routes on)', () => {
  const pathOf = (url: string) => expressPathOf(Object.assign(new IncomingMessage(new Socket()), { url }));

  it('the pathname of origin-form and absolute-form targets, as parseurl gives it to Express', () => {
    expect(pathOf('/a/b?x=1')).toBe('/a/b');
    expect(pathOf('http://127.0.0.1:3000/a?x')).toBe('/a');
    expect(pathOf('http://127.0.0.1:12a/x')).toBe('/:12a/x');
  });

  it('undefined, without throwing, for a target url.parse() cannot parse', () => {
    expect(pathOf('http://[::1/h/x')).toBeUndefined();
  });
});
