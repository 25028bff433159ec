// `vigil scheduler` and `vigil worker` as real processes: a watch put with `vigil watch put` runs on
// schedule (the put's change notice reaches the running scheduler), and SIGTERM stops both with exit 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createElasticsearchClient, ElasticsearchHistoryStore } from '@vigil/store';
import { createRedisConnection, watchQueueName } from '@vigil/watcher';
import { dropPrefix, repoRoot, runVigil, serviceEnv, uniquePrefix } from '@vigil/testkit';

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

async function runsOf(id: string): Promise<number> {
  await client.indices.refresh({ index: `${prefix}-watch-history-*`, ignore_unavailable: true });
  return (await history.list(id, { limit: 100 })).length;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
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
  for (const pattern of [`bull:${watchQueueName(prefix)}:*`, `${prefix}:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }
  await redis.quit();
  await dropPrefix(client, prefix);
  await client.close();
});

describe('vigil scheduler and vigil worker', () => {
  it('run a watch put while they are running, and stop cleanly on SIGTERM', async () => {
    expect((await runVigil(['setup'], { cwd, prefix })).code).toBe(0);
    const scheduler = role(['scheduler', '--interval', '600']); // only the put's notice can schedule the watch in time
    const worker = role(['worker', '--concurrency', '2']);
    await eventually(async () => scheduler.output.join('').includes('vigil scheduler:') && worker.output.join('').includes('vigil worker:'), 15_000);

    const put = await runVigil(['watch', 'put', writeWatch('every_second')], { cwd, prefix });
    expect(put.code).toBe(0);
    await eventually(async () => (await runsOf('test.every_second')) >= 2, 15_000);

    scheduler.kill('SIGTERM');
    worker.kill('SIGTERM');
    expect(await exited(scheduler)).toBe(0);
    expect(await exited(worker)).toBe(0);
    expect(worker.output.join('')).toMatch(/vigil worker: stopping/);
  }, 60_000);
});
