import type { NestApplicationOptions } from '@nestjs/common';

/** Nest 12: routes matched most specific first (a literal segment before a parameter). */
export const appOptions: NestApplicationOptions = { routeResolutionStrategy: 'specificity' };
