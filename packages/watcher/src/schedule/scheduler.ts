import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WatchRegistry } from '@vigil/core';
import { watchesChangedChannel, watchQueueName, type WatchJobData } from './jobs.ts';
import { reconcileSchedules, type ReconcileResult } from './reconcile.ts';

/** What the scheduler process needs. */
export interface SchedulerOptions {
  /** The source of truth for watches (`<prefix>-watches`). */
  registry: WatchRegistry;
  /** Index prefix: names the queue and the change-notice channel. */
  prefix: string;
  /**
   * Makes a Redis connection; called twice (the queue's, and a subscriber, since a subscribed
   * connection can issue no other command). The scheduler quits the connections it made.
   */
  connect: () => Redis;
  /**
   * Period of the safety-net reconcile in ms (default 30 s). It is what rebuilds every schedule
   * after Redis was emptied or a change notice was missed (pub/sub is fire-and-forget).
   */
  intervalMs?: number;
  log?: (line: string) => void;
  /** Called after every pass, with its result or its error (tests and metrics hook in here). */
  onReconcile?: (outcome: { result?: ReconcileResult; error?: unknown }) => void;
}

/**
 * The scheduler role: keeps BullMQ job schedulers equal to the registry's enabled watches. It
 * reconciles at start, on every notice on `<prefix>:watches:changed`, and every `intervalMs`.
 * Passes never overlap: a notice during a pass queues exactly one more pass. Running two schedulers
 * is harmless (reconcile is idempotent), only wasteful.
 */
export class WatchScheduler {
  readonly queue: Queue<WatchJobData>;
  readonly #options: SchedulerOptions;
  readonly #connection: Redis;
  readonly #subscriber: Redis;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #last: { result?: ReconcileResult; error?: unknown } | undefined;
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#connection = options.connect();
    this.#subscriber = options.connect();
    this.queue = new Queue<WatchJobData>(watchQueueName(options.prefix), { connection: this.#connection });
    this.queue.on('error', (err) => this.#log(`queue error: ${err.message}`));
  }

  /**
   * Subscribes to change notices, runs the first reconcile and starts the timer. A failed first pass
   * (Elasticsearch still starting) is reported and retried by the timer, so the process keeps running;
   * the result is undefined then.
   */
  async start(): Promise<ReconcileResult | undefined> {
    const channel = watchesChangedChannel(this.#options.prefix);
    this.#subscriber.on('message', (ch: string) => {
      if (ch === channel) void this.reconcileSoon();
    });
    await this.#subscriber.subscribe(channel);
    await this.reconcileSoon();
    this.#timer = setInterval(() => void this.reconcileSoon(), this.#options.intervalMs ?? 30_000);
    return this.#last?.result;
  }

  /** Asks for a pass; coalesces with one in progress. Resolves when the requested pass is done. */
  reconcileSoon(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        try {
          this.#report({ result: await reconcileSchedules(this.queue, this.#options.registry) });
        } catch (error) {
          // Keep the existing schedules and try again on the next notice or tick.
          this.#report({ error });
        }
      } while (this.#again && !this.#stopped);
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops the timer and the subscription, waits for a pass in progress, closes the connections. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#running;
    await this.queue.close();
    // BullMQ never closes a connection it was given.
    await Promise.allSettled([this.#subscriber.quit(), this.#connection.quit()]);
  }

  #report(outcome: { result?: ReconcileResult; error?: unknown }): void {
    this.#last = outcome;
    const r = outcome.result;
    if (r !== undefined && r.created.length + r.updated.length + r.removed.length > 0) {
      this.#log(`reconciled: ${r.created.length} created, ${r.updated.length} updated, ${r.removed.length} removed, ${r.unchanged} unchanged`);
    }
    if (outcome.error !== undefined) this.#log(`reconcile failed, schedules kept: ${(outcome.error as Error).message ?? String(outcome.error)}`);
    this.#options.onReconcile?.(outcome);
  }

  #log(line: string): void {
    this.#options.log?.(line);
  }
}

/**
 * Announces a registry change to running schedulers (`vigil watch put|delete|activate|deactivate`
 * call this after writing the registry). Returns how many schedulers heard it; 0 is fine, the
 * periodic reconcile catches up.
 */
export async function publishWatchesChanged(redis: Redis, prefix: string, watchId = ''): Promise<number> {
  return redis.publish(watchesChangedChannel(prefix), watchId);
}
