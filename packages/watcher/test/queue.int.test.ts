import { afterAll, describe, expect, it } from '@jest/globals';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { createRedisConnection, queueName } from '../src/index.ts';

const env = serviceEnv(repoRoot());
const name = queueName(uniquePrefix('queue'), 'runs');
// BullMQ never closes connections it is given: each one here is quit after the queue objects close.
const connections = [1, 2, 3].map(() => createRedisConnection(env.VIGIL_REDIS_URL));
const [connection, eventsConnection, workerConnection] = connections as [typeof connections[number], typeof connections[number], typeof connections[number]];
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await Promise.all(connections.map((c) => c.quit()));
});

describe('BullMQ on the real Redis', () => {
  it('enqueues a job and a worker processes it once, with its data and result', async () => {
    const queue = new Queue(name, { connection });
    const events = new QueueEvents(name, { connection: eventsConnection });
    const seen: unknown[] = [];
    const worker = new Worker(
      name,
      async (job) => {
        seen.push(job.data);
        return { doubled: (job.data as { n: number }).n * 2 };
      },
      { connection: workerConnection },
    );
    closers.push(() => queue.obliterate({ force: true }), () => queue.close(), () => events.close(), () => worker.close());
    await events.waitUntilReady();

    const job = await queue.add('double', { n: 21 }, { jobId: 'run-1' });
    const result = await job.waitUntilFinished(events, 10_000);
    expect(result).toEqual({ doubled: 42 });
    expect(seen).toEqual([{ n: 21 }]);

    // the same jobId again is deduplicated by BullMQ, the basis of "one run per window"
    const again = await queue.add('double', { n: 99 }, { jobId: 'run-1' });
    expect(again.id).toBe('run-1');
    expect(await queue.getJobCounts('completed', 'waiting', 'active')).toEqual({ completed: 1, waiting: 0, active: 0 });
  });
});
