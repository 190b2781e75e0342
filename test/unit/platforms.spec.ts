// Choosing the platform from Nest's HTTP adapter, and reading Fastify's router settings as
// Fastify builds its router.
import { describe, expect, it } from '@jest/globals';
import { fastifySettings } from '../../lib/platforms/fastify/fastify-platform.js';
import { platformFor } from '../../lib/platforms/index.js';

describe('platformFor', () => {
  it('names the supported platforms and the adapter it got when none fits', () => {
    expect(() => platformFor({ getInstance: () => ({}), getType: () => 'koa' })).toThrow(
      /supports express \(@nestjs\/platform-express\) and fastify \(@nestjs\/platform-fastify\); this application's HTTP adapter is "koa"/,
    );
    expect(() => platformFor({ getInstance: () => ({}) })).toThrow(/adapter is "unknown"/);
  });
});

describe('fastifySettings', () => {
  const adapter = (initialConfig: object | undefined, own?: object) => ({
    getInstance: () => ({ initialConfig }),
    getRouteMatchingOptions: own && (() => own),
  });

  it("find-my-way's defaults when nothing is set", () => {
    expect(fastifySettings(adapter(undefined))).toEqual({
      caseSensitive: true,
      ignoreTrailingSlash: false,
      ignoreDuplicateSlashes: false,
      useSemicolonDelimiter: false,
      maxParamLength: 100,
      exposeHeadRoutes: true,
      trustProxy: undefined,
    });
  });

  it('routerOptions first, then the deprecated top-level options', () => {
    const settings = fastifySettings(
      adapter({
        routerOptions: { caseSensitive: false, maxParamLength: 500 },
        caseSensitive: true,
        ignoreTrailingSlash: true,
        ignoreDuplicateSlashes: true,
        exposeHeadRoutes: false,
        trustProxy: true,
      }),
    );
    expect(settings).toMatchObject({
      caseSensitive: false,
      maxParamLength: 500,
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      exposeHeadRoutes: false,
      trustProxy: true,
    });
  });

  it("the adapter's own reading wins where it gives one", () => {
    const settings = fastifySettings(
      adapter({ caseSensitive: true }, { caseSensitive: false, ignoreTrailingSlash: true, useSemicolonDelimiter: true, maxParamLength: 42 }),
    );
    expect(settings).toMatchObject({ caseSensitive: false, ignoreTrailingSlash: true, useSemicolonDelimiter: true, maxParamLength: 42 });
  });
});
