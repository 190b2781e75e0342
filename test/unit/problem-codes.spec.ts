// Every configuration problem carries a stable code (CORS_PROBLEM_CODES), so that users and tests
// match problems without matching message text; the README lists them all.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { CORS_PROBLEM_CODES, parseOrigins, validatePolicy, type CorsProblemCode } from '../../lib/core/index.js';

/** A policy that shows each code the engine reports (module- and route-level codes: see test/e2e). */
const EXAMPLES: Partial<Record<CorsProblemCode, unknown>> = {
  'invalid-policy': 42,
  'unknown-option': { orign: '*' },
  'invalid-origin-type': { origin: 42 },
  'invalid-origin': { origin: 'https://app.example.com/' },
  'null-origin': { origin: ['null'] },
  'invalid-origin-pattern': { origin: 'https://app.*.example.com' },
  'empty-origin-list': { origin: [] },
  'wildcard-in-origin-list': { origin: ['*', 'https://a.example.com'] },
  'invalid-list': { methods: 42 },
  'invalid-token': { allowedHeaders: ['x header'] },
  'empty-methods': { methods: [] },
  'invalid-max-age': { maxAge: -1 },
  'invalid-success-status': { optionsSuccessStatus: 301 },
  'invalid-boolean': { credentials: 'yes' },
  'wildcard-with-credentials': { origin: '*', credentials: true },
  'reflect-any-with-credentials': { origin: true, credentials: true },
  'reflect-everything-regexp': { origin: /^.*$/, credentials: true },
  'private-network-with-wildcard': { origin: '*', allowPrivateNetwork: true },
  'insecure-origin-with-credentials': { origin: 'http://app.example.com', credentials: true },
  'public-suffix-pattern': { origin: 'https://*.co.uk' },
  'unanchored-regexp': { origin: /example\.com/ },
  'non-ascii-origin': { origin: 'https://bücher.example' },
  'wildcard-list-with-credentials': { origin: ['https://a.example.com'], credentials: true, allowedHeaders: '*' },
  'forbidden-method': { methods: ['TRACE'] },
  'forbidden-request-header': { allowedHeaders: ['cookie'] },
  'forbidden-exposed-header': { exposedHeaders: ['set-cookie'] },
  'max-age-too-long': { maxAge: 100_000 },
  'max-age-above-chromium-cap': { maxAge: 10_000 },
};

/** Codes shown through real applications, in test/e2e. */
const SHOWN_END_TO_END: CorsProblemCode[] = [
  'invalid-policies-option',
  'unknown-policy',
  'stacked-decorators',
  'same-path-different-policies',
  'duplicate-module-import',
];

describe('configuration problem codes', () => {
  it.each(Object.entries(EXAMPLES))('%s', (code, options) => {
    const { problems, warnings } = validatePolicy(options);
    expect([...problems, ...warnings].map((p) => p.code)).toContain(code);
  });

  it('parseOrigins reports codes too', () => {
    expect(() => parseOrigins('')).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ code: 'invalid-origins-text' })] }));
  });

  it('every code is shown by an example here or end to end', () => {
    const shown = new Set([...Object.keys(EXAMPLES), ...SHOWN_END_TO_END, 'invalid-origins-text']);
    expect(CORS_PROBLEM_CODES.filter((code) => !shown.has(code))).toEqual([]);
  });

  it('the README lists every code', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(CORS_PROBLEM_CODES.filter((code) => !readme.includes(`\`${code}\``))).toEqual([]);
  });
});
