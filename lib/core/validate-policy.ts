import type { CorsConfigProblem, CorsProblemCode } from './cors-config-error.js';
import { POLICY_OPTION_NAMES, type CorsPolicyOptions } from './cors-options.js';
import { isToken, listOption } from './http-syntax.js';
import { normalizeOrigin } from './origin.js';
import { parseOriginPattern } from './origin-rule.js';
import { SECURITY_RULES } from './security-rules.js';

/** Collects problems (which stop the application) and warnings (which are logged). */
export interface PolicyReport {
  problem(code: CorsProblemCode, field: string, message: string, fix: string): void;
  warning(code: CorsProblemCode, field: string, message: string, fix: string): void;
}

/** One validation rule over a whole policy. */
export type PolicyRule = (options: CorsPolicyOptions, report: PolicyReport) => void;

export interface PolicyValidation {
  readonly problems: CorsConfigProblem[];
  readonly warnings: CorsConfigProblem[];
}

/**
 * Checks a policy without compiling it. `source` names where it comes from in every problem;
 * `extraOptionNames` are further names allowed at this level (e.g. `policies` on the module).
 */
export function validatePolicy(options: unknown, source?: string, extraOptionNames: readonly string[] = []): PolicyValidation {
  const problems: CorsConfigProblem[] = [];
  const warnings: CorsConfigProblem[] = [];
  const report: PolicyReport = {
    problem: (code, field, message, fix) => problems.push({ code, source, field, message, fix }),
    warning: (code, field, message, fix) => warnings.push({ code, source, field, message, fix }),
  };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    report.problem(
      'invalid-policy',
      '(policy)',
      `must be an options object, got ${describe(options)}.`,
      'Pass an object such as { origin: "https://app.example.com" }.',
    );
    return { problems, warnings };
  }
  for (const rule of [checkOptionNames(extraOptionNames), ...BASE_RULES, ...SECURITY_RULES]) {
    rule(options as CorsPolicyOptions, report);
  }
  return { problems, warnings };
}

const KNOWN_NAMES: ReadonlySet<string> = new Set(POLICY_OPTION_NAMES);

function checkOptionNames(extra: readonly string[]): PolicyRule {
  return (options, report) => {
    for (const name of Object.keys(options)) {
      if (KNOWN_NAMES.has(name) || extra.includes(name)) continue;
      const suggestion = closestName(name, [...KNOWN_NAMES, ...extra]);
      report.problem(
        'unknown-option',
        name,
        'is not a CORS option.',
        suggestion ? `Did you mean "${suggestion}"?` : `Remove it; the options are ${[...KNOWN_NAMES, ...extra].join(', ')}.`,
      );
    }
  };
}

/** The known name a mistyped one most likely means: same letters in another case, or at most two edits away. */
function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= Math.min(2, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

const checkOrigin: PolicyRule = (options, report) => {
  const { origin } = options;
  if (origin === undefined || typeof origin === 'boolean' || typeof origin === 'function' || origin === '*') return;
  // Other types are reported once, by checkOriginType.
  if (typeof origin !== 'string' && !(origin instanceof RegExp) && !Array.isArray(origin)) return;
  if (Array.isArray(origin)) {
    if (origin.length === 0) {
      report.problem(
        'empty-origin-list',
        'origin',
        'is an empty list, which allows no origin.',
        'List at least one origin, or set origin: false to disable CORS.',
      );
    }
    // An index loop, not forEach: a hole (`[a, , b]`) must be reported, not skipped.
    for (let i = 0; i < origin.length; i++) checkOriginEntry(origin[i], `origin[${i}]`, report, true);
    return;
  }
  checkOriginEntry(origin, 'origin', report, false);
};

function checkOriginEntry(entry: unknown, field: string, report: PolicyReport, inList: boolean): void {
  if (entry instanceof RegExp) return;
  if (typeof entry !== 'string') {
    report.problem(
      'invalid-origin-type',
      field,
      `must be an origin string or a RegExp, got ${describe(entry)}.`,
      'Use a string such as "https://app.example.com".',
    );
    return;
  }
  if (entry === '*') {
    if (inList) {
      report.problem(
        'wildcard-in-origin-list',
        field,
        "'*' inside a list is not a wildcard: it would match nothing.",
        "Use origin: '*' alone to allow every origin, or list the origins.",
      );
    }
    return;
  }
  // Non-ASCII hosts are reported by security-rules.ts, with their punycode form as the fix.
  if (normalizeOrigin(entry) !== undefined || /[^\x00-\x7f]/.test(entry)) return;
  if (entry.includes('*')) {
    if (!parseOriginPattern(entry)) {
      report.problem(
        'invalid-origin-pattern',
        field,
        `"${entry}" is not a valid pattern: '*' must be a whole leftmost label of the host (https://*.example.com) or the whole port (http://localhost:*).`,
        'Write the pattern as scheme://*.domain, e.g. "https://*.example.com".',
      );
    }
    return;
  }
  const problem = describeNonOrigin(entry);
  report.problem(problem.code, field, `"${entry}" is not an origin: ${problem.why}`, problem.fix);
}

function describeNonOrigin(text: string): { code: CorsProblemCode; why: string; fix: string } {
  const example = 'Write scheme://host[:port], e.g. "https://app.example.com".';
  if (text.trim() === '') return { code: 'invalid-origin', why: 'it is empty.', fix: example };
  if (text.trim() !== text) return { code: 'invalid-origin', why: 'it has surrounding white space.', fix: `Use "${text.trim()}".` };
  if (text.toLowerCase() === 'null') {
    return {
      code: 'null-origin',
      why: 'the "null" origin is shared by sandboxed iframes, local files and redirects; allowing it lets any site in.',
      fix: 'Remove it and list the real origins.',
    };
  }
  const schemeEnd = text.indexOf('://');
  if (schemeEnd <= 0) return { code: 'invalid-origin', why: 'it has no scheme.', fix: `Add the scheme, e.g. "https://${text.replace(/^\/*/, '')}".` };
  const rest = text.slice(schemeEnd + 3);
  const slash = rest.search(/[/?#]/);
  if (slash >= 0) {
    const origin = text.slice(0, schemeEnd + 3 + slash);
    const tail = rest.slice(slash);
    const why = tail === '/' ? 'it has a trailing slash.' : `it has a path, query or fragment ("${tail}"); an origin never does.`;
    return { code: 'invalid-origin', why, fix: `Use "${origin}".` };
  }
  if (rest.includes('@'))
    return { code: 'invalid-origin', why: 'it has user information.', fix: `Use "${text.slice(0, schemeEnd + 3)}${rest.slice(rest.lastIndexOf('@') + 1)}".` };
  return { code: 'invalid-origin', why: 'its host or port is not valid.', fix: example };
}

const checkCredentials: PolicyRule = (options, report) => {
  if (options.credentials !== true) return;
  if (options.origin === '*') {
    report.problem(
      'wildcard-with-credentials',
      'origin',
      "'*' cannot be combined with credentials: true (browsers refuse it, and reflecting every origin instead would let any site read credentialed responses).",
      'List the allowed origins explicitly, or set credentials: false.',
    );
  } else if (options.origin === true) {
    report.problem(
      'reflect-any-with-credentials',
      'origin',
      'true (reflect any origin) cannot be combined with credentials: true: it would let any site read credentialed responses.',
      'List the allowed origins explicitly, or set credentials: false.',
    );
  }
};

const checkMethods: PolicyRule = (options, report) => {
  checkList(options.methods, 'methods', report, 'a method name such as "PUT"');
};

const checkHeaderLists: PolicyRule = (options, report) => {
  checkList(options.allowedHeaders, 'allowedHeaders', report, 'a header name such as "content-type"');
  checkList(options.exposedHeaders, 'exposedHeaders', report, 'a header name such as "x-total-count"');
};

function checkList(value: unknown, field: string, report: PolicyReport, what: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
    report.problem(
      'invalid-list',
      field,
      `must be a list of strings or a comma-separated string, got ${describe(value)}.`,
      `Use e.g. ["${field === 'methods' ? 'GET' : 'x-request-id'}"].`,
    );
    return;
  }
  const entries = listOption(value as string | string[]);
  if (field === 'methods' && entries.length === 0) {
    report.problem(
      'empty-methods',
      field,
      'is empty, so every preflight would be refused.',
      'List the methods, or leave methods out to allow the methods each path serves.',
    );
  }
  entries.forEach((entry, i) => {
    if (entry !== '*' && !isToken(entry)) {
      report.problem(
        'invalid-token',
        `${field}[${i}]`,
        `"${entry}" is not ${what}: it must be an HTTP token.`,
        'Remove the spaces or separators, or split it into several entries.',
      );
    }
  });
}

const checkNumbers: PolicyRule = (options, report) => {
  const { maxAge, optionsSuccessStatus } = options;
  if (maxAge !== undefined && !(typeof maxAge === 'number' && Number.isInteger(maxAge) && maxAge >= 0)) {
    report.problem('invalid-max-age', 'maxAge', `must be a non-negative whole number of seconds, got ${describe(maxAge)}.`, 'Use e.g. maxAge: 600.');
  }
  if (
    optionsSuccessStatus !== undefined &&
    !(typeof optionsSuccessStatus === 'number' && Number.isInteger(optionsSuccessStatus) && optionsSuccessStatus >= 200 && optionsSuccessStatus <= 299)
  ) {
    report.problem(
      'invalid-success-status',
      'optionsSuccessStatus',
      `must be a 2xx status, got ${describe(optionsSuccessStatus)}.`,
      'Use 204 (the default) or 200 for old clients.',
    );
  }
};

const checkBooleans: PolicyRule = (options, report) => {
  for (const field of ['credentials', 'preflightContinue', 'allowPrivateNetwork'] as const) {
    const value = options[field];
    if (value !== undefined && typeof value !== 'boolean') {
      report.problem('invalid-boolean', field, `must be true or false, got ${describe(value)}.`, `Use ${field}: true or leave it out.`);
    }
  }
};

const checkOriginType: PolicyRule = (options, report) => {
  const { origin } = options as { origin?: unknown };
  if (origin === undefined || ['boolean', 'string', 'function'].includes(typeof origin) || origin instanceof RegExp || Array.isArray(origin)) return;
  report.problem(
    'invalid-origin-type',
    'origin',
    `must be '*', an origin, a RegExp, a list, a boolean or a function, got ${describe(origin)}.`,
    'Use e.g. origin: ["https://app.example.com"].',
  );
};

const BASE_RULES: readonly PolicyRule[] = [checkOriginType, checkOrigin, checkCredentials, checkMethods, checkHeaderLists, checkNumbers, checkBooleans];

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
