import { CronExpressionParser } from 'cron-parser';
import type { Watch } from '@vigil/core';

/** The run times a job must evaluate, oldest first, and how many older ones the catch-up bound dropped. */
export interface DueRuns {
  times: Date[];
  skipped: number;
}

/** Counting dropped cron times stops here; the history then says "at least". */
const MAX_COUNTED = 100_000;

/**
 * The run times a job scheduled at `scheduled` evaluates: every schedule time after the checkpoint's
 * (`checkpoint` is the end of the last evaluated window, i.e. its run time minus the search delay)
 * up to `scheduled`, so an outage's runs are caught up instead of skipped; those older than
 * `max_catch_up` are dropped and counted. Nothing when `scheduled` was already evaluated.
 */
export function dueRuns(schedule: Watch['schedule'], delay: number, checkpoint: string | undefined, scheduled: Date): DueRuns {
  if (checkpoint === undefined) return { times: [scheduled], skipped: 0 };
  const after = new Date(checkpoint).getTime() + delay;
  const until = scheduled.getTime();
  if (until <= after) return { times: [], skipped: 0 };
  const oldest = until - schedule.max_catch_up;
  const times: Date[] = [];
  if (schedule.every !== undefined) {
    // stepping back from the job's own time keeps whatever alignment the scheduler used
    for (let t = until; t > after && t >= oldest; t -= schedule.every) times.push(new Date(t));
    const total = Math.ceil((until - after) / schedule.every);
    return { times: times.reverse(), skipped: total - times.length };
  }
  times.push(scheduled);
  const cron = CronExpressionParser.parse(schedule.cron!, { currentDate: scheduled, tz: schedule.timezone ?? 'UTC' });
  let skipped = 0;
  for (let t = cron.prev().getTime(); t > after && skipped < MAX_COUNTED; t = cron.prev().getTime()) {
    if (t >= oldest) times.push(new Date(t));
    else skipped += 1;
  }
  return { times: times.reverse(), skipped };
}
