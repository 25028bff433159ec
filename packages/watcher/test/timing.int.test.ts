// Real BullMQ timing: these wait on the wall clock (the job schedulers fire on it), so they are kept to
// a few seconds each. Everything that can be tested without waiting is in worker.int.test.ts.
import { afterAll, describe, expect, it } from '@jest/globals';
import { repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { createRedisConnection, WatchScheduler, WatchWorker, type RunFunction } from '../src/index.ts';
import { deletePrefixKeys, eventually, FakeRegistry } from './schedule-helpers.ts';

const env = serviceEnv(repoRoot());
const admin = createRedisConnection(env.VIGIL_REDIS_URL);
const cleanups: Array<() => Promise<unknown>> = [];
const connect = () => createRedisConnection(env.VIGIL_REDIS_URL);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await admin.quit();
});

interface Call {
  watchId: string;
  scheduled: number;
  started: number;
  worker: string;
}

/** A run function that records its calls (the real one is runScheduled, tested in run/). */
function recorder(calls: Call[], worker: string): RunFunction {
  return async (watchId, scheduledTime) => {
    calls.push({ watchId, scheduled: scheduledTime.getTime(), started: Date.now(), worker });
    return { state: 'executed', windows: [] };
  };
}

async function setup(label: string, ids: string[], every = 1_000) {
  const prefix = uniquePrefix(label);
  const registry = new FakeRegistry();
  for (const id of ids) registry.add(id, { every });
  const scheduler = new WatchScheduler({ registry, prefix, connect, intervalMs: 60_000 });
  cleanups.push(() => deletePrefixKeys(admin, prefix), () => scheduler.stop());
  await scheduler.start();
  return { prefix };
}

function startWorker(prefix: string, calls: Call[], name: string): WatchWorker {
  const worker = new WatchWorker({ prefix, connect, run: recorder(calls, name), concurrency: 5 });
  cleanups.push(() => worker.close());
  return worker;
}

const times = (calls: Call[], id: string) => calls.filter((c) => c.watchId === id).map((c) => c.scheduled);

describe('scheduled runs on the real Redis', () => {
  it('a watch at a 1 s interval runs at consecutive multiples of 1 s, each shortly after its time', async () => {
    const calls: Call[] = [];
    const { prefix } = await setup('timing-1s', ['every-second']);
    await startWorker(prefix, calls, 'w1').start();
    await eventually(() => calls.length >= 4, 8_000);

    const scheduled = times(calls, 'every-second');
    for (const [i, t] of scheduled.entries()) {
      expect(t % 1_000).toBe(0);
      if (i > 0) expect(t - scheduled[i - 1]!).toBe(1_000);
    }
    for (const c of calls) expect(c.started - c.scheduled).toBeLessThan(500);
  });

  it('two workers on one queue execute each scheduled time exactly once', async () => {
    const calls: Call[] = [];
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const { prefix } = await setup('timing-two', ids);
    await Promise.all([startWorker(prefix, calls, 'w1').start(), startWorker(prefix, calls, 'w2').start()]);
    await eventually(() => calls.length >= ids.length * 4, 10_000);
    const lastFull = Math.min(...ids.map((id) => Math.max(...times(calls, id))));

    for (const id of ids) {
      const seen = times(calls, id).filter((t) => t <= lastFull);
      expect(new Set(seen).size).toBe(seen.length); // no duplicate
      for (let i = 1; i < seen.length; i += 1) expect(seen[i]! - seen[i - 1]!).toBe(1_000); // no gap
    }
    expect(new Set(calls.map((c) => c.worker)).size).toBe(2); // both took part
  });

  it('after all workers stop for 10 s, the missed time is handed to the run function when they restart', async () => {
    const calls: Call[] = [];
    const { prefix } = await setup('timing-gap', ['gap']);
    const first = startWorker(prefix, calls, 'before');
    await first.start();
    await eventually(() => calls.length >= 2, 5_000);
    await first.close();
    const stoppedAt = Date.now();
    const lastBefore = Math.max(...times(calls, 'gap'));

    await new Promise((r) => setTimeout(r, 10_000));
    const restartedAt = Date.now();
    await startWorker(prefix, calls, 'after').start();
    await eventually(() => calls.filter((c) => c.worker === 'after').length >= 2, 5_000);

    const after = calls.filter((c) => c.worker === 'after');
    // The job that was due when the workers stopped runs first, late; BullMQ then re-aligns to the
    // next multiple of the interval after the restart instead of replaying every missed slot.
    expect(after[0]!.scheduled).toBe(lastBefore + 1_000);
    expect(after[0]!.scheduled).toBeLessThanOrEqual(stoppedAt + 1_000);
    expect(after[1]!.scheduled).toBeGreaterThan(restartedAt);
    expect(after[1]!.scheduled % 1_000).toBe(0);
    // With the real runScheduled, that later call evaluates every window from the persisted checkpoint
    // (the end of the last window evaluated before the stop) up to its scheduled time, so the 10 s are
    // covered; scheduled-runs.int.test.ts checks exactly that with runScheduled and Elasticsearch.
    const scheduled = times(calls, 'gap');
    expect(new Set(scheduled).size).toBe(scheduled.length);
  }, 30_000);
});
