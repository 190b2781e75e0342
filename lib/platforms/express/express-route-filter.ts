import { VersioningType } from '@nestjs/common';
import type { RouteAcceptance, RouteFilter, RouteRequest, RouteVersion } from '../../routing/routes.js';
import { headerValue, hostMatcher, mediaTypeVersion } from '../nest-filters.js';

/** The part of an Express application the filters read. */
export interface ExpressSettings {
  get?(setting: string): unknown;
}

type TrustProxy = (address: string | undefined, hop: number) => boolean;

/**
 * A route's host and version filters as Nest applies them on Express: hosts as RouterExplorer
 * matches `req.hostname`; versions as ExpressAdapter.applyVersionFilter reads the version header,
 * the Accept header or the custom extractor. A preflight carries the Host of the request it
 * announces, but not its version: a version filter then cannot tell (undefined), except for
 * VERSION_NEUTRAL routes, which serve every request.
 */
export function expressAcceptance(filter: RouteFilter, app: ExpressSettings): RouteAcceptance {
  const host = filter.hosts?.length ? hostTest(filter.hosts, app) : undefined;
  const version = filter.versioning && filter.version !== undefined ? versionTest(filter.version, filter.versioning) : undefined;
  return (request) => {
    if (host && !host(request)) return false;
    return version ? version(request) : true;
  };
}

function hostTest(hosts: readonly (string | RegExp)[], app: ExpressSettings): (request: RouteRequest) => boolean {
  const matches = hostMatcher(hosts);
  return (request) => matches(expressHostname(request, app) ?? '');
}

/** Express's `req.hostname`: X-Forwarded-Host when the socket is a trusted proxy, else Host; no port. */
export function expressHostname(request: RouteRequest, app: ExpressSettings): string | undefined {
  const trust = app.get?.('trust proxy fn') as TrustProxy | undefined;
  let host = headerValue(request, 'x-forwarded-host');
  const address = (request.raw as { socket?: { remoteAddress?: string } } | undefined)?.socket?.remoteAddress;
  if (!host || !trust || !trust(address, 0)) host = headerValue(request, 'host');
  else if (host.includes(',')) host = host.slice(0, host.indexOf(',')).trimEnd();
  if (!host) return undefined;
  const offset = host[0] === '[' ? host.indexOf(']') + 1 : 0;
  const colon = host.indexOf(':', offset);
  return colon === -1 ? host : host.slice(0, colon);
}

function versionTest(version: RouteVersion, versioning: NonNullable<RouteFilter['versioning']>): RouteAcceptance {
  const versions = Array.isArray(version) ? (version as readonly (string | symbol)[]) : undefined;
  // VERSION_NEUTRAL alone: Nest runs the handler for every request.
  if (typeof version === 'symbol') return () => true;
  const neutral = versions?.some((v) => typeof v === 'symbol') ?? false;
  const matches = (requested: string | undefined): boolean => {
    if (requested === undefined) return neutral;
    return versions ? versions.includes(requested) : version === requested;
  };
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
        // As Nest: a list route matches any extracted version; a single version must be among them.
        if (versions) return Array.isArray(extracted) ? versions.some((v) => extracted.includes(v as string)) : versions.includes(extracted);
        return Array.isArray(extracted) ? extracted.includes(version as string) : extracted === version;
      };
    default:
      return () => true;
  }
}
