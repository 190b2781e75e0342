// A raw HTTP/1.1 client, for what supertest cannot send or show: request targets in any form,
// malformed heads, pipelining, abandoned connections, and responses as they are on the wire.
import { connect } from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Header fields in the order received, names lower-cased, duplicates kept. */
  readonly fields: readonly (readonly [string, string])[];
  readonly body: string;
  /** The head as received (latin1), for assertions on the wire format. */
  readonly head: string;
}

/**
 * Writes `request` (latin1 when a string) on a fresh connection and reads the whole answer; the
 * request should carry `Connection: close` so that the server ends the connection. Resolves with
 * the first response on the connection. Rejects on timeout or when the server closes without
 * answering.
 */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      // A reset after a complete answer (the server closing on a 400) is not a failure.
      if (chunks.length === 0) {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const data = Buffer.concat(chunks);
      const parsed = parseResponse(data);
      if (parsed) resolve(parsed);
      else reject(new Error(`no HTTP response (got ${data.length} bytes: ${JSON.stringify(data.toString('latin1').slice(0, 200))})`));
    });
    socket.end(typeof request === 'string' ? Buffer.from(request, 'latin1') : request);
  });
}

function parseResponse(data: Buffer): RawResponse | undefined {
  return parseResponses(data.toString('latin1'), 1)[0];
}

/**
 * Splits what a connection received into responses (Content-Length or chunked bodies; a HEAD
 * request's answer is not expected here). Stops at the first incomplete one.
 */
export function parseResponses(text: string, max = Infinity): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = text;
  while (out.length < max) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const head = rest.slice(0, end);
    const [statusLine, ...lines] = head.split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
    if (!match) break;
    const fields = lines.map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    });
    const afterHead = rest.slice(end + 4);
    const chunked = fields.some(([n, v]) => n === 'transfer-encoding' && /chunked/i.test(v));
    const length = fields.find(([n]) => n === 'content-length')?.[1];
    let body: string;
    if (chunked) {
      const { text: decoded, consumed } = dechunk(afterHead);
      body = decoded;
      rest = afterHead.slice(consumed);
    } else if (length !== undefined) {
      body = afterHead.slice(0, Number(length));
      rest = afterHead.slice(Number(length));
    } else {
      body = afterHead;
      rest = '';
    }
    out.push({ status: Number(match[1]), fields, body, head });
  }
  return out;
}

function dechunk(text: string): { text: string; consumed: number } {
  let out = '';
  let offset = 0;
  for (;;) {
    const eol = text.indexOf('\r\n', offset);
    if (eol < 0) return { text: out, consumed: text.length };
    const size = parseInt(text.slice(offset, eol), 16);
    if (!(size > 0)) return { text: out, consumed: Math.min(text.length, eol + 4) };
    out += text.slice(eol + 2, eol + 2 + size);
    offset = eol + 2 + size + 2;
  }
}

/**
 * Writes several requests at once on one connection (HTTP/1.1 pipelining) and returns the
 * responses in order; the last request should carry `Connection: close`.
 */
export function pipelined(port: number, requests: readonly string[], timeoutMs = 5000): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponses(Buffer.concat(chunks).toString('latin1')));
    });
    socket.end(Buffer.from(requests.join(''), 'latin1'));
  });
}

/** Opens a connection, writes a request, and closes it at once, without reading the answer. */
export function abandon(port: number, request: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => {
      socket.write(Buffer.from(request, 'latin1'), () => {
        socket.destroy();
        resolve();
      });
    });
    socket.on('error', () => resolve());
  });
}

/** Builds a request head: `lines` are header lines as they go on the wire (no CR/LF added inside). */
export function rawHead(method: string, target: string, lines: readonly string[]): string {
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`;
}

/** The values of one header (all occurrences). */
export function valuesOf(res: RawResponse, name: string): string[] {
  const lower = name.toLowerCase();
  return res.fields.filter(([n]) => n === lower).map(([, v]) => v);
}

/** The Access-Control-* fields of a response. */
export function corsFields(res: RawResponse): [string, string][] {
  return res.fields.filter(([n]) => n.startsWith('access-control-')).map(([n, v]) => [n, v]);
}
