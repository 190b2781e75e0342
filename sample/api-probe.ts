import { request } from 'node:http';

/**
 * Asks the running API what it answers, the way curl does: plain HTTP with an Origin header, no
 * browser. The start-up banner and the demo page say what is allowed from these answers, so what
 * they say is what the library actually decided for the configuration in force.
 */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ApiAnswer {
  readonly status: number;
  /** The Access-Control-* response headers, lower-case names, in the order received. */
  readonly cors: readonly (readonly [string, string])[];
}

export function askApi(api: string, req: ApiRequest, timeoutMs = 5_000): Promise<ApiAnswer> {
  const url = new URL(req.path, api);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: req.method, headers: { ...req.headers }, timeout: timeoutMs }, (res) => {
      const cors: [string, string][] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        const name = res.rawHeaders[i]!.toLowerCase();
        if (name.startsWith('access-control-')) cors.push([name, res.rawHeaders[i + 1]!]);
      }
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cors }));
      res.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${req.method} ${url.href}: no answer within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

export function header(answer: ApiAnswer, name: string): string | undefined {
  return answer.cors.find(([n]) => n === name.toLowerCase())?.[1];
}

/** Which of the sample's origin-dependent policies let `origin` read responses. */
export interface OriginVerdict {
  readonly origin: string;
  /** The global policy (CORS_ORIGINS), asked on GET /health. */
  readonly global: boolean;
  /** The named policy "partner" (PARTNER_ORIGINS), asked on GET /partners/catalog. */
  readonly partner: boolean;
}

export async function judgeOrigin(api: string, origin: string): Promise<OriginVerdict> {
  const echoes = async (path: string) => {
    const allowOrigin = header(await askApi(api, { method: 'GET', path, headers: { Origin: origin } }), 'access-control-allow-origin');
    return allowOrigin === origin || allowOrigin === '*';
  };
  const [global, partner] = await Promise.all([echoes('/health'), echoes('/partners/catalog')]);
  return { origin, global, partner };
}
