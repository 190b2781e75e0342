import type { CorsPolicyOptions } from '../core/index.js';
import type { RouteEntry } from '../routing/route-table.js';

const ROUTES_SHOWN = 3;

/** Lines saying which routes are open to which origins: one per policy, or one per route (debug). */
export function describeRoutes(entries: readonly RouteEntry[], fallback: RouteEntry, detailed: boolean): string[] {
  if (detailed) {
    return [...entries, fallback].map((entry) => `${entry.label}: ${describePolicy(entry.policy.options)}`);
  }
  const byPolicy = new Map<RouteEntry['policy'], string[]>();
  byPolicy.set(fallback.policy, []);
  for (const entry of entries) {
    const labels = byPolicy.get(entry.policy) ?? [];
    labels.push(entry.label);
    byPolicy.set(entry.policy, labels);
  }
  return [...byPolicy].map(([policy, labels]) => {
    const shown = labels.slice(0, ROUTES_SHOWN).join(', ');
    const more = labels.length > ROUTES_SHOWN ? ` and ${labels.length - ROUTES_SHOWN} more` : '';
    const count = `${labels.length} route${labels.length === 1 ? '' : 's'}`;
    const routes = policy === fallback.policy ? `${count} and unknown paths` : count;
    return `${describePolicy(policy.options)}: ${routes}${shown ? ` (${shown}${more})` : ''}`;
  });
}

export function describePolicy(options: CorsPolicyOptions): string {
  const origin = describeOrigin(options.origin);
  const extras = [options.credentials ? 'with credentials' : '', options.exposedHeaders ? `exposes ${String(options.exposedHeaders)}` : '']
    .filter(Boolean)
    .join(', ');
  return extras ? `${origin} (${extras})` : origin;
}

function describeOrigin(origin: CorsPolicyOptions['origin']): string {
  if (origin === undefined || origin === false) return 'closed (no origin)';
  if (origin === true) return 'open to any origin (reflected)';
  if (origin === '*') return 'open to any origin (*)';
  if (typeof origin === 'function') return `open to origins chosen by ${origin.name || 'a function'}`;
  const list = (Array.isArray(origin) ? origin : [origin]).map(String);
  const shown = list.slice(0, 5).join(', ');
  return `open to ${shown}${list.length > 5 ? ` and ${list.length - 5} more origins` : ''}`;
}
