// Real Chromium, driven by playwright-core: pages opened on chosen origins run fetch() there, and
// what the browser decided is read twice, as a script sees it (the fetch result) and as the
// network saw it (CDP Network events, which include the preflights Playwright's own events omit).
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

/** Debian's Chromium (CI installs it with apt-get). Never a browser build downloaded by Playwright. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** One fetch() as a page script writes it. */
export interface FetchSpec {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly credentials?: 'omit' | 'same-origin' | 'include';
  /** Response headers the script tries to read with res.headers.get(). */
  readonly read?: readonly string[];
}

/** What the page script could see. */
export interface ScriptView {
  /** False when fetch() rejected (a TypeError: CORS refused the response or the preflight). */
  readonly allowed: boolean;
  readonly status?: number;
  /** res.headers.get(name) for each name in FetchSpec.read. */
  readonly headers: Record<string, string | null>;
  /** Every response header name the script can enumerate. */
  readonly visibleHeaders: readonly string[];
  readonly body?: string;
  readonly error?: string;
}

/** One request as the network saw it (CDP), with the raw headers both ways. */
export interface NetExchange {
  readonly id: string;
  method?: string;
  url?: string;
  preflight: boolean;
  status?: number;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  /** Cookies Chromium considered for the request and why each was not sent ([] when sent). */
  cookies: { name: string; blockedReasons: string[] }[];
  finished: boolean;
  failed?: string;
  corsError?: string;
}

export interface Observation {
  readonly spec: FetchSpec;
  /** The origin of the page that ran the fetch. */
  readonly origin: string;
  readonly script: ScriptView;
  /** The CORS preflight, when the browser sent one. */
  readonly preflight?: NetExchange;
  /** The request itself, when the browser sent it. */
  readonly actual?: NetExchange;
}

/** Runs inside the page: serialised by Playwright, so it may use nothing from this module. */
async function fetchInPage(spec: FetchSpec): Promise<ScriptView> {
  try {
    const res = await fetch(spec.url, {
      method: spec.method ?? 'GET',
      headers: spec.headers,
      body: spec.body,
      credentials: spec.credentials ?? 'same-origin',
    });
    const headers: Record<string, string | null> = {};
    for (const name of spec.read ?? []) headers[name] = res.headers.get(name);
    const visibleHeaders: string[] = [];
    res.headers.forEach((_value, name) => visibleHeaders.push(name));
    const body = await res.text();
    return { allowed: true, status: res.status, headers, visibleHeaders: visibleHeaders.sort(), body };
  } catch (error) {
    return { allowed: false, headers: {}, visibleHeaders: [], error: String(error) };
  }
}

// The CDP Network events read here (only the fields used).
interface CdpRequestWillBeSent {
  requestId: string;
  type?: string;
  request: { url: string; method: string; headers: Record<string, string> };
  initiator?: { type?: string };
}
interface CdpRequestExtra {
  requestId: string;
  headers: Record<string, string>;
  associatedCookies?: { cookie: { name: string }; blockedReasons: string[] }[];
}
interface CdpResponseReceived {
  requestId: string;
  type?: string;
  response: { status: number; headers: Record<string, string> };
}
interface CdpResponseExtra {
  requestId: string;
  statusCode: number;
  headers: Record<string, string>;
}
interface CdpLoadingFailed {
  requestId: string;
  errorText: string;
  corsErrorStatus?: { corsError: string };
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A page on one origin, with the network recorded through CDP. */
export class Tab {
  private readonly exchanges = new Map<string, NetExchange>();

  private constructor(
    readonly page: Page,
    readonly origin: string,
    private readonly cdp: CDPSession,
  ) {
    cdp.on('Network.requestWillBeSent', (e: CdpRequestWillBeSent) => {
      const x = this.exchange(e.requestId);
      x.method = e.request.method;
      x.url = e.request.url;
      x.preflight ||= e.initiator?.type === 'preflight' || e.type === 'Preflight' || e.request.method === 'OPTIONS';
      x.requestHeaders = { ...lowerKeys(e.request.headers), ...x.requestHeaders };
    });
    cdp.on('Network.requestWillBeSentExtraInfo', (e: CdpRequestExtra) => {
      const x = this.exchange(e.requestId);
      x.requestHeaders = { ...x.requestHeaders, ...lowerKeys(e.headers) };
      x.cookies = (e.associatedCookies ?? []).map((c) => ({ name: c.cookie.name, blockedReasons: c.blockedReasons }));
    });
    cdp.on('Network.responseReceived', (e: CdpResponseReceived) => {
      const x = this.exchange(e.requestId);
      x.status ??= e.response.status;
      x.preflight ||= e.type === 'Preflight';
      x.responseHeaders = { ...lowerKeys(e.response.headers), ...x.responseHeaders };
    });
    cdp.on('Network.responseReceivedExtraInfo', (e: CdpResponseExtra) => {
      const x = this.exchange(e.requestId);
      x.status = e.statusCode;
      x.responseHeaders = { ...x.responseHeaders, ...lowerKeys(e.headers) };
    });
    cdp.on('Network.loadingFinished', (e: { requestId: string }) => {
      this.exchange(e.requestId).finished = true;
    });
    cdp.on('Network.loadingFailed', (e: CdpLoadingFailed) => {
      const x = this.exchange(e.requestId);
      x.finished = true;
      x.failed = e.errorText;
      x.corsError = e.corsErrorStatus?.corsError;
    });
  }

  static async open(context: BrowserContext, origin: string): Promise<Tab> {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const tab = new Tab(page, origin, cdp);
    await cdp.send('Network.enable');
    // Preflight caching is per context; this keeps a case's own repeated calls honest too.
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await page.goto(`${origin}/`, { timeout: 10_000 });
    return tab;
  }

  /** Runs fetch() in the page and waits until the network has finished with that URL. */
  async fetch(spec: FetchSpec): Promise<Observation> {
    const url = new URL(spec.url).href;
    this.exchanges.clear();
    const script = await this.page.evaluate(fetchInPage, { ...spec, url });
    const mine = () => [...this.exchanges.values()].filter((x) => x.url === url);
    for (let waited = 0; waited < 2_000; waited += 20) {
      const list = mine();
      if (list.length > 0 && list.every((x) => x.finished)) break;
      await sleep(20);
    }
    await sleep(30); // ExtraInfo events may trail loadingFinished
    const list = mine();
    return {
      spec: { ...spec, url },
      origin: this.origin,
      script,
      preflight: list.find((x) => x.preflight),
      actual: list.find((x) => !x.preflight),
    };
  }

  private exchange(id: string): NetExchange {
    let x = this.exchanges.get(id);
    if (!x) {
      x = { id, preflight: false, requestHeaders: {}, responseHeaders: {}, cookies: [], finished: false };
      this.exchanges.set(id, x);
    }
    return x;
  }
}

/** A fresh browser context (own cookies, own preflight cache) whose pages are opened on origins. */
export class Session {
  private constructor(readonly context: BrowserContext) {}

  static async create(browser: Browser): Promise<Session> {
    return new Session(await browser.newContext());
  }

  open(origin: string): Promise<Tab> {
    return Tab.open(this.context, origin);
  }

  async cookies(url: string) {
    return this.context.cookies(url);
  }

  close(): Promise<void> {
    return this.context.close().catch(() => undefined);
  }
}
