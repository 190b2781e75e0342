import type { CorsConfigProblem } from '../core/index.js';
import type { ModulesContainer } from '@nestjs/core';
import { CORS_MODULE_MARKER } from './cors.constants.js';

/**
 * A second `CorsModule.forRoot(...)` with other options (often copied into a feature module) would
 * silently replace the first one's policy for every route: each such import is reported, with the
 * modules that import it. The same DynamicModule imported twice, or two identical imports (which
 * Nest deduplicates), are one module instance and fine.
 */
export function duplicateModuleImports(modules: ModulesContainer): CorsConfigProblem[] {
  const instances = [...modules.values()].filter(
    (moduleRef) => (moduleRef.metatype as unknown as Record<symbol, unknown> | undefined)?.[CORS_MODULE_MARKER] === true,
  );
  if (instances.length < 2) return [];
  const where = instances.map((instance, i) => {
    const importers = [...modules.values()].filter((moduleRef) => moduleRef.imports.has(instance)).map((moduleRef) => moduleRef.name);
    return `#${i + 1} imported by ${importers.length ? importers.join(', ') : 'no module found'}`;
  });
  return [
    {
      code: 'duplicate-module-import',
      source: 'CorsModule',
      field: 'forRoot / forRootAsync',
      message: `is imported ${instances.length} times with different options (${where.join('; ')}); only one set of options would apply to every route.`,
      fix: 'Import CorsModule.forRoot(...) once, in the root module (it is global); give feature modules named policies (policies: {...}) and @Cors(...) on their controllers instead.',
    },
  ];
}
