// `--check`: a committed snapshot (the JSON of `--json`) against the application's report, as a
// per-route diff a reviewer can read. Pure: record types and the report's policy line only.
import { describePolicy } from '../inspection/report-format.js';
import type { CorsRouteReport } from '../inspection/route-report.js';

export interface SnapshotDiff {
  readonly same: boolean;
  /** The diff as text lines; a one-line confirmation when nothing differs. */
  readonly lines: string[];
}

/** The records of a snapshot file's text; throws with a readable message when it is not one. */
export function parseSnapshot(text: string, file: string): CorsRouteReport[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message}). Write it with: nestjs-route-cors report <app> --json > ${file}`);
  }
  const isRecord = (item: unknown) =>
    item !== null && typeof item === 'object' && typeof (item as CorsRouteReport).route === 'string' && typeof (item as CorsRouteReport).policy === 'object';
  if (!Array.isArray(value) || !value.every(isRecord)) {
    throw new Error(`${file} is not a report written by "nestjs-route-cors report --json" (an array of route records).`);
  }
  return value as CorsRouteReport[];
}

/**
 * Compares by route label (method, path, handler), whatever the order: a route is added,
 * removed, or changed field by field (policy fields by their own names). `app` goes into the
 * command that updates the snapshot.
 */
export function diffReports(expected: readonly CorsRouteReport[], actual: readonly CorsRouteReport[], file: string, app = '<app>'): SnapshotDiff {
  const before = keyed(expected);
  const after = keyed(actual);
  const blocks: string[][] = [];
  let added = 0;
  let removed = 0;
  let changed = 0;
  for (const [key, record] of after) {
    const old = before.get(key);
    if (!old) {
      added++;
      blocks.push([`+ ${key}`, `    ${summary(record)}`]);
      continue;
    }
    const fields = changedFields(old, record);
    if (fields.length === 0) continue;
    changed++;
    blocks.push([`~ ${key}`, ...fields.map(([name, from, to]) => `    ${name}: ${from} -> ${to}`)]);
  }
  for (const [key, record] of before) {
    if (after.has(key)) continue;
    removed++;
    blocks.push([`- ${key}`, `    was: ${summary(record)}`]);
  }
  if (blocks.length === 0) return { same: true, lines: [`CORS surface unchanged: ${actual.length} records match ${file}.`] };
  const counts = [plural(added, 'added'), plural(removed, 'removed'), plural(changed, 'changed')].filter(Boolean).join(', ');
  return {
    same: false,
    lines: [
      `CORS surface differs from ${file}: ${counts}.`,
      ...blocks.flatMap((block) => ['', ...block]),
      '',
      `If the change is intended, update the snapshot: nestjs-route-cors report ${app} --json > ${file}`,
    ],
  };
}

/** Records by label; a label seen twice (one handler on one path twice) gets `#2`. */
function keyed(records: readonly CorsRouteReport[]): Map<string, CorsRouteReport> {
  const map = new Map<string, CorsRouteReport>();
  for (const record of records) {
    let key = record.route;
    for (let n = 2; map.has(key); n++) key = `${record.route} #${n}`;
    map.set(key, record);
  }
  return map;
}

function changedFields(old: CorsRouteReport, now: CorsRouteReport): [string, string, string][] {
  const a = flatten(old);
  const b = flatten(now);
  const names = [...new Set([...a.keys(), ...b.keys()])];
  return names.filter((name) => JSON.stringify(a.get(name)) !== JSON.stringify(b.get(name))).map((name) => [name, show(a.get(name)), show(b.get(name))]);
}

/** Top-level fields and the policy's own, by name (`origins`, not `policy.origins`). */
function flatten(record: CorsRouteReport): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [name, value] of Object.entries(record)) {
    if (name === 'route') continue;
    if (name === 'policy' && value && typeof value === 'object') for (const [inner, v] of Object.entries(value)) fields.set(inner, v);
    else fields.set(name, value);
  }
  return fields;
}

function summary(record: CorsRouteReport): string {
  try {
    return `${describePolicy(record)} (from ${record.from.join(' + ')})`;
  } catch {
    // A record from another version of the report: shown as it is.
    return JSON.stringify(record.policy);
  }
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (value === null) return '(none)';
  if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function plural(count: number, what: string): string {
  return count === 0 ? '' : `${count} ${count === 1 ? 'route' : 'routes'} ${what}`;
}
