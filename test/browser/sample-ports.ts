// The sample as `npm run sample` runs it (node .build/sample/main.js, a child process), with PORT and
// DEMO_PORT chosen and no CORS_ORIGINS: the banner, its curl lines and the demo page must all stay
// true for those ports. The child runs in an empty folder, so a developer's sample/.env plays no part.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { CaseRun } from './case-run.js';
import type { BrowserCase } from './cases.js';
import { freePort } from './servers.js';

/** The compiled sample: this file runs as .build/test/browser/sample-ports.js. */
const SAMPLE_MAIN = fileURLToPath(new URL('../../sample/main.js', import.meta.url));
/** What the sample reads; none of it may leak from the suite's own environment into the child. */
const SAMPLE_VARIABLES = ['PORT', 'DEMO_PORT', 'HOST', 'CORS_ORIGINS', 'PARTNER_ORIGINS', 'CORS_MAX_AGE', 'CORS_DEBUG'];

interface RunningSample {
  readonly apiPort: number;
  readonly demoPort: number;
  readonly api: string;
  readonly demo: string;
  readonly demoIp: string;
  output(): string;
  stop(): Promise<void>;
}

async function startSample(env: Record<string, string>): Promise<RunningSample> {
  const apiPort = await freePort();
  const demoPort = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), 'sample-ports-'));
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SAMPLE_VARIABLES) delete childEnv[name];
  Object.assign(childEnv, { PORT: String(apiPort), DEMO_PORT: String(demoPort), HOST: '127.0.0.1', NO_COLOR: '1' }, env);
  const child: ChildProcess = spawn(process.execPath, [SAMPLE_MAIN], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d) => (text += String(d)));
  child.stderr!.on('data', (d) => (text += String(d)));
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? code}`;
      resolve();
    }),
  );
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(cwd, { recursive: true, force: true });
  };
  // The banner is printed once the API and the demo server listen; it is complete when output stops.
  let last = -1;
  for (let waited = 0; !(text.includes('sample is running.') && text.length === last); waited += 100) {
    if (exited || waited > 10_000) {
      await stop();
      throw new Error(`the sample did not print its banner (${exited ?? 'still silent after 10 s'}): ${text.slice(-1500)}`);
    }
    if (text.includes('sample is running.')) last = text.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    apiPort,
    demoPort,
    api: `http://localhost:${apiPort}`,
    demo: `http://localhost:${demoPort}`,
    demoIp: `http://127.0.0.1:${demoPort}`,
    output: () => text,
    stop,
  };
}

async function withSample(t: CaseRun, env: Record<string, string>, body: (s: RunningSample) => Promise<void>): Promise<void> {
  const sample = await startSample(env);
  try {
    await body(sample);
  } finally {
    await sample.stop();
    t.check(!/\bERROR\b|\bError:/.test(sample.output()), `the sample logged an error: ${sample.output().slice(-800)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The banner and its curl lines.

/** A printed curl line, split as a shell would (single quotes only, as the banner writes them). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|(\S+)/g)) {
    if (m[2]?.startsWith('#')) break; // a shell comment
    words.push(m[1] ?? m[2]!);
  }
  return words;
}

interface CurlCall {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
}

function parseCurl(line: string): CurlCall {
  const words = shellWords(line);
  let method = 'GET';
  let url = '';
  const headers: Record<string, string> = {};
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-i') continue;
    if (w === '-X') method = words[++i]!;
    else if (w === '-H') {
      const h = words[++i]!;
      const colon = h.indexOf(':');
      headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
    } else if (/^https?:\/\//.test(w)) url = w;
    else throw new Error(`unexpected curl argument ${w} in: ${line}`);
  }
  return { method, url, headers };
}

/** What curl would show: the status and the Access-Control-* headers (lower-case names). */
function runCurl(call: CurlCall): Promise<{ status: number; cors: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const req = request(call.url, { method: call.method, headers: call.headers, timeout: 5_000 }, (res) => {
      const cors: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) if (name.startsWith('access-control-')) cors[name] = String(value);
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cors }));
    });
    req.on('timeout', () => req.destroy(new Error(`${call.method} ${call.url}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** "# -> 401, Access-Control-Allow-Origin: X, Access-Control-Allow-Credentials: true   (why)" */
function parseAnswer(comment: string): { status: number; allowOrigin?: string; credentials?: string; none: boolean } | undefined {
  const m = /^# -> (\d{3}), (.*?)\s{3}\(.*\)$/.exec(comment.trim());
  if (!m) return undefined;
  const rest = m[2]!;
  return {
    status: Number(m[1]),
    allowOrigin: /Access-Control-Allow-Origin: (\S+?)(,|$)/.exec(rest)?.[1],
    credentials: /Access-Control-Allow-Credentials: (\S+)/.exec(rest)?.[1],
    none: rest.startsWith('no Access-Control-* headers'),
  };
}

/** What each curl line must get with the default origins (the demo page's origin allowed). */
const CURL_EXPECTED: { path: string; method: string; status: number; allowOrigin?: 'demo' | '*'; why: RegExp }[] = [
  { path: '/feed', method: 'GET', status: 200, allowOrigin: '*', why: /@Cors\('public'\)/ },
  { path: '/account/profile', method: 'OPTIONS', status: 204, allowOrigin: 'demo', why: /answered before the global AuthGuard/ },
  { path: '/account/me', method: 'GET', status: 401, allowOrigin: 'demo', why: /the guard's 401, with CORS headers/ },
  { path: '/internal/metrics', method: 'GET', status: 200, why: /@Cors\(false\)/ },
];

async function checkBanner(t: CaseRun, s: RunningSample): Promise<void> {
  const output = s.output();
  const start = output.indexOf('nestjs-route-cors sample is running.');
  if (!t.check(start >= 0, `no banner in the output: ${output.slice(-800)}`)) return;
  const lines = output.slice(start).split('\n');
  const lineWith = (text: string) => lines.find((l) => l.includes(text)) ?? '';
  const demoLine = lineWith(`${s.demo} `);
  t.check(
    / allowed by CORS_ORIGINS/.test(demoLine) && !/not allowed/.test(demoLine),
    `banner: the demo page ${s.demo} is not called allowed: "${demoLine.trim()}"`,
  );
  const ipLine = lineWith(`${s.demoIp} `);
  t.check(/not allowed by CORS_ORIGINS/.test(ipLine), `banner: ${s.demoIp} is not called "not allowed": "${ipLine.trim()}"`);
  const origins = lines.find((l) => /^\s*CORS_ORIGINS\s/.test(l)) ?? '';
  t.check(
    origins.includes(s.demo) && origins.includes(`DEMO_PORT=${s.demoPort}`),
    `banner: CORS_ORIGINS is not shown as derived from DEMO_PORT: "${origins.trim()}"`,
  );
  t.check(lineWith(' API ').includes(s.api), `banner: the API line does not name ${s.api}`);
  // The child inherits PLATFORM from the suite's pass: the banner names the platform it runs on.
  const platform = process.env.PLATFORM === 'fastify' ? 'Fastify' : 'Express';
  t.check(lineWith(' API ').includes(`Nest on ${platform}`), `banner: the API line does not say Nest on ${platform}: "${lineWith(' API ').trim()}"`);

  const curls = lines.map((l, i) => ({ line: l.trim(), comment: lines[i + 1] ?? '' })).filter((c) => c.line.startsWith('curl '));
  t.eq('banner: curl lines', curls.length, CURL_EXPECTED.length);
  for (const [i, want] of CURL_EXPECTED.entries()) {
    const curl = curls[i];
    if (!curl) continue;
    const call = parseCurl(curl.line);
    const label = `curl ${call.method} ${new URL(call.url).pathname}`;
    t.eq(`${label}: URL`, call.url, `${s.api}${want.path}`);
    t.eq(`${label}: method`, call.method, want.method);
    if (want.allowOrigin === 'demo') t.eq(`${label}: Origin`, call.headers.Origin, s.demo);
    const got = await runCurl(call);
    const said = parseAnswer(curl.comment);
    t.note(`${label}: ${got.status} ${got.cors['access-control-allow-origin'] ?? 'no ACAO'}`);
    // As described by the banner...
    if (t.check(said !== undefined, `${label}: no "# -> ..." answer under it: "${curl.comment.trim()}"`) && said) {
      t.eq(`${label}: status as printed`, got.status, said.status);
      t.eq(`${label}: Access-Control-Allow-Origin as printed`, got.cors['access-control-allow-origin'], said.allowOrigin);
      t.eq(`${label}: Access-Control-Allow-Credentials as printed`, got.cors['access-control-allow-credentials'], said.credentials);
      if (said.none) t.eq(`${label}: Access-Control-* headers as printed (none)`, Object.keys(got.cors).join(','), '');
      t.check(want.why.test(curl.comment), `${label}: the explanation "${curl.comment.trim()}" does not match ${want.why}`);
    }
    // ...and as the sample promises for its default origins.
    t.eq(`${label}: status`, got.status, want.status);
    const acao = want.allowOrigin === 'demo' ? s.demo : want.allowOrigin;
    t.eq(`${label}: Access-Control-Allow-Origin`, got.cors['access-control-allow-origin'], acao);
    if (want.allowOrigin === undefined) t.eq(`${label}: Access-Control-* headers`, Object.keys(got.cors).join(','), '');
  }
}

// ---------------------------------------------------------------------------------------------
// The demo page.

interface PageRow {
  readonly allowed: boolean;
  /** Text the "Why" cell must contain; ORIGIN and LIST are replaced by the page origin and CORS_ORIGINS. */
  readonly why: readonly string[];
  readonly seen?: string;
}

const IS_IN = 'ORIGIN is allowed by CORS_ORIGINS (LIST)';
const NOT_IN = 'ORIGIN is not allowed by CORS_ORIGINS (LIST)';

const FROM_DEMO_ORIGIN: Record<string, PageRow> = {
  'GET /feed': { allowed: true, seen: 'status 200', why: ['any page may read it'] },
  'POST /auth/login (credentials)': { allowed: true, seen: 'status 200', why: [IS_IN] },
  'GET /account/me (cookie)': { allowed: true, seen: 'status 200', why: [IS_IN, 'session cookie set by the login above was sent'] },
  'PUT /account/profile (JSON + Authorization)': { allowed: true, seen: 'status 200', why: [IS_IN, 'before the global AuthGuard'] },
  'GET /account/me without credentials': { allowed: true, seen: 'status 401', why: [IS_IN, 'answered 401'] },
  'GET /reports': {
    allowed: true,
    seen: 'status 200, X-Total-Count: 42, X-Internal-Trace: null',
    why: [IS_IN, 'X-Total-Count reads "42"', 'so it reads null'],
  },
  'GET /internal/metrics': { allowed: false, why: ['@Cors(false)'] },
  'DELETE /account/me': { allowed: false, why: ['no route serves DELETE'] },
  'GET /partners/catalog': { allowed: false, why: ['ORIGIN is not allowed by PARTNER_ORIGINS'] },
  'GET /no-such-route': { allowed: true, seen: 'status 404', why: [IS_IN, 'the 404 is readable'] },
};

const FROM_OTHER_ORIGIN: Record<string, PageRow> = {
  'GET /feed': FROM_DEMO_ORIGIN['GET /feed']!,
  'POST /auth/login (credentials)': { allowed: false, why: [NOT_IN] },
  'GET /account/me (cookie)': { allowed: false, why: [NOT_IN] },
  'PUT /account/profile (JSON + Authorization)': { allowed: false, why: [NOT_IN, 'refused the preflight'] },
  'GET /account/me without credentials': { allowed: false, why: [NOT_IN] },
  'GET /reports': { allowed: false, why: [NOT_IN] },
  'GET /internal/metrics': FROM_DEMO_ORIGIN['GET /internal/metrics']!,
  'DELETE /account/me': { allowed: false, why: ['no route serves DELETE', NOT_IN] },
  'GET /partners/catalog': FROM_DEMO_ORIGIN['GET /partners/catalog']!,
  'GET /no-such-route': { allowed: false, why: [NOT_IN, 'even the 404 is hidden'] },
};

/** One state of the page, recorded by a MutationObserver from before the page's script runs. */
interface Snapshot {
  readonly state: string;
  readonly done: boolean;
  readonly status: string;
  readonly rows: number;
  readonly finished: number;
  /** False while the parser has not reached the status line yet (nothing on screen claims anything). */
  readonly parsed: boolean;
}

/**
 * Records every state of the page from before its own script runs (an init script, so page code:
 * plain JavaScript in a string, as this project type-checks without the DOM library).
 */
const RECORD_SNAPSHOTS = `
window.__snapshots = [];
const take = () => {
  const body = document.body;
  if (!body) return;
  const rows = [...document.querySelectorAll('#rows tr')];
  window.__snapshots.push({
    state: body.dataset.state ?? '',
    done: body.dataset.done === 'true',
    status: (document.getElementById('status')?.textContent ?? '').trim(),
    rows: rows.length,
    finished: rows.filter((r) => r.dataset.allowed !== undefined).length,
    parsed: document.getElementById('status') !== null,
  });
};
new MutationObserver(take).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
`;

async function checkDemoPage(t: CaseRun, s: RunningSample, origin: string, expected: Record<string, PageRow>): Promise<void> {
  const session = await t.session();
  const page: Page = await session.context.newPage();
  const ownErrors: string[] = [];
  // CORS refusals of API calls are what the page demonstrates; anything else logged is the page's own error.
  const fromApi = (url: string | undefined) => url !== undefined && url.startsWith(`${s.api}/`);
  page.on('console', (m) => {
    if (m.type() === 'error' && !fromApi(m.location().url) && !m.text().includes(s.api)) ownErrors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => ownErrors.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.url().startsWith(`${origin}/`) && r.status() >= 400) ownErrors.push(`${r.request().method()} ${r.url()}: ${r.status()}`);
  });
  await page.addInitScript({ content: RECORD_SNAPSHOTS });
  await page.goto(`${origin}/`, { timeout: 10_000 });
  await page.waitForSelector('body[data-done="true"]', { state: 'attached', timeout: 10_000 });

  // Progress: the page may not look finished before every call has ended, nor miss a call when it does.
  const snapshots = (await page.evaluate('window.__snapshots')) as Snapshot[];
  const total = Object.keys(expected).length;
  // A page the parser has not reached the status line of yet says nothing, finished or not.
  const early = snapshots.filter((x) => x.parsed && (x.finished < total || x.rows < total));
  const lookingDone = early.filter((x) => x.done || x.state === 'done' || !/running|reading|starting/i.test(x.status));
  t.check(early.length > 0, 'progress: no state of the page before the calls had finished was recorded');
  t.check(
    lookingDone.length === 0,
    `progress: ${lookingDone.length} of ${early.length} states before all calls had ended do not say the calls are running, e.g. ${JSON.stringify(lookingDone[0])}`,
  );
  const firstWithRows = snapshots.find((x) => x.rows > 0);
  t.eq('progress: rows shown from the start (pending ones included)', firstWithRows?.rows, total);
  // Read without waiting: a page without these elements must fail the checks, not time out.
  const textOf = async (selector: string) =>
    ((await page.evaluate(`document.querySelector(${JSON.stringify(selector)})?.innerText ?? ''`)) as string).replace(/\s+/g, ' ').trim();
  const status = await textOf('#status');
  const allowedCount = Object.values(expected).filter((r) => r.allowed).length;
  t.check(
    status.startsWith(`Done: ${total} calls, ${allowedCount} allowed, ${total - allowedCount} blocked; each as the configuration says`),
    `status line at the end: "${status}"`,
  );

  // The configuration panel says where CORS_ORIGINS came from and whether this page is allowed.
  const corsRow = await textOf('#config tr[data-setting="CORS_ORIGINS"]');
  t.check(corsRow.includes(s.demo) && corsRow.includes(`DEMO_PORT=${s.demoPort}`), `config panel: CORS_ORIGINS row "${corsRow}"`);
  const saysAllowed = expected['POST /auth/login (credentials)']!.allowed;
  t.check(
    corsRow.includes(`this page's origin is ${saysAllowed ? 'allowed' : 'not allowed'}`),
    `config panel: CORS_ORIGINS row "${corsRow}" misjudges ${origin}`,
  );

  // Rows: what the browser did, and a "Why" that matches it and names the configuration in force.
  const rows = page.locator('#rows tr');
  const seenNames = new Set<string>();
  const summary: string[] = [];
  for (let i = 0, n = await rows.count(); i < n; i++) {
    const row = rows.nth(i);
    const name = (await row.getAttribute('data-case')) ?? `row ${i}`;
    const allowed = (await row.getAttribute('data-allowed')) === 'true';
    const pageExpected = await row.getAttribute('data-expected');
    const seen = await row.locator('td').nth(2).innerText();
    const why = await row.locator('td').nth(3).innerText();
    seenNames.add(name);
    summary.push(`${name}=${allowed ? 'allowed' : 'blocked'}`);
    const want = expected[name];
    if (!t.check(want !== undefined, `the demo page has a row the suite does not know: ${name}`) || !want) continue;
    t.eq(`${name}: allowed`, allowed, want.allowed);
    t.eq(`${name}: what the page expected from the configuration`, pageExpected, String(want.allowed));
    if (want.seen !== undefined) t.check(seen.includes(want.seen), `${name}: JS saw "${seen}", expected "${want.seen}"`);
    for (const part of want.why) {
      const text = part.replace('ORIGIN', origin).replace('LIST', s.demo);
      t.check(why.includes(text), `${name}: "Why" is "${why}", lacks "${text}"`);
    }
    t.check(!why.includes('Unexpected'), `${name}: "Why" is "${why}"`);
  }
  for (const name of Object.keys(expected)) t.check(seenNames.has(name), `the demo page has no row ${name}`);

  // The favicon: the page's icon link and /favicon.ico both answer with an image.
  const iconHref = (await page.evaluate(`document.querySelector('link[rel="icon"]')?.getAttribute('href') ?? null`)) as string | null;
  for (const path of [iconHref ?? '(no <link rel="icon">)', '/favicon.ico']) {
    const answer = path.startsWith('/') ? await session.context.request.get(`${origin}${path}`) : undefined;
    t.check(
      answer !== undefined && answer.status() === 200 && /^image\//.test(answer.headers()['content-type'] ?? ''),
      `favicon ${path}: ${answer ? `${answer.status()} ${answer.headers()['content-type']}` : 'missing'}`,
    );
  }
  t.check(ownErrors.length === 0, `the demo page's own errors: ${ownErrors.join(' | ')}`);
  t.note(`${origin}: ${summary.join('; ')}; ${snapshots.length} states recorded`);
}

export const samplePortCases: BrowserCase[] = [
  {
    name: 'the sample run with PORT and DEMO_PORT chosen and no CORS_ORIGINS: banner and curl lines tell the truth',
    run: (t) => withSample(t, {}, (s) => checkBanner(t, s)),
  },
  {
    name: 'the sample run with PORT and DEMO_PORT chosen and no CORS_ORIGINS: demo page from its origin and from 127.0.0.1',
    run: (t) =>
      withSample(t, {}, async (s) => {
        await checkDemoPage(t, s, s.demo, FROM_DEMO_ORIGIN);
        await checkDemoPage(t, s, s.demoIp, FROM_OTHER_ORIGIN);
      }),
  },
];
