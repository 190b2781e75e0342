import vary from 'vary';
import type { CorsDecision } from './decide.js';

/** The part of a Node.js ServerResponse the engine writes to. */
export interface HeaderSink {
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): number | string | string[] | undefined;
  /** When present (a Node.js response), `Vary` is checked again as the headers are written. */
  writeHead?: (...args: never[]) => unknown;
  readonly headersSent?: boolean;
}

type VaryTarget = Parameters<typeof vary>[0];

/**
 * Sets a decision's headers on a response. `Vary` fields are appended to any already there, and
 * appended again when the headers are written, so that a handler that later sets `Vary` itself
 * (`@Header('Vary', ...)`, `res.setHeader`) cannot drop `Origin` from it.
 */
export function applyHeaders(response: HeaderSink, decision: CorsDecision): void {
  const headers = decision.headers;
  for (let i = 0; i < headers.length; i++) response.setHeader(headers[i]![0], headers[i]![1]);
  const fields = decision.vary;
  if (fields.length === 0) return;
  appendVary(response, fields);
  const writeHead = response.writeHead;
  if (typeof writeHead !== 'function') return;
  const written = response.getHeader('Vary');
  response.writeHead = function writeHeadKeepingVary(this: HeaderSink, ...args: never[]) {
    if (!this.headersSent) {
      // `writeHead(status, { Vary })` would replace the header as it is written: take its Vary
      // out of the arguments, set it, and append the decision's fields to it.
      const given = takeVary(args);
      if (given !== undefined) this.setHeader('Vary', given);
      // Unchanged since it was set (the common case): nothing to parse again.
      if (given !== undefined || this.getHeader('Vary') !== written) appendVary(this, fields);
    }
    return writeHead.apply(this, args);
  };
}

type RawHeaders = Record<string, unknown> | unknown[];

/**
 * Removes `Vary` from writeHead's headers argument (an object, or a flat [name, value, …] array:
 * the forms Node.js accepts once headers have been set), in place in `args` and without touching
 * the caller's object, and returns its value.
 */
function takeVary(args: unknown[]): string | undefined {
  const index = args.length - 1;
  const headers = args[index] as RawHeaders | undefined;
  if (index < 1 || headers === null || typeof headers !== 'object') return undefined;
  const values: string[] = [];
  if (Array.isArray(headers)) {
    const kept: unknown[] = [];
    for (let i = 0; i < headers.length; i += 2) {
      if (isVary(headers[i])) values.push(String(headers[i + 1]));
      else kept.push(headers[i], headers[i + 1]);
    }
    if (values.length === 0) return undefined;
    args[index] = kept;
  } else {
    const names = Object.keys(headers).filter(isVary);
    if (names.length === 0) return undefined;
    const kept: Record<string, unknown> = { ...headers };
    for (const name of names) {
      const value = headers[name];
      values.push(...(Array.isArray(value) ? value.map(String) : [String(value)]));
      delete kept[name];
    }
    args[index] = kept;
  }
  return values.join(', ');
}

function isVary(name: unknown): boolean {
  return typeof name === 'string' && name.length === 4 && name.toLowerCase() === 'vary';
}

function appendVary(response: HeaderSink, fields: readonly string[]): void {
  for (let i = 0; i < fields.length; i++) vary(response as VaryTarget, fields[i]!);
}

/**
 * The headers of a response the hook answers itself (a preflight, allowed or refused), for one
 * `writeHead(status, headers)`, as Node.js takes them flat (`[name, value, name, value, …]`):
 * the decision's headers, `Vary` appended to `existingVary` (what the response has already, if
 * anything), and `Content-Length: 0`.
 */
export function answerHeaders(decision: CorsDecision, existingVary?: number | string | string[]): string[] {
  const answer: string[] = [];
  const headers = decision.headers;
  let length = false;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!;
    answer.push(name, value);
    if (name === 'Content-Length') length = true;
  }
  if (!length) answer.push('Content-Length', '0');
  const fields = decision.vary;
  if (existingVary === undefined) {
    // The decision's fields are distinct already: nothing to merge them with.
    if (fields.length > 0) answer.push('Vary', fields.length === 1 ? fields[0]! : fields.join(', '));
    return answer;
  }
  let value = Array.isArray(existingVary) ? existingVary.join(', ') : String(existingVary);
  for (let i = 0; i < fields.length; i++) value = vary.append(value, fields[i]!);
  if (value !== '') answer.push('Vary', value);
  return answer;
}
