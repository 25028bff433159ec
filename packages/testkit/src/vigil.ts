import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';
import { serviceEnv } from './services.ts';

export interface VigilResult {
  code: number;
  stdout: string;
  stderr: string;
}

const root = repoRoot();
const bin = join(root, 'packages', 'cli', 'bin', 'vigil.js');

/**
 * Runs the real `vigil` binary as a user would, in `cwd`, configured only by the test services'
 * environment, the index prefix and `extra`.
 */
export function runVigil(args: readonly string[], options: { cwd: string; prefix: string; extra?: Record<string, string>; timeoutMs?: number }): Promise<VigilResult> {
  const env = serviceEnv(root);
  const childEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    VIGIL_ELASTICSEARCH_URL: env.VIGIL_ELASTICSEARCH_URL,
    VIGIL_REDIS_URL: env.VIGIL_REDIS_URL,
    VIGIL_SMTP_URL: env.VIGIL_SMTP_URL,
    VIGIL_INDEX_PREFIX: options.prefix,
    ...options.extra,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: options.cwd, env: childEnv, timeout: options.timeoutMs ?? 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
