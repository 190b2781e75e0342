import { match, parse, stringify, TokenData, type Token } from 'path-to-regexp';
import { PARAMETER, type CompiledPath, type IndexSegment, type PathVariant } from '../../routing/first-match-table.js';

/** Express's routing settings (its "case sensitive routing" and "strict routing"). */
export interface ExpressMatching {
  readonly caseSensitive: boolean;
  /** Non-strict routing: a request path may end with one slash more than the route. */
  readonly ignoreTrailingSlash: boolean;
}

/** Optional groups expand to one variant per combination; beyond this many, the matcher decides alone. */
const MAX_VARIANTS = 64;
const NON_ASCII = /[^\x00-\x7f]/;
/** Paths of plain segments and whole-segment parameters (most routes): split without the parser. */
const PLAIN_PATH = /^(?:\/(?:[A-Za-z0-9\-._~$&',;=@%]+|:[A-Za-z_$][A-Za-z0-9_$]*))+$/;

/**
 * Compiles a route path in Express 5 syntax (path-to-regexp v8: `:param`, `*wildcard`,
 * `{optional}` groups, `\\` escapes) for the first-match table: literal and whole-segment
 * parameter segments for the index, and Express's own matcher for the rest, compiled on first use.
 */
export function compileExpressPath(path: string, matching: ExpressMatching): CompiledPath {
  // Express's router drops a route's trailing slashes under non-strict routing ("loosen").
  const routePath = matching.ignoreTrailingSlash && path !== '/' ? path.replace(/\/+$/, '') : path;
  let matcher: ((path: string) => boolean) | undefined;
  const matches = (requestPath: string) => (matcher ??= expressMatcher(routePath, matching))(requestPath);
  if (PLAIN_PATH.test(routePath)) return { variants: [plainVariant(routePath)], matches };
  let tokens: Token[];
  try {
    tokens = parse(routePath).tokens;
  } catch {
    // A path path-to-regexp cannot parse is not one Express serves either.
    return { variants: [], matches: () => false };
  }
  return { variants: expandGroups(tokens).map((variant) => toVariant(variant, matching)), matches };
}

/** The variant of a PLAIN_PATH; its key is the one toVariant() gives (`/users/:p0`). */
function plainVariant(path: string): PathVariant {
  let parameters = 0;
  const segments: IndexSegment[] = [];
  const keyParts: string[] = [];
  for (const segment of path.slice(1).split('/')) {
    const parameter = segment.charCodeAt(0) === 0x3a;
    segments.push(parameter ? PARAMETER : segment);
    keyParts.push(parameter ? `:p${parameters++}` : segment);
  }
  return { segments, complete: true, key: `/${keyParts.join('/')}` };
}

/** Express 5's test of a request path against a route path (path-to-regexp v8, as its router compiles it). */
export function expressMatcher(path: string, matching: ExpressMatching): (path: string) => boolean {
  try {
    const fn = match(path, { decode: false, end: true, sensitive: matching.caseSensitive, trailing: matching.ignoreTrailingSlash });
    return (requestPath) => {
      try {
        return fn(requestPath) !== false;
      } catch {
        return false;
      }
    };
  } catch {
    return () => false;
  }
}

/** Token lists without groups: one with each optional group, one without. */
function expandGroups(tokens: readonly Token[]): Token[][] {
  let variants: Token[][] = [[]];
  for (const token of tokens) {
    if (token.type === 'group') {
      const inner = expandGroups(token.tokens);
      const next: Token[][] = [];
      for (const variant of variants) {
        next.push(variant);
        for (const option of inner) next.push([...variant, ...option]);
      }
      variants = next;
    } else {
      for (const variant of variants) variant.push(token);
    }
    if (variants.length > MAX_VARIANTS) return [tokens.filter((t) => t.type !== 'group')];
  }
  return variants;
}

/**
 * Splits a group-free token list into path segments (adjacent text merged), or undefined when
 * the path does not start with a slash.
 */
function segmentsOf(tokens: readonly Token[]): Token[][] | undefined {
  const segments: Token[][] = [];
  const append = (token: Token): boolean => {
    const current = segments[segments.length - 1];
    if (!current) return false;
    const last = current[current.length - 1];
    if (token.type === 'text' && last?.type === 'text') current[current.length - 1] = { type: 'text', value: last.value + token.value };
    else current.push(token);
    return true;
  };
  for (const token of tokens) {
    if (token.type !== 'text') {
      if (!append(token)) return undefined;
      continue;
    }
    const parts = token.value.split('/');
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) segments.push([]);
      if (parts[i] !== '' && !append({ type: 'text', value: parts[i]! })) return undefined;
    }
  }
  return segments;
}

function toVariant(tokens: Token[], matching: ExpressMatching): PathVariant {
  const key = stringify(new TokenData(renameParameters(tokens)));
  const segments = segmentsOf(tokens);
  // A path not starting with a slash: only the matcher can judge it.
  if (!segments) return { segments: [], complete: false, key };
  // "/" alone: no segment at all.
  if (segments.length === 1 && segments[0]!.length === 0) return { segments: [], complete: true, key };
  const known: IndexSegment[] = [];
  for (const segment of segments) {
    const simple = simpleSegment(segment, matching);
    if (simple === undefined) return { segments: known, complete: false, key };
    known.push(simple);
  }
  return { segments: known, complete: true, key };
}

/** A segment the index matches exactly as Express does, or undefined. */
function simpleSegment(segment: readonly Token[], matching: ExpressMatching): IndexSegment | undefined {
  if (segment.length !== 1) return undefined;
  const [token] = segment as [Token];
  if (token.type === 'param') return PARAMETER;
  if (token.type !== 'text' || token.value === '') return undefined;
  // Case-insensitive matching of non-ASCII text is left to the RegExp, whose case folding differs from toLowerCase().
  if (!matching.caseSensitive && NON_ASCII.test(token.value)) return undefined;
  return token.value;
}

function renameParameters(tokens: Token[]): Token[] {
  let index = 0;
  return tokens.map((token) => (token.type === 'param' || token.type === 'wildcard' ? { ...token, name: `p${index++}` } : token));
}
