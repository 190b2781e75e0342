// The cases: each opens pages on chosen origins in fresh browser contexts, runs fetch() there and
// checks what Chromium allowed, what the script could read, and which preflights went out.
import type { CaseRun } from './case-run.js';

export interface SuiteOrigins {
  /** In CORS_ORIGINS: the front end the sample's global policy allows, with credentials. */
  readonly page: string;
  /** The same host on another port: same site, another origin, not allowed (except where said). */
  readonly other: string;
  /** The page port on 127.0.0.1: another origin and another site than localhost. */
  readonly ip: string;
  /** http://app.localhost:<page port>: a subdomain (Chromium resolves *.localhost to loopback). */
  readonly sub: string;
  /** http://app.localhost:<other port>: a subdomain on the wrong port. */
  readonly subOther: string;
  /** The sample's demo page, on an allowed origin and on a not allowed one. */
  readonly demo: string;
  readonly demoIp: string;
}

export interface SuiteEnv {
  readonly origins: SuiteOrigins;
  /** A URL on the sample application. */
  api(path: string): string;
  /** A URL on the extra application (extra-app.ts). */
  extra(path: string): string;
}

export interface BrowserCase {
  readonly name: string;
  run(t: CaseRun, env: SuiteEnv): Promise<void>;
}

const JSON_AND_TOKEN = { 'content-type': 'application/json', authorization: 'Bearer demo-token' };

/** Logs in from the allowed origin (httpOnly cookie sample_session) and checks the cookie is set. */
async function logIn(t: CaseRun, env: SuiteEnv, session: Awaited<ReturnType<CaseRun['session']>>) {
  const tab = await t.tab(env.origins.page, session);
  const login = await t.fetch(tab, { url: env.api('/auth/login'), method: 'POST', credentials: 'include' });
  t.allowed('POST /auth/login from the allowed origin', login, { status: 200, preflight: 'none', body: 'loggedIn' });
  const cookie = (await session.cookies(env.api('/'))).find((c) => c.name === 'sample_session');
  t.check(cookie !== undefined, 'login: the browser stored no sample_session cookie');
  if (cookie) t.check(cookie.httpOnly, 'login: sample_session is not httpOnly');
  return tab;
}

export const sampleCases: BrowserCase[] = [
  {
    name: 'public GET /feed from any origin',
    async run(t, { origins, api }) {
      for (const [label, origin] of [
        ['allowed origin', origins.page],
        ['other port', origins.other],
        ['127.0.0.1', origins.ip],
      ] as const) {
        const o = await t.fetch(await t.tab(origin), { url: api('/feed') });
        t.allowed(`from ${label}:`, o, { status: 200, preflight: 'none', body: 'Per-route CORS' });
        t.eq(`from ${label}: Access-Control-Allow-Origin`, o.actual?.responseHeaders['access-control-allow-origin'], '*');
      }
    },
  },
  {
    name: "public GET /feed with credentials:'include' is blocked (ACAO * cannot carry credentials)",
    async run(t, { origins, api }) {
      const o = await t.fetch(await t.tab(origins.page), { url: api('/feed'), credentials: 'include' });
      t.blocked('from the allowed origin:', o, { status: 200, preflight: 'none' });
    },
  },
  {
    name: 'cookie round trip: login, then credentialed GET /account/me from the allowed origin',
    async run(t, env) {
      const session = await t.session();
      const tab = await logIn(t, env, session);
      const me = await t.fetch(tab, { url: env.api('/account/me'), credentials: 'include' });
      t.allowed('GET /account/me:', me, { status: 200, preflight: 'none', body: 'Ada' });
      const hit = me.server.find((h) => h.method === 'GET');
      t.check(/(^|;\s*)sample_session=/.test(hit?.cookie ?? ''), `GET /account/me: the cookie did not reach the server (Cookie: ${hit?.cookie ?? 'none'})`);
      t.eq('GET /account/me: Access-Control-Allow-Origin', me.actual?.responseHeaders['access-control-allow-origin'], env.origins.page);
      t.eq('GET /account/me: Access-Control-Allow-Credentials', me.actual?.responseHeaders['access-control-allow-credentials'], 'true');
      t.note(`cookie sent: ${hit?.cookie ? 'yes' : 'no'}`);
    },
  },
  {
    name: 'credentialed GET /account/me blocked from another port of localhost (same site, cookie sent)',
    async run(t, env) {
      const session = await t.session();
      await logIn(t, env, session);
      const tab = await t.tab(env.origins.other, session);
      const me = await t.fetch(tab, { url: env.api('/account/me'), credentials: 'include' });
      // The cookie went out and the server answered 200: only CORS keeps the script from reading it.
      t.blocked('GET /account/me from the other port:', me, { status: 200, preflight: 'none' });
      const hit = me.server.find((h) => h.method === 'GET');
      t.check(/sample_session=/.test(hit?.cookie ?? ''), 'the same-site cookie was expected to be sent (the block must come from CORS)');
      t.eq('no Access-Control-Allow-Origin for the other port', me.actual?.responseHeaders['access-control-allow-origin'], undefined);
      const login = await t.fetch(tab, { url: env.api('/auth/login'), method: 'POST', credentials: 'include' });
      t.blocked('POST /auth/login from the other port:', login, { status: 200, preflight: 'none' });
    },
  },
  {
    name: 'credentialed GET /account/me blocked from 127.0.0.1 (another site than localhost)',
    async run(t, env) {
      const session = await t.session();
      await logIn(t, env, session);
      const tab = await t.tab(env.origins.ip, session);
      const me = await t.fetch(tab, { url: env.api('/account/me'), credentials: 'include' });
      t.blocked('GET /account/me from 127.0.0.1:', me, { preflight: 'none' });
      t.eq('no Access-Control-Allow-Origin for 127.0.0.1', me.actual?.responseHeaders['access-control-allow-origin'], undefined);
      const held = me.actual?.cookies.find((c) => c.name === 'sample_session');
      t.note(
        `cookie sent: ${me.server.some((h) => h.cookie?.includes('sample_session=')) ? 'yes' : `no${held?.blockedReasons.length ? ` (${held.blockedReasons.join(', ')})` : ''}`}`,
      );
    },
  },
  {
    name: 'PUT /account/profile with JSON and Authorization: preflight, then the request, from the allowed origin',
    async run(t, { origins, api }) {
      const o = await t.fetch(await t.tab(origins.page), {
        url: api('/account/profile'),
        method: 'PUT',
        headers: JSON_AND_TOKEN,
        body: JSON.stringify({ theme: 'light' }),
      });
      t.allowed('PUT /account/profile:', o, { status: 200, preflight: 204, body: '"theme":"light"' });
      const pre = o.preflight?.responseHeaders ?? {};
      t.eq('preflight Access-Control-Allow-Origin', pre['access-control-allow-origin'], origins.page);
      t.check(
        /\bPUT\b/.test(pre['access-control-allow-methods'] ?? ''),
        `preflight Access-Control-Allow-Methods lacks PUT: ${pre['access-control-allow-methods']}`,
      );
      t.check(
        /\bauthorization\b/i.test(pre['access-control-allow-headers'] ?? ''),
        `preflight Access-Control-Allow-Headers lacks authorization: ${pre['access-control-allow-headers']}`,
      );
      t.eq('preflight Access-Control-Max-Age', pre['access-control-max-age'], '600');
      t.eq('server saw', o.server.map((h) => `${h.method} ${h.status}`).join(', '), 'OPTIONS 204, PUT 200');
    },
  },
  {
    name: 'PUT /account/profile blocked from another origin: preflight refused, request never sent',
    async run(t, { origins, api }) {
      for (const [label, origin] of [
        ['other port', origins.other],
        ['127.0.0.1', origins.ip],
      ] as const) {
        const o = await t.fetch(await t.tab(origin), {
          url: api('/account/profile'),
          method: 'PUT',
          headers: JSON_AND_TOKEN,
          body: JSON.stringify({ theme: 'hacked' }),
        });
        t.blocked(`from ${label}:`, o, { preflight: 403, sent: false });
        t.eq(`from ${label}: refused preflight carries no ACAO`, o.preflight?.responseHeaders['access-control-allow-origin'], undefined);
      }
    },
  },
  {
    name: 'DELETE /account/me (no route serves DELETE there): preflight 403, request never sent',
    async run(t, { origins, api }) {
      const o = await t.fetch(await t.tab(origins.page), { url: api('/account/me'), method: 'DELETE', credentials: 'include' });
      t.blocked('DELETE from the allowed origin:', o, { preflight: 403, sent: false });
    },
  },
  {
    name: 'exposed header: X-Total-Count readable on GET /reports, X-Internal-Trace null',
    async run(t, { origins, api }) {
      const o = await t.fetch(await t.tab(origins.page), { url: api('/reports'), credentials: 'include', read: ['X-Total-Count', 'X-Internal-Trace'] });
      t.allowed('GET /reports:', o, { status: 200, preflight: 'none' });
      t.eq('X-Total-Count as JS reads it', o.script.headers['X-Total-Count'], '42');
      t.eq('X-Internal-Trace as JS reads it', o.script.headers['X-Internal-Trace'], null);
      // It was on the wire: null is the browser's CORS filtering, not a missing header.
      t.eq('X-Internal-Trace on the wire', o.actual?.responseHeaders['x-internal-trace'], 'not-for-scripts');
      t.note(`JS sees headers: ${o.script.visibleHeaders.join(' ')}`);
    },
  },
  {
    name: '@Cors(false) GET /internal/metrics blocked (and its preflights refused)',
    async run(t, { origins, api }) {
      const tab = await t.tab(origins.page);
      const o = await t.fetch(tab, { url: api('/internal/metrics') });
      t.blocked('GET from the allowed origin:', o, { status: 200, preflight: 'none' });
      const cors = Object.keys(o.actual?.responseHeaders ?? {}).filter((h) => h.startsWith('access-control-'));
      t.eq('CORS headers on the response', cors.join(', '), '');
      // content-type: application/json makes the browser preflight; the global policy would allow that header.
      const pre = await t.fetch(tab, { url: api('/internal/metrics'), headers: { 'content-type': 'application/json' } });
      t.blocked('GET with content-type JSON (preflighted):', pre, { preflight: 403, sent: false });
    },
  },
  {
    name: "the guard's 401 is readable by JS from the allowed origin (and hidden from others)",
    async run(t, { origins, api }) {
      const o = await t.fetch(await t.tab(origins.page), { url: api('/account/me') });
      t.allowed('GET /account/me without credentials from the allowed origin:', o, { status: 401, preflight: 'none', body: 'Log in first' });
      const other = await t.fetch(await t.tab(origins.other), { url: api('/account/me') });
      t.blocked('from the other port:', other, { status: 401, preflight: 'none' });
    },
  },
  {
    name: 'a 404 is readable by JS from the allowed origin (unknown path: global policy)',
    async run(t, { origins, api }) {
      const tab = await t.tab(origins.page);
      const unknown = await t.fetch(tab, { url: api('/no-such-route'), credentials: 'include' });
      t.allowed('GET /no-such-route:', unknown, { status: 404, preflight: 'none' });
      const underKnown = await t.fetch(tab, { url: api('/account/nothing-here'), credentials: 'include' });
      t.allowed('GET /account/nothing-here:', underKnown, { status: 404, preflight: 'none' });
      const other = await t.fetch(await t.tab(origins.other), { url: api('/no-such-route') });
      t.blocked('GET /no-such-route from the other port:', other, { status: 404 });
    },
  },
  {
    name: 'a malformed JSON body: the 400 is readable by JS from the allowed origin',
    async run(t, { origins, api }) {
      const o = await t.fetch(await t.tab(origins.page), { url: api('/account/profile'), method: 'PUT', headers: JSON_AND_TOKEN, body: '{"theme":' });
      t.allowed('PUT /account/profile with broken JSON:', o, { status: 400, preflight: 204 });
    },
  },
  {
    name: 'named policy "partner": PARTNER_ORIGINS only, nothing inherited from the global policy',
    async run(t, { origins, api }) {
      const partner = await t.fetch(await t.tab(origins.other), { url: api('/partners/catalog') });
      t.allowed('GET /partners/catalog from the partner origin (other port):', partner, { status: 200, preflight: 'none', body: 'A-1' });
      const front = await t.fetch(await t.tab(origins.page), { url: api('/partners/catalog') });
      t.blocked("from the global policy's origin:", front, { status: 200, preflight: 'none' });
    },
  },
];

export const extraCases: BrowserCase[] = [
  {
    name: 'port pattern policy http://localhost:* (extra app)',
    async run(t, { origins, extra }) {
      for (const [label, origin] of [
        ['page port', origins.page],
        ['other port', origins.other],
      ] as const) {
        const o = await t.fetch(await t.tab(origin), { url: extra('/tools/ports') });
        t.allowed(`GET /tools/ports from localhost ${label}:`, o, { status: 200, preflight: 'none', body: 'ports' });
      }
      const ip = await t.fetch(await t.tab(origins.ip), { url: extra('/tools/ports') });
      t.blocked('from 127.0.0.1:', ip, { status: 200, preflight: 'none' });
    },
  },
  {
    name: 'subdomain pattern policy http://*.localhost:<page port> (extra app)',
    async run(t, { origins, extra }) {
      const sub = await t.fetch(await t.tab(origins.sub), { url: extra('/tools/subdomains'), credentials: 'include' });
      t.allowed('GET /tools/subdomains from app.localhost:', sub, { status: 200, preflight: 'none', body: 'subdomains' });
      t.eq('ACAO is the exact subdomain origin', sub.actual?.responseHeaders['access-control-allow-origin'], origins.sub);
      const bare = await t.fetch(await t.tab(origins.page), { url: extra('/tools/subdomains') });
      t.blocked('from localhost itself (no subdomain):', bare, { status: 200, preflight: 'none' });
      const port = await t.fetch(await t.tab(origins.subOther), { url: extra('/tools/subdomains') });
      t.blocked('from app.localhost on another port:', port, { status: 200, preflight: 'none' });
    },
  },
  {
    name: 'handler override under the same controller path: GET /catalog/open open to all, GET /catalog/items global (extra app)',
    async run(t, { origins, extra }) {
      const otherTab = await t.tab(origins.other);
      const open = await t.fetch(otherTab, { url: extra('/catalog/open') });
      t.allowed('GET /catalog/open from the other port:', open, { status: 200, preflight: 'none', body: 'open' });
      t.eq('GET /catalog/open ACAO', open.actual?.responseHeaders['access-control-allow-origin'], '*');
      const ip = await t.fetch(await t.tab(origins.ip), { url: extra('/catalog/open') });
      t.allowed('GET /catalog/open from 127.0.0.1:', ip, { status: 200, preflight: 'none' });
      const items = await t.fetch(otherTab, { url: extra('/catalog/items') });
      t.blocked('GET /catalog/items from the other port:', items, { status: 200, preflight: 'none' });
      const front = await t.fetch(await t.tab(origins.page), { url: extra('/catalog/items'), credentials: 'include' });
      t.allowed('GET /catalog/items from the global origin:', front, { status: 200, preflight: 'none', body: 'Anvil' });
    },
  },
  {
    name: 'method override on one path: PUT /catalog/items for the other origin only, GET for the global one (extra app)',
    async run(t, { origins, extra }) {
      const body = JSON.stringify([{ sku: 'B-2', name: 'Bellows' }]);
      const put = { url: extra('/catalog/items'), method: 'PUT', headers: { 'content-type': 'application/json' }, body } as const;
      const other = await t.fetch(await t.tab(origins.other), put);
      t.allowed('PUT from the other port:', other, { status: 200, preflight: 204, body: 'Bellows' });
      t.eq('PUT preflight ACAO', other.preflight?.responseHeaders['access-control-allow-origin'], origins.other);
      const front = await t.fetch(await t.tab(origins.page), put);
      t.blocked('PUT from the global origin:', front, { preflight: 403, sent: false });
    },
  },
  {
    name: '@Cors(false) controller, one handler enabled again with @Cors() (extra app)',
    async run(t, { origins, extra }) {
      const tab = await t.tab(origins.page);
      const off = await t.fetch(tab, { url: extra('/ops/status') });
      t.blocked('GET /ops/status:', off, { status: 200, preflight: 'none' });
      const on = await t.fetch(tab, { url: extra('/ops/ping'), credentials: 'include' });
      t.allowed('GET /ops/ping:', on, { status: 200, preflight: 'none', body: 'pong' });
    },
  },
];

/** What the sample's demo page (sample/public/index.html) must show, per row. */
interface DemoRow {
  readonly allowed: boolean;
  /** Text the "What JS could see" cell must contain. */
  readonly seen?: string;
}

const DEMO_FROM_ALLOWED: Record<string, DemoRow> = {
  'GET /feed': { allowed: true, seen: 'status 200' },
  'POST /auth/login (credentials)': { allowed: true, seen: 'status 200' },
  'GET /account/me (cookie)': { allowed: true, seen: 'status 200' },
  'PUT /account/profile (JSON + Authorization)': { allowed: true, seen: 'status 200' },
  'GET /account/me without credentials': { allowed: true, seen: 'status 401' },
  'GET /reports': { allowed: true, seen: 'status 200, X-Total-Count: 42, X-Internal-Trace: null' },
  'GET /internal/metrics': { allowed: false },
  'DELETE /account/me': { allowed: false },
  'GET /partners/catalog': { allowed: false },
  'GET /no-such-route': { allowed: true, seen: 'status 404' },
};

const DEMO_FROM_ELSEWHERE: Record<string, DemoRow> = Object.fromEntries(
  Object.keys(DEMO_FROM_ALLOWED).map((name) => [name, name === 'GET /feed' ? { allowed: true, seen: 'status 200' } : { allowed: false }]),
);

async function checkDemoPage(t: CaseRun, origin: string, expected: Record<string, DemoRow>): Promise<void> {
  const session = await t.session();
  const page = await session.context.newPage();
  await page.goto(`${origin}/`, { timeout: 10_000 });
  await page.waitForSelector('body[data-done="true"]', { state: 'attached', timeout: 10_000 });
  const rows = page.locator('#rows tr');
  const seenNames = new Set<string>();
  const summary: string[] = [];
  for (let i = 0, n = await rows.count(); i < n; i++) {
    const row = rows.nth(i);
    const name = (await row.getAttribute('data-case')) ?? `row ${i}`;
    const allowed = (await row.getAttribute('data-allowed')) === 'true';
    const seen = await row.locator('td').nth(2).innerText();
    seenNames.add(name);
    summary.push(`${name}=${allowed ? 'allowed' : 'blocked'}`);
    const want = expected[name];
    if (!t.check(want !== undefined, `the demo page has a row the suite does not know: ${name}`) || !want) continue;
    t.eq(`${name}: allowed`, allowed, want.allowed);
    if (want.seen !== undefined) t.check(seen.includes(want.seen), `${name}: JS saw "${seen}", expected "${want.seen}"`);
  }
  for (const name of Object.keys(expected)) t.check(seenNames.has(name), `the demo page has no row ${name}`);
  t.note(summary.join('; '));
}

export const demoCases: BrowserCase[] = [
  {
    name: 'the sample demo page from its allowed origin: table rows as documented',
    run: (t, { origins }) => checkDemoPage(t, origins.demo, DEMO_FROM_ALLOWED),
  },
  {
    name: 'the sample demo page from 127.0.0.1 (not allowed): only the public feed',
    run: (t, { origins }) => checkDemoPage(t, origins.demoIp, DEMO_FROM_ELSEWHERE),
  },
];
