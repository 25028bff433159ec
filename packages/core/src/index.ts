export { VigilError, VigilValidationError, formatLocated, type ErrorCode, type SourceLocation, type VigilErrorOptions } from './errors.ts';
export { systemClock, ManualClock, type Clock } from './clock.ts';
export { parseLocated, loadValidated, locateIssues, formatPath, type LocatedDocument } from './yaml.ts';
export { loadConfig, configFileSchema, indexPrefixSchema, CONFIG_ENV, type VigilConfig, type LoadConfigOptions } from './config.ts';
export { redactUrl } from './redact.ts';
export type { EcsEvent, EcsGroup, EcsUser, Endpoint } from './event.ts';
export * from './watch/index.ts';
export { createSecretResolver, secretPlaceholder, secretEnvName, SECRET_NAME, type SecretResolver, type SecretResolverOptions } from './secrets.ts';
export { parseEnvFile } from './env-file.ts';
