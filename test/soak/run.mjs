#!/usr/bin/env node
// Soak run: the compiled sample app (node .build/sample/main.js, a child process on 127.0.0.1)
// under full-speed keep-alive load from autocannon, with random paths (known routes, case and
// trailing-slash variants, query strings, unknown paths with random segments) and random origins
// (allowed, partner subdomains, disallowed, "null", malformed, none), actual requests and
// preflights. Every response is checked against the sample's policies. The server's RSS is read
// from /proc/<pid>/status every second.
//
//   npm run build && npx tsc -p tsconfig.sample.json && node test/soak/run.mjs   (or: npm run test:soak)
//
// Environment:
//   SOAK_SECONDS          measured duration (default 60)
//   SOAK_WARMUP_SECONDS   load before the measurement starts, not counted (default 5; 0 for none)
//   SOAK_CONNECTIONS      keep-alive connections (default 16)
//   SOAK_RSS_TOLERANCE    allowed relative change of RSS, first vs last 10 s (default 0.10)
//
// Checks, then the final line "N passed, M failed"; exit code 1 when a check fails.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = resolve(ROOT, '.build/sample/main.js');

const SECONDS = positive('SOAK_SECONDS', 60);
const WARMUP_SECONDS = positive('SOAK_WARMUP_SECONDS', 5, true);
const CONNECTIONS = positive('SOAK_CONNECTIONS', 16);
const RSS_TOLERANCE = positive('SOAK_RSS_TOLERANCE', 0.1);
const WINDOW = Math.max(1, Math.min(10, Math.floor(SECONDS / 2)));

function positive(name, fallback, zeroAllowed = false) {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!(value > 0 || (zeroAllowed && value === 0))) {
    console.error(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// The sample's policies (sample/cors-options.factory.ts, sample/controllers.ts), as a model.

const APP = 'http://localhost:5173';
const PARTNER = 'https://partner.example.org';

/** The policy that decides for a path (no query), case-insensitive as Express and the table. */
function policyOf(method, path) {
  const p = path
    .split('?')[0]
    .toLowerCase()
    .replace(/(.)\/$/, '$1');
  const served = {
    '/feed': ['GET', 'HEAD'],
    '/health': ['GET', 'HEAD'],
    '/reports': ['GET', 'HEAD'],
    '/internal/metrics': ['GET', 'HEAD'],
    '/partners/catalog': ['GET', 'HEAD'],
    '/account/me': ['GET', 'HEAD'],
    '/account/profile': ['PUT'],
    '/auth/login': ['POST'],
    '/auth/logout': ['POST'],
  }[p];
  const kind =
    {
      '/feed': 'public',
      '/internal/metrics': 'disabled',
      '/partners/catalog': 'partner',
    }[p] ?? 'global';
  // A method the path does not serve (or a path no route knows) gets the global policy.
  return { kind: served && served.includes(method) ? kind : 'global', known: served !== undefined, served, disabledPath: kind === 'disabled' };
}

const ORIGIN_SHAPE = /^https?:\/\/[A-Za-z0-9._-]+(?::\d{1,5})?$/i;
/** The canonical form of an http(s) origin (WHATWG URL), or undefined for anything else. */
function canonical(origin) {
  if (origin === undefined || !ORIGIN_SHAPE.test(origin.trim())) return undefined;
  try {
    const o = new URL(origin.trim()).origin;
    return o === 'null' ? undefined : o;
  } catch {
    return undefined;
  }
}

/** Whether a policy kind allows a canonical origin. */
function admits(kind, origin) {
  if (origin === undefined) return false;
  if (kind === 'global') return origin === APP;
  if (kind === 'partner') return origin === PARTNER || /^https:\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)*\.partner\.example\.org$/.test(origin);
  return false;
}

/** The CORS rules every response must follow; returns a violation or undefined. */
function verify(sent, status, rawHeaders) {
  const headers = {};
  for (const [name, value] of Object.entries(rawHeaders)) headers[name.toLowerCase()] = Array.isArray(value) ? value : String(value);
  const cors = Object.keys(headers).filter((n) => n.startsWith('access-control-'));
  const acao = headers['access-control-allow-origin'];
  const acac = headers['access-control-allow-credentials'];
  if (status >= 500) return `status ${status}`;
  if (Array.isArray(acao)) return 'several Access-Control-Allow-Origin fields';
  for (const n of cors) if (!/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(String(headers[n]))) return `${n} is not printable ASCII`;
  if (sent.preflight) {
    if (status !== 204 && status !== 403) return `a preflight answered ${status}`;
    if (status === 403 && cors.length) return 'a refused preflight carries CORS headers';
  }
  const policy = policyOf(sent.preflight ? sent.requestMethod : sent.method, sent.path);
  if (policy.disabledPath && policy.kind === 'disabled' && cors.length) return '@Cors(false) route with CORS headers';
  if (acao === undefined) {
    if (policy.kind === 'public' && !sent.preflight) return "no ACAO on the '*' route";
    if (sent.preflight && status === 204) return 'an allowed preflight without ACAO';
    return undefined;
  }
  if (acao === '*') {
    if (policy.kind !== 'public') return `'*' on a "${policy.kind}" route`;
    if (acac !== undefined) return "'*' with Access-Control-Allow-Credentials";
    return undefined;
  }
  const origin = canonical(sent.origin);
  if (acao !== origin) return `ACAO ${acao} is not the request's origin (${JSON.stringify(String(sent.origin).slice(0, 80))})`;
  if (!admits(policy.kind, origin)) return `ACAO ${acao} on a "${policy.kind}" route, which does not allow it`;
  if (policy.kind === 'global' && acac !== 'true') return 'a credentialed route without Access-Control-Allow-Credentials';
  if (policy.kind === 'partner' && acac !== undefined) return 'the partner policy sent Access-Control-Allow-Credentials';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The request mix.

let sequence = 0;
const rand = () => (sequence++).toString(36) + Math.floor(Math.random() * 1e6).toString(36);
const pick = (items) => items[Math.floor(Math.random() * items.length)];

const ORIGINS = [
  [8, () => APP],
  [4, () => PARTNER],
  [3, () => `https://t${rand()}.partner.example.org`],
  [5, () => `https://evil${rand()}.example`],
  [2, () => 'null'],
  [1, () => 'HTTP://LOCALHOST:5173'],
  [1, () => 'http://localhost:5173/'],
  [1, () => 'https://'],
  [1, () => '%%%'],
  [1, () => `${APP}, https://evil.example`],
  [1, () => `https://${'a'.repeat(2000)}.example`],
  [1, () => `${APP}\u00e9`],
  [1, () => ' http://localhost:5173\t'],
  [4, () => undefined],
];
const ORIGIN_TOTAL = ORIGINS.reduce((n, [w]) => n + w, 0);
function randomOrigin() {
  let r = Math.random() * ORIGIN_TOTAL;
  for (const [w, make] of ORIGINS) if ((r -= w) < 0) return make();
  return undefined;
}

const KNOWN_GET = ['/feed', '/health', '/reports', '/internal/metrics', '/partners/catalog', '/account/me'];
function randomPath() {
  const r = Math.random();
  if (r < 0.55) return pick(KNOWN_GET);
  if (r < 0.65) return pick(['/FEED', '/Health/', '/reports/', '/INTERNAL/Metrics', '/Partners/Catalog/']);
  if (r < 0.75) return `${pick(KNOWN_GET)}?page=${rand()}&q=${rand()}`;
  // Unknown paths with random segments ("params"): nothing may be cached by path.
  return pick([`/nope/${rand()}`, `/feed/${rand()}`, `/users/${rand()}`, `/internal/metrics/${rand()}`, `/partners/${rand()}/catalog`]);
}

const scenarioCounts = {};
function scenario() {
  const r = Math.random();
  const origin = randomOrigin();
  const headers = {};
  if (origin !== undefined) headers.Origin = origin;
  let sent;
  if (r < 0.55) {
    sent = { name: 'GET', method: 'GET', path: randomPath(), origin };
    if (Math.random() < 0.2) headers.Authorization = 'Bearer demo-token';
  } else if (r < 0.85) {
    const requestMethod = pick(['GET', 'GET', 'PUT', 'POST', 'DELETE', 'PATCH']);
    const path =
      requestMethod === 'PUT' && Math.random() < 0.5 ? '/account/profile' : requestMethod === 'POST' && Math.random() < 0.5 ? '/auth/login' : randomPath();
    headers.Origin = origin ?? APP;
    headers['Access-Control-Request-Method'] = requestMethod;
    const requestHeaders = pick([undefined, 'content-type', 'Content-Type, Authorization', 'x-custom', `x-${rand()}`, ' , ', 'bad header']);
    if (requestHeaders !== undefined) headers['Access-Control-Request-Headers'] = requestHeaders;
    if (Math.random() < 0.05) headers['Access-Control-Request-Private-Network'] = 'true';
    sent = { name: 'preflight', method: 'OPTIONS', path, origin: headers.Origin, requestMethod, preflight: true };
  } else if (r < 0.93) {
    headers['Content-Type'] = 'application/json';
    if (Math.random() < 0.7) headers.Authorization = 'Bearer demo-token';
    sent = { name: 'PUT profile', method: 'PUT', path: '/account/profile', origin, body: JSON.stringify({ theme: pick(['dark', 'light']) }) };
  } else if (r < 0.97) {
    sent = { name: 'POST login', method: 'POST', path: pick(['/auth/login', '/auth/logout']), origin };
  } else {
    // Methods no route serves on the path, and OPTIONS that is not a preflight.
    sent = { name: 'other', method: pick(['DELETE', 'PATCH', 'OPTIONS']), path: randomPath(), origin };
  }
  scenarioCounts[sent.name] = (scenarioCounts[sent.name] ?? 0) + 1;
  return { sent, headers };
}

// ---------------------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function get(port, path) {
  return new Promise((resolveGet) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolveGet(res.statusCode));
    });
    req.on('error', () => resolveGet(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function rssKb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const mb = (kb) => `${(kb / 1024).toFixed(1)} MB`;

function load(port, seconds, tracker) {
  return new Promise((resolveRun, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            setupRequest: (req, context) => {
              const { sent, headers } = scenario();
              context.sent = sent;
              return { ...req, method: sent.method, path: sent.path, headers, body: sent.body };
            },
            onResponse: (status, _body, context, headers) => {
              tracker.checked++;
              const violation = verify(context.sent, status, headers ?? {});
              if (violation) {
                tracker.violations++;
                if (tracker.examples.length < 10)
                  tracker.examples.push(
                    `${context.sent.method} ${context.sent.path.slice(0, 80)} Origin=${JSON.stringify(String(context.sent.origin).slice(0, 60))}: ${violation}`,
                  );
              }
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolveRun(result)),
    );
    process.once('SIGINT', () => instance.stop());
  });
}

async function main() {
  const checks = [];
  const check = (name, ok, detail) => {
    checks.push({ name, ok });
    console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail ? ` — ${detail}` : ''}`);
  };

  if (!existsSync(MAIN)) {
    console.error(`${MAIN} is missing: run "npm run build && npx tsc -p tsconfig.sample.json" first (or "npm run test:soak").`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }

  const port = await freePort();
  const demoPort = await freePort();
  const output = [];
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DEMO_PORT: String(demoPort), HOST: '127.0.0.1', CORS_ORIGINS: APP, CORS_DEBUG: 'false', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => output.push(String(d)));
  child.stderr.on('data', (d) => output.push(String(d)));
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));

  const stopChild = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 50 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
    if (!exited) child.kill('SIGKILL');
  };

  try {
    let ready = false;
    for (let i = 0; i < 200 && !ready && !exited; i++) {
      ready = (await get(port, '/health')) === 200;
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    check('the sample starts and answers GET /health', ready, `pid ${child.pid}, http://127.0.0.1:${port}`);
    if (!ready) {
      console.log(output.join('').slice(-3000));
      return checks;
    }
    const idleRss = rssKb(child.pid);

    const tracker = { checked: 0, violations: 0, examples: [] };
    if (WARMUP_SECONDS > 0) {
      console.log(`warm-up: ${WARMUP_SECONDS} s (not measured)...`);
      await load(port, WARMUP_SECONDS, { checked: 0, violations: 0, examples: [] });
    }
    const warmRss = rssKb(child.pid);

    console.log(`load: ${SECONDS} s, ${CONNECTIONS} keep-alive connections, full speed...`);
    const samples = [];
    const start = Date.now();
    const sampler = setInterval(() => {
      const kb = rssKb(child.pid);
      if (kb !== undefined) samples.push({ t: (Date.now() - start) / 1000, kb });
    }, 1000);
    const result = await load(port, SECONDS, tracker);
    clearInterval(sampler);

    // ---- figures
    const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
    const total = result.requests.total;
    console.log('');
    console.log(
      `requests: ${total} completed (${result.requests.sent} sent) in ${result.duration} s: ${Math.round(total / result.duration)} req/s ` +
        `(per-second min ${result.requests.min}, max ${result.requests.max}); latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
    );
    console.log(
      `status classes: 1xx ${result['1xx']}, 2xx ${result['2xx']}, 3xx ${result['3xx']}, 4xx ${result['4xx']}, 5xx ${result['5xx']}; by code ${JSON.stringify(statuses)}`,
    );
    console.log(`errors: ${result.errors} (timeouts ${result.timeouts}, resets ${result.resets}, mismatches ${result.mismatches})`);
    console.log(`mix (requests generated, incl. warm-up): ${JSON.stringify(scenarioCounts)}`);
    console.log(`CORS checks: ${tracker.checked} responses verified, ${tracker.violations} violations`);
    for (const example of tracker.examples) console.log(`  ${example}`);
    const first = samples.filter((s) => s.t <= WINDOW).map((s) => s.kb);
    const last = samples.filter((s) => s.t > SECONDS - WINDOW).map((s) => s.kb);
    const firstMean = mean(first);
    const lastMean = mean(last);
    const change = firstMean ? (lastMean - firstMean) / firstMean : NaN;
    console.log(
      `RSS: idle ${idleRss ? mb(idleRss) : '?'}, after warm-up ${warmRss ? mb(warmRss) : '?'}; first ${WINDOW} s mean ${mb(firstMean)} (${first.length} samples), ` +
        `last ${WINDOW} s mean ${mb(lastMean)} (${last.length} samples), change ${(change * 100).toFixed(1)}%; ` +
        `min ${mb(Math.min(...samples.map((s) => s.kb)))}, max ${mb(Math.max(...samples.map((s) => s.kb)))}`,
    );
    console.log(`RSS per second (MB): ${samples.map((s) => (s.kb / 1024).toFixed(0)).join(' ')}`);
    console.log('');

    // ---- checks
    check('requests were served', total > 0, `${total} requests`);
    check('no connection errors or timeouts', result.errors === 0 && result.timeouts === 0, `errors ${result.errors}, timeouts ${result.timeouts}`);
    check('zero 5xx', result['5xx'] === 0, `${result['5xx']} responses with 5xx`);
    check(
      'only the expected status codes (200, 201, 204, 401, 403, 404)',
      Object.keys(statuses).every((c) => ['200', '201', '204', '401', '403', '404'].includes(c)),
      JSON.stringify(statuses),
    );
    check(
      'every response follows the CORS policies',
      tracker.violations === 0 && tracker.checked > 0,
      `${tracker.checked} checked, ${tracker.violations} violations`,
    );
    check(
      `RSS of the last ${WINDOW} s within ${RSS_TOLERANCE * 100}% of the first ${WINDOW} s`,
      first.length > 0 && last.length > 0 && Math.abs(change) <= RSS_TOLERANCE,
      `${mb(firstMean)} -> ${mb(lastMean)} (${(change * 100).toFixed(1)}%)`,
    );
    const errorLines = output
      .join('')
      .split('\n')
      .filter((line) => /\bERROR\b|CORS hook failed|Unhandled|uncaught/i.test(line));
    check('the server logged no errors', errorLines.length === 0, errorLines.slice(0, 3).join(' | '));
    check('the server is still up and answers correctly', !exited && (await get(port, '/health')) === 200);
  } finally {
    await stopChild();
  }
  check('the server stops on SIGTERM', exited !== null, exited ? `exit ${exited.code ?? exited.signal}` : 'killed');
  return checks;
}

const checks = await main().catch((error) => {
  console.error(error);
  return [{ name: 'the soak run completes', ok: false }];
});
const failed = checks.filter((c) => !c.ok).length;
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
