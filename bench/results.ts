// What the benchmark measured, and the figures drawn from it.
//
// Under one scenario, every configuration gets its load in slices (BENCH_SLICE seconds), in
// rotation: slice k of every configuration is measured within the same few seconds. On a shared
// virtual machine the CPU's speed swings by tens of percent from one second to the next, so
// figures are medians over slices, and a comparison of two configurations is the median of the
// ratios of their slices of the same rotation (paired in time), never a ratio of averages.
import type { Measurement } from './load.js';
import { configKey, type BenchPlatform, type Mode, type Scenario, type ServerConfig } from './shared.js';
import { median } from './stats.js';

/** One slice of load on one server. */
export interface Slice {
  readonly rps: number;
  /** Server CPU time (all threads) per request, in microseconds. */
  readonly cpuPerRequest: number;
  /** CPU (cores) that other processes used meanwhile. */
  readonly foreign: number;
}

/**
 * - `rps`: completed requests per second of wall-clock time (what autocannon sees);
 * - `capacity`: requests per second of the server's CPU time (1e6 / CPU µs per request): not
 *   capped by the load generator, and not shifted by other processes of this machine taking the
 *   CPU away from the server (a busy host still shows in it: a virtual CPU that the host
 *   deschedules keeps counting CPU time).
 */
export type Metric = 'rps' | 'capacity';

/** A configuration under one scenario in one round. */
export interface Sample {
  /** In rotation order: slices[k] of every configuration of a round were measured together. */
  readonly slices: readonly Slice[];
  /** Latency percentiles over every response of the round's slices, in ms. */
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
}

export interface ConfigResults {
  readonly config: ServerConfig;
  readonly startupMs: number[];
  /** Other processes' CPU during each start-up. */
  readonly startupForeign: number[];
  readonly startRss: number[];
  /** Per scenario, one sample per round (rounds in order). */
  readonly samples: Partial<Record<Scenario, Sample[]>>;
}

/** A median and its interquartile range. */
export interface Spread {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly n: number;
}

export function spread(values: readonly number[]): Spread {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const at = (q: number) => {
    if (!v.length) return Number.NaN;
    const pos = (v.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
  };
  return { median: at(0.5), q1: at(0.25), q3: at(0.75), n: v.length };
}

function value(slice: Slice, metric: Metric): number {
  return metric === 'rps' ? slice.rps : 1e6 / slice.cpuPerRequest;
}

export class Results {
  private readonly byKey = new Map<string, ConfigResults>();

  /** Results as written to the raw file (JSON of all()). */
  static from(list: readonly ConfigResults[]): Results {
    const results = new Results();
    for (const r of list) results.byKey.set(configKey(r.config), r);
    return results;
  }

  of(config: ServerConfig): ConfigResults {
    const key = configKey(config);
    let r = this.byKey.get(key);
    if (!r) {
      r = { config, startupMs: [], startupForeign: [], startRss: [], samples: {} };
      this.byKey.set(key, r);
    }
    return r;
  }

  all(): ConfigResults[] {
    return [...this.byKey.values()];
  }

  find(mode: Mode, routes: number, origins: number, twin = false, platform?: BenchPlatform): ConfigResults | undefined {
    return this.byKey.get(configKey({ platform, mode, routes, origins, twin }));
  }

  samples(config: ConfigRef, scenario: Scenario): Sample[] {
    return this.find(config.mode, config.routes, config.origins, config.twin, config.platform)?.samples[scenario] ?? [];
  }

  /** Median over every slice of every round. */
  figure(config: ConfigRef, scenario: Scenario, metric: Metric): number {
    return median(this.samples(config, scenario).flatMap((s) => s.slices.map((x) => value(x, metric))));
  }

  /** Median over rounds of each round's p99. */
  p99(config: ConfigRef, scenario: Scenario): number {
    return median(this.samples(config, scenario).map((s) => s.p99));
  }

  cpuPerRequest(config: ConfigRef, scenario: Scenario): number {
    return median(this.samples(config, scenario).flatMap((s) => s.slices.map((x) => x.cpuPerRequest)));
  }

  /**
   * A quotient of figures, taken slice by slice over slices of the same round and rotation:
   * `terms` are [config, scenario, exponent] (1 for the numerator, -1 for the denominator).
   */
  paired(terms: ReadonlyArray<readonly [ConfigRef, Scenario, 1 | -1]>, metric: Metric): Spread {
    const series = terms.map(([config, scenario]) => this.samples(config, scenario));
    if (series.some((s) => s.length === 0)) return spread([]);
    const rounds = Math.min(...series.map((s) => s.length));
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const slices = series.map((s) => s[r]!.slices);
      const count = Math.min(...slices.map((s) => s.length));
      for (let k = 0; k < count; k++) {
        let q = 1;
        terms.forEach(([, , exponent], i) => {
          const v = value(slices[i]![k]!, metric);
          q = exponent === 1 ? q * v : q / v;
        });
        ratios.push(q);
      }
    }
    return spread(ratios);
  }

  /** a ÷ b under one scenario, paired by slice. */
  ratio(a: ConfigRef, b: ConfigRef, scenario: Scenario, metric: Metric): Spread {
    return this.paired(
      [
        [a, scenario, 1],
        [b, scenario, -1],
      ],
      metric,
    );
  }
}

export type ConfigRef = Pick<ServerConfig, 'platform' | 'mode' | 'routes' | 'origins' | 'twin'>;

/** Slices of one configuration in one round, put together. */
export function combine(slices: ReadonlyArray<{ readonly m: Measurement; readonly cpuMicros: number; readonly foreign: number }>): Sample {
  let requests = 0;
  let errors = 0;
  const statuses: Record<string, number> = {};
  for (const { m } of slices) {
    requests += m.requests;
    errors += m.errors + m.timeouts;
    for (const [code, n] of Object.entries(m.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  }
  const latencies = new Float64Array(slices.reduce((n, s) => n + s.m.latencies.length, 0));
  let offset = 0;
  for (const { m } of slices) {
    latencies.set(m.latencies, offset);
    offset += m.latencies.length;
  }
  latencies.sort();
  const pct = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! : Number.NaN);
  return {
    slices: slices.map(({ m, cpuMicros, foreign }) => ({ rps: m.rps, cpuPerRequest: cpuMicros / m.requests, foreign })),
    p50: pct(0.5),
    p99: pct(0.99),
    requests,
    statuses,
    errors,
  };
}
