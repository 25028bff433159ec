import type { Notification } from '@vigil/actions';
import type { AlertRecord, DeliveryLedger, PendingNotification, Revised, AlertStore, Watch } from '@vigil/core';
import { actionsOf, buildNotification } from './notification.ts';
import type { QueuedSink } from './sink.ts';

/** What the sweep needs. */
export interface SweepDeps {
  alerts: AlertStore;
  ledger: DeliveryLedger;
  sink: QueuedSink;
  now: Date;
  log: (line: string) => void;
}

/** What one sweep did, for the run's log and tests. */
export interface SweepReport {
  /** Queued because the ledger had no record (a crash between the alert write and the queue). */
  queued: string[];
  /** Queued again because Redis no longer held the job of a notification still queued in the ledger. */
  requeued: string[];
  /** Seen final in the ledger and removed from the alert's pending list. */
  settled: number;
}

/**
 * Repairs what a crash or a Redis loss left between an alert write and its deliveries: every
 * pending notification of the watch's alerts is checked against the ledger; one without a record is
 * queued now (from the alert as written), one queued in the ledger but missing from Redis is queued
 * again, and final ones leave the alert's pending list. Runs at the start of each scheduled run.
 */
export async function sweepPending(watch: Watch, deps: SweepDeps): Promise<SweepReport> {
  const report: SweepReport = { queued: [], requeued: [], settled: 0 };
  const alerts = await deps.alerts.withPendingNotifications(watch.id);
  if (alerts.length === 0) return report;
  const ledger = await deps.ledger.getMany(alerts.flatMap((a) => (a.value.pending_notifications ?? []).map((p) => p.id)));
  for (const alert of alerts) {
    const remaining: PendingNotification[] = [];
    for (const pending of alert.value.pending_notifications ?? []) {
      const record = ledger.get(pending.id);
      if (record === undefined) {
        const n = notificationFor(watch, alert.value, pending, deps.now);
        if (n === undefined) {
          deps.log(`watch ${watch.id}: pending notification ${pending.id} names action ${pending.action}, which the watch no longer has; dropped`);
          continue;
        }
        await deps.sink.submit([n]);
        report.queued.push(n.id);
        remaining.push(pending);
      } else if (record.status === 'queued') {
        if (!(await deps.sink.isQueued(pending.id))) {
          await deps.sink.enqueue(record.notification as unknown as Notification);
          report.requeued.push(pending.id);
        }
        remaining.push(pending);
      } else {
        report.settled += 1;
      }
    }
    if (remaining.length !== (alert.value.pending_notifications ?? []).length) await settle(deps.alerts, alert, remaining);
  }
  if (report.queued.length + report.requeued.length > 0) deps.log(`watch ${watch.id}: queued ${report.queued.length} notification(s) a crash left unqueued, re-queued ${report.requeued.length} Redis had lost`);
  return report;
}

function notificationFor(watch: Watch, record: AlertRecord, pending: PendingNotification, now: Date): Notification | undefined {
  const action = actionsOf(watch, pending.kind)[pending.action];
  return action === undefined ? undefined : buildNotification(watch, record, pending, action, now);
}

/** Writes the shorter pending list; a conflict (a run wrote the alert meanwhile) leaves it for the next sweep. */
async function settle(alerts: AlertStore, alert: Revised<AlertRecord>, remaining: PendingNotification[]): Promise<void> {
  const { pending_notifications: _old, ...rest } = alert.value;
  await alerts.write(remaining.length === 0 ? rest : { ...rest, pending_notifications: remaining }, alert.revision);
}
