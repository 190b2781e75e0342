// What Nest's route filters read of a request: hostnames (against Express's own req.hostname),
// host patterns, and the version in an Accept header.
import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { expressHostname } from '../../lib/platforms/express/express-route-filter.js';
import { headerValue, hostMatcher, mediaTypeVersion } from '../../lib/platforms/nest-filters.js';

describe('expressHostname', () => {
  // Each request is answered with Express's req.hostname and ours, for the same request.
  async function both(trustProxy: boolean | string, headers: Record<string, string>): Promise<{ express: string | null; ours: string | null }> {
    const app = express();
    app.set('trust proxy', trustProxy);
    app.get('/', (req, res) => {
      res.json({ express: req.hostname ?? null, ours: expressHostname({ headers: req.headers, preflight: false, raw: req }, app) ?? null });
    });
    let call = request(app).get('/');
    for (const [name, value] of Object.entries(headers)) call = call.set(name, value);
    return (await call).body as { express: string | null; ours: string | null };
  }

  const cases: [string, boolean | string, Record<string, string>][] = [
    ['Host with a port', false, { Host: 'api.example.com:8080' }],
    ['an IPv6 Host', false, { Host: '[::1]:3000' }],
    ['X-Forwarded-Host from an untrusted socket', false, { Host: 'inner', 'X-Forwarded-Host': 'outer.example' }],
    ['X-Forwarded-Host from a trusted socket', true, { Host: 'inner', 'X-Forwarded-Host': 'outer.example:443' }],
    ['a list of forwarded hosts', true, { Host: 'inner', 'X-Forwarded-Host': 'first.example , second.example' }],
    ['trust limited to another address', '10.0.0.1', { Host: 'inner', 'X-Forwarded-Host': 'outer.example' }],
  ];
  it.each(cases)('is req.hostname for %s', async (_name, trust, headers) => {
    const { express: expected, ours } = await both(trust, headers);
    expect(ours).toBe(expected);
  });

  it('is undefined without a Host', () => {
    expect(expressHostname({ headers: {}, preflight: false }, { get: () => undefined })).toBeUndefined();
  });
});

describe('hostMatcher', () => {
  it('matches path-to-regexp host patterns and RegExps, a global RegExp every time', () => {
    const matches = hostMatcher([':tenant.example.com', /^admin\./g]);
    expect(matches('acme.example.com')).toBe(true);
    expect(matches('admin.other.org')).toBe(true);
    expect(matches('admin.other.org')).toBe(true);
    expect(matches('example.com')).toBe(false);
  });
});

describe('headerValue', () => {
  it('joins a repeated header as Node.js does', () => {
    expect(headerValue({ headers: { 'x-v': ['1', '2'] }, preflight: false }, 'x-v')).toBe('1, 2');
    expect(headerValue({ headers: {}, preflight: false }, 'x-v')).toBeUndefined();
  });
});

describe('mediaTypeVersion', () => {
  it('reads the first parameter with the key, in any media range', () => {
    expect(mediaTypeVersion('text/html, application/json;v=2', 'v=')).toBe('2');
    expect(mediaTypeVersion(['text/html', 'application/json; q=1; v=3'], 'v=')).toBe('3');
  });

  it('unquotes quoted values and ignores separators inside quotes', () => {
    expect(mediaTypeVersion('application/json;x="a,b;c";v="4\\"x"', 'v=')).toBe('4"x');
  });

  it('is undefined without an Accept header or without the key', () => {
    expect(mediaTypeVersion(undefined, 'v=')).toBeUndefined();
    expect(mediaTypeVersion('application/json;q=1', 'v=')).toBeUndefined();
  });
});
