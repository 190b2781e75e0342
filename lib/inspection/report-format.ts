// The CORS surface as text: the table of CorsInspector.format() and the start-up log lines, both
// computed from the records of routes() alone, so the log, the table and a snapshot cannot
// disagree. Pure: imports the record types and lib/routing's method list only.
import { ALL_METHODS } from '../routing/route-table.js';
import { UNKNOWN_PATHS, type CorsPolicyReport, type CorsRouteReport } from './route-report.js';

/** Labels shown per policy in the one-line-per-policy start-up summary. */
const LABELS_SHOWN = 3;
const COLUMNS = ['METHOD', 'PATH', 'HANDLER', 'PREFLIGHT METHODS', 'POLICY FROM'] as const;

/** Records that share one policy (as the report reads it), in report order. */
interface PolicyGroup {
  readonly heading: string;
  readonly records: CorsRouteReport[];
}

/**
 * The report as a table grouped by policy: a heading line per policy, then one row per route
 * (method, path, handler, the methods a preflight may ask for where each path decides them,
 * and where the policy comes from). Groups come in the order of their first route.
 */
export function formatReport(records: readonly CorsRouteReport[]): string {
  const groups = groupByPolicy(records);
  const rows = groups.map((group) => group.records.map(rowOf));
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.flat().map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => `  ${cells.map((cell, i) => (i < cells.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('  ')}`.trimEnd();
  const routeCount = records.filter((record) => record.method !== UNKNOWN_PATHS).length;
  const out = [`CORS surface: ${plural(routeCount, 'route')} in ${plural(groups.length, 'policy', 'policies')}`, line(COLUMNS)];
  groups.forEach((group, i) => out.push('', group.heading, ...rows[i]!.map(line)));
  return out.join('\n');
}

/** The start-up log: the whole table with `debug: true`, otherwise the summary; no blank lines. */
export function startupLog(records: readonly CorsRouteReport[], debug: boolean): string[] {
  return (debug ? formatReport(records).split('\n') : summarizeReport(records)).filter((line) => line !== '');
}

/** The start-up summary: one line per policy, with its route count and the first few routes. */
export function summarizeReport(records: readonly CorsRouteReport[]): string[] {
  return groupByPolicy(records).map(({ heading, records: members }) => {
    const routes = members.filter((record) => record.method !== UNKNOWN_PATHS);
    const unknown = routes.length < members.length ? ' and paths no route serves' : '';
    const shown = routes.slice(0, LABELS_SHOWN).map((record) => record.route);
    const more = routes.length > LABELS_SHOWN ? ` and ${routes.length - LABELS_SHOWN} more` : '';
    return `${heading}: ${plural(routes.length, 'route')}${unknown}${shown.length ? ` (${shown.join(', ')}${more})` : ''}`;
  });
}

/** One line saying what a policy allows; what every route of a group has in common. */
export function describePolicy(record: Pick<CorsRouteReport, 'disabled' | 'policy'>): string {
  if (record.disabled) return 'CORS off (@Cors(false)): no CORS headers, preflights answered 403';
  const policy = record.policy;
  if (policy.origins.length === 0) return 'closed: no origin allowed';
  const parts = [`open to ${policy.origins.join(', ')}`];
  if (policy.credentials) parts.push('with credentials');
  if (policy.methodsFrom === 'configured') parts.push(`methods ${list(policy.methods)}`);
  // Reflecting the requested headers is the default, left unsaid.
  if (policy.allowedHeaders !== 'reflected') parts.push(`allowed headers ${list(policy.allowedHeaders)}`);
  if (policy.exposedHeaders.length) parts.push(`exposes ${list(policy.exposedHeaders)}`);
  if (policy.maxAge !== null) parts.push(`max age ${policy.maxAge}s`);
  if (policy.privateNetwork) parts.push('private network access');
  if (policy.preflightContinue) parts.push('allowed preflights passed on to the application');
  else if (policy.optionsSuccessStatus !== 204) parts.push(`preflights answered ${policy.optionsSuccessStatus}`);
  return parts.join('; ');
}

function groupByPolicy(records: readonly CorsRouteReport[]): PolicyGroup[] {
  const groups = new Map<string, PolicyGroup>();
  // Records of one report share policy objects: each is serialised once.
  const keys = new Map<CorsPolicyReport, string>();
  for (const record of records) {
    const policyKey = keys.get(record.policy) ?? keys.set(record.policy, JSON.stringify(comparable(record.policy))).get(record.policy)!;
    const key = `${record.disabled}${policyKey}`;
    const group = groups.get(key) ?? { heading: describePolicy(record), records: [] };
    group.records.push(record);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** A policy without the per-path method lists, which rows show: routes of one policy serve different methods. */
function comparable(policy: CorsPolicyReport): object {
  return policy.methodsFrom === 'configured' ? policy : { ...policy, methods: undefined, methodsFrom: undefined };
}

function rowOf(record: CorsRouteReport): string[] {
  if (record.method === UNKNOWN_PATHS) return ['*', '(paths no route serves)', '', methodsCell(record), record.from.join(' + ')];
  const path = record.boundTo ? `${record.path} [${record.boundTo}]` : record.path;
  const from = record.from.join(' + ') + (record.shadowedBy ? ` (never reached: ${record.shadowedBy} serves its paths)` : '');
  return [record.method, path, record.handler ?? '', methodsCell(record), from];
}

function methodsCell(record: CorsRouteReport): string {
  if (record.disabled || record.policy.origins.length === 0) return '-';
  if (record.policy.methodsFrom === 'configured') return '(policy)';
  // An @All() route serves every method a browser may send: three dozen names.
  return ALL_METHODS.every((method) => record.policy.methods.includes(method)) ? 'any method' : list(record.policy.methods);
}

function list(values: readonly string[]): string {
  return values.length ? values.join(', ') : '(none)';
}

function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}
