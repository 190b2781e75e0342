/** Jest 30 in ESM mode with @swc/jest: Nest 12 is ESM-only. Decorator metadata must be on, or DI breaks silently. */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/browser/', '/test/pack/'],
  // `npm run test:unit` runs with --coverage: the threshold is on the package's own code.
  // The CLI's executable and its app loader run in child processes (test/cli), out of coverage's sight.
  collectCoverageFrom: ['lib/**/*.ts', '!lib/cli/main.ts', '!lib/cli/load-app.ts'],
  coverageProvider: 'v8',
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: { global: { lines: 95, branches: 95, statements: 95, functions: 95 } },
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^nestjs-route-cors$': '<rootDir>/lib/index.ts',
  },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        },
        module: { type: 'es6' },
      },
    ],
  },
};
