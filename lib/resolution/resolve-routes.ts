import type { CorsConfigProblem } from '../core/index.js';
import { GLOBAL_POLICY_SOURCE } from '../nest/cors.constants.js';
import type { CorsModuleOptions } from '../nest/cors-module-options.interface.js';
import type { RouteEntry } from '../routing/route-table.js';
import type { OrderedRoute, RouteFilter } from '../routing/routes.js';
import { PolicyResolver, type PolicySource, type RouteCorsMetadata } from './policy-resolver.js';

/** A route as declared in the application: where it is served and what its @Cors decorators say. */
export interface RouteDeclaration {
  /** Upper-case method, or `ALL`. */
  readonly method: string;
  /** The full path as Nest registers it. */
  readonly path: string;
  /** e.g. `GET /api/users/:id (UsersController.findOne)`. */
  readonly label: string;
  readonly controllerName: string;
  /** The handler's method name (for reports); absent in declarations built by hand. */
  readonly handlerName?: string;
  /** What else the route is bound to (`host admin.example.com`, `version 2`), for reports. */
  readonly discriminator?: string;
  /** Identities of the controller class and the handler function (stacked decorators are reported once each). */
  readonly controllerRef: object;
  readonly handlerRef: object;
  readonly cors: RouteCorsMetadata;
  /** Whether more than one @Cors sits on the controller / on the handler. */
  readonly stacked: { readonly controller: boolean; readonly handler: boolean };
  /** Bound to hosts or hidden versions (see lib/routing/routes.ts). */
  readonly passesOn: boolean;
  /** The host and version filters of such a route, for the platform to apply per request. */
  readonly filter?: RouteFilter;
}

/** A route with a valid effective policy, and where that policy comes from (for the inspector). */
export interface ResolvedRoute {
  readonly declaration: RouteDeclaration;
  /** The very route given to the route table. */
  readonly route: OrderedRoute<RouteEntry>;
  readonly source: PolicySource;
}

export interface ResolvedRoutes {
  /** Every route with a valid effective policy, in the order given. */
  readonly routes: OrderedRoute<RouteEntry>[];
  /** The same routes, with their declarations and the sources of their policies. */
  readonly resolved: readonly ResolvedRoute[];
  /** The policy of paths no route knows: the global one. */
  readonly fallback: RouteEntry;
  readonly problems: CorsConfigProblem[];
  readonly warnings: CorsConfigProblem[];
}

/** The label of the fallback entry, in logs and reports. */
export const UNKNOWN_PATHS_LABEL = `unknown path (${GLOBAL_POLICY_SOURCE})`;

/**
 * Resolves and validates every route's effective policy (base ⊕ controller ⊕ handler), compiling
 * each distinct policy once, and collects every problem instead of stopping at the first.
 */
export function resolveRoutes(declarations: readonly RouteDeclaration[], options: CorsModuleOptions): ResolvedRoutes {
  const resolver = new PolicyResolver(options);
  const routes: OrderedRoute<RouteEntry>[] = [];
  const resolvedRoutes: ResolvedRoute[] = [];
  const stackedProblems: CorsConfigProblem[] = [];
  const reported = new Set<object>();
  for (const declaration of declarations) {
    for (const level of ['controller', 'handler'] as const) {
      const ref = level === 'controller' ? declaration.controllerRef : declaration.handlerRef;
      if (!declaration.stacked[level] || reported.has(ref)) continue;
      reported.add(ref);
      stackedProblems.push({
        code: 'stacked-decorators',
        source: level === 'controller' ? declaration.controllerName : declaration.label,
        field: `@Cors on the ${level}`,
        message: 'is applied twice; only the top decorator would take effect.',
        fix: "Use one @Cors(...): @Cors('name', { ...fields }) combines a named policy with fields.",
      });
    }
    const { policy, source } = resolver.resolveWithSource(declaration.cors, declaration.label);
    if (!policy?.compiled) continue; // its problems are in the resolver's report
    const route: OrderedRoute<RouteEntry> = {
      method: declaration.method,
      path: declaration.path,
      passesOn: declaration.passesOn,
      filter: declaration.filter,
      value: { policy: policy.compiled, label: declaration.label },
    };
    routes.push(route);
    resolvedRoutes.push({ declaration, route, source });
  }
  return {
    routes,
    resolved: resolvedRoutes,
    // Without a valid global policy start-up stops anyway (its problems are reported).
    fallback: { policy: resolver.global.compiled!, label: UNKNOWN_PATHS_LABEL },
    problems: [...resolver.problems, ...stackedProblems],
    warnings: resolver.warnings,
  };
}
