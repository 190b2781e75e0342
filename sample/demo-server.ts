import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';

// The page is read from sample/public whether this runs from sample/ or from the compiled .build/sample/.
const PAGE = new URL('../public/index.html', import.meta.url).pathname.includes('/.build/')
  ? fileURLToPath(new URL('../../sample/public/index.html', import.meta.url))
  : fileURLToPath(new URL('./public/index.html', import.meta.url));

/**
 * Serves the demo page from another origin than the API, so that every call it makes is a real
 * cross-origin request judged by the browser.
 */
export function startDemoServer(port: number, apiBase: string, host = '127.0.0.1'): Promise<Server> {
  const html = readFileSync(PAGE, 'utf8').replace('__API_BASE__', apiBase);
  const server = createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?') || req.url === '/index.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(html);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
