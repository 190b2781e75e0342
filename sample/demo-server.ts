import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { judgeOrigin } from './api-probe.js';
import type { OriginSetting, SampleSettings } from './cors-options.factory.js';

// The page is read from sample/public whether this runs from sample/ or from the compiled .build/sample/.
const PUBLIC = new URL('../public/index.html', import.meta.url).pathname.includes('/.build/')
  ? new URL('../../sample/public/', import.meta.url)
  : new URL('./public/', import.meta.url);

/** What the page is told about the configuration in force (GET /demo-config.json). */
export interface DemoConfig {
  readonly api: string;
  readonly settings: Record<OriginSetting['name'], { value: string; defaulted?: string }>;
  /** This page's origin, and what the API answers it (asked by the demo server, as curl would). */
  readonly page: { origin: string; global?: boolean; partner?: boolean; error?: string };
}

/**
 * Serves the demo page from another origin than the API, so that every call it makes is a real
 * cross-origin request judged by the browser. GET /demo-config.json tells the page which origins
 * the configuration lists and whether the API allows the page's own origin, so that the page
 * explains each result from the configuration in force rather than from fixed text.
 */
export function startDemoServer(
  port: number,
  apiBase: string,
  host: string,
  settings: Pick<SampleSettings, 'corsOrigins' | 'partnerOrigins'>,
): Promise<Server> {
  const html = readFileSync(fileURLToPath(new URL('index.html', PUBLIC)), 'utf8').replace('__API_BASE__', apiBase);
  const icon = readFileSync(fileURLToPath(new URL('favicon.svg', PUBLIC)));
  const setting = (s: OriginSetting) => ({ value: s.value, ...(s.defaulted ? { defaulted: s.defaulted } : {}) });

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('Method not allowed');
    } else if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
    } else if (path === '/favicon.svg' || path === '/favicon.ico') {
      res.writeHead(200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'max-age=3600' }).end(icon);
    } else if (path === '/demo-config.json') {
      // The page's origin is this server's own, as the browser addressed it.
      const origin = `http://${req.headers.host ?? `localhost:${port}`}`;
      judgeOrigin(apiBase, origin)
        .then(
          (verdict) => ({ origin, global: verdict.global, partner: verdict.partner }),
          (error: unknown) => ({ origin, error: `could not ask the API at ${apiBase}: ${error instanceof Error ? error.message : String(error)}` }),
        )
        .then((page) => {
          const body: DemoConfig = {
            api: apiBase,
            settings: { CORS_ORIGINS: setting(settings.corsOrigins), PARTNER_ORIGINS: setting(settings.partnerOrigins) },
            page,
          };
          res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
        });
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
