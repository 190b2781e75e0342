// fast-check generators of valid and hostile CORS request values, shared by the engine-level and
// the HTTP-level fuzz suites, and an origin oracle independent of the engine (WHATWG URL).
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------------
// Characters and strings.

const char = (from: number, to: number) => fc.integer({ min: from, max: to }).map((c) => String.fromCharCode(c));

/** Printable ASCII. */
export const printableChar = char(0x20, 0x7e);
/** What Node lets through in a header value: HTAB, printable ASCII and obs-text (latin1 0x80-0xFF). */
export const headerChar = fc.oneof(
  { weight: 6, arbitrary: printableChar },
  { weight: 2, arbitrary: char(0x80, 0xff) },
  { weight: 1, arbitrary: fc.constant('\t') },
);
/** Anything that could reach the engine from a caller: controls, separators, Unicode, lone surrogates. */
export const hostileChar = fc.oneof(
  headerChar,
  fc.constantFrom('\r', '\n', '\0', '\x7f', ',', ' ', ':', '/', '*', '"', ';', '=', '\\', '%', '\u00a0', '\u2028', '\ufeff', '\uffff', '\ud800', 'İ', 'K', 'ß'),
  char(0, 0x1f),
);

/** Strings a hostile client or a broken caller might pass as a header value. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: hostileChar, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  // Long values, built by repetition (generating thousands of characters one by one is slow).
  {
    weight: 1,
    arbitrary: fc.tuple(fc.string({ unit: hostileChar, minLength: 1, maxLength: 20 }), fc.integer({ min: 20, max: 300 })).map(([s, n]) => s.repeat(n)),
  },
);

/** Header values Node's HTTP client will send (and Node's server will accept). */
export const headerString = (maxLength = 40): fc.Arbitrary<string> => fc.string({ unit: headerChar, maxLength });

// ---------------------------------------------------------------------------------------------
// Origins: configured pools, near misses, structured and hostile request origins.

/** Exact origins the fuzzed policies may list (canonical). */
export const EXACT_ORIGINS = [
  'https://app.example.com',
  'http://localhost:3000',
  'https://api.example.org:8443',
  'http://127.0.0.1:8080',
  'http://[::1]:5173',
  'https://xn--bcher-kva.example',
] as const;
/** Subdomain and port patterns. */
export const PATTERN_ORIGINS = ['https://*.example.com', 'http://localhost:*', 'https://*.tenant.example.org:*', 'http://127.0.0.1:*'] as const;
/** Anchored RegExps (fresh copies: some tests pass them to the engine). */
export const regexpOrigins = (): RegExp[] => [
  /^https:\/\/[a-z0-9-]+\.example\.net$/,
  /^https:\/\/(?:foo|bar)\.example\.io(?::\d+)?$/,
  /^http:\/\/localhost:30\d\d$/i,
];

const knownOrigin: fc.Arbitrary<string> = fc.constantFrom<string>(
  ...EXACT_ORIGINS,
  'https://a.example.com',
  'https://deep.sub.example.com',
  'https://x.tenant.example.org:9000',
  'http://localhost:1',
  'http://127.0.0.1:65535',
  'https://foo.example.net',
  'https://bar.example.io:444',
  'http://localhost:3099',
  'https://evil.example.net',
  'null',
);

type Mutation = (origin: string) => string;
/** Ways to turn an origin into a near miss or an equivalent spelling. */
const MUTATIONS: readonly Mutation[] = [
  (o) => o.toUpperCase(),
  (o) => o.replace('://', '://X'),
  (o) => `${o}.`,
  (o) => `${o}/`,
  (o) => `${o}/path`,
  (o) => `${o}?q`,
  (o) => `${o}#f`,
  (o) => `${o}.evil.net`,
  (o) => `${o}:443`,
  (o) => `${o}:80`,
  (o) => `${o}:0`,
  (o) => `${o}:65536`,
  (o) => `${o}:0443`,
  (o) => `${o}:`,
  (o) => o.replace('://', '://user@'),
  (o) => o.replace('://', '://evil.net@'),
  (o) => `${o}@evil.net`,
  (o) => o.replace('https:', 'http:'),
  (o) => o.replace('http:', 'https:'),
  (o) => o.replace(/^[a-z]+:/, 'ws:'),
  (o) => o.replace(/^[a-z]+:/, 'HTTPS:'),
  (o) => o.replace('://', ':/'),
  (o) => o.replace('://', ':///'),
  (o) => o.replace('://', ':\\\\'),
  (o) => ` ${o}`,
  (o) => `${o} `,
  (o) => `${o}\t`,
  (o) => `${o}\r\n`,
  (o) => `${o}\0`,
  (o) => `${o},${o}`,
  (o) => `${o}, https://evil.net`,
  (o) => `https://evil.net, ${o}`,
  (o) => o.replace('.', '..'),
  (o) => o.replace('.', '%2e'),
  (o) => o.replace('a', 'а'), // Cyrillic a
  (o) => o.replace('e', '\xe9'),
  (o) => o.replace('://', '://-'),
  (o) => o.replace('://', '://*.'),
  (o) => o.replace('://', '://a.'),
  (o) => o.replace('://', '://evilapp'),
  (o) => o.slice(0, -1),
  (o) => `${o}${'a'.repeat(300)}`,
];

export const nearMissOrigin: fc.Arbitrary<string> = fc
  .tuple(knownOrigin, fc.array(fc.integer({ min: 0, max: MUTATIONS.length - 1 }), { minLength: 1, maxLength: 2 }))
  .map(([origin, picks]) => picks.reduce<string>((o, i) => MUTATIONS[i]!(o), origin));

const label = fc.constantFrom(
  'a',
  'app',
  'api',
  'example',
  'evil',
  'x-1',
  'xn--bcher-kva',
  'localhost',
  'tenant',
  'foo',
  'bar',
  '0',
  '127',
  '0x7f',
  '1e3',
  '-a',
  'a-',
  '_a',
  'A',
);
const host = fc.oneof(
  { weight: 5, arbitrary: fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '127.0.0.1',
      '127.1',
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '1.2.3.4.5',
      '256.0.0.1',
      '[::1]',
      '[0:0:0:0:0:0:0:1]',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      '[:::1]',
      '[]',
      '[1::2::3]',
      '',
    ),
  },
);
const port = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.constantFrom(':80', ':443', ':3000', ':8443', ':5173', ':8080', ':0', ':65535', ':65536', ':99999', ':00443', ':', ':x', ':*') },
);
const scheme = fc.constantFrom('http', 'https', 'HTTP', 'Https', 'ws', 'wss', 'ftp', 'file', 'x-y', 'a+b', '1http', 'javascript', '');

/** Structured origins: mostly well formed, over the hosts and ports the pools use. */
export const structuredOrigin: fc.Arbitrary<string> = fc.tuple(scheme, host, port).map(([s, h, p]) => `${s}://${h}${p}`);

/** Any request origin: known, near misses, structured, hostile. */
export const requestOrigin: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: knownOrigin },
  { weight: 4, arbitrary: nearMissOrigin },
  { weight: 4, arbitrary: structuredOrigin },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', 'NULL', 'undefined', '*') },
);

// ---------------------------------------------------------------------------------------------
// Request methods and header lists.

export const METHOD_NAMES = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

export const requestMethodValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...METHOD_NAMES, 'get', 'patch', 'x-custom', 'CONNECT', 'TRACE', '*', '__proto__', 'constructor') },
  { weight: 2, arbitrary: fc.constantFrom('GE T', '', ' ', 'GET,PUT', 'PUT;', '"GET"', 'G\xc9T') },
  { weight: 2, arbitrary: hostileString },
);

const headerName = fc.constantFrom(
  'content-type',
  'Content-Type',
  'authorization',
  'AUTHORIZATION',
  'x-a',
  'X-B',
  'x-api-key',
  'x-requested-with',
  'accept',
  'x_y',
  'x.y',
  '*',
  'set-cookie',
  'cookie',
);
const separator = fc.constantFrom(',', ', ', ' ,', ',\t', ',,', ' , , ');

/** Access-Control-Request-Headers: lists of names with optional white space, sometimes broken. */
export const requestHeadersValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.tuple(headerName, separator), { maxLength: 6 }).map((parts) => parts.map(([n, s]) => n + s).join('')) },
  { weight: 1, arbitrary: fc.array(headerName, { minLength: 200, maxLength: 400 }).map((names) => names.join(',')) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', ',', 'x a', 'x:a', 'x/a', 'x-\xe9', '\x80', 'x-a\u00a0', '(x)') },
  { weight: 2, arbitrary: hostileString },
);

export const requestPrivateNetworkValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constant('true') },
  { weight: 2, arbitrary: fc.constantFrom('TRUE', 'false', '', 'true, true', ' true', '1') },
  { weight: 1, arbitrary: hostileString },
);

export const maybe = <T>(arb: fc.Arbitrary<T>, freq = 3): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq });

// ---------------------------------------------------------------------------------------------
// An origin oracle independent of the engine.

const HTTP_ORIGIN_TEXT = /^https?:\/\/(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/i;

/**
 * The origin a browser would have serialised for `text` when `text` is an http(s) origin (scheme,
 * host, optional port; nothing else), computed by the WHATWG URL parser; undefined otherwise.
 */
export function httpOriginOf(text: string | undefined): string | undefined {
  if (text === undefined || !HTTP_ORIGIN_TEXT.test(text)) return undefined;
  try {
    const url = new URL(text);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/** Whether a configured origin entry (exact, pattern or RegExp) admits a canonical http(s) origin. */
export function entryAdmits(entry: string | RegExp, origin: string): boolean {
  if (entry instanceof RegExp) return new RegExp(entry.source, entry.flags.replace(/[gy]/g, '')).test(origin);
  const url = new URL(origin);
  const pattern = /^([a-z]+):\/\/(\*\.)?([^:/*]+)(?::(\*|\d+))?$/.exec(entry);
  if (pattern && (pattern[2] !== undefined || pattern[4] === '*')) {
    const [, scheme, star, suffix, wantedPort] = pattern;
    if (url.protocol !== `${scheme}:`) return false;
    if (wantedPort !== '*') {
      const defaultless = new URL(`${scheme}://${suffix}${wantedPort ? `:${wantedPort}` : ''}`).port;
      if (url.port !== defaultless) return false;
    }
    return star ? url.hostname.length > suffix!.length + 1 && url.hostname.endsWith(`.${suffix}`) : url.hostname === suffix;
  }
  return new URL(entry).origin === origin;
}

const SERIALISED_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/(?:\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::\d{1,5})?$/;

/** Whether text has the shape of a serialised origin (lower case, no path, no white space). */
export function looksSerialised(text: string): boolean {
  return SERIALISED_ORIGIN.test(text);
}
