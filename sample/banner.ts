import { askApi, header, judgeOrigin, type ApiAnswer, type ApiRequest } from './api-probe.js';
import type { OriginSetting, SampleSettings } from './cors-options.factory.js';

/** A curl line of the banner and how to say what its answer means. */
interface CurlExample {
  readonly request: ApiRequest;
  readonly explain: (answer: ApiAnswer, origin: string) => string;
}

function curlExamples(origin: string): CurlExample[] {
  return [
    {
      request: { method: 'GET', path: '/feed', headers: { Origin: 'https://anywhere.example' } },
      explain: (a) =>
        header(a, 'access-control-allow-origin') === '*'
          ? "@Cors('public'): every origin may read it, without credentials"
          : "not what @Cors('public') should send",
    },
    {
      request: {
        method: 'OPTIONS',
        path: '/account/profile',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type, authorization' },
      },
      explain: (a, o) =>
        header(a, 'access-control-allow-origin') === o
          ? 'the preflight is answered before the global AuthGuard runs'
          : `the preflight is refused: ${o} is not allowed by CORS_ORIGINS`,
    },
    {
      request: { method: 'GET', path: '/account/me', headers: { Origin: origin } },
      explain: (a, o) => {
        const cors = header(a, 'access-control-allow-origin') === o;
        if (a.status === 401)
          return cors
            ? "the guard's 401, with CORS headers: a page script can read it"
            : `the guard's 401, without CORS headers: ${o} is not allowed by CORS_ORIGINS`;
        return cors ? 'allowed by the global policy' : `${o} is not allowed by CORS_ORIGINS`;
      },
    },
    {
      request: { method: 'GET', path: '/internal/metrics', headers: { Origin: origin } },
      explain: (a) => (a.cors.length === 0 ? '@Cors(false): no CORS headers for any origin' : 'not what @Cors(false) should send'),
    },
  ];
}

export function curlCommand(api: string, req: ApiRequest): string {
  const method = req.method === 'GET' ? '' : ` -X ${req.method}`;
  const headers = Object.entries(req.headers).map(([name, value]) => ` -H '${name}: ${value}'`);
  return `curl -i${method} ${new URL(req.path, api).href}${headers.join('')}`;
}

/** "401, Access-Control-Allow-Origin: http://localhost:5173, Access-Control-Allow-Credentials: true" */
export function summarize(answer: ApiAnswer): string {
  if (answer.cors.length === 0) return `${answer.status}, no Access-Control-* headers`;
  const allowOrigin = header(answer, 'access-control-allow-origin');
  if (allowOrigin === undefined) return `${answer.status}, no Access-Control-Allow-Origin`;
  const credentials = header(answer, 'access-control-allow-credentials');
  return `${answer.status}, Access-Control-Allow-Origin: ${allowOrigin}${credentials ? `, Access-Control-Allow-Credentials: ${credentials}` : ''}`;
}

function describeSetting(s: OriginSetting): string {
  return `${s.name.padEnd(16)} ${s.value}   (${s.defaulted ?? 'set'})`;
}

/** A concrete origin of a list (no pattern), if any. */
function concreteOrigins(s: OriginSetting): string[] {
  return s.origins === '*' ? [] : s.origins.filter((o) => !o.includes('*'));
}

/**
 * The start-up banner. Every "allowed" in it comes from asking the running API (GET /health and
 * GET /partners/catalog with an Origin header), and every curl line is followed by what the API
 * answered that very request, so the banner holds whatever ports and origins are configured.
 */
export async function startupBanner(api: string, settings: SampleSettings, platform = 'express'): Promise<string> {
  const demoIp = `http://127.0.0.1:${settings.demoPort}`;
  const [demo, ip] = await Promise.all([judgeOrigin(api, settings.demoOrigin), judgeOrigin(api, demoIp)]);
  const pageLine = (origin: string, allowed: boolean) =>
    allowed
      ? 'allowed by CORS_ORIGINS: the credentialed calls work'
      : `not allowed by CORS_ORIGINS: only the public calls work (add ${origin} to CORS_ORIGINS${origin === settings.demoOrigin ? ', or unset it,' : ''} to allow it)`;

  // The credentialed curl lines need an origin the global policy allows: the demo page's if it is.
  let origin = settings.demoOrigin;
  let originNote = `${origin} (the demo page), which CORS_ORIGINS allows`;
  if (!demo.global) {
    originNote = `${origin} (the demo page), which CORS_ORIGINS does not allow`;
    for (const candidate of concreteOrigins(settings.corsOrigins)) {
      if ((await judgeOrigin(api, candidate)).global) {
        origin = candidate;
        originNote = `${origin}, which CORS_ORIGINS allows`;
        break;
      }
    }
  }

  const curl: string[] = [];
  for (const example of curlExamples(origin)) {
    const answer = await askApi(api, example.request);
    curl.push(`  ${curlCommand(api, example.request)}`, `    # -> ${summarize(answer)}   (${example.explain(answer, origin)})`);
  }

  return `
nestjs-route-cors sample is running.

  API        ${api}   (Nest on ${platform === 'fastify' ? 'Fastify' : 'Express'}; PLATFORM=${platform === 'fastify' ? 'express' : 'fastify'} for the other)
  Demo page  ${settings.demoOrigin.padEnd(24)} ${pageLine(settings.demoOrigin, demo.global)}
             ${demoIp.padEnd(24)} ${pageLine(demoIp, ip.global)}

  ${describeSetting(settings.corsOrigins)}
  ${describeSetting(settings.partnerOrigins)}

Try from a shell (curl ignores CORS; look at the Access-Control-* headers). The credentialed
examples send Origin ${originNote}.
Under each line: what the API answered it just now.
${curl.join('\n')}
`;
}
