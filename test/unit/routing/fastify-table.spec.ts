// Fastify's route table, without a server: the find-my-way mirror used for route paths the
// most-specific table does not represent (literal text and a parameter in one segment), and
// Fastify's host and version rules.
import { describe, expect, it } from '@jest/globals';
import { VERSION_NEUTRAL, VersioningType } from '@nestjs/common';
import { buildFastifyTable, type FastifySettings } from '../../../lib/platforms/fastify/fastify-platform.js';
import Fastify, { type FastifyServerOptions } from 'fastify';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fastifyHostname, fastifyRules, proxyTrust, type TrustProxy } from '../../../lib/platforms/fastify/fastify-route-filter.js';
import { orderedRoutes, requestWith, type RouteSpec } from './support.js';

const SETTINGS: FastifySettings = {
  caseSensitive: true,
  ignoreTrailingSlash: false,
  ignoreDuplicateSlashes: false,
  useSemicolonDelimiter: false,
  maxParamLength: 100,
  exposeHeadRoutes: true,
  trustProxy: undefined,
};

function fastifyTable(specs: RouteSpec[], settings: Partial<FastifySettings> = {}) {
  const built = buildFastifyTable(orderedRoutes(specs), { ...SETTINGS, ...settings });
  return {
    ...built,
    served: (method: string, path: string, headers: Record<string, string> = {}) => built.table.find(method, path, requestWith(headers))?.label,
    methods: (path: string) => [...(built.table.lookupPreflight('GET', path).served?.names ?? [])].sort(),
  };
}

describe('the find-my-way mirror (a route path with text and a parameter in one segment)', () => {
  const versioning = { type: VersioningType.HEADER, header: 'X-V' };
  const table = () =>
    fastifyTable([
      ['GET', '/files/file-:name', 'file'],
      ['GET', '/files/:id', 'byId'],
      ['PUT', '/files/:id', 'put'],
      ['ALL', '/any/:x', 'all'],
      ['GET', '/v/:id', 'v1', { version: '1', versioning }],
      ['GET', '/v/:id', 'v2', { version: '2', versioning }],
      ['GET', '/n/:id', 'neutral', { version: VERSION_NEUTRAL, versioning }],
      ['GET', '/admin', 'admin', { hosts: ['admin.example.com'] }],
    ]);

  it('matches as find-my-way does: the most specific route, literal text before parameters', () => {
    const { served } = table();
    expect(served('GET', '/files/file-a')).toBe('file');
    expect(served('GET', '/files/7')).toBe('byId');
    expect(served('HEAD', '/files/7')).toBe('byId');
    expect(served('PUT', '/files/7')).toBe('put');
    expect(served('DELETE', '/files/7')).toBeUndefined();
    expect(served('REPORT', '/any/1')).toBe('all');
    expect(served('GET', '/nothing')).toBeUndefined();
  });

  it('lists the methods a path serves, and none for a path no route knows', () => {
    const { methods, table: t } = table();
    expect(methods('/files/7')).toEqual(['GET', 'HEAD', 'PUT']);
    expect(t.lookupPreflight('GET', '/nothing')).toEqual({});
    expect(t.lookupPreflight('DELETE', '/files/7').entry).toBeUndefined();
  });

  it('versions are constraints; a version-neutral route has none; hosts filter the route found', () => {
    const { served, samePaths } = table();
    expect(served('GET', '/v/1', { 'x-v': '2' })).toBe('v2');
    expect(served('GET', '/v/1', { 'x-v': '1' })).toBe('v1');
    expect(served('GET', '/v/1', { 'x-v': '3' })).toBeUndefined();
    expect(served('GET', '/n/1')).toBe('neutral');
    expect(served('GET', '/admin', { host: 'admin.example.com:3000' })).toBe('admin');
    expect(served('GET', '/admin', { host: 'www.example.com' })).toBeUndefined();
    expect(samePaths.map(({ route, earlier }) => [route.value.label, earlier.value.label])).toEqual([['v2', 'v1']]);
  });

  it('without exposeHeadRoutes, GET routes do not answer HEAD', () => {
    const { served } = fastifyTable([['GET', '/files/file-:name', 'file']], { exposeHeadRoutes: false });
    expect(served('HEAD', '/files/file-a')).toBeUndefined();
    expect(served('GET', '/files/file-a')).toBe('file');
  });
});

function get(options: http.RequestOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(options, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe("Fastify's hostname and version rules", () => {
  const request = (headers: Record<string, string>, preflight = false) => requestWith(headers, preflight);

  it('the hostname: Fastify’s own when routed, else Host without port, the last X-Forwarded-Host from a trusted proxy', () => {
    expect(fastifyHostname({ headers: {}, preflight: false, raw: { hostname: 'own.example.com' } }, undefined)).toBe('own.example.com');
    expect(fastifyHostname(request({ host: 'a.example.com:8080' }), undefined)).toBe('a.example.com');
    expect(fastifyHostname(request({ host: '[::1]:3000' }), undefined)).toBe('[::1]');
    // Without a socket to check, no proxy is trusted (as Fastify, which reads the socket's peer).
    expect(fastifyHostname(request({ host: 'a.example.com', 'x-forwarded-host': 'p.example.com' }), proxyTrust(true))).toBe('a.example.com');
  });

  // Fastify's own request.hostname and ours, for the same request from the same peer (loopback
  // addresses: Linux routes all of 127.0.0.0/8 to the loopback interface), under each form of
  // trustProxy Fastify accepts.
  const trustForms: [string, TrustProxy][] = [
    ['off', false],
    ['true', true],
    ['a hop count (Fastify 5 trusts no peer on it)', 1],
    ['one address', '127.0.0.2'],
    ['a comma-separated list', '10.0.0.1, 127.0.0.3'],
    ['a subnet', '127.0.0.2/31'],
    ['a name (loopback)', ['loopback']],
    ['a function', (address: string) => address === '127.0.0.3'],
  ];
  const peers = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
  const headerSets: Record<string, string>[] = [
    { host: 'inner.example:3000', 'x-forwarded-host': 'outer.example:443' },
    { host: 'inner.example', 'x-forwarded-host': 'first.example , second.example' },
    { host: '[::1]:3000' },
  ];
  it.each(trustForms)('is Fastify’s request.hostname with trustProxy %s', async (_name, trustProxy) => {
    const app = Fastify({ trustProxy } as FastifyServerOptions);
    app.get('/', (req) => ({
      fastify: req.hostname,
      ours: fastifyHostname({ headers: req.headers, preflight: true, raw: req.raw }, proxyTrust(trustProxy)),
    }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    try {
      for (const localAddress of peers)
        for (const headers of headerSets) {
          const { fastify, ours } = JSON.parse(await get({ host: '127.0.0.1', port, path: '/', headers, localAddress, agent: false })) as Record<
            string,
            string
          >;
          expect({ localAddress, headers, ours }).toEqual({ localAddress, headers, ours: fastify });
        }
    } finally {
      await app.close();
    }
  });

  it('media-type and custom versions; a preflight cannot tell', () => {
    const media = fastifyRules({ version: ['2', VERSION_NEUTRAL], versioning: { type: VersioningType.MEDIA_TYPE, key: 'v=' } }, undefined);
    expect(media.constraint!(request({ accept: 'application/json;v=2' }))).toBe(true);
    expect(media.constraint!(request({ accept: 'application/json' }))).toBe(true);
    expect(media.constraint!(request({ accept: 'application/json;v=3' }))).toBe(false);
    expect(media.constraint!(request({}, true))).toBeUndefined();
    const extractor = (req: { headers: Record<string, string> }) => {
      if (req.headers['x-fail']) throw new Error('boom');
      return req.headers['x-v']!.split(',');
    };
    const custom = fastifyRules({ version: '3', versioning: { type: VersioningType.CUSTOM, extractor } }, undefined);
    expect(custom.constraint!(request({ 'x-v': '1,3' }))).toBe(true);
    expect(custom.constraint!(request({ 'x-v': '1' }))).toBe(false);
    expect(custom.constraint!(request({ 'x-v': '3', 'x-fail': '1' }))).toBe(false);
    expect(fastifyRules({ version: VERSION_NEUTRAL, versioning: { type: VersioningType.HEADER, header: 'X-V' } }, undefined).constraint).toBeUndefined();
  });
});
