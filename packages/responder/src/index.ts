export * from './protocol.ts';
export { parseAddress, parseRange, inRange, type CanonicalAddress, type ParsedAddress, type AddressRange } from './address.ts';
export { Allowlist, DEFAULT_ALLOWLIST, allowlistRefusal, osLocalAddresses, type AllowlistEntry, type AllowlistOptions, type LocalAddresses } from './allowlist.ts';
export { validateRequest, type RequestCheck, type ValidRequest } from './request.ts';
export { execFileRunner, CommandFailedError, exitedWith, type ArgvRunner, type RunOutput, type ExecFileRunnerOptions } from './runner.ts';
export {
  loadResponderConfig,
  parseResponderConfig,
  responderFileSchema,
  DEFAULT_CONFIG_FILE,
  DEFAULT_STATE_DIR,
  DEFAULT_MAX_DURATION_MS,
  type ResponderConfig,
  type ResponderConfigOverrides,
  type BackendConfig,
} from './config.ts';
export { ResponderConfigError, ResponderStartError, formatProblem, type ConfigProblem } from './errors.ts';
export { BACKENDS, backendType } from './backends/registry.ts';
export type { BlockBackend, BlockTarget, RemoveTarget, BackendType, BackendDeps, ApplyReason } from './backends/types.ts';
export { BlockState, type ActiveBlock, type BlockRequestSummary, type StateDocument } from './state.ts';
export { Responder, RESPONDER_VERSION, type ResponderOptions, type JobSummary } from './responder.ts';
export { createRedisConnection, redactRedisUrl } from './redis.ts';
export { responderAclRules } from './acl.ts';
