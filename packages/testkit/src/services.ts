import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvFile } from '@vigil/core';

/** The endpoints of the development services (`scripts/services up` writes them to `.services/env`). */
export interface ServiceEnv {
  VIGIL_ELASTICSEARCH_URL: string;
  VIGIL_REDIS_URL: string;
  VIGIL_SMTP_URL: string;
  VIGIL_MAIL_API_URL: string;
}

const KEYS = ['VIGIL_ELASTICSEARCH_URL', 'VIGIL_REDIS_URL', 'VIGIL_SMTP_URL', 'VIGIL_MAIL_API_URL'] as const;

export { parseEnvFile };

/**
 * The service endpoints for tests: each from the environment when set, else from `<root>/.services/env`.
 * Throws one clear message naming what is missing and how to start it, so an integration test fails
 * with the cause instead of a connection error.
 */
export function serviceEnv(root: string, env: NodeJS.ProcessEnv = process.env): ServiceEnv {
  const file = join(root, '.services', 'env');
  const fromFile = existsSync(file) ? parseEnvFile(readFileSync(file, 'utf8')) : {};
  const missing = KEYS.filter((k) => (env[k] ?? fromFile[k]) === undefined);
  if (missing.length > 0) {
    throw new Error(
      `test services are not configured (${missing.join(', ')} unset and not in ${file}): run 'scripts/services up' first`,
    );
  }
  return Object.fromEntries(KEYS.map((k) => [k, env[k] ?? fromFile[k]])) as unknown as ServiceEnv;
}
