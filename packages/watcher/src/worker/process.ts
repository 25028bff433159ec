import { UnrecoverableError } from 'bullmq';
import { VigilError } from '@vigil/core';
import type { RunSummary } from '../run/types.ts';
import { scheduledTimeOf, type WatchJobData } from '../schedule/jobs.ts';
import type { WatchLock } from './lock.ts';

/**
 * Executes one scheduled run of a watch. Production passes `runScheduled` bound to its dependencies;
 * tests pass a recorder. It must evaluate from the watch's checkpoint up to `scheduledTime` and do
 * nothing for a time already evaluated, which is what makes skips and retries safe.
 */
export type RunFunction = (watchId: string, scheduledTime: Date, runId: string) => Promise<Pick<RunSummary, 'state' | 'windows'>>;

/** The part of a BullMQ job the processor reads (tests build these by hand). */
export interface WatchJobLike {
  id?: string | undefined;
  data: WatchJobData;
  attemptsMade: number;
}

/**
 * A job's result as BullMQ stores it: compact, the full record of each window goes to history.
 * `skipped_locked`: another run of the watch held the lock; nothing is lost, the next run starts at
 * the checkpoint, which the running one advances.
 */
export interface WatchJobResult {
  watchId: string;
  scheduledTime: string;
  state: RunSummary['state'] | 'skipped_locked';
  windows: number;
}

export interface ProcessDeps {
  run: RunFunction;
  lock: WatchLock;
  log?: (line: string) => void;
}

/**
 * The worker's processor: scheduled time from the job id, per-watch lock, run, release. Errors
 * decide retrying: a permanent {@link VigilError} (bad definition, a 4xx) becomes bullmq's
 * `UnrecoverableError` so it fails once instead of using every attempt; anything else is rethrown and
 * retried with the job's backoff, up to its attempts.
 */
export async function processWatchJob(job: WatchJobLike, deps: ProcessDeps): Promise<WatchJobResult> {
  const scheduled = scheduledTimeOf(job.id);
  if (scheduled === undefined) throw new UnrecoverableError(`job ${job.id ?? '(no id)'} is not a scheduled watch run`);
  const { watchId } = job.data;
  const base = { watchId, scheduledTime: scheduled.time.toISOString() };

  const held = await deps.lock.acquire(watchId);
  if (held === undefined) {
    deps.log?.(`${watchId} @ ${base.scheduledTime}: skipped, a run of this watch is in progress`);
    return { ...base, state: 'skipped_locked', windows: 0 };
  }
  try {
    const summary = await deps.run(watchId, scheduled.time, `${job.id}#${job.attemptsMade + 1}`);
    return { ...base, state: summary.state, windows: summary.windows.length };
  } catch (error) {
    if (error instanceof VigilError && !error.transient) {
      throw new UnrecoverableError(`${watchId}: ${error.code}: ${error.message}`);
    }
    throw error;
  } finally {
    await held.release().catch(() => undefined); // the TTL frees it if Redis is away now
  }
}
