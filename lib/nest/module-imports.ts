import type { ModulesContainer } from '@nestjs/core';
import type { CorsConfigProblem } from '../core/index.js';
import { policySignature } from '../resolution/policy-signature.js';
import { CORS_MODULE_MARKER } from './cors.constants.js';
import { CORS_MODULE_OPTIONS } from './cors.module-definition.js';
import type { CorsModuleOptions } from './cors-module-options.interface.js';

type ModuleRef = ReturnType<ModulesContainer['values']> extends Iterable<infer M> ? M : never;

/** The CorsModule instances of the application (one per forRoot/forRootAsync import Nest did not merge), with their options. */
export function corsModuleInstances(modules: ModulesContainer): { moduleRef: ModuleRef; options: CorsModuleOptions | undefined }[] {
  return [...modules.values()]
    .filter((moduleRef) => (moduleRef.metatype as unknown as Record<symbol, unknown> | undefined)?.[CORS_MODULE_MARKER] === true)
    .map((moduleRef) => ({ moduleRef, options: moduleRef.providers.get(CORS_MODULE_OPTIONS)?.instance as CorsModuleOptions | undefined }));
}

/**
 * A second `CorsModule.forRoot(...)` with other options (often copied into a feature module) would
 * silently replace the first one's policy for every route: reported, with the modules that import
 * each. The same DynamicModule imported twice is one instance; imports with equal options change
 * nothing (ConfigurableModuleBuilder gives each forRoot() call its own module, so Nest cannot merge
 * them) and are fine.
 */
export function duplicateModuleImports(modules: ModulesContainer, instances = corsModuleInstances(modules)): CorsConfigProblem[] {
  const signatures = new Set(instances.map(({ options }) => policySignature(options ?? {})));
  if (signatures.size < 2) return [];
  const where = instances.map(({ moduleRef }, i) => {
    const importers = [...modules.values()].filter((other) => other !== moduleRef && other.imports.has(moduleRef) && other.metatype !== moduleRef.metatype);
    return `#${i + 1} imported by ${importers.length ? importers.map((m) => m.name).join(', ') : 'no module found'}`;
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
