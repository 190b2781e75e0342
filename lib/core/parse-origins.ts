import { CorsConfigError } from './cors-config-error.js';
import { validatePolicy } from './validate-policy.js';

/**
 * Reads an origin list from configuration text such as an environment variable:
 * `"https://a.com, https://b.com"` or one per line. Entries are trimmed and validated like the
 * `origin` option (exact origins and patterns); `'*'` is accepted only alone, and returned as `'*'`.
 * Throws a CorsConfigError naming every bad entry; `name` (e.g. `CORS_ORIGINS`) prefixes the fields.
 *
 * @example
 * ```ts
 * parseOrigins('https://app.example.com, https://*.example.com', 'CORS_ORIGINS');
 * // ['https://app.example.com', 'https://*.example.com']
 * CorsModule.forRootAsync({
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({ origin: parseOrigins(config.getOrThrow('CORS_ORIGINS'), 'CORS_ORIGINS') }),
 * });
 * ```
 */
export function parseOrigins(text: string, name = 'origins'): string[] | '*' {
  if (typeof text !== 'string') {
    throw new CorsConfigError([
      {
        code: 'invalid-origins-text',
        field: name,
        message: `must be a string, got ${typeof text}.`,
        fix: 'Pass the raw text, e.g. "https://a.com, https://b.com".',
      },
    ]);
  }
  const entries = text.split(/[\s,]+/).filter((entry) => entry !== '');
  if (entries.length === 0) {
    throw new CorsConfigError([
      { code: 'invalid-origins-text', field: name, message: 'is empty.', fix: 'List at least one origin, e.g. "https://app.example.com".' },
    ]);
  }
  if (entries.includes('*')) {
    if (entries.length === 1) return '*';
    throw new CorsConfigError([
      {
        code: 'wildcard-in-origin-list',
        field: name,
        message: "'*' must stand alone: it allows every origin, so the others mean nothing.",
        fix: "Use either '*' or a list of origins.",
      },
    ]);
  }
  const { problems } = validatePolicy({ origin: entries });
  if (problems.length > 0) {
    throw new CorsConfigError(problems.map((p) => ({ ...p, field: p.field.replace(/^origin/, name) })));
  }
  return entries;
}
