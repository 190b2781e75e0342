import { VersioningType } from '@nestjs/common';
import proxyAddr from 'proxy-addr';
import type { RouteRules } from '../../routing/most-specific-table.js';
import type { RouteFilter, RouteRequest, RouteVersion } from '../../routing/routes.js';
import { headerValue, hostMatcher, mediaTypeVersion } from '../nest-filters.js';

/** Fastify's trustProxy setting, as its options hold it. */
export type TrustProxy = boolean | string | number | string[] | ((address: string, hop: number) => boolean) | undefined;

/** Whether the peer a request came from is a trusted proxy, by its address. */
export type ProxyTrust = (address: string | undefined) => boolean;

/**
 * Fastify's reading of trustProxy (its getTrustProxyFn), applied as its `request.host` applies
 * it, to the socket's peer: true trusts every peer; addresses, subnets and names such as
 * `loopback` (a comma-separated string or a list) are checked with proxy-addr, as Fastify checks
 * them; a function is asked with hop 0; a hop count alone trusts no peer (Fastify 5 fails
 * closed, since it cannot check the peer). Undefined when no proxy is trusted.
 */
export function proxyTrust(trustProxy: TrustProxy): ProxyTrust | undefined {
  if (!trustProxy || typeof trustProxy === 'number') return undefined;
  if (trustProxy === true) return () => true;
  if (typeof trustProxy === 'function') return (address) => address !== undefined && Boolean(trustProxy(address, 0));
  const compiled = proxyAddr.compile(typeof trustProxy === 'string' ? trustProxy.split(',').map((value) => value.trim()) : trustProxy);
  return (address) => address !== undefined && compiled(address, 0);
}

/**
 * A route's host and version filters as Nest applies them on Fastify. Versions are a router
 * constraint there (FastifyAdapter's `version` strategy): a route for another version is passed
 * over for the next matching route, and a route that names versions is preferred to a
 * version-neutral one on the same path. Hosts are checked by the handler once routed
 * (RouterExplorer's host filter): a request for another host gets a 404, not another route.
 * A preflight carries the Host of the request it announces, but not its version: versioned
 * routes may serve it.
 */
export function fastifyRules(filter: RouteFilter, trusts: ProxyTrust | undefined): RouteRules {
  const host = filter.hosts?.length ? hostTest(filter.hosts, trusts) : undefined;
  const versioning = filter.versioning;
  const version = filter.version;
  // VERSION_NEUTRAL alone: the adapter registers the route without a constraint.
  const constrained = versioning !== undefined && version !== undefined && typeof version !== 'symbol';
  return {
    ...(constrained ? { constraint: versionTest(version, versioning), constrained } : {}),
    ...(host ? { filter: host } : {}),
  };
}

function hostTest(hosts: readonly (string | RegExp)[], trusts: ProxyTrust | undefined): (request: RouteRequest) => boolean {
  const matches = hostMatcher(hosts);
  return (request) => matches(fastifyHostname(request, trusts));
}

/**
 * Fastify's `request.hostname`: the Fastify request's own when there is one (a routed request);
 * else as Fastify reads it: the last X-Forwarded-Host when the socket's peer is a trusted proxy,
 * Host otherwise, without the port.
 */
export function fastifyHostname(request: RouteRequest, trusts: ProxyTrust | undefined): string {
  const raw = request.raw as { hostname?: unknown; socket?: { remoteAddress?: string } | null } | undefined;
  if (typeof raw?.hostname === 'string') return raw.hostname;
  let host: string;
  const forwarded = headerValue(request, 'x-forwarded-host');
  if (forwarded && trusts !== undefined && raw?.socket != null && trusts(raw.socket.remoteAddress)) {
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
