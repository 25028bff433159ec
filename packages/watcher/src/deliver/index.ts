export { notificationId, alertView, watchView, buildNotification } from './notification.ts';
export { executeNotification, type ActionServices, type ExecuteOptions, type ExecuteOutcome } from './execute.ts';
export { InlineSink, QueuedSink, queuedRecord, DEFAULT_DELIVERY_DEADLINE_MS, type NotificationSink, type QueuedSinkOptions } from './sink.ts';
export { deliveryQueueName, deliveryJobOptions, jitteredBackoff, DELIVERY_JOB, type BackoffOptions } from './queue.ts';
export { deliverAttempt, RetryLater, type AttemptResult, type DeliveryDeps } from './deliver.ts';
export { DeliveryWorker, type DeliveryWorkerOptions } from './worker.ts';
export { sweepPending, type SweepDeps, type SweepReport } from './sweep.ts';
export { crashPoint, type CrashPoint } from './crash.ts';
