import type { PolicyRule } from './validate-policy.js';

/**
 * Rules that refuse configurations which work but are insecure by accident (refusals beyond what
 * the browser itself enforces). Kept apart from the syntax rules so each can be read on its own.
 */
export const SECURITY_RULES: readonly PolicyRule[] = [];
