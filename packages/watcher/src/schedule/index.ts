export { watchQueueName, watchesChangedChannel, repeatOptionsFor, scheduledTimeOf, WATCH_JOB_NAME, type WatchJobData } from './jobs.ts';
export { reconcileSchedules, WATCH_JOB_OPTIONS, type ReconcileResult } from './reconcile.ts';
export { WatchScheduler, publishWatchesChanged, type SchedulerOptions } from './scheduler.ts';
