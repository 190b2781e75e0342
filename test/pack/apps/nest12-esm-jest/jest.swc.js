/**
 * @swc/jest with legacy decorators and their metadata (emitDecoratorMetadata): without metadata
 * Nest's DI cannot see constructor parameter types, and the guard's Reflector is undefined.
 */
export const swcTransform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        target: 'es2023',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      },
      module: { type: 'es6' },
    },
  ],
};
