import type { CorsPolicyOptions } from '../core/index.js';

const functionIds = new WeakMap<Function, number>();
let nextFunctionId = 0;

/**
 * A string equal for two policies exactly when they behave alike: functions compare by identity,
 * RegExps by source and flags. Used to compile each distinct policy once and to compare the
 * policies of handlers that share a method and path.
 */
export function policySignature(options: CorsPolicyOptions): string {
  return JSON.stringify(options, (_key, value: unknown) => {
    if (typeof value === 'function') {
      let id = functionIds.get(value);
      if (id === undefined) functionIds.set(value, (id = ++nextFunctionId));
      return `function#${id}`;
    }
    if (value instanceof RegExp) return `regexp:${String(value)}`;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      // Key order must not matter: { a, b } and { b, a } are one policy.
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    }
    return value;
  });
}
