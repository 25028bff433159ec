import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from '@jest/globals';
import { createRedisConnection, Responder, type ArgvRunner, type BackendConfig, type ResponderConfig, type ResponderOptions } from '../../src/index.ts';
import { redisUrl } from './redis.ts';

const tempDirs: string[] = [];
// registered for every test file that imports this module (after its own afterAll hooks stopped the responders)
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder of the test's own, removed after the test file. */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `vigil-responder-${label}-`));
  tempDirs.push(dir);
  return dir;
}

/** A state folder of the test's own. */
export function tempStateDir(label: string): string {
  return tempDir(`${label}-state`);
}

/** A responder configuration as the file would give it, for the test Redis and prefix. */
export function testConfig(prefix: string, host: string, backend: BackendConfig, stateDir: string, overrides: Partial<ResponderConfig> = {}): ResponderConfig {
  return { host, redisUrl: redisUrl(), indexPrefix: prefix, stateDir, maxDurationMs: 30 * 86_400_000, allowlist: [], defaultAllowlist: true, backend, ...overrides };
}

/** Starts a responder whose commands go through `run`; its log lines are collected in `lines`. */
export async function startResponder(config: ResponderConfig, run: ArgvRunner, options: Partial<ResponderOptions> = {}): Promise<Responder & { lines: string[] }> {
  const lines: string[] = [];
  const responder = new Responder({
    config,
    run,
    connect: () => createRedisConnection(config.redisUrl),
    localAddresses: () => [],
    announceIntervalMs: 500,
    log: (line) => lines.push(line),
    ...options,
  }) as Responder & { lines: string[] };
  responder.lines = lines;
  await responder.start();
  return responder;
}
