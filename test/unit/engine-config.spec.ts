// Configuration helpers: mergePolicies (field-by-field resolution) and parseOrigins (env text).
import { describe, expect, it } from '@jest/globals';
import { CorsConfigError, mergePolicies, parseOrigins, type CorsPolicyOptions } from '../../lib/core/index.js';
import { configError } from './engine-helpers.js';

describe('mergePolicies', () => {
  const base: CorsPolicyOptions = {
    origin: ['https://app.example.com'],
    credentials: true,
    exposedHeaders: ['X-A', 'X-B'],
    maxAge: 600,
  };

  it('the later policy wins field by field', () => {
    const merged = mergePolicies(base, { credentials: false, maxAge: 60 });
    expect(merged).toEqual({ origin: ['https://app.example.com'], credentials: false, exposedHeaders: ['X-A', 'X-B'], maxAge: 60 });
  });

  it('a field set to undefined does not override', () => {
    const merged = mergePolicies(base, { credentials: undefined, origin: undefined, maxAge: undefined });
    expect(merged).toEqual(base);
  });

  it('false, 0 and empty values do override', () => {
    const merged = mergePolicies(base, { credentials: false, maxAge: 0, origin: false });
    expect(merged).toMatchObject({ credentials: false, maxAge: 0, origin: false });
  });

  it('arrays are replaced, not concatenated', () => {
    const merged = mergePolicies(base, { exposedHeaders: ['X-C'], origin: ['https://other.example.com'] });
    expect(merged.exposedHeaders).toEqual(['X-C']);
    expect(merged.origin).toEqual(['https://other.example.com']);
  });

  it('adds fields the base does not have', () => {
    expect(mergePolicies({ origin: '*' }, { allowedHeaders: ['x-a'] })).toEqual({ origin: '*', allowedHeaders: ['x-a'] });
  });

  it('an absent override returns the base', () => {
    expect(mergePolicies(base, undefined)).toEqual(base);
  });

  it('does not modify its arguments', () => {
    const override: CorsPolicyOptions = { maxAge: 1 };
    const baseCopy = structuredClone(base);
    mergePolicies(base, override);
    expect(base).toEqual(baseCopy);
    expect(override).toEqual({ maxAge: 1 });
  });

  it('chains: base ⊕ controller ⊕ handler', () => {
    const merged = mergePolicies(mergePolicies(base, { maxAge: 60, exposedHeaders: ['X-C'] }), { maxAge: 5 });
    expect(merged).toMatchObject({ maxAge: 5, exposedHeaders: ['X-C'], credentials: true });
  });
});

describe('parseOrigins', () => {
  it('splits on commas', () => {
    expect(parseOrigins('https://a.example.com,https://b.example.com')).toEqual(['https://a.example.com', 'https://b.example.com']);
  });

  it('splits on white space and new lines, trimming entries and dropping empty ones', () => {
    expect(parseOrigins('  https://a.example.com , https://b.example.com\nhttps://c.example.com\r\n\thttps://*.example.org ,\n')).toEqual([
      'https://a.example.com',
      'https://b.example.com',
      'https://c.example.com',
      'https://*.example.org',
    ]);
  });

  it("returns '*' when '*' stands alone", () => {
    expect(parseOrigins('*')).toBe('*');
    expect(parseOrigins('  *\n')).toBe('*');
  });

  it("refuses '*' next to other entries", () => {
    const error = configError(() => parseOrigins('https://a.example.com, *'));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.field).toBe('origins');
    expect(error.message).toContain('Fix:');
  });

  it('reports every invalid entry, naming the entry and its index', () => {
    const error = configError(() => parseOrigins('https://a.example.com/, https://ok.example.com, b.example.com, https://*example.com'));
    expect(error.problems.map((p) => p.field)).toEqual(['origins[0]', 'origins[2]', 'origins[3]']);
    expect(error.message).toContain('https://a.example.com/');
    expect(error.message).toContain('b.example.com');
    expect(error.message).toContain('https://*example.com');
    expect(error.message.match(/Fix:/g)?.length).toBe(3);
  });

  it.each(['', '   ', ' , ,\n'])('empty text %j is an error', (text) => {
    const error = configError(() => parseOrigins(text));
    expect(error.problems.map((p) => p.field)).toEqual(['origins']);
    expect(error.message).toContain('origins:');
  });

  it('uses a custom name as the field prefix', () => {
    const error = configError(() => parseOrigins('https://a.example.com, null', 'CORS_ORIGINS'));
    expect(error.problems.map((p) => p.field)).toEqual(['CORS_ORIGINS[1]']);
    expect(error.message).toContain('CORS_ORIGINS[1]:');
    expect(configError(() => parseOrigins('', 'CORS_ORIGINS')).problems[0]!.field).toBe('CORS_ORIGINS');
  });

  it('refuses a value that is not a string', () => {
    const error = configError(() => parseOrigins(undefined as unknown as string, 'CORS_ORIGINS'));
    expect(error.problems[0]!.field).toBe('CORS_ORIGINS');
  });
});

describe('CorsConfigError across copies of the package', () => {
  it('instanceof holds for an error made by another copy (its CommonJS and ESM builds both loaded)', () => {
    const fromOtherCopy = Object.defineProperty(new Error('other copy'), Symbol.for('nestjs-route-cors.CorsConfigError'), { value: true });
    expect(fromOtherCopy instanceof CorsConfigError).toBe(true);
    expect(new Error('plain') instanceof CorsConfigError).toBe(false);
    expect(new CorsConfigError([]) instanceof CorsConfigError).toBe(true);
    expect(new CorsConfigError([]) instanceof Error).toBe(true);
  });
});
