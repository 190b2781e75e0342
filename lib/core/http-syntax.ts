// The header grammar the engine reads and writes (RFC 9110): tokens and comma-separated lists.

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** RFC 9110 `token`: method names and header field names. */
export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/**
 * Splits a comma-separated header list, trimming optional white space and dropping empty
 * elements (RFC 9110 §5.6.1). Returns undefined if any element is not a token, so that a
 * malformed list is refused as a whole rather than partly reflected.
 */
export function parseTokenList(value: string): string[] | undefined {
  const names: string[] = [];
  for (const part of value.split(',')) {
    const name = part.trim();
    if (name === '') continue;
    if (!isToken(name)) return undefined;
    names.push(name);
  }
  return names;
}

/** A list option (`'a, b'` or `['a', 'b']`) as trimmed, non-empty elements. */
export function listOption(value: string | readonly string[]): string[] {
  const parts = typeof value === 'string' ? value.split(',') : value;
  return parts.map((part) => (typeof part === 'string' ? part.trim() : part)).filter((part) => part !== '');
}

/** Joins list elements the way they are sent: comma-separated, no spaces. */
export function joinList(values: Iterable<string>): string {
  return [...values].join(',');
}
