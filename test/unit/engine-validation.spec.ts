// Validation: every configuration error names the field, says what is wrong and how to fix it.
import { describe, expect, it } from '@jest/globals';
import { CorsConfigError, compilePolicy, validatePolicy, type CorsPolicyOptions } from '../../lib/core/index.js';
import { configError } from './engine-helpers.js';

const APP = 'https://app.example.com';

/** Compiles `options`, expects a CorsConfigError with a problem on `field`, and returns that problem. */
function expectProblem(options: unknown, field: string, messagePattern?: RegExp) {
  const error = configError(() => compilePolicy(options as CorsPolicyOptions));
  const problem = error.problems.find((p) => p.field === field);
  expect(problem).toBeDefined();
  expect(error.message).toContain(`${field}:`);
  expect(error.message).toContain('Fix:');
  expect(problem!.fix.length).toBeGreaterThan(0);
  if (messagePattern) expect(problem!.message).toMatch(messagePattern);
  return problem!;
}

describe('valid policies compile', () => {
  it.each<[string, CorsPolicyOptions]>([
    ['empty', {}],
    ["'*'", { origin: '*' }],
    ['a list with credentials', { origin: [APP, 'https://*.example.com'], credentials: true }],
    ['reflect without credentials', { origin: true }],
    ['a RegExp', { origin: /^https:\/\/[a-z]+\.example\.com$/ }],
    ['a function with credentials', { origin: () => true, credentials: true }],
    [
      'every field',
      {
        origin: APP,
        methods: 'GET,PUT',
        allowedHeaders: ['content-type'],
        exposedHeaders: 'x-total-count',
        credentials: true,
        maxAge: 0,
        optionsSuccessStatus: 200,
        preflightContinue: false,
        allowPrivateNetwork: true,
      },
    ],
  ])('%s', (_name, options) => {
    expect(() => compilePolicy(options)).not.toThrow();
    expect(validatePolicy(options).problems).toEqual([]);
  });
});

describe('origin and credentials', () => {
  it("'*' with credentials: true", () => {
    expectProblem({ origin: '*', credentials: true }, 'origin', /credentials/);
  });

  it('origin: true with credentials: true', () => {
    expectProblem({ origin: true, credentials: true }, 'origin', /credentials/);
  });
});

describe('configured origins that are not origins', () => {
  it('trailing slash, with the fix naming the origin without it', () => {
    const problem = expectProblem({ origin: 'https://app.example.com/' }, 'origin', /trailing slash/);
    expect(problem.fix).toContain('"https://app.example.com"');
  });

  it('a path', () => {
    const problem = expectProblem({ origin: 'https://app.example.com/api' }, 'origin', /path/);
    expect(problem.fix).toContain('"https://app.example.com"');
  });

  it('no scheme', () => {
    const problem = expectProblem({ origin: 'app.example.com' }, 'origin', /scheme/);
    expect(problem.fix).toContain('https://app.example.com');
  });

  it("'null'", () => {
    expectProblem({ origin: 'null' }, 'origin', /null/);
    expectProblem({ origin: [APP, 'null'] }, 'origin[1]', /null/);
  });

  it.each(['https://*example.com', 'https://a.*.com', 'https://*.*.example.com', 'https://example.*'])('a bad pattern %s', (pattern) => {
    expectProblem({ origin: pattern }, 'origin', /pattern/);
  });

  it("'*' inside a list", () => {
    expectProblem({ origin: [APP, '*'] }, 'origin[1]', /list/);
  });

  it('an entry of the wrong type inside a list', () => {
    expectProblem({ origin: [APP, 42] }, 'origin[1]');
  });

  it('an origin of the wrong type', () => {
    expectProblem({ origin: 42 }, 'origin');
  });

  it('an empty list', () => {
    expectProblem({ origin: [] }, 'origin');
  });

  it('the index of the bad entry is in the field', () => {
    expectProblem({ origin: [APP, 'https://b.example.com', 'https://c.example.com/'] }, 'origin[2]');
  });
});

describe('numbers', () => {
  it('negative maxAge', () => {
    expectProblem({ origin: APP, maxAge: -1 }, 'maxAge');
  });

  it('non-integer maxAge', () => {
    expectProblem({ origin: APP, maxAge: 1.5 }, 'maxAge');
  });

  it('maxAge as a string', () => {
    expectProblem({ origin: APP, maxAge: '600' }, 'maxAge');
  });

  it('optionsSuccessStatus 500', () => {
    expectProblem({ origin: APP, optionsSuccessStatus: 500 }, 'optionsSuccessStatus', /2xx/);
  });
});

describe('lists of tokens', () => {
  it("a method that is not a token ('GE T')", () => {
    expectProblem({ origin: APP, methods: ['GE T'] }, 'methods[0]', /token/);
  });

  it('a header name that is not a token', () => {
    expectProblem({ origin: APP, allowedHeaders: ['content-type', 'x:y'] }, 'allowedHeaders[1]');
    expectProblem({ origin: APP, exposedHeaders: 'x-a, x b' }, 'exposedHeaders[1]');
  });

  it('a list of the wrong type', () => {
    expectProblem({ origin: APP, methods: 42 }, 'methods');
  });
});

describe('option names and types', () => {
  it("an unknown option, with a did-you-mean for 'Credentials'", () => {
    const problem = expectProblem({ origin: APP, Credentials: true }, 'Credentials', /not a CORS option/);
    expect(problem.fix).toContain('Did you mean "credentials"?');
  });

  it('an unknown option with no close name lists the options', () => {
    const problem = expectProblem({ origin: APP, whitelist: [APP] }, 'whitelist');
    expect(problem.fix).toContain('allowedHeaders');
  });

  it('non-boolean credentials', () => {
    expectProblem({ origin: APP, credentials: 'true' }, 'credentials', /true or false/);
  });

  it('non-boolean preflightContinue and allowPrivateNetwork', () => {
    expectProblem({ origin: APP, preflightContinue: 1 }, 'preflightContinue');
    expectProblem({ origin: APP, allowPrivateNetwork: 'yes' }, 'allowPrivateNetwork');
  });

  it('a policy that is not an object', () => {
    const { problems } = validatePolicy('https://app.example.com');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.field).toBe('(policy)');
  });

  it('extra option names allowed at this level are accepted', () => {
    expect(validatePolicy({ origin: APP, policies: {} }, undefined, ['policies']).problems).toEqual([]);
    expect(validatePolicy({ origin: APP, policies: {} }).problems.map((p) => p.field)).toEqual(['policies']);
  });
});

describe('reporting', () => {
  it('reports all problems together', () => {
    const error = configError(() =>
      compilePolicy({
        origin: ['https://a.example.com/', 'b.example.com', '*'],
        maxAge: -5,
        methods: ['GE T'],
        optionsSuccessStatus: 500,
        credentials: 'yes',
        Credentials: true,
      } as unknown as CorsPolicyOptions),
    );
    const fields = error.problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining(['origin[0]', 'origin[1]', 'origin[2]', 'maxAge', 'methods[0]', 'optionsSuccessStatus', 'credentials', 'Credentials']),
    );
    expect(error.message).toContain(`${error.problems.length} problems`);
    for (const field of fields) expect(error.message).toContain(`${field}:`);
    expect(error.message.match(/Fix:/g)?.length).toBe(error.problems.length);
  });

  it('prefixes every problem with the source', () => {
    const source = 'GET /api/users (UsersController.list)';
    const error = configError(() => compilePolicy({ origin: '*', credentials: true, maxAge: -1 }, source));
    expect(error.problems.every((p) => p.source === source)).toBe(true);
    expect(error.message).toContain(`${source}: origin:`);
    expect(error.message).toContain(`${source}: maxAge:`);
  });

  it('is a CorsConfigError named CorsConfigError, and an Error', () => {
    const error = configError(() => compilePolicy({ maxAge: -1 }));
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(CorsConfigError);
    expect(error.name).toBe('CorsConfigError');
    expect(error.message).toMatch(/^Invalid CORS configuration \(1 problem\)/);
  });

  it('validatePolicy returns the problems without throwing', () => {
    const { problems } = validatePolicy({ origin: '*', credentials: true });
    expect(problems.map((p) => p.field)).toEqual(['origin']);
  });
});

describe('unknown options and wrong types are reported once, with the likely intent', () => {
  it.each([
    ['origins', 'origin'],
    ['Origin', 'origin'],
    ['credential', 'credentials'],
    ['exposeHeaders', 'exposedHeaders'],
  ])('%s: "Did you mean %s?"', (name, meant) => {
    const [problem] = validatePolicy({ [name]: true }).problems;
    expect(problem).toMatchObject({ code: 'unknown-option', field: name, fix: `Did you mean "${meant}"?` });
  });

  it('a name far from every option lists them instead', () => {
    expect(validatePolicy({ foo: 1 }).problems[0]?.fix).toMatch(/^Remove it; the options are origin, methods/);
  });

  it('origin of a wrong type is one problem', () => {
    expect(validatePolicy({ origin: 42 }).problems.map((p) => [p.code, p.field])).toEqual([['invalid-origin-type', 'origin']]);
  });
});
