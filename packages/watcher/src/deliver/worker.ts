import type { Notification } from '@vigil/actions';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { deliverAttempt, type AttemptResult, type DeliveryDeps } from './deliver.ts';
import { DELIVERY_BACKOFF, deliveryQueueName, jitteredBackoff, type BackoffOptions } from './queue.ts';

/** Options of {@link DeliveryWorker}. */
export interface DeliveryWorkerOptions {
  prefix: string;
  /** Makes the worker's Redis connection; closed with the worker. */
  connect: () => Redis;
  deps: DeliveryDeps;
  /**
   * Deliveries at once (default 20). Each waits on a remote service (SMTP, HTTP, Redis), so a slow
   * or failing endpoint holds one slot for at most its timeout, and retries wait off-slot.
   */
  concurrency?: number;
  /**
   * How long a delivery stays claimed by a worker that stopped answering before another takes it
   * over (BullMQ's lock duration; default 30 s). The crashed attempt is then tried again.
   */
  lockDurationMs?: number;
  backoff?: BackoffOptions;
  onAttempt?: (id: string, result: AttemptResult | 'retry') => void;
}

/**
 * The delivery role: a BullMQ worker on `<prefix>-deliveries`, separate from watch runs, so a slow
 * mail server never delays a watch, and one failing webhook only delays its own retries.
 */
export class DeliveryWorker {
  readonly worker: Worker<Notification, AttemptResult>;
  readonly #connection: Redis;

  constructor(options: DeliveryWorkerOptions) {
    this.#connection = options.connect();
    const lockDuration = options.lockDurationMs ?? 30_000;
    this.worker = new Worker<Notification, AttemptResult>(
      deliveryQueueName(options.prefix),
      async (job) => {
        try {
          const result = await deliverAttempt(job.data, job.attemptsMade + 1, options.deps);
          options.onAttempt?.(job.data.id, result);
          return result;
        } catch (error) {
          options.onAttempt?.(job.data.id, 'retry');
          throw error;
        }
      },
      {
        connection: this.#connection,
        concurrency: options.concurrency ?? 20,
        autorun: false,
        lockDuration,
        stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
        // a crash mid-send is retried by the next worker; the ledger keeps it from sending twice
        maxStalledCount: 10,
        settings: {
          backoffStrategy: (attemptsMade: number, type?: string) => (type === DELIVERY_BACKOFF ? jitteredBackoff(attemptsMade, options.backoff) : 1_000),
        },
      },
    );
    this.worker.on('error', (err) => options.deps.log(`delivery worker error: ${err.message}`));
  }

  async start(): Promise<void> {
    void this.worker.run().catch(() => undefined); // errors surface through the 'error' event
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.#connection.quit().catch(() => undefined);
  }
}
