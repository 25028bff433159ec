import { afterAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { createRedisConnection, publishWatchesChanged, reconcileSchedules, WatchScheduler, watchQueueName, type ReconcileResult, type WatchJobData } from '../src/index.ts';
import { deletePrefixKeys, eventually, FakeRegistry } from './schedule-helpers.ts';

const env = serviceEnv(repoRoot());
const admin = createRedisConnection(env.VIGIL_REDIS_URL);
const cleanups: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await admin.quit();
});

function queueFor(prefix: string): Queue<WatchJobData> {
  const connection = createRedisConnection(env.VIGIL_REDIS_URL);
  const queue = new Queue<WatchJobData>(watchQueueName(prefix), { connection });
  cleanups.push(() => deletePrefixKeys(admin, prefix), () => connection.quit(), () => queue.close());
  return queue;
}

async function schedulers(queue: Queue<WatchJobData>) {
  const all = await queue.getJobSchedulers();
  return new Map(all.map((s) => [s.key, s]));
}

describe('reconcileSchedules', () => {
  it('creates one scheduler per enabled watch: every on multiples of its interval, cron with its zone, data {watchId, version}', async () => {
    const prefix = uniquePrefix('sched-create');
    const queue = queueFor(prefix);
    const registry = new FakeRegistry();
    registry.add('net.portscan', { every: 10_000 });
    registry.add('auth.nightly', { cron: '0 3 * * *', timezone: 'Europe/Tallinn' });
    registry.add('auth.utc', { cron: '*/5 * * * *' });
    registry.add('off', { every: 5_000 }, false);

    const result = await reconcileSchedules(queue, registry);
    expect(result).toEqual({ created: ['net.portscan', 'auth.nightly', 'auth.utc'], updated: [], removed: [], unchanged: 0 });

    const s = await schedulers(queue);
    expect([...s.keys()].sort()).toEqual(['auth.nightly', 'auth.utc', 'net.portscan']);
    const every = s.get('net.portscan')!;
    expect(every.every).toBe(10_000);
    expect(every.next! % 10_000).toBe(0);
    expect(every.template?.data).toEqual({ watchId: 'net.portscan', version: 1 });
    expect(s.get('auth.nightly')).toMatchObject({ pattern: '0 3 * * *', tz: 'Europe/Tallinn' });
    expect(s.get('auth.utc')).toMatchObject({ pattern: '*/5 * * * *', tz: 'UTC' });
    // the delayed job carries its fire time in its id, which the worker reads
    const [job] = await queue.getDelayed();
    expect(job?.id).toMatch(/^repeat:[a-z.]+:\d+$/);
  });

  it('upserts only changed watches and removes deleted and disabled ones', async () => {
    const prefix = uniquePrefix('sched-update');
    const queue = queueFor(prefix);
    const registry = new FakeRegistry();
    registry.add('a', { every: 10_000 });
    registry.add('b', { every: 20_000 });
    registry.add('c', { every: 30_000 });
    registry.add('d', { cron: '*/5 * * * *' });
    await reconcileSchedules(queue, registry);
    const nextOfA = (await schedulers(queue)).get('a')!.next;

    expect(await reconcileSchedules(queue, registry)).toEqual({ created: [], updated: [], removed: [], unchanged: 4 });

    registry.add('a', { every: 10_000 }); // new version, same schedule: keeps its slot
    registry.add('b', { every: 5_000 }); // new interval
    await registry.delete('c');
    await registry.setEnabled('d', false);
    expect(await reconcileSchedules(queue, registry)).toEqual({ created: [], updated: ['a', 'b'], removed: ['c', 'd'], unchanged: 0 });

    const s = await schedulers(queue);
    expect([...s.keys()].sort()).toEqual(['a', 'b']);
    expect(s.get('a')).toMatchObject({ next: nextOfA, template: { data: { watchId: 'a', version: 2 } } });
    expect(s.get('b')!.every).toBe(5_000);
    expect(s.get('b')!.next! % 5_000).toBe(0);
    // one pending job per scheduler: the replaced and removed ones left none behind
    expect((await queue.getDelayed()).map((j) => j.data.watchId).sort()).toEqual(['a', 'b']);
  });
});

describe('WatchScheduler', () => {
  it('rebuilds every schedule on its periodic reconcile after the prefix’s Redis keys are deleted', async () => {
    const prefix = uniquePrefix('sched-flush');
    const queue = queueFor(prefix);
    const registry = new FakeRegistry();
    for (let i = 0; i < 20; i += 1) registry.add(`w${i}`, i % 2 === 0 ? { every: 60_000 } : { cron: `${i} * * * *` });
    const passes: ReconcileResult[] = [];
    const scheduler = new WatchScheduler({
      registry,
      prefix,
      connect: () => createRedisConnection(env.VIGIL_REDIS_URL),
      intervalMs: 200,
      onReconcile: ({ result }) => result && passes.push(result),
    });
    cleanups.push(() => scheduler.stop());
    expect((await scheduler.start())?.created).toHaveLength(20);
    expect(await queue.getJobSchedulersCount()).toBe(20);

    expect(await deletePrefixKeys(admin, prefix)).toBeGreaterThan(0);
    expect(await queue.getJobSchedulersCount()).toBe(0);
    await eventually(async () => (await queue.getJobSchedulersCount()) === 20);
    await eventually(() => passes.some((p) => p.created.length === 20 && p !== passes[0]));
    const s = await schedulers(queue);
    expect(s.get('w0')).toMatchObject({ every: 60_000 });
    expect(s.get('w1')).toMatchObject({ pattern: '1 * * * *', tz: 'UTC' });
    expect(await queue.getDelayedCount()).toBe(20);

    // and a scheduler started after the keys were deleted rebuilds them at once
    await scheduler.stop();
    await deletePrefixKeys(admin, prefix);
    const restarted = new WatchScheduler({ registry, prefix, connect: () => createRedisConnection(env.VIGIL_REDIS_URL), intervalMs: 3_600_000 });
    cleanups.push(() => restarted.stop());
    expect((await restarted.start())?.created).toHaveLength(20);
    expect(await queue.getJobSchedulersCount()).toBe(20);
  });

  it('reconciles on a notice on <prefix>:watches:changed, and keeps schedules when the registry fails', async () => {
    const prefix = uniquePrefix('sched-notice');
    const queue = queueFor(prefix);
    const registry = new FakeRegistry();
    registry.add('x', { every: 60_000 });
    const errors: unknown[] = [];
    const scheduler = new WatchScheduler({
      registry,
      prefix,
      connect: () => createRedisConnection(env.VIGIL_REDIS_URL),
      intervalMs: 3_600_000, // only the notice can trigger the second pass
      onReconcile: ({ error }) => error !== undefined && errors.push(error),
    });
    cleanups.push(() => scheduler.stop());
    await scheduler.start();

    registry.add('y', { every: 60_000 });
    expect(await publishWatchesChanged(admin, prefix, 'y')).toBe(1);
    await eventually(async () => (await queue.getJobSchedulersCount()) === 2);

    registry.failList = new Error('Elasticsearch unreachable');
    await publishWatchesChanged(admin, prefix);
    await eventually(() => errors.length === 1);
    expect(await queue.getJobSchedulersCount()).toBe(2);
  });
});
