import type { CorsPolicyOptions } from './cors-options.js';

/**
 * Field-by-field resolution: every field the override sets (not undefined) replaces the base's;
 * lists are replaced, not concatenated, so an override can narrow as well as widen.
 */
export function mergePolicies(base: CorsPolicyOptions, override: CorsPolicyOptions | undefined): CorsPolicyOptions {
  if (!override) return base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged as CorsPolicyOptions;
}
