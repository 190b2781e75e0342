import type { CorsPlatform, HttpAdapterLike } from './cors-platform.js';
import { expressPlatform } from './express/express-platform.js';
import { fastifyPlatform } from './fastify/fastify-platform.js';

export type { CorsPlatform, HttpAdapterLike, RouteTableBuild } from './cors-platform.js';

/** Every supported platform; the first that recognises the adapter serves it. */
export const PLATFORMS: readonly CorsPlatform[] = [expressPlatform, fastifyPlatform];

/** The platform of an application's HTTP adapter; a clear error when none supports it. */
export function platformFor(adapter: HttpAdapterLike): CorsPlatform {
  const platform = PLATFORMS.find((candidate) => candidate.supports(adapter));
  if (platform) return platform;
  const supported = PLATFORMS.map((p) => `${p.name} (${p.packageName})`).join(' and ');
  throw new Error(
    `nestjs-route-cors supports ${supported}; this application's HTTP adapter is "${adapter.getType?.() ?? 'unknown'}". ` +
      'Create the application with one of those adapters, or use app.enableCors() instead of CorsModule.',
  );
}
