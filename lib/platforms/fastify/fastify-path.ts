import { WILDCARD, type MatchPath, type ParamSegment, type PatternSegment } from '../../routing/most-specific-table.js';

// Route paths and request targets as find-my-way 9.10.2 (Fastify 5's router) reads them, for the
// most-specific table: the same parsing of `:param`, `:param(regex)`, `:a-:b`, `::` and `*` in
// route paths, and the same normalisation of request targets (absolute form, query string,
// percent-decoding, duplicate and trailing slashes, case) in lookups. The table's tests compare
// it with find-my-way itself, on the routes and targets both accept.

/** The router settings that change what a route path or a request path means. */
export interface FastifyMatching {
  readonly caseSensitive: boolean;
  readonly ignoreTrailingSlash: boolean;
  readonly ignoreDuplicateSlashes: boolean;
  readonly useSemicolonDelimiter: boolean;
  readonly maxParamLength: number;
}

const OPTIONAL_PARAM = /(\/:[^/()]*?)\?(\/?)/;
const ESCAPE_REGEXP = /[.*+?^${}()|[\]\\]/g;
const DUPLICATE_SLASHES = /\/\/+/g;

/**
 * The segments of a route path, one list per form (a trailing optional parameter `/:id?` gives
 * two); undefined for what the table does not represent: literal text and a parameter or
 * wildcard in one segment (`/file-:name`, `/files*`), or a path that is not a plain `/` path.
 */
export function compileFastifyPath(path: string, matching: FastifyMatching): PatternSegment[][] | undefined {
  const optional = path.match(OPTIONAL_PARAM);
  if (optional) {
    // find-my-way registers both forms; it refuses an optional parameter that is not last.
    if (path.length !== optional.index! + optional[0].length) return undefined;
    const full = compileFastifyPath(path.replace(OPTIONAL_PARAM, '$1$2'), matching);
    const without = compileFastifyPath(path.replace(OPTIONAL_PARAM, '$2') || '/', matching);
    return full && without ? [...full, ...without] : undefined;
  }
  if (path.charCodeAt(0) !== 0x2f) return undefined;
  let pattern = path;
  if (matching.ignoreDuplicateSlashes) pattern = removeDuplicateSlashes(pattern);
  if (matching.ignoreTrailingSlash) pattern = trimLastSlash(pattern);
  const segments: PatternSegment[] = [];
  let i = 1;
  while (true) {
    const parsed =
      pattern.charCodeAt(i) === 0x3a && pattern.charCodeAt(i + 1) !== 0x3a ? parseParam(pattern, i) : parseStatic(pattern, i, matching.caseSensitive);
    if (parsed === undefined) return undefined;
    segments.push(parsed.segment);
    // A wildcard ends the path (parseStatic refuses one anywhere else).
    if (parsed.end >= pattern.length) break;
    i = parsed.end + 1;
  }
  return [segments];
}

interface Parsed {
  readonly segment: PatternSegment;
  /** The index of the slash ending the segment, or the length of the path. */
  readonly end: number;
}

/** Literal text up to the next slash (`::` is a colon); `*` alone, last, is a wildcard. */
function parseStatic(pattern: string, start: number, caseSensitive: boolean): Parsed | undefined {
  let end = start;
  for (; end < pattern.length; end++) {
    const c = pattern.charCodeAt(end);
    if (c === 0x2f) break;
    if (c === 0x3a) {
      if (pattern.charCodeAt(end + 1) !== 0x3a) return undefined;
      end++;
    } else if (c === 0x2a) {
      // A wildcard: only as a whole last segment.
      return end === start && end === pattern.length - 1 ? { segment: WILDCARD, end: pattern.length } : undefined;
    }
  }
  let text = pattern.slice(start, end);
  if (!caseSensitive) text = text.toLowerCase();
  return { segment: text.replaceAll('::', ':').replaceAll('%', '%25'), end };
}

/**
 * A segment starting with a parameter, as find-my-way's Router#_on parses it: one node per
 * segment, with a RegExp when it has a regex, several parameters or literal text after one.
 */
function parseParam(pattern: string, start: number): Parsed | undefined {
  let isRegexNode = false;
  let isParamSafe = true;
  let backtrack = '';
  const regexps: string[] = [];
  let paramCount = 0;
  let staticLength = 0;
  for (let j = start + 1; ; j++) {
    const c = pattern.charCodeAt(j);
    const isRegexParam = c === 0x28;
    const isStaticPart = c === 0x2d || c === 0x2e;
    const isEndOfNode = c === 0x2f || j === pattern.length;
    if (!isRegexParam && !isStaticPart && !isEndOfNode) {
      if (c === 0x2a) return undefined;
      continue;
    }
    paramCount++;
    isRegexNode ||= isRegexParam || isStaticPart;
    if (isRegexParam) {
      const close = closingParenthesis(pattern, j);
      regexps.push(trimRegExpStartAndEnd(pattern.slice(j, close + 1)));
      j = close + 1;
      isParamSafe = true;
    } else {
      regexps.push(isParamSafe ? '(.*?)' : `(${backtrack}|(?:(?!${backtrack}).)*)`);
      isParamSafe = false;
    }
    const staticStart = j;
    for (; j < pattern.length; j++) {
      const s = pattern.charCodeAt(j);
      if (s === 0x2f) break;
      if (s === 0x3a) {
        if (pattern.charCodeAt(j + 1) === 0x3a) j++;
        else break;
      } else if (s === 0x2a) return undefined;
    }
    let staticPart = pattern.slice(staticStart, j);
    if (staticPart) {
      staticPart = staticPart.replaceAll('::', ':').replaceAll('%', '%25');
      regexps.push((backtrack = staticPart.replace(ESCAPE_REGEXP, '\\$&')));
      staticLength += staticPart.length;
    }
    if (isEndOfNode || pattern.charCodeAt(j) === 0x2f || j === pattern.length) {
      const segment: ParamSegment = {
        kind: 'param',
        regex: isRegexNode ? new RegExp(`^${regexps.join('')}$`) : null,
        paramCount,
        staticLength,
        staticSuffix: staticPart || null,
      };
      return { segment, end: j };
    }
  }
}

function closingParenthesis(path: string, index: number): number {
  let depth = 1;
  let i = index;
  while (i < path.length) {
    i++;
    if (path.charCodeAt(i) === 0x5c) {
      i++;
      continue;
    }
    if (path.charCodeAt(i) === 0x29) depth--;
    else if (path.charCodeAt(i) === 0x28) depth++;
    if (depth === 0) return i;
  }
  // find-my-way refuses such a path at registration: Fastify never holds it.
  throw new TypeError(`Invalid regexp expression in "${path}"`);
}

function trimRegExpStartAndEnd(regex: string): string {
  let trimmed = regex;
  if (trimmed.charCodeAt(1) === 0x5e) trimmed = trimmed.slice(0, 1) + trimmed.slice(2);
  if (trimmed.charCodeAt(trimmed.length - 2) === 0x24) trimmed = trimmed.slice(0, trimmed.length - 2) + trimmed.slice(trimmed.length - 1);
  return trimmed;
}

function removeDuplicateSlashes(path: string): string {
  return path.includes('//') ? path.replace(DUPLICATE_SLASHES, '/') : path;
}

function trimLastSlash(path: string): string {
  return path.length > 1 && path.charCodeAt(path.length - 1) === 0x2f ? path.slice(0, -1) : path;
}

// ---------------------------------------------------------------------------------------------
// Request targets

/** Percent-encoded characters that decodeURI() leaves encoded, which find-my-way decodes only inside parameters. */
const RESERVED_ESCAPES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    '23': '#',
    '24': '$',
    '25': '%',
    '26': '&',
    '2B': '+',
    '2b': '+',
    '2C': ',',
    '2c': ',',
    '2F': '/',
    '2f': '/',
    '3A': ':',
    '3a': ':',
    '3B': ';',
    '3b': ';',
    '3D': '=',
    '3d': '=',
    '3F': '?',
    '3f': '?',
    '40': '@',
  }),
);

/**
 * A request target as find-my-way's find() reads it before walking its tree; undefined for a
 * target it refuses (an absolute form it cannot parse, a malformed percent-encoding), which
 * Fastify answers with 400 itself.
 */
export function normalizeFastifyTarget(target: string, matching: FastifyMatching): MatchPath | undefined {
  let path = target;
  if (path.charCodeAt(0) !== 0x2f) {
    // The asterisk form is read after its first character, as '/'.
    const absolute = path === '*' ? '/' : pathOfAbsoluteUrl(path);
    if (absolute === null) return undefined;
    path = absolute;
  }
  let end = -1;
  let percent = -1;
  for (let i = 1; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x3f || c === 0x23 || (c === 0x3b && matching.useSemicolonDelimiter)) {
      end = i;
      break;
    }
    if (c === 0x25 && percent < 0) percent = i;
  }
  if (end >= 0) path = path.slice(0, end);
  let decodeParams = false;
  if (percent >= 0) {
    const decoded = decodePath(path, percent);
    if (decoded === undefined) return undefined;
    path = decoded.path;
    decodeParams = decoded.decodeParams;
  }
  if (matching.ignoreDuplicateSlashes) path = removeDuplicateSlashes(path);
  if (matching.ignoreTrailingSlash) path = trimLastSlash(path);
  return { path: matching.caseSensitive ? path : path.toLowerCase(), original: path, decodeParams };
}

/** decodeURI() of a path, `%25` left as it is (find-my-way's safeDecodeURI); undefined when malformed. */
function decodePath(path: string, first: number): { path: string; decodeParams: boolean } | undefined {
  let decode = false;
  let decodeParams = false;
  let rebuilt = '';
  let last = 0;
  for (let i = first; i < path.length; i++) {
    if (path.charCodeAt(i) !== 0x25) continue;
    const reserved = RESERVED_ESCAPES.get(path.slice(i + 1, i + 3));
    if (reserved === undefined) {
      decode = true;
      continue;
    }
    decodeParams = true;
    if (reserved === '%') {
      decode = true;
      rebuilt += `${path.slice(last, i)}%2525`;
      last = i + 3;
    }
    i += 2;
  }
  if (!decode) return { path, decodeParams };
  try {
    return { path: decodeURI(rebuilt + path.slice(last)), decodeParams };
  } catch {
    return undefined;
  }
}

/** A parameter's value as find-my-way decodes it: the reserved escapes decodeURI() left. */
export function decodeFastifyParam(param: string): string {
  const start = param.indexOf('%');
  if (start < 0) return param;
  let decoded = '';
  let last = start;
  for (let i = start; i < param.length; i++) {
    if (param.charCodeAt(i) !== 0x25) continue;
    decoded += param.slice(last, i) + String(RESERVED_ESCAPES.get(param.slice(i + 1, i + 3)) ?? null);
    last = i + 3;
  }
  return param.slice(0, start) + decoded + param.slice(last);
}

const parseUrl: (url: string) => URL | null = typeof URL.parse === 'function' ? (url) => URL.parse(url) : (url) => (URL.canParse(url) ? new URL(url) : null);

/**
 * The path of an absolute-form target (`http://host/path?q` → `/path?q`), as find-my-way takes
 * it; null when malformed or not in absolute form (9.10.2 refuses such targets with a 400;
 * 9.10.1 read them from their second character).
 */
function pathOfAbsoluteUrl(url: string): string | null {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd === -1) return null;
  const scheme = url.slice(0, schemeEnd).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return null;
  const authorityStart = schemeEnd + 3;
  let authorityEnd = url.length;
  const pathStart = url.indexOf('/', authorityStart);
  if (pathStart !== -1) authorityEnd = pathStart;
  const queryStart = url.indexOf('?', authorityStart);
  if (queryStart !== -1 && queryStart < authorityEnd) authorityEnd = queryStart;
  if (url.indexOf('#', authorityStart) !== -1 || authorityEnd === authorityStart) return null;
  const parsed = parseUrl(url);
  if (parsed === null || parsed.protocol !== `${scheme}:` || parsed.host.length === 0) return null;
  if (authorityEnd === url.length) return '/';
  if (authorityEnd === queryStart) return `/${url.slice(queryStart)}`;
  return url.slice(pathStart);
}
