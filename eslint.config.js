// typescript-eslint over the whole tree, plus the layering rules of lib/ (see lib/README.md).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const FRAMEWORKS = ['express', 'express/*', 'fastify', 'fastify/*', '@nestjs/platform-*', '@fastify/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.build/', 'coverage/', '.scratch/', 'test/pack/.work/', 'test/pack/apps/*/node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // Header and URL handling deliberately matches control characters.
      'no-control-regex': 'off',
    },
  },
  {
    // CommonJS application fixtures load the package with require().
    files: ['test/pack/**/*.{js,cjs}'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The engine: no Nest, no HTTP framework.
    files: ['lib/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@nestjs/*', ...FRAMEWORKS, '../*'], message: 'lib/core is the framework-free engine.' }] }],
    },
  },
  {
    // Outside lib/platforms, nothing knows an HTTP framework.
    files: ['lib/**/*.ts'],
    ignores: ['lib/platforms/**', 'lib/core/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: FRAMEWORKS, message: 'Only lib/platforms/<platform> knows its framework.' }] }] },
  },
);
