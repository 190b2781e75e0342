/** One thing wrong with a CORS configuration. */
export interface CorsConfigProblem {
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
 */
export class CorsConfigError extends Error {
  readonly problems: readonly CorsConfigProblem[];

  constructor(problems: readonly CorsConfigProblem[]) {
    super(formatProblems(problems));
    this.name = 'CorsConfigError';
    this.problems = problems;
  }
}

function formatProblems(problems: readonly CorsConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((p) => {
    const where = p.source ? `${p.source}: ` : '';
    return `  - ${where}${p.field}: ${p.message} Fix: ${p.fix}`;
  });
  return `Invalid CORS configuration (${count}):\n${lines.join('\n')}`;
}
