import type { JobSchedulerJson, Queue } from 'bullmq';
import type { StoredWatch, WatchRegistry } from '@vigil/core';
import { repeatOptionsFor, WATCH_JOB_NAME, type WatchJobData } from './jobs.ts';

/** What one reconcile pass changed, by watch id. */
export interface ReconcileResult {
  created: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
}

/**
 * Options of every scheduled job. A failed run is retried a few times with backoff (transient errors:
 * Elasticsearch briefly away); permanent errors fail at once (the worker marks them unrecoverable).
 * A retry that comes after the next scheduled run finds the checkpoint past its time and does nothing.
 * Finished jobs are trimmed so Redis stays small; history lives in Elasticsearch.
 */
export const WATCH_JOB_OPTIONS = {
  attempts: 4,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 5_000 },
} as const;

/** The schedule a watch should have, in the terms BullMQ stores, to compare with what it has. */
interface Desired {
  every?: number;
  pattern?: string;
  tz?: string;
  version: number;
}

function desiredOf(watch: StoredWatch): Desired {
  const s = watch.definition.schedule;
  return s.every !== undefined ? { every: s.every, version: watch.version } : { pattern: s.cron as string, tz: s.timezone ?? 'UTC', version: watch.version };
}

function matches(have: JobSchedulerJson<WatchJobData>, want: Desired, id: string): boolean {
  const data = have.template?.data;
  return (
    have.every === want.every &&
    have.pattern === want.pattern &&
    (want.pattern === undefined || have.tz === want.tz) &&
    data?.watchId === id &&
    data.version === want.version
  );
}

/**
 * Makes the queue's job schedulers match the registry's enabled watches: one scheduler per watch,
 * keyed by the watch id; created when missing, upserted when its schedule or version changed, removed
 * when its watch was deleted or disabled. Unchanged schedulers are left alone, so a reconcile never
 * shifts a running schedule. "Enabled" is the stored flag (`vigil watch activate|deactivate` and the
 * file's `enabled` on put). Safe to run from several schedulers at once: every step is idempotent.
 *
 * A registry error propagates before anything is removed: an unreachable Elasticsearch must not
 * unschedule every watch.
 */
export async function reconcileSchedules(queue: Queue<WatchJobData>, registry: WatchRegistry): Promise<ReconcileResult> {
  const watches = (await registry.list()).filter((w) => w.enabled);
  const existing = new Map((await queue.getJobSchedulers()).map((s) => [s.key, s]));
  const result: ReconcileResult = { created: [], updated: [], removed: [], unchanged: 0 };

  for (const watch of watches) {
    const want = desiredOf(watch);
    const have = existing.get(watch.id);
    existing.delete(watch.id);
    if (have !== undefined && matches(have, want, watch.id)) {
      result.unchanged += 1;
      continue;
    }
    // Date.now(), not an injected clock: BullMQ's script compares the start with its own Date.now().
    await queue.upsertJobScheduler(watch.id, repeatOptionsFor(watch.definition.schedule, Date.now()), {
      name: WATCH_JOB_NAME,
      data: { watchId: watch.id, version: watch.version },
      opts: WATCH_JOB_OPTIONS,
    });
    (have === undefined ? result.created : result.updated).push(watch.id);
  }
  for (const id of [...existing.keys()].sort()) {
    await queue.removeJobScheduler(id);
    result.removed.push(id);
  }
  return result;
}
