// The scheduler, two workers and the real runScheduled against the real Elasticsearch and Redis:
// what the "done when" asks of scheduling, end to end. Wall-clock waits (BullMQ fires on it).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { systemClock, type HistoryRecord } from '@vigil/core';
import { watchSchema } from '@vigil/actions';
import { createElasticsearchClient, ElasticsearchAlertStore, ElasticsearchHistoryStore, ElasticsearchWatchRegistry, setupIndices } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { createRedisConnection, runScheduled, WatchScheduler, WatchWorker, type RunDeps } from '../src/index.ts';
import { deletePrefixKeys, eventually } from './schedule-helpers.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('scheduled-runs');
const admin = createRedisConnection(env.VIGIL_REDIS_URL);
const connect = () => createRedisConnection(env.VIGIL_REDIS_URL);
const ID = 'test.every_second';
let client: Client;
let deps: RunDeps;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  await setupIndices(client, prefix);
  const store = { client, prefix };
  deps = {
    registry: new ElasticsearchWatchRegistry({ ...store, clock: systemClock }),
    alerts: new ElasticsearchAlertStore(store),
    history: new ElasticsearchHistoryStore(store),
    elasticsearch: client,
    indexPrefix: prefix,
    clock: systemClock,
    log: () => undefined,
    services: { elasticsearch: client },
  };
  const watch = watchSchema().parse({
    id: ID,
    name: 'every second',
    schedule: { every: '1s' },
    input: { search: { indices: ['tcpdump-*'], window: { size: '1s' } } },
    condition: { never: true },
  });
  await deps.registry.put(watch);
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await deletePrefixKeys(admin, prefix);
  await admin.quit();
  await dropPrefix(client, prefix);
  await client.close();
});

function startWorker(): WatchWorker {
  const worker = new WatchWorker({ prefix, connect, run: (id, at, runId) => runScheduled(deps, id, at, runId), concurrency: 2 });
  closers.push(() => worker.close());
  return worker;
}

async function history(): Promise<HistoryRecord[]> {
  await client.indices.refresh({ index: `${prefix}-watch-history-*`, ignore_unavailable: true });
  return (await deps.history.list(ID, { limit: 1000 })).reverse();
}

/** Every window follows the previous one exactly: none missed, none evaluated twice. */
function expectContiguous(records: HistoryRecord[]): void {
  for (let i = 1; i < records.length; i += 1) expect(records[i]!.window.from).toBe(records[i - 1]!.window.to);
}

describe('scheduled runs end to end (scheduler, two workers, runScheduled)', () => {
  it('evaluates every 1 s window exactly once with two workers, and after a 10 s stop of all workers evaluates the missed windows', async () => {
    const scheduler = new WatchScheduler({ registry: deps.registry, prefix, connect, intervalMs: 60_000 });
    closers.push(() => scheduler.stop());
    expect((await scheduler.start())?.created).toEqual([ID]);
    const before = [startWorker(), startWorker()];
    await Promise.all(before.map((w) => w.start()));
    await eventually(async () => (await history()).length >= 4, 10_000);

    await Promise.all(before.map((w) => w.close()));
    const stopped = (await history()).length;
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 10_000));
    const restartedAt = Date.now();
    const after = [startWorker(), startWorker()];
    await Promise.all(after.map((w) => w.start()));
    await eventually(async () => (await history()).some((h) => Date.parse(h.window.to) > stoppedAt + 11_000), 10_000);

    const records = await history();
    expect(records.every((h) => h.state === 'executed')).toBe(true);
    expectContiguous(records);
    for (const h of records) expect(Date.parse(h.window.to) % 1_000).toBe(0);
    // the windows of the stopped time were evaluated, after the restart (caught up from the checkpoint)
    const gap = records.filter((h) => Date.parse(h.window.to) > stoppedAt + 1_000 && Date.parse(h.window.to) <= restartedAt - 1_000);
    expect(gap.length).toBeGreaterThanOrEqual(8);
    for (const h of gap) expect(Date.parse(h.started)).toBeGreaterThanOrEqual(restartedAt);
    expect(records.length - stopped).toBeGreaterThanOrEqual(10);
    expect((await deps.registry.get(ID))?.value.status.checkpoint).toBe(records.at(-1)!.window.to);
  }, 45_000);
});
