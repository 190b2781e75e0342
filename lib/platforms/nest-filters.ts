import { pathToRegexp } from 'path-to-regexp';
import type { RouteRequest } from '../routing/routes.js';

// What Nest's route filters read of a request, the same on every platform: host patterns as
// RouterExplorer compiles them, and the version in an Accept header as both platform packages'
// getMediaTypeVersion() reads it. Each platform decides where the hostname comes from and how a
// version picks a route.

/** A test of a hostname against a route's host patterns (path-to-regexp strings, or RegExps), as RouterExplorer matches them. */
export function hostMatcher(hosts: readonly (string | RegExp)[]): (hostname: string) => boolean {
  const regexps = hosts.map((host) => (typeof host === 'string' ? pathToRegexp(host).regexp : host));
  return (hostname) =>
    regexps.some((regexp) => {
      regexp.lastIndex = 0;
      return regexp.test(hostname);
    });
}

/** A request header as one string (repeated headers joined as Node.js joins them). */
export function headerValue(request: RouteRequest, name: string): string | undefined {
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
