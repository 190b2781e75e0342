// One case of the browser suite: its sessions, its fetches (with what reached the server), and
// its checks, which collect every failure of the case rather than stopping at the first.
import type { Browser } from 'playwright-core';
import { Session, type FetchSpec, type Observation, type Tab } from './browser.js';
import type { ServerHit, ServerLog } from './servers.js';

export interface Observed extends Observation {
  /** The requests to that URL that reached the Nest server. */
  readonly server: readonly ServerHit[];
}

export interface Expectation {
  /** The status the script must see (allowed) or the network must get (blocked). */
  readonly status?: number;
  /** 'none': no preflight may be sent; a number: it was sent and answered with that status. */
  readonly preflight?: 'none' | number;
  /** Text the script must find in the body (allowed only). */
  readonly body?: string;
  /** Blocked only: false when the request itself must never reach the server. */
  readonly sent?: boolean;
}

export class CaseRun {
  readonly failures: string[] = [];
  readonly notes: string[] = [];
  private readonly sessions: Session[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly log: ServerLog,
  ) {}

  /** A fresh browser context: own cookie jar, own preflight cache. */
  async session(): Promise<Session> {
    const session = await Session.create(this.browser);
    this.sessions.push(session);
    return session;
  }

  /** A page on `origin`, in the given session or a fresh one. */
  async tab(origin: string, session?: Session): Promise<Tab> {
    return (session ?? (await this.session())).open(origin);
  }

  async fetch(tab: Tab, spec: FetchSpec): Promise<Observed> {
    this.log.clear();
    const observation = await tab.fetch(spec);
    return { ...observation, server: this.log.for(observation.spec.url) };
  }

  check(condition: boolean, failure: string): boolean {
    if (!condition) this.failures.push(failure);
    return condition;
  }

  eq(what: string, actual: unknown, expected: unknown): boolean {
    return this.check(Object.is(actual, expected), `${what}: expected ${show(expected)}, got ${show(actual)}`);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /** The browser let the script read the response. */
  allowed(label: string, o: Observed, expect: Expectation = {}): void {
    this.note(`${label} ${describe(o)}`);
    label = label.replace(/:$/, '');
    if (!this.check(o.script.allowed, `${label}: expected allowed, but ${describe(o)} [${o.script.error ?? ''}]`)) {
      this.checkPreflight(label, o, expect);
      return;
    }
    if (expect.status !== undefined) this.eq(`${label}: status`, o.script.status, expect.status);
    if (expect.body !== undefined) {
      this.check((o.script.body ?? '').includes(expect.body), `${label}: body ${show(clip(o.script.body))} lacks ${show(expect.body)}`);
    }
    this.checkPreflight(label, o, expect);
  }

  /** fetch() rejected: the browser refused the response, or the preflight and so the request. */
  blocked(label: string, o: Observed, expect: Expectation = {}): void {
    this.note(`${label} ${describe(o)}`);
    label = label.replace(/:$/, '');
    this.check(!o.script.allowed, `${label}: expected blocked, but the script saw status ${o.script.status}`);
    this.checkPreflight(label, o, expect);
    if (expect.sent === false) {
      const reached = o.server.filter((h) => h.method !== 'OPTIONS');
      this.check(
        reached.length === 0,
        `${label}: the request reached the server (${reached.map((h) => `${h.method} ${h.status}`).join(', ')}) though it must not be sent`,
      );
    } else if (expect.status !== undefined) {
      this.eq(`${label}: network status`, o.actual?.status, expect.status);
    }
  }

  private checkPreflight(label: string, o: Observed, expect: Expectation): void {
    if (expect.preflight === 'none') {
      this.check(o.preflight === undefined, `${label}: expected no preflight, got one (${o.preflight?.status})`);
    } else if (expect.preflight !== undefined) {
      this.check(o.preflight !== undefined, `${label}: expected a preflight, none was sent`);
      if (o.preflight) this.eq(`${label}: preflight status`, o.preflight.status, expect.preflight);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.sessions.map((s) => s.close()));
  }
}

/** "allowed 200, preflight 204" / "blocked (preflight 403, not sent)" / "blocked (network 200, MissingAllowOriginHeader)". */
export function describe(o: Observation): string {
  const preflight = o.preflight ? `preflight ${o.preflight.status ?? o.preflight.failed ?? '?'}` : undefined;
  if (o.script.allowed) return `allowed ${o.script.status}${preflight ? `, ${preflight}` : ''}`;
  const parts: string[] = [];
  if (preflight) parts.push(preflight);
  if (!o.actual || (o.actual.status === undefined && o.preflight)) parts.push('request not sent');
  else parts.push(`network ${o.actual.status ?? o.actual.failed ?? '?'}`);
  const cors = o.actual?.corsError ?? o.preflight?.corsError;
  if (cors) parts.push(cors);
  return `blocked (${parts.join(', ')})`;
}

function show(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

function clip(text: string | undefined): string | undefined {
  return text !== undefined && text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
