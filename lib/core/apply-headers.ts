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
    // Unchanged since it was set (the common case): nothing to parse again.
    if (!this.headersSent && this.getHeader('Vary') !== written) appendVary(this, fields);
    return writeHead.apply(this, args);
  };
}

function appendVary(response: HeaderSink, fields: readonly string[]): void {
  for (let i = 0; i < fields.length; i++) vary(response as VaryTarget, fields[i]!);
}
