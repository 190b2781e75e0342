// How busy the machine is with work that is not the benchmark's: on a shared 2-core machine a
// test run elsewhere shifts throughput by far more than the few percent the targets are about.
// Linux only (/proc); elsewhere every reading is 0.
import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ); 100 on every mainstream Linux. */
const TICKS_PER_SECOND = 100;
/** Snapshots are this far apart, so that a process that exits loses at most this much of its CPU time. */
const SNAPSHOT_MS = 250;

interface Snapshot {
  /** Ticks since boot when taken. */
  readonly at: number;
  /** pid -> [user + system ticks, start time in ticks since boot]. */
  readonly processes: Map<number, readonly [number, number]>;
}

function snapshot(exclude: ReadonlySet<number>): Snapshot | undefined {
  let entries: string[];
  let at: number;
  try {
    at = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * TICKS_PER_SECOND;
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const processes = new Map<number, readonly [number, number]>();
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || exclude.has(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces and parentheses) start with field 3
      // (state); utime is field 14, stime 15, starttime 22. Reaped children's times (cutime,
      // cstime) are left out: they would count a child's whole life again when it exits.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      processes.set(pid, [Number(rest[11]) + Number(rest[12]), Number(rest[19])]);
    } catch {
      // Gone meanwhile.
    }
  }
  return { at, processes };
}

/** Ticks used by other processes between two snapshots. */
function ticksBetween(a: Snapshot, b: Snapshot): number {
  let ticks = 0;
  for (const [pid, [t, startedAt]] of b.processes) {
    const before = a.processes.get(pid);
    if (before && before[1] === startedAt) ticks += Math.max(0, t - before[0]);
    // A process started since the last snapshot: all its time is new. One that was already
    // running but could not be read then is left out (its share of the window is unknown).
    else if (startedAt >= a.at - 1) ticks += t;
  }
  return ticks;
}

/** Measures the CPU that other processes use between start() and stop(), in cores. */
export class ForeignLoad {
  private last: Snapshot | undefined;
  private ticks = 0;
  private started = 0n;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly exclude: ReadonlySet<number>) {}

  start(): this {
    this.last = snapshot(this.exclude);
    this.started = process.hrtime.bigint();
    this.timer = setInterval(() => this.take(), SNAPSHOT_MS);
    return this;
  }

  private take(): void {
    const next = snapshot(this.exclude);
    if (this.last && next) this.ticks += ticksBetween(this.last, next);
    this.last = next;
  }

  /** Average cores used by other processes since start(). */
  stop(): number {
    clearInterval(this.timer);
    this.take();
    const seconds = Number(process.hrtime.bigint() - this.started) / 1e9;
    return seconds > 0 ? this.ticks / TICKS_PER_SECOND / seconds : 0;
  }
}

/**
 * Waits (polling in half-second windows) until other processes use less than `maxCores`, for at
 * most `maxWaitSeconds`. Returns the seconds waited.
 */
export async function waitForQuiet(exclude: ReadonlySet<number>, maxCores: number, maxWaitSeconds: number): Promise<number> {
  const started = Date.now();
  while ((Date.now() - started) / 1000 < maxWaitSeconds) {
    const probe = new ForeignLoad(exclude).start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (probe.stop() < maxCores) break;
  }
  return (Date.now() - started) / 1000;
}
