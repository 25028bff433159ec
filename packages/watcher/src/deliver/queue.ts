import type { JobsOptions } from 'bullmq';
import { queueName } from '../queue/connection.ts';

/** The BullMQ queue of notifications to deliver, one per index prefix. */
export function deliveryQueueName(prefix: string): string {
  return queueName(prefix, 'deliveries');
}

export const DELIVERY_JOB = 'deliver';

/** The backoff strategy's name in job options; the delivery worker defines it. */
export const DELIVERY_BACKOFF = 'vigil-jittered';

/**
 * Delivery jobs retry until the notification's deadline, not a count: attempts is only a backstop.
 * Finished jobs stay a day (so a late duplicate add of the same id is ignored by BullMQ); the
 * ledger, not Redis, is what finally prevents a second send.
 */
export const deliveryJobOptions: JobsOptions = {
  attempts: 10_000,
  backoff: { type: DELIVERY_BACKOFF },
  removeOnComplete: { age: 86_400, count: 100_000 },
  removeOnFail: { age: 7 * 86_400 },
};

/** Backoff timing: exponential from `baseMs`, capped at `maxMs`, with 50 % jitter. */
export interface BackoffOptions {
  /** Default 1 s. */
  baseMs?: number;
  /** Default 5 min. */
  maxMs?: number;
}

/** The exponential step after `attemptsMade` attempts: `baseMs` doubling, capped at `maxMs`. */
export function backoffStep(attemptsMade: number, options: BackoffOptions = {}): number {
  return Math.min(options.maxMs ?? 300_000, (options.baseMs ?? 1_000) * 2 ** Math.max(0, attemptsMade - 1));
}

/** Delay before attempt `attemptsMade + 1`: the full exponential step times a random factor in [0.5, 1). */
export function jitteredBackoff(attemptsMade: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  return Math.round(backoffStep(attemptsMade, options) * (0.5 + random() / 2));
}
