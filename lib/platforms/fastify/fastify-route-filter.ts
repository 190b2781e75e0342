import { VersioningType } from '@nestjs/common';
import type { RouteRules } from '../../routing/most-specific-table.js';
import type { RouteFilter, RouteRequest, RouteVersion } from '../../routing/routes.js';
import { headerValue, hostMatcher, mediaTypeVersion } from '../nest-filters.js';

/** Fastify's trustProxy setting, as its initialConfig holds it. */
export type TrustProxy = boolean | string | number | string[] | ((address: string, hop: number) => boolean) | undefined;

/**
 * A route's host and version filters as Nest applies them on Fastify. Versions are a router
 * constraint there (FastifyAdapter's `version` strategy): a route for another version is passed
 * over for the next matching route, and a route that names versions is preferred to a
 * version-neutral one on the same path. Hosts are checked by the handler once routed
 * (RouterExplorer's host filter): a request for another host gets a 404, not another route.
 * A preflight carries the Host of the request it announces, but not its version: versioned
 * routes may serve it.
 */
export function fastifyRules(filter: RouteFilter, trustProxy: TrustProxy): RouteRules {
  const host = filter.hosts?.length ? hostTest(filter.hosts, trustProxy) : undefined;
  const versioning = filter.versioning;
  const version = filter.version;
  // VERSION_NEUTRAL alone: the adapter registers the route without a constraint.
  const constrained = versioning !== undefined && version !== undefined && typeof version !== 'symbol';
  return {
    ...(constrained ? { constraint: versionTest(version, versioning), constrained } : {}),
    ...(host ? { filter: host } : {}),
  };
}

function hostTest(hosts: readonly (string | RegExp)[], trustProxy: TrustProxy): (request: RouteRequest) => boolean | undefined {
  const matches = hostMatcher(hosts);
  return (request) => {
    const hostname = fastifyHostname(request, trustProxy);
    return hostname === undefined ? undefined : matches(hostname);
  };
}

/**
 * Fastify's `request.hostname`: the Fastify request's own when there is one (a routed request);
 * else from the headers: the last X-Forwarded-Host when every proxy is trusted, Host otherwise,
 * without the port. Undefined when a trusted-proxy list would decide (it needs the socket's
 * address checked as Fastify checks it): the route may serve the request.
 */
export function fastifyHostname(request: RouteRequest, trustProxy: TrustProxy): string | undefined {
  const own = (request.raw as { hostname?: unknown } | undefined)?.hostname;
  if (typeof own === 'string') return own;
  let host: string | undefined;
  const forwarded = headerValue(request, 'x-forwarded-host');
  // Fastify 5 trusts no proxy on a hop count alone (it cannot check the socket's peer).
  if (forwarded !== undefined && trustProxy !== undefined && trustProxy !== false && typeof trustProxy !== 'number') {
    if (trustProxy !== true) return undefined;
    const comma = forwarded.lastIndexOf(',');
    host = (comma < 0 ? forwarded : forwarded.slice(comma + 1)).trim();
  } else {
    host = headerValue(request, 'host') ?? headerValue(request, ':authority') ?? '';
  }
  return host[0] === '[' ? host.slice(0, host.indexOf(']') + 1) : host.split(':', 1)[0]!;
}

/** The version constraint: the version the adapter derives from the request is one of the route's. */
function versionTest(version: RouteVersion, versioning: NonNullable<RouteFilter['versioning']>): (request: RouteRequest) => boolean | undefined {
  const versions = Array.isArray(version) ? (version as readonly (string | symbol)[]) : [version as string];
  // A list with VERSION_NEUTRAL also serves requests without a version.
  const neutral = versions.some((v) => typeof v === 'symbol');
  const matches = (requested: string | undefined): boolean => (requested === undefined ? neutral : versions.includes(requested));
  switch (versioning.type) {
    case VersioningType.HEADER:
      return (request) => (request.preflight ? undefined : matches(headerValue(request, versioning.header!.toLowerCase())));
    case VersioningType.MEDIA_TYPE:
      return (request) => (request.preflight ? undefined : matches(mediaTypeVersion(request.headers.accept, versioning.key!)));
    case VersioningType.CUSTOM:
      return (request) => {
        if (request.preflight) return undefined;
        let extracted: string | string[];
        try {
          extracted = (versioning.extractor as (req: unknown) => string | string[])(request.raw ?? request);
        } catch {
          return false;
        }
        return Array.isArray(extracted) ? extracted.some((v) => versions.includes(v)) : matches(extracted);
      };
    default:
      return () => true;
  }
}
