// The memory run: a long stream of requests on distinct random paths (parameter routes of known
// controllers, and paths no route knows), actual requests and preflights, from the allowed origin
// and from distinct unknown origins; the server's memory is sampled as it goes. Anything that
// cached per path or per origin would grow with the number of distinct paths.
import type autocannon from 'autocannon';
import { BenchServer, runLoad, type ServerOptions } from './load.js';
import { APP_ORIGIN, controllerCount, type MemorySample, type ServerConfig } from './shared.js';
import { seededRandom } from './stats.js';

export interface MemoryPoint {
  readonly label: string;
  /** Requests sent so far. */
  readonly requests: number;
  /** As the process is, garbage and all. */
  readonly raw: MemorySample;
  /** After a full GC. */
  readonly collected: MemorySample;
}

export interface MemoryRun {
  readonly config: ServerConfig;
  readonly points: MemoryPoint[];
  readonly rps: number;
  readonly statuses: Record<string, number>;
  readonly errors: number;
}

/** A request generator over distinct random paths (a counter makes every path unique). */
export function distinctPathRequests(routes: number, seed: number): autocannon.Request[] {
  const random = seededRandom(seed);
  const controllers = controllerCount(routes);
  let n = 0;
  const setupRequest = (request: autocannon.Request): autocannon.Request => {
    n++;
    const c = Math.floor(random() * controllers);
    const id = `${n.toString(36)}-${Math.floor(random() * 2 ** 31).toString(36)}`;
    const part = Math.floor(random() * 2 ** 31).toString(36);
    const r = random();
    const preflight = (path: string, origin = APP_ORIGIN): autocannon.Request => ({
      ...request,
      method: 'OPTIONS',
      path,
      headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    const get = (path: string, origin = APP_ORIGIN): autocannon.Request => ({ ...request, method: 'GET', path, headers: { origin } });
    if (r < 0.3) return get(`/res${c}/${id}`);
    if (r < 0.45) return get(`/res${c}/items/${id}/parts/${part}`);
    if (r < 0.6) return preflight(`/res${c}/items/${id}/parts/${part}`);
    if (r < 0.8) return get(`/unknown/${id}/${part}?q=${c}`);
    if (r < 0.9) return get(`/res${c}/${id}`, `https://${id}.random-origin.test`);
    if (r < 0.95) return preflight(`/res${c}/${id}`, `https://${id}.random-origin.test`);
    return preflight(`/nothing/${id}`);
  };
  return [{ method: 'GET', path: '/', setupRequest }];
}

/**
 * Runs `total` distinct-path requests against a fresh server: a warm-up of a tenth, then the rest
 * in `chunks` parts, sampling memory at the start, after the warm-up and after every part.
 */
export async function memoryRun(
  config: ServerConfig,
  total: number,
  options: { connections: number; chunks: number; server: ServerOptions; log: (line: string) => void },
): Promise<MemoryRun> {
  const server = await BenchServer.start(config, { ...options.server, execArgv: [...(options.server.execArgv ?? []), '--expose-gc'] });
  try {
    const points: MemoryPoint[] = [];
    let sent = 0;
    const sample = async (label: string) => {
      const raw = await server.memory(false);
      const collected = await server.memory(true);
      points.push({ label, requests: sent, raw, collected });
      options.log(`  memory ${label}: ${sent} requests, RSS ${mib(raw.rss)} (after GC ${mib(collected.rss)}), heap used ${mib(collected.heapUsed)}`);
    };
    await sample('start');
    const requests = distinctPathRequests(config.routes, 0x5eed);
    const warmup = Math.max(1000, Math.round(total / 10));
    const statuses: Record<string, number> = {};
    let errors = 0;
    let seconds = 0;
    const chunk = async (amount: number) => {
      const started = process.hrtime.bigint();
      const m = await runLoad(server.port, { connections: options.connections, amount, requests });
      seconds += Number(process.hrtime.bigint() - started) / 1e9;
      sent += m.requests;
      errors += m.errors + m.timeouts;
      for (const [code, n] of Object.entries(m.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
    };
    await chunk(warmup);
    await sample('after warm-up');
    const rest = Math.max(0, total - warmup);
    for (let i = 0; i < options.chunks; i++) {
      const amount = Math.round((rest * (i + 1)) / options.chunks) - Math.round((rest * i) / options.chunks);
      if (amount > 0) await chunk(amount);
      await sample(i === options.chunks - 1 ? 'end' : `${Math.round(((i + 1) * 100) / options.chunks)}% of the rest`);
    }
    return { config, points, rps: sent / seconds, statuses, errors };
  } finally {
    await server.stop();
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
