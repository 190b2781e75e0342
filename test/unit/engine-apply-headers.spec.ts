// applyHeaders: writes a decision to a response, appending to Vary rather than overwriting it.
import { describe, expect, it } from '@jest/globals';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { applyHeaders, compilePolicy, decideActual, type CorsDecision, type HeaderSink } from '../../lib/core/index.js';

/** A minimal header store with Node's case-insensitive names. */
class MemoryResponse implements HeaderSink {
  readonly headers = new Map<string, number | string | string[]>();
  setHeader(name: string, value: number | string | string[]): this {
    this.headers.set(name.toLowerCase(), value);
    return this;
  }
  getHeader(name: string): number | string | string[] | undefined {
    return this.headers.get(name.toLowerCase());
  }
}

function serverResponse(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

const allowed: CorsDecision = {
  allowed: true,
  headers: [
    ['Access-Control-Allow-Origin', 'https://app.example.com'],
    ['Access-Control-Allow-Credentials', 'true'],
  ],
  vary: ['Origin'],
};

describe('applyHeaders', () => {
  it('sets every header of the decision', () => {
    const res = new MemoryResponse();
    applyHeaders(res, allowed);
    expect(res.getHeader('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.getHeader('access-control-allow-credentials')).toBe('true');
    expect(res.getHeader('vary')).toBe('Origin');
  });

  it('appends to an existing Vary value', () => {
    const res = new MemoryResponse();
    res.setHeader('Vary', 'Accept-Encoding');
    applyHeaders(res, allowed);
    expect(res.getHeader('vary')).toBe('Accept-Encoding, Origin');
  });

  it('does not duplicate a field already in Vary (case-insensitively)', () => {
    const res = new MemoryResponse();
    res.setHeader('Vary', 'Accept-Encoding, origin');
    applyHeaders(res, allowed);
    expect(res.getHeader('vary')).toBe('Accept-Encoding, origin');
  });

  it('applying twice does not duplicate Vary fields', () => {
    const res = new MemoryResponse();
    applyHeaders(res, allowed);
    applyHeaders(res, { allowed: true, headers: [], vary: ['Origin', 'Access-Control-Request-Headers'] });
    expect(res.getHeader('vary')).toBe('Origin, Access-Control-Request-Headers');
  });

  it('leaves Vary alone when the decision has no Vary fields', () => {
    const res = new MemoryResponse();
    res.setHeader('Vary', 'Accept-Encoding');
    applyHeaders(res, { allowed: true, headers: [['Access-Control-Allow-Origin', '*']], vary: [] });
    expect(res.getHeader('vary')).toBe('Accept-Encoding');
  });

  it('writes only Vary for a refused decision', async () => {
    const res = new MemoryResponse();
    const decision = await decideActual(compilePolicy({ origin: ['https://app.example.com'] }), { method: 'GET', origin: 'https://evil.test' });
    applyHeaders(res, decision);
    expect([...res.headers.keys()]).toEqual(['vary']);
    expect(res.getHeader('vary')).toBe('Origin');
  });

  it('works on a real http.ServerResponse', async () => {
    const res = serverResponse();
    res.setHeader('Vary', 'Accept-Encoding');
    const decision = await decideActual(compilePolicy({ origin: ['https://app.example.com'], exposedHeaders: ['X-Total-Count'] }), {
      method: 'GET',
      origin: 'https://app.example.com',
    });
    applyHeaders(res, decision);
    expect(res.getHeaders()).toEqual({
      vary: 'Accept-Encoding, Origin',
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-expose-headers': 'X-Total-Count',
    });
  });

  it("a '*' policy writes no Vary on a real http.ServerResponse", async () => {
    const res = serverResponse();
    applyHeaders(res, await decideActual(compilePolicy({ origin: '*' }), { method: 'GET' }));
    expect(res.getHeaders()).toEqual({ 'access-control-allow-origin': '*' });
  });
});
