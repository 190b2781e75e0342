// The load-generator side: starting and stopping server processes, and measuring them with
// autocannon (in this process, no worker threads; the server runs in its own process).
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BenchRequest, MemorySample, ParentMessage, ServerConfig, ServerMessage } from './shared.js';

const SERVER_ENTRY = fileURLToPath(new URL('./server.js', import.meta.url));
const HOST = '127.0.0.1';

export interface ServerOptions {
  /** Extra node flags, e.g. --cpu-prof. */
  readonly execArgv?: readonly string[];
  /** CPU to pin the server to (taskset), when pinning. */
  readonly cpu?: number;
  readonly startTimeoutMs?: number;
  /** Called with the server's pid as soon as it is forked. */
  readonly onSpawn?: (pid: number) => void;
}

export class BenchServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly config: ServerConfig,
    readonly port: number,
    readonly startupMs: number,
    readonly startMemory: MemorySample,
  ) {}

  static async start(config: ServerConfig, options: ServerOptions = {}): Promise<BenchServer> {
    const child = fork(SERVER_ENTRY, [JSON.stringify(config)], {
      execArgv: [...(options.execArgv ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const ready = await new Promise<Extract<ServerMessage, { type: 'ready' }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`server ${JSON.stringify(config)} did not start in time`));
      }, options.startTimeoutMs ?? 120_000);
      child.on('message', (message: ServerMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(message);
        } else if (message.type === 'error') {
          clearTimeout(timer);
          reject(new Error(`server ${JSON.stringify(config)} failed: ${message.message}`));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server ${JSON.stringify(config)} exited with ${code} before it was ready`));
      });
    });
    if (options.cpu !== undefined && child.pid !== undefined) pin(child.pid, options.cpu);
    return new BenchServer(child, config, ready.port, ready.startupMs, ready.memory);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** A memory sample; with `gc`, after a full GC (when the server runs with --expose-gc). */
  async memory(gc = false): Promise<MemorySample> {
    const reply = await this.ask({ type: 'memory', gc }, 'memory');
    return reply.memory;
  }

  /** CPU time the server has used so far (all its threads), in microseconds. */
  async cpuMicros(): Promise<number> {
    const reply = await this.ask({ type: 'cpu' }, 'cpu');
    return reply.micros;
  }

  private ask<T extends ServerMessage['type']>(message: ParentMessage, type: T): Promise<Extract<ServerMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: ServerMessage) => {
        if (reply.type !== type) return;
        this.child.off('message', onMessage);
        resolve(reply as Extract<ServerMessage, { type: T }>);
      };
      this.child.on('message', onMessage);
      if (!this.child.send(message)) reject(new Error('server gone'));
    });
  }

  /** Asks the server to close and exit (so that a CPU profile is written); kills it if it does not. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  /** Kills the server right away (on the way out after an error). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** Pins a process and all its threads to one CPU (Linux taskset); false when that failed. */
export function pin(pid: number, cpu: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Measurement {
  /** Completed requests per second. */
  readonly rps: number;
  /** Latency percentiles over every response (any status), in milliseconds. */
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Responses per status code. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Seconds the load ran. */
  readonly seconds: number;
  /** Every response's latency (ms), sorted. */
  readonly latencies: Float64Array;
}

export interface LoadOptions {
  readonly connections: number;
  /** Seconds; ignored when amount is given. */
  readonly duration?: number;
  readonly amount?: number;
  readonly requests: autocannon.Request[];
}

/**
 * Runs autocannon against a port. Latencies are taken from every response with sub-millisecond
 * precision (autocannon's own histogram keeps whole milliseconds and only 2xx responses).
 */
export function runLoad(port: number, options: LoadOptions): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    let latencies = new Float64Array(1 << 16);
    let count = 0;
    const started = process.hrtime.bigint();
    let firstAt = 0n;
    let lastAt = 0n;
    const instance = autocannon(
      {
        url: `http://${HOST}:${port}`,
        connections: options.connections,
        pipelining: 1,
        timeout: 10,
        workers: 0,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 5 }),
        requests: options.requests,
      },
      (error, result) => {
        if (error) return reject(error);
        // Steady state: from the first response to the last (autocannon's own duration is rounded
        // to 10 ms and includes connecting).
        const steady = Number(lastAt - firstAt) / 1e9;
        const seconds = count > 1 && steady > 0 ? steady : Number(process.hrtime.bigint() - started) / 1e9;
        const requests = count > 1 && steady > 0 ? count - 1 : result.requests.total;
        const sorted = latencies.subarray(0, count).sort();
        const statuses: Record<string, number> = {};
        for (const [code, { count: n }] of Object.entries(result.statusCodeStats)) statuses[code] = n;
        resolve({
          rps: requests / seconds,
          p50: percentile(sorted, 0.5),
          p99: percentile(sorted, 0.99),
          requests: result.requests.total,
          errors: result.errors,
          timeouts: result.timeouts,
          statuses,
          seconds,
          latencies: sorted,
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (count === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      lastAt = process.hrtime.bigint();
      if (count === 0) firstAt = lastAt;
      latencies[count++] = responseTime;
    });
  });
}

export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function toAutocannonRequests(requests: readonly BenchRequest[]): autocannon.Request[] {
  return requests.map((r) => ({ method: r.method, path: r.path, headers: { ...r.headers } }));
}

/** One request with Node's HTTP client, for the sanity checks: status and headers. */
export function probe(port: number, req: BenchRequest): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const r = httpRequest({ host: HOST, port, method: req.method, path: req.path, headers: req.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    r.on('error', reject);
    r.end();
  });
}
