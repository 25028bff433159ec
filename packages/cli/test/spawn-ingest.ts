import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, serviceEnv } from '@vigil/testkit';

/** What a finished `vigil ingest` printed and how it ended. */
export interface IngestResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `vigil ingest <args>` in `cwd` against the test Elasticsearch with index prefix
 * `prefix`, and nothing else of the caller's environment (no vigil.yaml, no VIGIL_* leaking in).
 */
export function spawnIngest(cwd: string, prefix: string, args: string[]): { child: ChildProcess; done: Promise<IngestResult> } {
  const root = repoRoot();
  const child = spawn(process.execPath, [join(root, 'packages', 'cli', 'bin', 'vigil.js'), 'ingest', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', VIGIL_ELASTICSEARCH_URL: serviceEnv(root).VIGIL_ELASTICSEARCH_URL, VIGIL_INDEX_PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<IngestResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}
