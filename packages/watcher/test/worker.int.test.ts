import { afterAll, describe, expect, it } from '@jest/globals';
import { Queue, UnrecoverableError } from 'bullmq';
import { VigilError } from '@vigil/core';
import { repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { createRedisConnection, processWatchJob, scheduledTimeOf, WatchLock, WatchWorker, watchQueueName, type RunFunction, type WatchJobData } from '../src/index.ts';
import { deletePrefixKeys, eventually } from './schedule-helpers.ts';

const env = serviceEnv(repoRoot());
const redis = createRedisConnection(env.VIGIL_REDIS_URL);
const prefixes: string[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  for (const p of prefixes) await deletePrefixKeys(redis, p);
  await redis.quit();
});

function newPrefix(label: string): string {
  const p = uniquePrefix(label);
  prefixes.push(p);
  return p;
}

const T = Date.UTC(2026, 0, 5, 12, 0, 10);
const job = (watchId: string, ms = T, attemptsMade = 0) => ({ id: `repeat:${watchId}:${ms}`, data: { watchId, version: 1 }, attemptsMade });
const executed: Awaited<ReturnType<RunFunction>> = { state: 'executed', windows: [] };

describe('scheduledTimeOf', () => {
  it('reads the scheduler id and fire time from a scheduler job id, and rejects other ids', () => {
    expect(scheduledTimeOf(`repeat:net.portscan_v2:${T}`)).toEqual({ schedulerId: 'net.portscan_v2', time: new Date(T) });
    expect(scheduledTimeOf('42')).toBeUndefined();
    expect(scheduledTimeOf(undefined)).toBeUndefined();
  });
});

describe('processWatchJob', () => {
  it('passes the job’s scheduled time (not now) and a run id to the run function', async () => {
    const lock = new WatchLock(redis, newPrefix('proc-time'));
    const calls: unknown[][] = [];
    const result = await processWatchJob(job('w', T, 1), { lock, run: async (...args) => (calls.push(args), executed) });
    expect(calls).toEqual([['w', new Date(T), `repeat:w:${T}#2`]]);
    expect(result).toEqual({ watchId: 'w', scheduledTime: new Date(T).toISOString(), state: 'executed', windows: 0 });
  });

  it('never overlaps runs of one watch: a run while another holds the lock is skipped; other watches run', async () => {
    const lock = new WatchLock(redis, newPrefix('proc-lock'));
    let finish!: () => void;
    const blocked = new Promise<void>((r) => (finish = r));
    let active = 0;
    let maxActive = 0;
    const run: RunFunction = async (id) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      if (id === 'slow') await blocked;
      active -= 1;
      return executed;
    };
    const first = processWatchJob(job('slow', T), { lock, run });
    await eventually(() => active === 1);
    expect(await processWatchJob(job('slow', T + 1000), { lock, run })).toMatchObject({ state: 'skipped_locked', windows: 0 });
    expect(await processWatchJob(job('other', T), { lock, run })).toMatchObject({ state: 'executed' });
    finish();
    expect(await first).toMatchObject({ state: 'executed' });
    // released: the next run of the watch proceeds
    expect(await processWatchJob(job('slow', T + 2000), { lock, run })).toMatchObject({ state: 'executed' });
    expect(await redis.exists(lock.key('slow'))).toBe(0);
    expect(maxActive).toBe(2); // "slow" and "other", never "slow" twice
  });

  it('renews the lock while a run lasts, and an expired holder cannot release its successor’s lock', async () => {
    const prefix = newPrefix('proc-renew');
    const lock = new WatchLock(redis, prefix, { ttlMs: 300 });
    const held = await lock.acquire('w');
    expect(held).toBeDefined();
    await new Promise((r) => setTimeout(r, 700)); // > 2 TTLs: only renewal keeps it
    expect(await lock.acquire('w')).toBeUndefined();
    expect(held!.lost).toBe(false);
    await held!.release();

    const shortLived = await new WatchLock(redis, prefix, { ttlMs: 60_000 }).acquire('x');
    await redis.del(lock.key('x')); // as if its TTL ran out
    const successor = await lock.acquire('x');
    await shortLived!.release(); // compare-and-delete: not its token any more
    expect(await redis.exists(lock.key('x'))).toBe(1);
    await successor!.release();
    expect(await redis.exists(lock.key('x'))).toBe(0);
  });

  it('turns a permanent VigilError into UnrecoverableError and rethrows a transient one, releasing the lock', async () => {
    const lock = new WatchLock(redis, newPrefix('proc-errors'));
    const fail = (code: 'CONFIG_INVALID' | 'SERVICE_UNAVAILABLE'): RunFunction => async () => {
      throw new VigilError(code, 'boom');
    };
    await expect(processWatchJob(job('w'), { lock, run: fail('CONFIG_INVALID') })).rejects.toBeInstanceOf(UnrecoverableError);
    const transient = processWatchJob(job('w'), { lock, run: fail('SERVICE_UNAVAILABLE') });
    await expect(transient).rejects.toBeInstanceOf(VigilError);
    await expect(transient).rejects.not.toBeInstanceOf(UnrecoverableError);
    expect(await redis.exists(lock.key('w'))).toBe(0);
  });
});

describe('WatchWorker on the real queue', () => {
  it('fails a permanent error after one attempt and retries a transient one with backoff', async () => {
    const prefix = newPrefix('worker-retry');
    const connection = createRedisConnection(env.VIGIL_REDIS_URL);
    const queue = new Queue<WatchJobData>(watchQueueName(prefix), { connection });
    const attempts = new Map<string, number>();
    const worker = new WatchWorker({
      prefix,
      connect: () => createRedisConnection(env.VIGIL_REDIS_URL),
      run: async (id) => {
        attempts.set(id, (attempts.get(id) ?? 0) + 1);
        if (id === 'bad') throw new VigilError('CONFIG_INVALID', 'unknown index pattern');
        if (attempts.get(id)! < 3) throw new VigilError('SERVICE_UNAVAILABLE', 'Elasticsearch is restarting');
        return executed;
      },
    });
    cleanups.push(() => connection.quit(), () => queue.close(), () => worker.close());
    await worker.start();
    const opts = { attempts: 4, backoff: { type: 'fixed', delay: 50 } };
    await queue.add('watch-run', { watchId: 'bad', version: 1 }, { ...opts, jobId: `repeat:bad:${T}` });
    await queue.add('watch-run', { watchId: 'flaky', version: 1 }, { ...opts, jobId: `repeat:flaky:${T}` });
    await eventually(async () => (await queue.getFailedCount()) === 1 && (await queue.getCompletedCount()) === 1);
    expect(Object.fromEntries(attempts)).toEqual({ bad: 1, flaky: 3 });
    const [failed] = await queue.getFailed();
    expect(failed?.failedReason).toMatch(/CONFIG_INVALID: unknown index pattern/);
  });
});
