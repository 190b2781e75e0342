import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Nest's DI reads decorator metadata (emitDecoratorMetadata). SWC compiles the TypeScript, with
// the legacy decorators and metadata that tsconfig.json asks for: the NestJS docs' recipe for
// Vitest. (Without metadata, the guard's injected Reflector is undefined and the e2e suite sees 500s.)
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: { include: ['src/**/*.spec.ts'] },
});
