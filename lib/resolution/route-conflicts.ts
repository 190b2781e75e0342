import type { CorsConfigProblem } from '../core/index.js';
import type { RouteEntry } from '../routing/route-table.js';
import type { NeverReached, SamePath } from '../routing/routes.js';

/**
 * Handlers that serve one method and path, told apart by what the browser cannot control (host,
 * header or media-type version), must have equal policies: a preflight cannot say which it is for.
 */
export function samePathProblems(samePaths: readonly SamePath<RouteEntry>[]): CorsConfigProblem[] {
  return samePaths
    .filter(({ route, earlier }) => earlier.passesOn && earlier.value.policy !== route.value.policy)
    .map(({ route, earlier }) => ({
      code: 'same-path-different-policies',
      source: route.value.label,
      field: '@Cors',
      message: `${earlier.value.label} serves the same method and path with a different CORS policy; the browser cannot tell them apart.`,
      fix: 'Give both handlers the same @Cors(...) policy, or serve them on different paths (e.g. URI versioning).',
    }));
}

/** A warning per route whose own policy never applies, because an earlier route serves all its paths. */
export function neverReachedWarnings(neverReached: readonly NeverReached<RouteEntry>[]): string[] {
  return neverReached
    .filter(({ route, servedBy }) => route.value.policy !== servedBy.value.policy)
    .map(
      ({ route, servedBy }) =>
        `${route.value.label} is never reached: ${servedBy.value.label}, registered earlier, serves its paths, so its CORS policy applies there. ` +
        'Declare the more specific route first (or use the "specificity" route resolution strategy).',
    );
}
