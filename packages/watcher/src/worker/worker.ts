import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { watchQueueName, type WatchJobData } from '../schedule/jobs.ts';
import { WatchLock } from './lock.ts';
import { DueTimeWaker } from './wake.ts';
import { processWatchJob, type RunFunction, type WatchJobResult } from './process.ts';

/** What a worker process needs. */
export interface WatchWorkerOptions {
  /** Index prefix: names the queue and the lock keys (must match the scheduler's). */
  prefix: string;
  /** Makes a Redis connection; called twice (BullMQ's and the locks'). The worker quits them on close. */
  connect: () => Redis;
  /** Executes a run; `runScheduled` bound to its dependencies in production. */
  run: RunFunction;
  /**
   * Runs executed at once by this process (default 10). Runs wait mostly on Elasticsearch, so more
   * than the core count is right; different watches only, one watch never runs twice at once.
   */
  concurrency?: number;
  /** Per-watch lock TTL in ms (default 30 s), renewed while a run lasts. */
  lockTtlMs?: number;
  log?: (line: string) => void;
  /** Called after each job completes (benchmarks and tests observe runs here). */
  onCompleted?: (result: WatchJobResult) => void;
}

/**
 * The worker role: a BullMQ worker on `<prefix>-watches` executing scheduled watch runs under a
 * per-watch Redis lock. Any number of these, on any hosts, share the queue; BullMQ hands each job to
 * exactly one of them.
 */
export class WatchWorker {
  readonly worker: Worker<WatchJobData, WatchJobResult>;
  readonly #connections: Redis[];
  readonly #waker: DueTimeWaker;

  constructor(options: WatchWorkerOptions) {
    const log = options.log ?? (() => undefined);
    const bullConnection = options.connect();
    const lockConnection = options.connect();
    this.#connections = [bullConnection, lockConnection];
    const lock = new WatchLock(lockConnection, options.prefix, {
      ...(options.lockTtlMs === undefined ? {} : { ttlMs: options.lockTtlMs }),
      onLost: (id) => log(`${id}: lost its run lock (Redis unreachable or TTL too short); another run may overlap`),
    });
    this.worker = new Worker<WatchJobData, WatchJobResult>(
      watchQueueName(options.prefix),
      (job) => processWatchJob(job, { run: options.run, lock, log }),
      { connection: bullConnection, concurrency: options.concurrency ?? 10, autorun: false },
    );
    this.#waker = new DueTimeWaker(lockConnection, { delayed: this.worker.toKey('delayed'), marker: this.worker.toKey('marker') });
    this.worker.on('failed', (job, err) => {
      const attempts = job === undefined ? '' : ` (attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1})`;
      log(`${job?.data.watchId ?? '?'} job ${job?.id ?? '?'} failed${attempts}: ${err.message}`);
    });
    this.worker.on('error', (err) => log(`worker error: ${err.message}`));
    if (options.onCompleted !== undefined) {
      const onCompleted = options.onCompleted;
      this.worker.on('completed', (_job, result) => onCompleted(result));
    }
  }

  /** Starts taking jobs; resolves once the worker is connected (it keeps running in the background). */
  async start(): Promise<void> {
    void this.worker.run().catch(() => undefined); // errors surface through the 'error' event
    await this.worker.waitUntilReady();
    this.#waker.start();
  }

  /** Waits for runs in progress to finish, then closes the connections. */
  async close(): Promise<void> {
    this.#waker.stop();
    await this.worker.close();
    await Promise.allSettled(this.#connections.map((c) => c.quit()));
  }
}
