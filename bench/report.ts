// The Markdown report: throughput tables, targets with PASS/MISS, start-up, memory.
import type { MemoryRun } from './rss.js';
import { type ConfigRef, type Metric, type Results, type Spread } from './results.js';
import { MODE_LABELS, MODES, PLATFORM_LABELS, platformOf, SCENARIO_LABELS, SCENARIOS, type BenchPlatform, type Mode, type Scenario } from './shared.js';
import { fmtInt, fmtMiB, fmtMs, fmtRatio, max, median, min, table } from './stats.js';

export interface ReportInput {
  readonly results: Results;
  /** The small and large route counts, and the large origin count. */
  readonly smallRoutes: number;
  readonly largeRoutes: number;
  readonly largeOrigins: number;
  /** One paragraph each: how the run was made, how quiet the machine was. */
  readonly header: readonly string[];
  readonly memory?: MemoryRun;
  readonly controlMemory?: MemoryRun;
  readonly problems: readonly string[];
}

interface Target {
  readonly name: string;
  readonly required: number;
  readonly rps: Spread;
  readonly capacity: Spread;
}

const SHORT: Readonly<Record<Mode, string>> = { none: 'no CORS', enableCors: 'enableCors', library: 'global', perRoute: 'per-route' };
const LIBS: readonly Mode[] = ['library', 'perRoute'];
const PREFLIGHTS: readonly Scenario[] = ['preflightAllowed', 'preflightDisallowed'];

const PLATFORMS: readonly BenchPlatform[] = ['express', 'fastify'];

function ref(mode: Mode, routes: number, origins = 1, twin = false, platform: BenchPlatform = 'express'): ConfigRef {
  return { mode, routes, origins, twin, ...(platform === 'fastify' ? { platform } : {}) };
}

function refOn(platform: BenchPlatform, mode: Mode, routes: number, origins = 1, twin = false): ConfigRef {
  return ref(mode, routes, origins, twin, platform);
}

function fmtSpread(s: Spread): string {
  if (!Number.isFinite(s.median)) return '–';
  return `${fmtRatio(s.median)} <sub>${s.q1.toFixed(2)}–${s.q3.toFixed(2)}</sub>`;
}

function throughputTable(input: ReportInput, metric: Metric, platform: BenchPlatform): string | undefined {
  const { results: r, smallRoutes: S, largeRoutes: L, largeOrigins: O } = input;
  const ref = (mode: Mode, routes: number, origins = 1) => refOn(platform, mode, routes, origins);
  const rows: string[][] = [];
  const variants: [number, number][] = [
    [S, 1],
    [L, 1],
    [S, O],
  ];
  for (const scenario of SCENARIOS) {
    for (const [routes, origins] of variants) {
      const cell = (mode: Mode) => {
        const c = ref(mode, routes, origins);
        if (!r.samples(c, scenario).length) return '';
        return metric === 'rps' ? `${fmtInt(r.figure(c, scenario, 'rps'))} · ${fmtMs(r.p99(c, scenario))}` : `${r.cpuPerRequest(c, scenario).toFixed(1)} µs`;
      };
      const ratioCell = (mode: Mode, base: Mode) => {
        const s = r.ratio(ref(mode, routes, origins), ref(base, routes, origins), scenario, metric);
        return s.n ? fmtSpread(s) : '';
      };
      const cells = MODES.map(cell);
      if (cells.every((c) => c === '')) continue;
      rows.push([
        SCENARIO_LABELS[scenario],
        fmtInt(routes),
        fmtInt(origins),
        ...cells,
        ratioCell('library', 'none'),
        ratioCell('perRoute', 'none'),
        ratioCell('library', 'enableCors'),
        ratioCell('perRoute', 'enableCors'),
      ]);
    }
  }
  if (rows.length === 0) return undefined;
  return table(
    [
      'Scenario',
      'Routes',
      'Origins',
      ...MODES.map((m) => MODE_LABELS[m]),
      'global ÷ no CORS',
      'per-route ÷ no CORS',
      'global ÷ enableCors',
      'per-route ÷ enableCors',
    ],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

function targets(input: ReportInput): Target[] {
  const { results: r, smallRoutes: S, largeRoutes: L, largeOrigins: O } = input;
  const out: Target[] = [];
  const add = (name: string, required: number, measure: (metric: Metric) => Spread) => {
    const rps = measure('rps');
    const capacity = measure('capacity');
    if (rps.n || capacity.n) out.push({ name, required, rps, capacity });
  };
  // Express.
  for (const routes of [S, L]) {
    for (const lib of LIBS) {
      add(`Express: GET with Origin, ${SHORT[lib]} ÷ no CORS, ${fmtInt(routes)} routes`, 0.97, (m) =>
        r.ratio(ref(lib, routes), ref('none', routes), 'getOrigin', m),
      );
    }
  }
  // Issue 11: the Express preflight figures no worse than before Fastify came (3x and more).
  for (const routes of [S, L]) {
    for (const lib of LIBS) {
      for (const scenario of PREFLIGHTS) {
        add(`Express: ${SCENARIO_LABELS[scenario]}, ${SHORT[lib]} ÷ enableCors, ${fmtInt(routes)} routes`, 3.0, (m) =>
          r.ratio(ref(lib, routes), ref('enableCors', routes), scenario, m),
        );
      }
    }
  }
  // Scaling with routes. Preflights never reach Express: their throughput is the library's own.
  // An actual request also goes through Express's router, which tries its routes in order and
  // so slows down tenfold at 10,000 routes with or without CORS: there the library's throughput
  // relative to no CORS is what must hold.
  for (const lib of LIBS) {
    for (const scenario of SCENARIOS) {
      if (PREFLIGHTS.includes(scenario)) {
        add(`Express: ${SCENARIO_LABELS[scenario]}, ${SHORT[lib]}: ${fmtInt(L)} ÷ ${fmtInt(S)} routes`, 0.95, (m) =>
          r.ratio(ref(lib, L), ref(lib, S), scenario, m),
        );
      } else {
        add(`Express: ${SCENARIO_LABELS[scenario]}, ${SHORT[lib]}: (÷ no CORS) at ${fmtInt(L)} ÷ at ${fmtInt(S)} routes`, 0.95, (m) =>
          r.paired(
            [
              [ref(lib, L), scenario, 1],
              [ref('none', L), scenario, -1],
              [ref(lib, S), scenario, -1],
              [ref('none', S), scenario, 1],
            ],
            m,
          ),
        );
      }
    }
  }
  for (const scenario of SCENARIOS) {
    add(`Express: ${SCENARIO_LABELS[scenario]}, global: ${fmtInt(O)} ÷ 1 origins`, 0.95, (m) => r.ratio(ref('library', S, O), ref('library', S), scenario, m));
  }
  // Fastify (issue 11): against @fastify/cors (app.enableCors()).
  const fastify = (mode: Mode, routes: number) => refOn('fastify', mode, routes);
  for (const routes of [S, L]) {
    for (const lib of LIBS) {
      add(`Fastify: GET with Origin, ${SHORT[lib]} ÷ enableCors, ${fmtInt(routes)} routes`, 1.0, (m) =>
        r.ratio(fastify(lib, routes), fastify('enableCors', routes), 'getOrigin', m),
      );
    }
  }
  for (const routes of [S, L]) {
    for (const lib of LIBS) {
      for (const scenario of PREFLIGHTS) {
        add(`Fastify: ${SCENARIO_LABELS[scenario]}, ${SHORT[lib]} ÷ enableCors, ${fmtInt(routes)} routes`, 1.2, (m) =>
          r.ratio(fastify(lib, routes), fastify('enableCors', routes), scenario, m),
        );
      }
    }
  }
  return out;
}

function targetTable(input: ReportInput, list: readonly Target[]): string {
  const verdict = (s: Spread, required: number) => {
    if (!s.n) return '–';
    // A median short of the target while the upper quartile reaches it is not a measured miss.
    const word = s.median >= required ? 'PASS' : s.q3 >= required ? '**MISS** (within noise)' : '**MISS**';
    return `${fmtSpread(s)} ${word}`;
  };
  const rows = list.map((t) => [t.name, `≥ ${t.required.toFixed(2)}x`, verdict(t.rps, t.required), verdict(t.capacity, t.required)]);
  const flat = memoryVerdict(input.memory);
  if (flat) rows.push([flat.name, '≤ 1.10x', `${flat.measured} ${flat.pass ? 'PASS' : '**MISS**'}`, flat.detail]);
  return table(['Target', 'Required', 'req/s', 'req per server CPU-second'], rows, ['l', 'r', 'r', 'r']);
}

/** Two identical servers compared as any two configurations are: what a ratio looks like when there is nothing to measure. */
function noiseTable(input: ReportInput): string | undefined {
  const { results: r, smallRoutes: S } = input;
  const rows: string[][] = [];
  for (const platform of PLATFORMS) {
    for (const scenario of SCENARIOS) {
      const twin = refOn(platform, 'none', S, 1, true);
      const rps = r.ratio(twin, refOn(platform, 'none', S), scenario, 'rps');
      const cap = r.ratio(twin, refOn(platform, 'none', S), scenario, 'capacity');
      if (rps.n)
        rows.push([
          `${PLATFORM_LABELS[platform]}, ${SCENARIO_LABELS[scenario]}: no CORS ÷ no CORS (a second, identical server)`,
          fmtSpread(rps),
          fmtSpread(cap),
        ]);
    }
  }
  return rows.length ? table(['A/A comparison', 'req/s', 'req per server CPU-second'], rows, ['l', 'r', 'r']) : undefined;
}

/**
 * RSS at the end of the distinct-path run ÷ RSS after its warm-up (both after a full GC). RSS
 * also moves with the allocator's and V8's page pools, so the peak and the V8 heap are shown
 * too: growth that a leak causes stays, and shows in the heap.
 */
export function memoryVerdict(memory: MemoryRun | undefined): { name: string; measured: string; detail: string; pass: boolean } | undefined {
  if (!memory) return undefined;
  const base = memory.points.find((p) => p.label === 'after warm-up');
  const later = memory.points.filter((p) => p.requests > (base?.requests ?? 0));
  if (!base || !later.length) return undefined;
  const last = later[later.length - 1]!;
  const peak = max(later.map((p) => p.collected.rss)) / base.collected.rss;
  const end = last.collected.rss / base.collected.rss;
  const heapEnd = last.collected.heapUsed / base.collected.heapUsed;
  const heapPeak = max(later.map((p) => p.collected.heapUsed)) / base.collected.heapUsed;
  return {
    name: `RSS (after a full GC) over ${fmtInt(last.requests)} distinct-path requests: end ÷ after warm-up`,
    measured: fmtRatio(end),
    detail: `RSS peak ${fmtRatio(peak)}; V8 heap used ${fmtRatio(heapEnd)} at the end, ${fmtRatio(heapPeak)} at its peak`,
    pass: end <= 1.1,
  };
}

function startupTable(input: ReportInput): string {
  const { results: r } = input;
  const rows = r
    .all()
    .filter((c) => c.startupMs.length && !c.config.twin)
    .sort(
      (a, b) =>
        PLATFORMS.indexOf(platformOf(a.config)) - PLATFORMS.indexOf(platformOf(b.config)) ||
        a.config.routes - b.config.routes ||
        a.config.origins - b.config.origins ||
        MODES.indexOf(a.config.mode) - MODES.indexOf(b.config.mode),
    )
    .map((c) => {
      const none = r.find('none', c.config.routes, 1, false, c.config.platform);
      const vsNone = none?.startupMs.length ? median(c.startupMs) - median(none.startupMs) : Number.NaN;
      const rssVsNone = none?.startRss.length ? median(c.startRss) - median(none.startRss) : Number.NaN;
      return [
        PLATFORM_LABELS[platformOf(c.config)],
        MODE_LABELS[c.config.mode],
        fmtInt(c.config.routes),
        fmtInt(c.config.origins),
        fmtInt(median(c.startupMs)),
        `${fmtInt(min(c.startupMs))}–${fmtInt(max(c.startupMs))}`,
        c.config.mode === 'none' ? '' : `${vsNone >= 0 ? '+' : ''}${fmtInt(vsNone)}`,
        fmtMiB(median(c.startRss)),
        c.config.mode === 'none' ? '' : `${rssVsNone >= 0 ? '+' : ''}${fmtMiB(rssVsNone)}`,
      ];
    });
  return table(
    ['Platform', 'Configuration', 'Routes', 'Origins', 'create + init, median (ms)', 'min–max (ms)', 'vs no CORS (ms)', 'RSS after init', 'vs no CORS'],
    rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

function memoryTable(memory: MemoryRun): string {
  return table(
    ['Point', 'Requests', 'RSS', 'RSS after a full GC', 'Heap used after a full GC'],
    memory.points.map((p) => [p.label, fmtInt(p.requests), fmtMiB(p.raw.rss), fmtMiB(p.collected.rss), fmtMiB(p.collected.heapUsed)]),
    ['l', 'r', 'r', 'r', 'r'],
  );
}

/** A throughput table per platform measured, each under its own heading. */
function platformTables(input: ReportInput, metric: Metric): string[] {
  const lines: string[] = [];
  for (const platform of PLATFORMS) {
    const rendered = throughputTable(input, metric, platform);
    if (rendered) lines.push(`### ${PLATFORM_LABELS[platform]}`, '', rendered, '');
  }
  return lines;
}

export function renderReport(input: ReportInput): string {
  const lines: string[] = ['# Benchmark results', ''];
  for (const paragraph of input.header) lines.push(paragraph, '');
  lines.push(
    '## Throughput',
    '',
    'Cells: req/s (median over slices) · p99 latency in ms (median over rounds). Ratios: median of the ratios of slices ' +
      'measured together, with the interquartile range in small type.',
    '',
    ...platformTables(input, 'rps'),
    '## Server CPU per request',
    '',
    "Cells: the server's CPU time per request (median over slices; all its threads: JavaScript, GC, system calls). Ratios: " +
      'of requests per CPU-second (higher is better), paired by slice as above. Unlike req/s, this is not capped by the load ' +
      'generator, which matters where the library answers preflights before Express sees them.',
    '',
    ...platformTables(input, 'capacity'),
    '## Targets',
    '',
    'Each target on both measures (median of paired slice ratios, interquartile range in small type). PASS/MISS on the median; ' +
      '"within noise" where the upper quartile still reaches the target, i.e. the run cannot tell.',
    '',
    targetTable(input, targets(input)),
    '',
  );
  const noise = noiseTable(input);
  if (noise) {
    lines.push(
      'The noise of the method: the same comparison between two identical servers. A difference between configurations ' +
        'smaller than this spread is not a measured difference.',
      '',
      noise,
      '',
    );
  }
  lines.push(
    '## Start-up',
    '',
    'Time of `NestFactory.create()` + `enableCors()` + `app.init()` (and, on Fastify, its `ready()`) in a fresh process (one sample per round), and its RSS then.',
    '',
    startupTable(input),
    '',
  );
  const { memory, controlMemory } = input;
  if (memory) {
    lines.push(
      '## Memory over distinct paths',
      '',
      `${MODE_LABELS[memory.config.mode]}, ${fmtInt(memory.config.routes)} routes, one fresh server: requests on distinct random ` +
        'paths (parameter routes, unknown paths, preflights, distinct unknown origins); memory sampled as it is and after a full GC. ' +
        `${fmtInt(memory.rps)} req/s; responses ${JSON.stringify(memory.statuses)}, errors ${memory.errors}.`,
      '',
      memoryTable(memory),
      '',
    );
    if (controlMemory) {
      lines.push(`The same run without CORS (control), ${fmtInt(controlMemory.rps)} req/s:`, '', memoryTable(controlMemory), '');
    }
  }
  if (input.problems.length) lines.push('## Problems', '', ...input.problems.map((p) => `- ${p}`), '');
  return lines.join('\n');
}
