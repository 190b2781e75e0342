// `npm run bench`: throughput, latency, scaling, start-up time and memory of nestjs-route-cors
// against no CORS and app.enableCors(), on generated Nest applications (Express and Fastify). Servers run in
// their own processes; this process generates the load (autocannon, no worker threads). Prints a
// Markdown report with PASS/MISS per target and writes it to bench/RESULTS.md.
//
// Each round starts a fresh server per configuration (all of them then run side by side, idle
// but for the one under load), then for each scenario gives every configuration BENCH_DURATION
// seconds of load in alternating slices of BENCH_SLICE seconds: on a shared virtual machine the
// speed of the CPU drifts by tens of percent over seconds, and alternating slices spread that
// drift evenly over the configurations compared.
//
// Environment:
//   BENCH_QUICK=1          everything shrunk (about a minute in all; 2,000 routes and origins for the
//                          large variants, one round, short slices): a smoke test, not a measurement;
//                          writes .build/bench/RESULTS.quick.md, not bench/RESULTS.md
//   BENCH_DURATION=5       seconds of load per configuration, scenario and round
//   BENCH_SLICE=1          seconds per slice
//   BENCH_WARMUP=2         seconds of warm-up per fresh server (mixed requests of all its scenarios)
//   BENCH_SCENARIO_WARMUP=1  seconds of warm-up per server on each scenario before it is measured
//   BENCH_ROUNDS=3         rounds, each with fresh servers; figures are medians over all slices
//   BENCH_CONNECTIONS=10   autocannon connections
//   BENCH_PATHS=1e6        requests of the distinct-path memory run (0: skip it)
//   BENCH_ROUTES=10000     the large route count; BENCH_ORIGINS=10000 the large origin count
//   BENCH_PIN=1            pin this process to CPU 0 and the servers to CPU 1 (taskset; default
//                          on with 2+ CPUs)
//   BENCH_ONLY=a,b         only the configurations whose key contains one of these (e.g.
//                          perRoute/10000r; fastify/ for the Fastify ones, whose keys start with
//                          it); skips the memory run unless BENCH_PATHS is set, and
//                          writes .build/bench/RESULTS.partial.md instead of bench/RESULTS.md
//   BENCH_CPU_PROF=1       servers run with --cpu-prof (profiles in .build/bench-profiles/)
//   BENCH_REPORT_FROM=file re-render the report from a raw file (.build/bench/last-run.json) without
//                          measuring anything
//   BENCH_MAX_FOREIGN=0.15 CPU (cores) other processes may use during a slice; above it the slice
//                          is repeated (BENCH_ATTEMPTS=2 in all, the quietest kept), after waiting
//                          up to BENCH_QUIET_WAIT=10 s for quiet, BENCH_QUIET_BUDGET=300 s in all
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type autocannon from 'autocannon';
import { BenchServer, pin, probe, runLoad, toAutocannonRequests, type Measurement, type ServerOptions } from './load.js';
import { ForeignLoad, waitForQuiet } from './machine.js';
import { memoryVerdict, renderReport } from './report.js';
import { Results, combine, type ConfigResults } from './results.js';
import { memoryRun, type MemoryRun } from './rss.js';
import {
  APP_ORIGIN,
  EVIL_ORIGIN,
  MEASURED_CONTROLLERS,
  MODES,
  PARTNER_ORIGIN,
  SCENARIOS,
  configKey,
  controllerCount,
  expectedStatus,
  measuredControllers,
  scenarioRequests,
  scenariosFor,
  type ServerConfig,
} from './shared.js';
import { fmtInt, fmtMiB, fmtMs, max, median } from './stats.js';

// ---------------------------------------------------------------------------------------------
// Settings

const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const num = (name: string, full: number, quick: number): number => {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? (QUICK ? quick : full) : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return value;
};
const SETTINGS = {
  quick: QUICK,
  duration: num('BENCH_DURATION', 5, 0.5),
  warmup: num('BENCH_WARMUP', 2, 0.3),
  scenarioWarmup: num('BENCH_SCENARIO_WARMUP', 1, 0),
  rounds: Math.max(1, Math.round(num('BENCH_ROUNDS', 3, 1))),
  connections: Math.max(1, Math.round(num('BENCH_CONNECTIONS', 10, 10))),
  paths: Math.round(num('BENCH_PATHS', env.BENCH_ONLY ? 0 : 1_000_000, env.BENCH_ONLY ? 0 : 10_000)),
  smallRoutes: 100,
  largeRoutes: Math.round(num('BENCH_ROUTES', 10_000, 2_000)),
  largeOrigins: Math.round(num('BENCH_ORIGINS', 10_000, 2_000)),
  pin: env.BENCH_PIN === undefined ? availableParallelism() >= 2 : env.BENCH_PIN === '1',
  cpuProf: env.BENCH_CPU_PROF === '1',
  only: (env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  slice: num('BENCH_SLICE', 1, 0.5),
  maxForeign: num('BENCH_MAX_FOREIGN', 0.15, 0.5),
  quietWait: num('BENCH_QUIET_WAIT', 10, 2),
  quietBudget: num('BENCH_QUIET_BUDGET', 300, 0),
  attempts: Math.max(1, Math.round(num('BENCH_ATTEMPTS', 2, 1))),
};
const CPU_COUNT = cpus().length;

const BENCH_DIR = fileURLToPath(new URL('../../bench/', import.meta.url));
const PROFILE_DIR = fileURLToPath(new URL('../bench-profiles/', import.meta.url));
const RAW_FILE = fileURLToPath(new URL('./last-run.json', import.meta.url));

const log = (line: string) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------
// Configurations

const S = SETTINGS.smallRoutes;
const L = SETTINGS.largeRoutes;
const O = SETTINGS.largeOrigins;
const ALL_CONFIGS: ServerConfig[] = [
  ...MODES.map((mode) => ({ mode, routes: S, origins: 1 })),
  ...MODES.map((mode) => ({ mode, routes: L, origins: 1 })),
  { mode: 'enableCors', routes: S, origins: O },
  { mode: 'library', routes: S, origins: O },
  // The benchmark's own noise: a second no-CORS server, compared with the first like any two configurations.
  { mode: 'none', routes: S, origins: 1, twin: true },
  // The same application on Fastify (issue 11): no CORS, app.enableCors() (@fastify/cors), the library.
  ...MODES.map((mode): ServerConfig => ({ platform: 'fastify', mode, routes: S, origins: 1 })),
  ...MODES.map((mode): ServerConfig => ({ platform: 'fastify', mode, routes: L, origins: 1 })),
  { platform: 'fastify', mode: 'none', routes: S, origins: 1, twin: true },
];
const CONFIGS = SETTINGS.only.length ? ALL_CONFIGS.filter((c) => SETTINGS.only.some((o) => configKey(c).includes(o))) : ALL_CONFIGS;

function serverOptions(): ServerOptions {
  const execArgv = SETTINGS.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  return { execArgv, ...(SETTINGS.pin ? { cpu: 1 } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Results

let results = new Results();
const problems: string[] = [];
/** How quiet the machine was: slices repeated, kept although others were busy, time waited. */
const machine = { slices: 0, repeated: 0, keptBusy: 0, waitedSeconds: 0, foreign: [] as number[], lastForeign: 0 };

// ---------------------------------------------------------------------------------------------
// Sanity checks: every server is what it claims to be before it is measured.

type Headers = Record<string, string | string[] | undefined>;

async function sanityCheck(server: BenchServer): Promise<string[]> {
  const { mode, routes } = server.config;
  const failures: string[] = [];
  const expect = (what: string, ok: boolean, detail: string) => {
    if (!ok) failures.push(`${configKey(server.config)}: ${what}: ${detail}`);
  };
  const acao = (h: Headers) => h['access-control-allow-origin'];
  const c = measuredControllers(routes)[0]!;
  const get = await probe(server.port, { method: 'GET', path: `/res${c}/42`, headers: { origin: APP_ORIGIN } });
  expect('GET status', get.status === 200, `got ${get.status}`);
  if (mode === 'none') expect('GET without CORS', acao(get.headers) === undefined, `ACAO ${String(acao(get.headers))}`);
  else {
    expect('GET ACAO', acao(get.headers) === APP_ORIGIN, `ACAO ${String(acao(get.headers))}`);
    expect('GET ACAC', get.headers['access-control-allow-credentials'] === 'true', String(get.headers['access-control-allow-credentials']));
    expect('GET Vary', /origin/i.test(String(get.headers.vary ?? '')), `Vary ${String(get.headers.vary)}`);
  }
  for (const scenario of scenariosFor(mode)) {
    for (const req of scenarioRequests(scenario, routes)) {
      const res = await probe(server.port, req);
      const want = expectedStatus(mode, scenario);
      expect(`${scenario} ${req.method} ${req.path}`, res.status === want, `status ${res.status}, expected ${want}`);
      if (mode !== 'none' && (scenario === 'getOrigin' || scenario === 'preflightAllowed')) {
        expect(`${scenario} ${req.path} ACAO`, acao(res.headers) === APP_ORIGIN, `ACAO ${String(acao(res.headers))}`);
      }
      if (scenario === 'preflightDisallowed' || scenario === 'getNoOrigin') {
        expect(`${scenario} ${req.path} no ACAO`, acao(res.headers) === undefined, `ACAO ${String(acao(res.headers))}`);
      }
    }
  }
  if (mode === 'perRoute') {
    // The overrides are in place: an odd controller allows the partner origin, the global policy
    // does not; a `@Cors(false)` controller gets no CORS headers at all.
    const partner = await probe(server.port, { method: 'GET', path: '/res1/7', headers: { origin: PARTNER_ORIGIN } });
    expect('override origin', acao(partner.headers) === PARTNER_ORIGIN, `ACAO ${String(acao(partner.headers))}`);
    const global = await probe(server.port, { method: 'GET', path: '/res0/7', headers: { origin: PARTNER_ORIGIN } });
    expect('global origin', acao(global.headers) === undefined, `ACAO ${String(acao(global.headers))}`);
    if (controllerCount(routes) > 8) {
      const off = await probe(server.port, { method: 'GET', path: '/res8/7', headers: { origin: APP_ORIGIN } });
      expect('@Cors(false) controller', acao(off.headers) === undefined && off.status === 200, `status ${off.status}, ACAO ${String(acao(off.headers))}`);
    }
  }
  if (mode === 'library' || mode === 'perRoute') {
    const evil = await probe(server.port, { method: 'GET', path: `/res${c}`, headers: { origin: EVIL_ORIGIN } });
    expect('disallowed GET', evil.status === 200 && acao(evil.headers) === undefined, `status ${evil.status}, ACAO ${String(acao(evil.headers))}`);
  }
  return failures;
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface SliceResult {
  readonly m: Measurement;
  readonly cpuMicros: number;
  readonly foreign: number;
}

/**
 * One slice of load on one server. When other processes were busy during the previous slice, it
 * first waits (within BENCH_QUIET_WAIT and what is left of BENCH_QUIET_BUDGET) for a quiet
 * machine; a slice during which they used more than BENCH_MAX_FOREIGN cores is repeated (up to
 * BENCH_ATTEMPTS in all), and the quietest attempt is kept.
 */
async function slice(server: BenchServer, requests: autocannon.Request[], seconds: number, exclude: ReadonlySet<number>): Promise<SliceResult> {
  let best: SliceResult | undefined;
  for (let attempt = 1; attempt <= SETTINGS.attempts; attempt++) {
    const budget = SETTINGS.quietBudget - machine.waitedSeconds;
    if (machine.lastForeign > SETTINGS.maxForeign && budget > 0) {
      machine.waitedSeconds += await waitForQuiet(exclude, SETTINGS.maxForeign, Math.min(SETTINGS.quietWait, budget));
    }
    const foreignLoad = new ForeignLoad(exclude).start();
    const cpuBefore = await server.cpuMicros();
    const m = await runLoad(server.port, { connections: SETTINGS.connections, duration: seconds, requests });
    const cpuMicros = (await server.cpuMicros()) - cpuBefore;
    const foreign = foreignLoad.stop();
    machine.lastForeign = foreign;
    if (!best || foreign < best.foreign) best = { m, cpuMicros, foreign };
    if (foreign <= SETTINGS.maxForeign) break;
    if (attempt < SETTINGS.attempts) machine.repeated++;
  }
  machine.slices++;
  machine.foreign.push(best!.foreign);
  if (best!.foreign > SETTINGS.maxForeign) machine.keptBusy++;
  return best!;
}

/** Starts a server (waiting for a quiet machine first, as start-up time is one of the figures), checks and warms it. */
async function startServer(config: ServerConfig, round: number): Promise<BenchServer> {
  const exclude = new Set([process.pid]);
  const budget = SETTINGS.quietBudget - machine.waitedSeconds;
  if (budget > 0) machine.waitedSeconds += await waitForQuiet(exclude, SETTINGS.maxForeign, Math.min(SETTINGS.quietWait, budget));
  const startForeign = new ForeignLoad(exclude).start();
  const server = await BenchServer.start(config, { ...serverOptions(), onSpawn: (pid) => exclude.add(pid) });
  const r = results.of(config);
  r.startupForeign.push(startForeign.stop());
  r.startupMs.push(server.startupMs);
  r.startRss.push(server.startMemory.rss);
  log(`  started ${configKey(config).padEnd(26)} in ${fmtInt(server.startupMs)} ms, RSS ${fmtMiB(server.startMemory.rss)}`);
  if (round === 0) {
    const failures = await sanityCheck(server);
    if (failures.length) {
      problems.push(...failures);
      log(`  sanity check FAILED:\n    ${failures.join('\n    ')}`);
    }
  }
  if (SETTINGS.warmup > 0) {
    const mixed = scenariosFor(config.mode).flatMap((s) => scenarioRequests(s, config.routes));
    await runLoad(server.port, { connections: SETTINGS.connections, duration: SETTINGS.warmup, requests: toAutocannonRequests(mixed) });
  }
  return server;
}

/**
 * One round: fresh servers for every configuration (started one after the other, then all
 * running at once, idle but for the one under load); then, scenario by scenario, a warm-up on the
 * scenario's requests and BENCH_DURATION seconds of load per configuration in rotating slices.
 */
async function runRound(round: number): Promise<void> {
  const servers: BenchServer[] = [];
  try {
    for (const config of rotate(CONFIGS, round * 3)) servers.push(await startServer(config, round));
    const exclude = new Set([process.pid, ...servers.map((s) => s.pid ?? -1)]);
    const sliceSeconds = Math.min(SETTINGS.slice, SETTINGS.duration);
    const sliceCount = Math.max(1, Math.round(SETTINGS.duration / sliceSeconds));
    for (const scenario of rotate(SCENARIOS, round)) {
      const group = servers.filter((s) => scenariosFor(s.config.mode).includes(scenario));
      if (!group.length) continue;
      const requestsOf = new Map(group.map((s) => [s, toAutocannonRequests(scenarioRequests(scenario, s.config.routes))]));
      if (SETTINGS.scenarioWarmup > 0) {
        // JIT and caches settle on this scenario's code paths (and routes) before it is measured.
        for (const server of group) {
          await runLoad(server.port, { connections: SETTINGS.connections, duration: SETTINGS.scenarioWarmup, requests: requestsOf.get(server)! });
        }
      }
      const slices = new Map<BenchServer, SliceResult[]>(group.map((s) => [s, []]));
      for (let k = 0; k < sliceCount; k++) {
        // Rotated so that no configuration always follows the same one.
        for (const server of rotate(group, k + round)) {
          slices.get(server)!.push(await slice(server, requestsOf.get(server)!, sliceSeconds, exclude));
        }
      }
      for (const server of group) {
        const key = configKey(server.config);
        const sample = combine(slices.get(server)!);
        (results.of(server.config).samples[scenario] ??= []).push(sample);
        const want = String(expectedStatus(server.config.mode, scenario));
        if (Object.keys(sample.statuses).some((code) => code !== want) || sample.errors) {
          problems.push(`${key} ${scenario}: unexpected responses ${JSON.stringify(sample.statuses)}, errors ${sample.errors}`);
        }
        const rps = median(sample.slices.map((x) => x.rps));
        const cpu = median(sample.slices.map((x) => x.cpuPerRequest));
        log(
          `  ${key.padEnd(26)} ${scenario.padEnd(20)} ${fmtInt(rps).padStart(7)} req/s  p99 ${fmtMs(sample.p99).padStart(5)} ms  ` +
            `${cpu.toFixed(1).padStart(6)} µs CPU/req  slices: ${sample.slices.map((x) => fmtInt(x.rps)).join(' ')}`,
        );
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const k = ((by % n) + n) % n;
  return [...items.slice(k), ...items.slice(0, k)];
}

function header(startedAt: Date, minutes: number): string[] {
  const foreign = machine.foreign;
  return [
    `Generated by \`npm run bench\` on ${startedAt.toISOString()} (${minutes.toFixed(1)} min): Node ${process.version}, ` +
      `${CPU_COUNT} CPUs, ${SETTINGS.rounds} round(s); per configuration, scenario and round ${SETTINGS.duration} s of load in ` +
      `${Math.min(SETTINGS.slice, SETTINGS.duration)} s slices after ${SETTINGS.scenarioWarmup} s of warm-up on the scenario ` +
      `(and ${SETTINGS.warmup} s of mixed warm-up per fresh server); ${SETTINGS.connections} connections; ` +
      `${SETTINGS.pin ? 'load generator pinned to CPU 0, servers to CPU 1' : 'no CPU pinning'}` +
      `${SETTINGS.quick ? '; QUICK mode (indicative only)' : ''}.`,
    'Nest 12 on Express 5, and on Fastify 5 (@nestjs/platform-fastify). Every configuration serves the same generated application (10 routes per controller: static and ' +
      'parameter routes such as `/res{n}/items/:id/parts/:part`) with the same options `{ origin: [...], credentials: true }` ' +
      '(methods and allowedHeaders unset): no CORS; `app.enableCors(options)` (the `cors` package on Express, `@fastify/cors` on Fastify); this library with ' +
      '`CorsModule.forRoot(options)` (global); and the same with per-route `@Cors` (half the controllers another origin list, ' +
      'every tenth controller `@Cors(false)`, handler-level overrides and `@Cors(false)` handlers). Requests cycle over static ' +
      `and parameter routes of up to ${MEASURED_CONTROLLERS} controllers spread over the application. With many origins the ` +
      'allowed one is the last of the list (the worst case for a list searched in order).',
    'Each server runs in its own process; autocannon runs in the parent process, without worker threads. With 2 cores the ' +
      'load generator and the server share the machine (pinned to one core each); where the library answers preflights before ' +
      'Express, autocannon rather than the server is the limit, and req/s ratios are lower bounds (see the CPU-time table). ' +
      `The machine is a shared virtual machine: other processes used ${foreign.length ? `${median(foreign).toFixed(2)} cores (median), ${max(foreign).toFixed(2)} at most` : 'nothing measured'} during the slices ` +
      `(${machine.repeated} of ${machine.slices} slices repeated for using more than ${SETTINGS.maxForeign} cores, ${machine.keptBusy} kept regardless, ` +
      `${Math.round(machine.waitedSeconds)} s spent waiting for quiet), and the host's own load makes the CPU's speed swing from ` +
      'second to second, hence medians of slices, ratios of slices measured together, and the A/A comparison below.',
  ];
}

// ---------------------------------------------------------------------------------------------

interface RawRun {
  readonly startedAt: string;
  readonly minutes: number;
  readonly settings: typeof SETTINGS;
  readonly results: ConfigResults[];
  readonly memory?: MemoryRun;
  readonly control?: MemoryRun;
  readonly problems: string[];
  readonly machine: typeof machine;
}

function publish(raw: RawRun): void {
  const text = renderReport({
    results,
    smallRoutes: raw.settings.smallRoutes,
    largeRoutes: raw.settings.largeRoutes,
    largeOrigins: raw.settings.largeOrigins,
    header: header(new Date(raw.startedAt), raw.minutes),
    ...(raw.memory ? { memory: raw.memory } : {}),
    ...(raw.control ? { controlMemory: raw.control } : {}),
    problems: raw.problems,
  });
  process.stdout.write(`\n${text}\n`);
  // A partial (BENCH_ONLY) or quick run does not replace the published results.
  const resultsFile = raw.settings.only.length
    ? fileURLToPath(new URL('./RESULTS.partial.md', import.meta.url))
    : raw.settings.quick
      ? fileURLToPath(new URL('./RESULTS.quick.md', import.meta.url))
      : `${BENCH_DIR}RESULTS.md`;
  writeFileSync(resultsFile, `${text}\n`);
  log(`\nwritten: ${resultsFile}`);
}

async function main(): Promise<void> {
  if (env.BENCH_REPORT_FROM) {
    const raw = JSON.parse(readFileSync(env.BENCH_REPORT_FROM, 'utf8')) as RawRun;
    Object.assign(SETTINGS, raw.settings);
    Object.assign(machine, raw.machine);
    results = Results.from(raw.results);
    publish(raw);
    return;
  }
  const startedAt = new Date();
  if (SETTINGS.pin && !pin(process.pid, 0)) {
    log('taskset failed: running without CPU pinning');
    SETTINGS.pin = false;
  }
  if (SETTINGS.cpuProf) mkdirSync(PROFILE_DIR, { recursive: true });
  log(`bench settings: ${JSON.stringify(SETTINGS)}`);
  for (let round = 0; round < SETTINGS.rounds; round++) {
    log(`round ${round + 1}/${SETTINGS.rounds}`);
    // Rotated so that no configuration always comes first (or right after another).
    await runRound(round);
  }

  let memory: MemoryRun | undefined;
  let control: MemoryRun | undefined;
  if (SETTINGS.paths > 0) {
    const config: ServerConfig = { mode: 'perRoute', routes: S, origins: 1 };
    log(`memory run: ${fmtInt(SETTINGS.paths)} distinct-path requests, ${configKey(config)}`);
    const memOptions = { connections: SETTINGS.connections, chunks: QUICK ? 3 : 9, server: serverOptions(), log };
    memory = await memoryRun(config, SETTINGS.paths, memOptions);
    if (memoryVerdict(memory)?.pass === false) {
      // Growth: is it the library's? The same run without CORS tells.
      log('memory grew by more than 10%: control run without CORS');
      control = await memoryRun({ mode: 'none', routes: S, origins: 1 }, SETTINGS.paths, memOptions);
    }
  }

  const raw: RawRun = {
    startedAt: startedAt.toISOString(),
    minutes: (Date.now() - startedAt.getTime()) / 60_000,
    settings: SETTINGS,
    results: results.all(),
    ...(memory ? { memory } : {}),
    ...(control ? { control } : {}),
    problems,
    machine,
  };
  writeFileSync(RAW_FILE, JSON.stringify(raw));
  log(`raw samples: ${RAW_FILE}`);
  publish(raw);
  if (problems.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
