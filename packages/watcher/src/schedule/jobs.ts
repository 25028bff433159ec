import type { Watch } from '@vigil/core';
import { queueName } from '../queue/connection.ts';

/**
 * What the scheduler and the workers agree on: the queue, the job data, the job id format and the
 * change-notice channel. Both sides import these, never re-spell them.
 */

/** The BullMQ queue that carries scheduled watch runs, one per index prefix. */
export function watchQueueName(prefix: string): string {
  return queueName(prefix, 'watches');
}

/** The change-notice channel is named by the store, beside the registry whose changes it announces. */
export { watchesChangedChannel } from '@vigil/store';

/** Data of every scheduled job: which watch, and the definition version the schedule was made from. */
export interface WatchJobData {
  watchId: string;
  /** Registry version when the scheduler was upserted; informative, the run reads the registry itself. */
  version: number;
}

/** The BullMQ job name of scheduled runs. */
export const WATCH_JOB_NAME = 'watch-run';

/**
 * The repeat options of a watch's job scheduler.
 *
 * - `every`: BullMQ's `{ every }`. BullMQ starts an `every` scheduler at "now" and keeps that phase,
 *   so a `startDate` on the next multiple of the interval is given: the first run lands on a multiple
 *   and every later one too (BullMQ keeps offset 0 and re-aligns to multiples after an outage). The
 *   schema promises multiples since the epoch so that all workers and the checkpoint logic agree.
 * - `cron`: BullMQ's `{ pattern, tz }`, the zone defaulting to UTC as the schema documents (without
 *   `tz` cron-parser would use the host's zone, which differs between hosts).
 */
export function repeatOptionsFor(schedule: Watch['schedule'], nowMs: number): { every: number; startDate: number } | { pattern: string; tz: string } {
  if (schedule.every !== undefined) {
    // A margin so the start is still in the future when BullMQ's script reads its own clock; a start
    // in the past would make BullMQ fire "now" and keep that unaligned phase.
    const startDate = Math.ceil((nowMs + 100) / schedule.every) * schedule.every;
    return { every: schedule.every, startDate };
  }
  if (schedule.cron !== undefined) return { pattern: schedule.cron, tz: schedule.timezone ?? 'UTC' };
  throw new Error('a watch schedule has neither every nor cron (the schema forbids this)');
}

const JOB_ID = /^repeat:(.+):(\d+)$/;

/**
 * The time a scheduled job was due, from its id. BullMQ names scheduler jobs
 * `repeat:<scheduler id>:<fire time in ms>` (job-scheduler.js `getSchedulerNextJobId`), and the id
 * survives retries, delays and a worker picking it up late, so it is the exact scheduled time, unlike
 * `Date.now()` or `job.timestamp` (when the job was created, an interval earlier).
 * Returns undefined for a job that did not come from a scheduler.
 */
export function scheduledTimeOf(jobId: string | undefined): { schedulerId: string; time: Date } | undefined {
  const m = jobId === undefined ? null : JOB_ID.exec(jobId);
  if (m === null) return undefined;
  return { schedulerId: m[1] as string, time: new Date(Number(m[2])) };
}
