import {
  compileValidated,
  describeValue,
  mergePolicies,
  validatePolicy,
  type CompiledPolicy,
  type CorsConfigProblem,
  type CorsPolicyOptions,
} from '../core/index.js';
import { GLOBAL_POLICY_SOURCE } from '../nest/cors.constants.js';
import type { CorsModuleOptions, CorsRouteMetadata } from '../nest/cors-module-options.interface.js';
import { policySignature } from './policy-signature.js';

const MODULE_EXTRAS = ['policies', 'debug'] as const;
const DISABLED: CorsPolicyOptions = { origin: false };

/** The @Cors() metadata found on a route's controller and handler. */
export interface RouteCorsMetadata {
  readonly controller?: CorsRouteMetadata;
  readonly handler?: CorsRouteMetadata;
}

/** A level that can carry a @Cors decorator. */
export type CorsLevel = 'controller' | 'handler';

/** The fields one level's @Cors sets, as they apply to the route (a `@Cors()` without fields lists none). */
export interface FieldSource {
  readonly level: CorsLevel;
  readonly names: readonly string[];
}

/** Where a route's effective policy comes from: what each level of @Cors contributed. */
export interface PolicySource {
  /** The named policy the route starts from instead of the global one, and the level that names it. */
  readonly named?: { readonly name: string; readonly level: CorsLevel };
  /** The level whose @Cors(false) disables CORS on the route (nothing else then applies). */
  readonly disabledBy?: CorsLevel;
  /** The levels whose @Cors applies on top of the base, in order (fields a later name dropped are not listed). */
  readonly fields: readonly FieldSource[];
  /** A handler's @Cors enables the route again under its controller's @Cors(false). */
  readonly reenabled: boolean;
}

/** A route without @Cors: the global policy, as it is. */
const GLOBAL_SOURCE: PolicySource = { fields: [], reenabled: false };

export interface ResolvedPolicy {
  readonly options: CorsPolicyOptions;
  readonly signature: string;
  /** Undefined when the policy is invalid (its problems are in the resolver's report). */
  readonly compiled?: CompiledPolicy;
}

/**
 * Computes effective policies (base ⊕ controller ⊕ handler, field by field), validating and
 * compiling each distinct policy once, and collecting every problem instead of stopping at the first.
 */
export class PolicyResolver {
  readonly global: ResolvedPolicy;
  private readonly named = new Map<string, CorsPolicyOptions>();
  private readonly bySignature = new Map<string, ResolvedPolicy>();
  /** Problems per signature and message, with every route that has them. */
  private readonly routeProblems = new Map<string, { problem: CorsConfigProblem; sources: string[] }>();
  private readonly ownProblems: CorsConfigProblem[] = [];
  private readonly warningList: CorsConfigProblem[] = [];

  constructor(moduleOptions: CorsModuleOptions = {}) {
    const { policies = {}, debug: _debug, ...globalOptions } = moduleOptions;
    this.global = this.compileStandalone(globalOptions, GLOBAL_POLICY_SOURCE, moduleOptions);
    if (policies === null || typeof policies !== 'object' || Array.isArray(policies)) {
      this.ownProblems.push({
        code: 'invalid-policies-option',
        source: GLOBAL_POLICY_SOURCE,
        field: 'policies',
        message: 'must be an object of named policies.',
        fix: "Use e.g. policies: { public: { origin: '*' } }.",
      });
      return;
    }
    for (const [name, options] of Object.entries(policies)) {
      this.named.set(name, options);
      this.compileStandalone(options, `policy "${name}"`, options);
    }
  }

  /** Names of the configured named policies. */
  get policyNames(): string[] {
    return [...this.named.keys()];
  }

  /** The effective policy of one route. `label` names the route in problems. */
  resolve(meta: RouteCorsMetadata, label: string): ResolvedPolicy | undefined {
    return this.resolveWithSource(meta, label).policy;
  }

  /**
   * The effective policy of one route, with what each level of @Cors contributed to it (for the
   * inspector's report): recorded here, by the one loop that computes the policy, so the report
   * cannot tell a different story. `policy` is undefined when the route names an unknown policy.
   */
  resolveWithSource(meta: RouteCorsMetadata, label: string): { policy: ResolvedPolicy | undefined; source: PolicySource } {
    if (meta.controller === undefined && meta.handler === undefined) return { policy: this.global, source: GLOBAL_SOURCE };
    let base: CorsPolicyOptions = this.global.options;
    let fields: CorsPolicyOptions = {};
    let named: PolicySource['named'];
    let disabledBy: CorsLevel | undefined;
    let reenabled = false;
    let fieldSources: FieldSource[] = [];
    for (const [level, entry] of [
      ['controller', meta.controller],
      ['handler', meta.handler],
    ] as const) {
      if (entry === undefined) continue;
      if (entry === false) {
        disabledBy = level;
        fields = {};
        fieldSources = [];
        continue;
      }
      const options = (entry as { options?: unknown }).options;
      if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
        // @Cors(123) from JavaScript (or `as any`): the decorator took it for fields.
        this.addRouteProblem(`invalid:${level}:${String(options)}`, label, {
          code: 'invalid-policy',
          field: `@Cors on the ${level}`,
          message: `takes a policy name, an options object or false, got ${describeValue(options)}.`,
          fix: "Use e.g. @Cors('public'), @Cors({ origin: 'https://app.example.com' }) or @Cors(false).",
        });
        return { policy: undefined, source: { fields: [], reenabled } };
      }
      reenabled = disabledBy !== undefined;
      disabledBy = undefined;
      if (entry.policy !== undefined) {
        const namedOptions = this.named.get(entry.policy);
        if (namedOptions === undefined) {
          this.addRouteProblem(`unknown:${entry.policy}`, label, {
            code: 'unknown-policy',
            field: `@Cors('${entry.policy}') on the ${level}`,
            message: `there is no policy named "${entry.policy}".`,
            fix: this.named.size
              ? `Use one of ${this.policyNames.map((n) => `"${n}"`).join(', ')}, or add it to CorsModule.forRoot({ policies }).`
              : `Define it in CorsModule.forRoot({ policies: { ${entry.policy}: { origin: ... } } }).`,
          });
          return { policy: undefined, source: { named: { name: entry.policy, level }, fields: [], reenabled } };
        }
        // A name chooses the whole policy from this level down: fields set above it (on the
        // controller) do not leak into a handler that asks for a named policy.
        base = namedOptions;
        named = { name: entry.policy, level };
        fields = {};
        fieldSources = [];
      }
      fields = mergePolicies(fields, entry.options);
      const names = Object.keys(entry.options ?? {}).filter((name) => entry.options![name as keyof CorsPolicyOptions] !== undefined);
      fieldSources.push({ level, names });
    }
    const source: PolicySource = disabledBy ? { disabledBy, fields: [], reenabled: false } : { named, fields: fieldSources, reenabled };
    return { policy: this.resolveOptions(disabledBy ? DISABLED : mergePolicies(base, fields), label), source };
  }

  /** Every problem found so far: the global and named policies', then the routes', grouped. */
  get problems(): CorsConfigProblem[] {
    const grouped = [...this.routeProblems.values()].map(({ problem, sources }) => ({ ...problem, source: describeSources(sources) }));
    return [...this.ownProblems, ...grouped];
  }

  get warnings(): CorsConfigProblem[] {
    return this.warningList;
  }

  private resolveOptions(options: CorsPolicyOptions, label: string): ResolvedPolicy {
    const signature = policySignature(options);
    const known = this.bySignature.get(signature);
    if (known) {
      if (!known.compiled) this.repeatProblems(signature, label);
      return known;
    }
    const { problems, warnings } = validatePolicy(options, label);
    const resolved: ResolvedPolicy = { options, signature, compiled: problems.length ? undefined : compileValidated(options, warnings) };
    this.bySignature.set(signature, resolved);
    problems.forEach((problem) => this.addRouteProblem(signature, label, problem));
    this.warningList.push(...warnings);
    return resolved;
  }

  private compileStandalone(options: CorsPolicyOptions, source: string, asGiven: object): ResolvedPolicy {
    const { problems, warnings } = validatePolicy(asGiven, source, source === GLOBAL_POLICY_SOURCE ? MODULE_EXTRAS : []);
    const signature = policySignature(options);
    const resolved: ResolvedPolicy = { options, signature, compiled: problems.length ? undefined : compileValidated(options, warnings) };
    this.ownProblems.push(...problems);
    this.warningList.push(...warnings);
    // A standalone policy's problems are reported once, under its own name, not again per route.
    if (!this.bySignature.has(signature)) this.bySignature.set(signature, resolved);
    return resolved;
  }

  private addRouteProblem(signature: string, label: string, problem: Omit<CorsConfigProblem, 'source'>): void {
    const key = `${signature}\u0000${problem.field}\u0000${problem.message}`;
    const entry = this.routeProblems.get(key);
    if (entry) entry.sources.push(label);
    else this.routeProblems.set(key, { problem: { code: problem.code, field: problem.field, message: problem.message, fix: problem.fix }, sources: [label] });
  }

  private repeatProblems(signature: string, label: string): void {
    for (const [key, entry] of this.routeProblems) {
      if (key.startsWith(`${signature}\u0000`) && !entry.sources.includes(label)) entry.sources.push(label);
    }
  }
}

function describeSources(sources: string[]): string {
  const shown = sources.slice(0, 5).join('; ');
  return sources.length > 5 ? `${shown}; and ${sources.length - 5} more routes` : shown;
}
