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

/** Delay before attempt `attemptsMade + 1`: full exponential step times a random factor in [0.5, 1). */
export function jitteredBackoff(attemptsMade: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 1_000;
  const max = options.maxMs ?? 300_000;
  const step = Math.min(max, base * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(step * (0.5 + random() / 2));
}
