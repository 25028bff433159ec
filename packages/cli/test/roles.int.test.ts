// `vigil scheduler` and `vigil worker` as real processes: a watch put with `vigil watch put` runs on
// schedule (the put's change notice reaches the running scheduler), and SIGTERM stops both with exit 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createElasticsearchClient, ElasticsearchHistoryStore } from '@vigil/store';
import { createRedisConnection } from '@vigil/watcher';
import { deleteRedisPrefix, dropPrefix, eventually, repoRoot, runVigil, serviceEnv, uniquePrefix } from '@vigil/testkit';

const root = repoRoot();
const env = serviceEnv(root);
const prefix = uniquePrefix('roles');
const cwd = mkdtempSync(join(tmpdir(), 'vigil-roles-'));
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const history = new ElasticsearchHistoryStore({ client, prefix });
const children: ChildProcess[] = [];

function role(args: string[]): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, [join(root, 'packages/cli/bin/vigil.js'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', VIGIL_ELASTICSEARCH_URL: env.VIGIL_ELASTICSEARCH_URL, VIGIL_REDIS_URL: env.VIGIL_REDIS_URL, VIGIL_INDEX_PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stderr?.on('data', (d: Buffer) => child.output.push(d.toString()));
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** Ends of the windows a watch's history records, oldest first. */
async function windowsOf(id: string): Promise<number[]> {
  await client.indices.refresh({ index: `${prefix}-watch-history-*`, ignore_unavailable: true });
  return (await history.list(id, { limit: 1000 })).map((h) => Date.parse(h.window.to)).sort((a, b) => a - b);
}

function writeWatch(name: string): string {
  mkdirSync(join(cwd, 'watches', 'test'), { recursive: true });
  const file = join(cwd, 'watches', 'test', `${name}.yaml`);
  writeFileSync(file, `id: test.${name}\nname: ${name}\nschedule:\n  every: 1s\ninput:\n  search:\n    indices: [tcpdump-*]\n    window:\n      size: 1s\ncondition:\n  never: true\n`);
  return file;
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  const redis = createRedisConnection(env.VIGIL_REDIS_URL);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
  await dropPrefix(client, prefix);
  await client.close();
});

describe('vigil scheduler and vigil worker', () => {
  it('run a watch put while they are running, each window exactly once across two worker processes, and stop cleanly on SIGTERM', async () => {
    expect((await runVigil(['setup'], { cwd, prefix })).code).toBe(0);
    const scheduler = role(['scheduler', '--interval', '600']); // only the put's notice can schedule the watch in time
    const workers = [role(['worker', '--concurrency', '2']), role(['worker', '--concurrency', '2'])];
    const started = (c: { output: string[] }, text: string) => c.output.join('').includes(text);
    await eventually(async () => started(scheduler, 'vigil scheduler:') && workers.every((w) => started(w, 'vigil worker:')), 15_000, 200);

    const put = await runVigil(['watch', 'put', writeWatch('every_second')], { cwd, prefix });
    expect(put.code).toBe(0);
    await eventually(async () => (await windowsOf('test.every_second')).length >= 6, 20_000, 200);

    for (const child of [scheduler, ...workers]) child.kill('SIGTERM');
    for (const child of [scheduler, ...workers]) expect(await exited(child)).toBe(0);
    for (const worker of workers) expect(worker.output.join('')).toMatch(/vigil worker: stopping/);
    // every 1 s window once: no window twice (duplicate), none missing between the first and the last
    const ends = await windowsOf('test.every_second');
    expect(ends.slice(1).map((end, i) => end - ends[i]!)).toEqual(ends.slice(1).map(() => 1000));
  }, 60_000);
});
