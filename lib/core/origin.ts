// Origins as the Fetch standard serialises them: scheme "://" host [":" port], or "null".

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };

const ORIGIN_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::(\d{1,5}))?$/;

export interface ParsedOrigin {
  readonly scheme: string;
  readonly host: string;
  /** The port, or '' when absent or the scheme's default. */
  readonly port: string;
}

/** Parses a serialised origin; undefined when the text is not one. */
export function parseOrigin(text: string): ParsedOrigin | undefined {
  const match = ORIGIN_SHAPE.exec(text);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  const host = canonicalHost(match[2]!.toLowerCase());
  if (host === undefined || !isValidHost(host)) return undefined;
  let port = match[3] ?? '';
  if (port !== '') {
    const n = Number(port);
    if (n > 65535) return undefined;
    port = String(n);
    if (DEFAULT_PORTS[scheme] === port) port = '';
  }
  return { scheme, host, port };
}

export function serializeOrigin(origin: ParsedOrigin): string {
  return origin.port === '' ? `${origin.scheme}://${origin.host}` : `${origin.scheme}://${origin.host}:${origin.port}`;
}

/**
 * The origin in its canonical form (lower-case scheme and host, no default port), or undefined
 * when the text is not a serialised origin (including "null").
 */
export function normalizeOrigin(text: string): string | undefined {
  const parsed = parseOrigin(text);
  return parsed && serializeOrigin(parsed);
}

function isValidHost(host: string): boolean {
  if (host.startsWith('[')) return host.length > 2;
  if (host.length > 253) return false;
  const labels = host.endsWith('.') ? host.slice(0, -1).split('.') : host.split('.');
  return labels.every((label) => label.length > 0 && label.length <= 63 && !label.startsWith('-') && !label.endsWith('-'));
}

/**
 * IP addresses have several spellings (`127.1`, `0x7f.1`, `[0:0::1]`); browsers send the
 * canonical one. As in the URL standard, a host whose last label is a number is an IPv4 address
 * (canonicalised by the WHATWG URL parser, or not a host at all).
 */
function canonicalHost(host: string): string | undefined {
  if (!host.startsWith('[') && !endsInNumber(host)) return host;
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

function endsInNumber(host: string): boolean {
  const labels = host.split('.');
  if (labels[labels.length - 1] === '' && labels.length > 1) labels.pop();
  const last = labels[labels.length - 1] ?? '';
  return /^[0-9]+$/.test(last) || /^0x[0-9a-f]*$/.test(last);
}
