import vary from 'vary';
import type { CorsDecision } from './decide.js';

/** The part of a Node.js ServerResponse the engine writes to. */
export interface HeaderSink {
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): number | string | string[] | undefined;
}

/** Sets a decision's headers on a response; `Vary` fields are appended to any already there. */
export function applyHeaders(response: HeaderSink, decision: CorsDecision): void {
  const headers = decision.headers;
  for (let i = 0; i < headers.length; i++) response.setHeader(headers[i]![0], headers[i]![1]);
  const fields = decision.vary;
  for (let i = 0; i < fields.length; i++) vary(response as Parameters<typeof vary>[0], fields[i]!);
}
