import { domainToASCII } from 'node:url';
import type { CorsPolicyOptions } from './cors-options.js';
import { listOption } from './http-syntax.js';
import { parseOrigin } from './origin.js';
import { parseOriginPattern } from './origin-rule.js';
import { suffixInfo } from './public-suffix.js';
import type { PolicyReport, PolicyRule } from './validate-policy.js';

/**
 * The option that lets `http:` origins (other than loopback ones) be combined with
 * `credentials: true`, for networks the operator trusts.
 */
export const INSECURE_HTTP_OPT_IN = 'dangerouslyAllowInsecureHttpOriginsWithCredentials';

/** Chromium keeps a preflight at most this long (seconds). */
const CHROMIUM_MAX_AGE = 7200;
/** Firefox keeps a preflight at most this long; no browser keeps one longer. */
const FIREFOX_MAX_AGE = 86400;

/** Fetch standard: request headers that scripts can never set (besides the `proxy-`/`sec-` prefixes). */
const FORBIDDEN_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);
const FORBIDDEN_REQUEST_HEADER_PREFIXES = ['proxy-', 'sec-', 'access-control-'] as const;
/**
 * The forbidden names refused outright: those whose listing shows a mistake about credentials or
 * routing. The others (`Origin`, `Referer`, `Content-Length`…) are only warned about: they are
 * harmless, allow nothing, and appear in widely copied `cors` configurations.
 */
const REFUSED_REQUEST_HEADERS: ReadonlySet<string> = new Set(['cookie', 'cookie2', 'host', 'set-cookie']);

/** Fetch standard: response headers that browsers never expose to scripts. */
const FORBIDDEN_RESPONSE_HEADERS: ReadonlySet<string> = new Set(['set-cookie', 'set-cookie2']);

/** Fetch standard: methods that scripts can never send. */
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

const NON_ASCII = /[^\x00-\x7f]/;

// Anyone on the network path can rewrite an http: page and read, with the user's cookies, whatever it may read.
function refuseHttpOriginsWithCredentials(options: CorsPolicyOptions, report: PolicyReport): void {
  if (options.credentials !== true || (options as Record<string, unknown>)[INSECURE_HTTP_OPT_IN] === true) return;
  for (const { text, field } of originStrings(options)) {
    const exact = parseOrigin(text);
    const target = exact ? { ...exact, anySubdomain: false } : parseOriginPattern(text);
    if (!target || target.scheme !== 'http' || isLoopback(target.host, target.anySubdomain)) continue;
    report.problem(
      'insecure-origin-with-credentials',
      field,
      `"${text}" is a plain-http origin combined with credentials: true: anyone on the network path can inject script into that page and read credentialed responses.`,
      `Use "https${text.slice(text.indexOf(':'))}"; if the network is trusted, set ${INSECURE_HTTP_OPT_IN}: true.`,
    );
  }
}

// Anyone can register a name under a public suffix, so such a pattern lets strangers' sites in.
function refusePatternsOverPublicSuffixes(options: CorsPolicyOptions, report: PolicyReport): void {
  for (const { text, field } of originStrings(options)) {
    if (parseOrigin(text)) continue;
    const pattern = parseOriginPattern(text);
    if (!pattern || !pattern.anySubdomain || isLoopback(pattern.host, true)) continue;
    const info = suffixInfo(pattern.host);
    if (info.registrable) continue;
    const why = info.listed
      ? `"${pattern.host}" is a public suffix: anyone can register a domain under it and would be allowed.`
      : `"${pattern.host}" has no registrable domain, so no single owner controls the names under it.`;
    report.problem(
      'public-suffix-pattern',
      field,
      `"${text}" matches every host under ${why}`,
      `List your own origins (e.g. "${pattern.scheme}://yourname.${pattern.host}"), or a pattern under a domain you own (e.g. "${pattern.scheme}://*.yourname.${pattern.host}").`,
    );
  }
}

// An unanchored RegExp also matches origins that merely contain an allowed one (https://example.com.evil.net).
function refuseUnanchoredRegExps(options: CorsPolicyOptions, report: PolicyReport): void {
  for (const { value, field } of originEntries(options)) {
    if (!(value instanceof RegExp)) continue;
    const alternatives = topLevelAlternatives(value.source);
    if (alternatives.every((alt) => alt.startsWith('^') && endsWithAnchor(alt))) continue;
    const bodies = alternatives.map(stripAnchors);
    const anchored = bodies.length === 1 ? `^${bodies[0]}$` : `^(?:${bodies.join('|')})$`;
    report.problem(
      'unanchored-regexp',
      field,
      `${String(value)} is not anchored at both ends (^ at the start and $ at the end of every alternative), so it also matches origins that merely contain an allowed one, such as https://example.com.evil.net.`,
      `Use /${anchored}/${value.flags}, in the style of /^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/.`,
    );
  }
}

// A host written in Unicode never equals the punycode form browsers put in Origin (and may hide look-alike characters).
function refuseNonAsciiOrigins(options: CorsPolicyOptions, report: PolicyReport): void {
  for (const { text, field } of originStrings(options)) {
    if (!NON_ASCII.test(text)) continue;
    const codePoints = [...new Set([...text].filter((c) => NON_ASCII.test(c)))]
      .map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)
      .join(', ');
    const ascii = punycodeOrigin(text.trim());
    report.problem(
      'non-ascii-origin',
      field,
      `"${text}" contains non-ASCII characters (${codePoints}); browsers send the host in its punycode form, so it would never match.`,
      ascii === undefined
        ? 'Write the origin in ASCII, with the host converted by url.domainToASCII() (e.g. "https://xn--bcher-kva.example" for bücher.example).'
        : `Use "${ascii}".`,
    );
  }
}

// Browsers never send these methods from scripts; allowing them only helps attacks such as cross-site tracing.
function refuseForbiddenMethods(options: CorsPolicyOptions, report: PolicyReport): void {
  for (const { name, field } of listEntries(options.methods, 'methods')) {
    if (!FORBIDDEN_METHODS.has(name.toUpperCase())) continue;
    report.problem(
      'forbidden-method',
      field,
      `"${name}" is a forbidden method (CONNECT, TRACE, TRACK): browsers never let scripts send it, and servers that answer it only help attackers.`,
      'Remove it.',
    );
  }
}

// Browsers never let scripts send these headers, so listing them shows a misunderstanding and allows nothing.
function refuseForbiddenRequestHeaders(options: CorsPolicyOptions, report: PolicyReport): void {
  for (const { name, field } of listEntries(options.allowedHeaders, 'allowedHeaders')) {
    const lower = name.toLowerCase();
    const prefixed = FORBIDDEN_REQUEST_HEADER_PREFIXES.some((p) => lower.startsWith(p));
    if (!prefixed && !FORBIDDEN_REQUEST_HEADERS.has(lower)) continue;
    const message = `"${name}" is a forbidden request header: only the browser sets it.`;
    if (prefixed || REFUSED_REQUEST_HEADERS.has(lower)) {
      const note = lower === 'cookie' ? ' Cookies are sent by the browser itself when credentials: true and the request asks for credentials.' : '';
      report.problem('forbidden-request-header', field, message, `Remove it (browsers never let scripts send it).${note}`);
    } else {
      report.warning(
        'forbidden-request-header',
        field,
        `${message} Listing it allows nothing.`,
        'Remove it (browsers never let scripts send it, nor list it in Access-Control-Request-Headers).',
      );
    }
  }
}

// Browsers filter Set-Cookie out of every response they hand to scripts, so exposing it does nothing.
function refuseForbiddenExposedHeaders(options: CorsPolicyOptions, report: PolicyReport): void {
  for (const { name, field } of listEntries(options.exposedHeaders, 'exposedHeaders')) {
    if (!FORBIDDEN_RESPONSE_HEADERS.has(name.toLowerCase())) continue;
    report.problem(
      'forbidden-exposed-header',
      field,
      `"${name}" is never exposed to scripts: browsers remove it from every response.`,
      'Remove it; if scripts need the value, send it in the body or in another header.',
    );
  }
}

// With credentials the browser reads '*' as a name, not a wildcard, so the configured intent silently fails.
function refuseWildcardListsWithCredentials(options: CorsPolicyOptions, report: PolicyReport): void {
  if (options.credentials !== true) return;
  const lists = [
    ['methods', 'method', '["GET", "POST", "PUT", "DELETE"]'],
    ['allowedHeaders', 'header', '["content-type", "authorization"]'],
    ['exposedHeaders', 'header', '["x-total-count"]'],
  ] as const;
  for (const [option, kind, example] of lists) {
    for (const { name, field } of listEntries(options[option], option)) {
      if (name !== '*') continue;
      report.problem(
        'wildcard-list-with-credentials',
        field,
        `'*' is not a wildcard when credentials: true: browsers then read it as a ${kind} literally named "*".`,
        `List the ${kind}s by name, e.g. ${option}: ${example}.`,
      );
    }
  }
}

// No browser keeps a preflight longer than a day, and Chromium not longer than two hours.
function limitMaxAge(options: CorsPolicyOptions, report: PolicyReport): void {
  const { maxAge } = options;
  if (typeof maxAge !== 'number' || !Number.isInteger(maxAge)) return;
  if (maxAge > FIREFOX_MAX_AGE) {
    report.problem(
      'max-age-too-long',
      'maxAge',
      `${maxAge} seconds is longer than any browser keeps a preflight (Firefox caps at ${FIREFOX_MAX_AGE}, Chromium at ${CHROMIUM_MAX_AGE}).`,
      `Use maxAge: ${CHROMIUM_MAX_AGE} (honoured everywhere), or at most ${FIREFOX_MAX_AGE}.`,
    );
  } else if (maxAge > CHROMIUM_MAX_AGE) {
    report.warning(
      'max-age-above-chromium-cap',
      'maxAge',
      `${maxAge} seconds is longer than Chromium keeps a preflight (${CHROMIUM_MAX_AGE}); only Firefox honours it.`,
      `Use maxAge: ${CHROMIUM_MAX_AGE} for the same behaviour in every browser.`,
    );
  }
}

// Private Network Access guards devices on the user's network (routers, printers, local admin
// pages): opening it to every origin lets any public web site reach them, as Spring also refuses.
function refusePrivateNetworkWithAnyOrigin(options: CorsPolicyOptions, report: PolicyReport): void {
  if (options.allowPrivateNetwork !== true || (options.origin !== '*' && options.origin !== true)) return;
  report.problem(
    'private-network-with-wildcard',
    'allowPrivateNetwork',
    `true cannot be combined with origin: ${options.origin === '*' ? "'*'" : 'true (reflect any origin)'}: any public web site could then reach this server on the user's private network.`,
    'List the origins that may reach it explicitly, or set allowPrivateNetwork: false.',
  );
}

/**
 * Origins no one configures: reserved names (RFC 2606 `.invalid` and `.test`) and a name of this
 * package's under common top-level domains, with and without ports, http and https. A RegExp that
 * accepts one of them accepts strangers' sites too.
 */
export const UNRELATED_ORIGIN_PROBES: readonly string[] = [
  'https://nestjs-route-cors-probe.invalid',
  'http://nestjs-route-cors-probe.invalid:8080',
  'https://probe.example.invalid:8443',
  'http://probe.test',
  'https://probe.test',
  'https://another-probe.test:4443',
  ...['com', 'net', 'org', 'io', 'dev', 'app'].flatMap((tld) => [`https://nestjs-route-cors-probe.${tld}`, `http://nestjs-route-cors-probe.${tld}`]),
];

/**
 * Probes made for one RegExp, for the two classic mistakes: a literal origin followed by a
 * wildcard (`^https:\/\/app\.example\.com.*$` accepts https://app.example.com.attacker.net), and
 * an unescaped dot (`^https:\/\/app.example.com$` accepts https://appxexample.com).
 */
function probesFor(regexp: RegExp): string[] {
  const source = stripAnchors(regexp.source);
  const probes: string[] = [];
  const prefix = literalPrefix(source);
  if (prefix.includes('://') && prefix.length < source.length) {
    probes.push(`${prefix}.nestjs-route-cors-probe.invalid`, `${prefix}-nestjs-route-cors-probe.invalid`);
  }
  // Entirely literal but for unescaped dots: the same text with another character in their place.
  if (/^(?:\\[^a-zA-Z0-9]|[^\\^$*+?()[\]{}|])*$/.test(source) && /(^|[^\\])\./.test(source)) {
    probes.push(source.replace(/(^|[^\\])\./g, '$1x').replace(/\\(.)/g, '$1'));
  }
  return probes;
}

/** The text a RegExp source matches literally at its start (escapes of punctuation resolved). */
function literalPrefix(source: string): string {
  let prefix = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\' && i + 1 < source.length && /[^a-zA-Z0-9]/.test(source[i + 1]!)) prefix += source[++i];
    else if (/[\\^$.*+?()[\]{}|]/.test(c)) break;
    else prefix += c;
  }
  // A quantifier applies to the character before it, which is then not part of the literal text.
  return /[*+?{]/.test(source[prefixEnd(source, prefix)] ?? '') ? prefix.slice(0, -1) : prefix;
}

/** Where in the source the literal prefix ends. */
function prefixEnd(source: string, prefix: string): number {
  let i = 0;
  for (let n = 0; n < prefix.length; n++) i += source[i] === '\\' ? 2 : 1;
  return i;
}

// `origin: /^.*$/` with credentials (or Private Network Access) is `origin: true` in disguise:
// refused like it, by probing the RegExp with origins nobody configures.
function refuseReflectEverythingRegExps(options: CorsPolicyOptions, report: PolicyReport): void {
  const guarded = options.credentials === true ? 'credentials: true' : options.allowPrivateNetwork === true ? 'allowPrivateNetwork: true' : undefined;
  if (guarded === undefined) return;
  for (const { value, field } of originEntries(options)) {
    if (!(value instanceof RegExp)) continue;
    // Without the stateful flags, as the engine compiles it.
    const regexp = new RegExp(value.source, value.flags.replace(/[gy]/g, ''));
    const probe = [...UNRELATED_ORIGIN_PROBES, ...probesFor(regexp)].find((origin) => regexp.test(origin));
    if (probe === undefined) continue;
    report.problem(
      'reflect-everything-regexp',
      field,
      `${String(value)} also matches ${probe}, an origin no one configured, so with ${guarded} it lets unrelated sites in, as origin: true would.`,
      'Narrow the RegExp to your own hosts, escaping every dot (e.g. /^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/), or list the origins.',
    );
  }
}

/**
 * Rules that refuse configurations which work but are insecure by accident (refusals beyond what
 * the browser itself enforces). Kept apart from the syntax rules so each can be read on its own.
 */
export const SECURITY_RULES: readonly PolicyRule[] = [
  refuseHttpOriginsWithCredentials,
  refusePatternsOverPublicSuffixes,
  refuseUnanchoredRegExps,
  refuseReflectEverythingRegExps,
  refusePrivateNetworkWithAnyOrigin,
  refuseNonAsciiOrigins,
  refuseForbiddenMethods,
  refuseForbiddenRequestHeaders,
  refuseForbiddenExposedHeaders,
  refuseWildcardListsWithCredentials,
  limitMaxAge,
];

/** The configured origin entries (strings and RegExps) with their field names. */
function originEntries(options: CorsPolicyOptions): { value: unknown; field: string }[] {
  const { origin } = options as { origin?: unknown };
  // Array.from turns holes (`[a, , b]`) into undefined entries, which map() would skip.
  if (Array.isArray(origin)) return Array.from(origin as unknown[], (value, i) => ({ value, field: `origin[${i}]` }));
  if (typeof origin === 'string' || origin instanceof RegExp) return [{ value: origin, field: 'origin' }];
  return [];
}

/** The string origin entries other than '*' (whose misuse the syntax rules report). */
function originStrings(options: CorsPolicyOptions): { text: string; field: string }[] {
  return originEntries(options).flatMap(({ value, field }) => (typeof value === 'string' && value !== '*' ? [{ text: value, field }] : []));
}

/** A list option's entries, indexed as the syntax rules index them; none when it is malformed. */
function listEntries(value: unknown, option: string): { name: string; field: string }[] {
  const valid = typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
  if (!valid) return [];
  return listOption(value as string | string[]).map((name, i) => ({ name, field: `${option}[${i}]` }));
}

/**
 * Whether every host a (possibly `*.`) host stands for is this machine: localhost and its
 * subdomains, 127.0.0.0/8, [::1].
 */
function isLoopback(host: string, anySubdomain: boolean): boolean {
  const name = host.replace(/\.$/, ''); // parseOrigin() gives IP addresses in their canonical spelling
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (anySubdomain) return false;
  return name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** Splits a RegExp source at its top-level `|` (outside groups and character classes). */
function topLevelAlternatives(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

/** Whether a RegExp source ends with a `$` anchor (not an escaped `\$`). */
function endsWithAnchor(source: string): boolean {
  if (!source.endsWith('$')) return false;
  let backslashes = 0;
  for (let i = source.length - 2; i >= 0 && source[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

function stripAnchors(source: string): string {
  const start = source.startsWith('^') ? 1 : 0;
  const end = endsWithAnchor(source) ? source.length - 1 : source.length;
  return source.slice(start, Math.max(start, end));
}

/** The origin (or pattern) with its host in punycode; undefined when that does not yield ASCII. */
function punycodeOrigin(text: string): string | undefined {
  const match = /^([^:/]*:\/\/)(\*\.)?([^:/?#]*)(.*)$/s.exec(text);
  if (!match) return undefined;
  const [, scheme = '', star = '', host = '', rest = ''] = match;
  const ascii = domainToASCII(host);
  const result = `${scheme.toLowerCase()}${star}${ascii}${rest}`;
  return ascii === '' || NON_ASCII.test(result) ? undefined : result;
}
