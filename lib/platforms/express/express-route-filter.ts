import { VersioningType } from '@nestjs/common';
import { pathToRegexp } from 'path-to-regexp';
import type { RouteAcceptance, RouteFilter, RouteRequest, RouteVersion } from '../../routing/routes.js';

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
  const regexps = hosts.map((host) => (typeof host === 'string' ? pathToRegexp(host).regexp : host));
  return (request) => {
    const hostname = expressHostname(request, app) ?? '';
    return regexps.some((regexp) => {
      regexp.lastIndex = 0;
      return regexp.test(hostname);
    });
  };
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

function headerValue(request: RouteRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The version in an Accept header for media-type versioning (`application/json;v=2` with key
 * `v=`), as Nest's getMediaTypeVersion reads it: the first parameter starting with the key, in
 * any media range; quoted values unescaped; separators inside quotes ignored.
 */
export function mediaTypeVersion(accept: string | string[] | undefined, key: string): string | undefined {
  const ranges = ([] as string[]).concat(accept ?? []).flatMap((value) => splitOutsideQuotes(value, ','));
  for (const range of ranges) {
    const [, ...parameters] = splitOutsideQuotes(range, ';');
    for (const parameter of parameters) {
      const trimmed = parameter.trim();
      if (!trimmed.startsWith(key)) continue;
      const version = trimmed.slice(key.length);
      return version.startsWith('"') && version.endsWith('"') ? version.slice(1, -1).replace(/\\([\s\S])/g, '$1') : version;
    }
  }
  return undefined;
}

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}
