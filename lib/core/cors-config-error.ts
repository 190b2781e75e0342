/**
 * Stable identifiers of configuration problems (and warnings), to match them without matching
 * message text. The README lists each with its meaning.
 *
 * @example
 * ```ts
 * await expect(app.init()).rejects.toMatchObject({ problems: [expect.objectContaining({ code: 'wildcard-with-credentials' })] });
 * ```
 */
export const CORS_PROBLEM_CODES = [
  // The shape of a policy
  'invalid-policy',
  'unknown-option',
  'invalid-origin-type',
  'invalid-origin',
  'null-origin',
  'invalid-origin-pattern',
  'empty-origin-list',
  'wildcard-in-origin-list',
  'invalid-origins-text',
  'invalid-list',
  'invalid-token',
  'empty-methods',
  'invalid-max-age',
  'invalid-success-status',
  'invalid-boolean',
  // Combinations refused as insecure
  'wildcard-with-credentials',
  'reflect-any-with-credentials',
  'reflect-everything-regexp',
  'private-network-with-wildcard',
  'insecure-origin-with-credentials',
  'public-suffix-pattern',
  'unanchored-regexp',
  'non-ascii-origin',
  'wildcard-list-with-credentials',
  'forbidden-method',
  'forbidden-request-header',
  'forbidden-exposed-header',
  'max-age-too-long',
  'max-age-above-chromium-cap',
  // The module and the routes
  'invalid-policies-option',
  'unknown-policy',
  'stacked-decorators',
  'same-path-different-policies',
  'duplicate-module-import',
] as const;

/** One of CORS_PROBLEM_CODES. */
export type CorsProblemCode = (typeof CORS_PROBLEM_CODES)[number];

/** One thing wrong with a CORS configuration. */
export interface CorsConfigProblem {
  /** What kind of problem it is; stable across versions (see CORS_PROBLEM_CODES). */
  readonly code: CorsProblemCode;
  /** Where the policy comes from, e.g. `GET /api/users (UsersController.list)` or `policy "public"`. */
  readonly source?: string;
  /** The option at fault, e.g. `origin[2]` or `credentials`. */
  readonly field: string;
  /** What is wrong. */
  readonly message: string;
  /** What to change. */
  readonly fix: string;
}

/**
 * Thrown when a CORS configuration is invalid. It lists every problem found, not only the first,
 * each with where it comes from, the field and the fix.
 *
 * @example
 * ```ts
 * try {
 *   await app.init();
 * } catch (error) {
 *   if (error instanceof CorsConfigError) console.error(error.problems.map((p) => `${p.code}: ${p.source}`));
 *   throw error;
 * }
 * ```
 */
export class CorsConfigError extends Error {
  readonly problems: readonly CorsConfigProblem[];

  constructor(problems: readonly CorsConfigProblem[]) {
    super(formatProblems(problems));
    this.name = 'CorsConfigError';
    this.problems = problems;
    Object.defineProperty(this, CORS_CONFIG_ERROR, { value: true });
  }

  /**
   * `instanceof` holds across copies of the package: an application may load its CommonJS build
   * (through a CommonJS dependency) beside its ESM build, each with its own class.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CORS_CONFIG_ERROR] === true;
  }
}

/** Marks a CorsConfigError, whichever copy of the package made it (Symbol.for: one symbol for all copies). */
const CORS_CONFIG_ERROR = Symbol.for('nestjs-route-cors.CorsConfigError');

function formatProblems(problems: readonly CorsConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((p) => {
    const where = p.source ? `${p.source}: ` : '';
    return `  - ${where}${p.field}: ${p.message} Fix: ${p.fix} [${p.code}]`;
  });
  return `Invalid CORS configuration (${count}):\n${lines.join('\n')}`;
}
