export { applyHeaders, type HeaderSink } from './apply-headers.js';
export {
  compilePolicy,
  compileValidated,
  DEFAULT_METHODS,
  methodSet,
  type CompiledPolicy,
  type HeaderNameSet,
  type MethodSet,
} from './compile-policy.js';
export { CORS_PROBLEM_CODES, CorsConfigError, type CorsConfigProblem, type CorsProblemCode } from './cors-config-error.js';
export type { CorsOrigin, CorsPolicyOptions, CustomOrigin, OriginCallback, StaticOrigin } from './cors-options.js';
export { POLICY_OPTION_NAMES } from './cors-options.js';
export {
  decideActual,
  decidePreflight,
  isPreflight,
  type CorsDecision,
  type CorsRequest,
  type HeaderList,
  type RejectionReason,
} from './decide.js';
export { mergePolicies } from './merge.js';
export { normalizeOrigin, parseOrigin, serializeOrigin, type ParsedOrigin } from './origin.js';
export { parseOrigins } from './parse-origins.js';
export { describe as describeValue, validatePolicy, type PolicyReport, type PolicyRule, type PolicyValidation } from './validate-policy.js';
export { INSECURE_HTTP_OPT_IN } from './security-rules.js';
