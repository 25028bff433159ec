import type { Notification } from '@vigil/actions';
import type { Clock, DeliveryAttempt, DeliveryLedger, DeliveryRecord, HistoryStore } from '@vigil/core';
import { crashPoint } from './crash.ts';
import { executeNotification, type ActionServices } from './execute.ts';
import { DEFAULT_DELIVERY_DEADLINE_MS, queuedRecord } from './sink.ts';

/** What delivering needs; the worker builds it once per process. */
export interface DeliveryDeps {
  ledger: DeliveryLedger;
  history: HistoryStore;
  clock: Clock;
  indexPrefix: string;
  services: ActionServices;
  log: (line: string) => void;
  /** For a notification without a ledger record (default 1 h). */
  deadlineMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** How one attempt ended: `retry` asks the queue for another attempt after a backoff. */
export type AttemptResult = 'delivered' | 'failed' | 'skipped' | 'retry';

/** Thrown for a transient failure, so BullMQ schedules the next attempt with the backoff. */
export class RetryLater extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLater';
  }
}

async function ledgerRecord(n: Notification, deps: DeliveryDeps): Promise<DeliveryRecord> {
  const found = await deps.ledger.get(n.id);
  if (found !== undefined) return found;
  // a job whose ledger record is missing (an index restored from an older snapshot): start one
  const record = queuedRecord(n, deps.clock.now(), deps.deadlineMs ?? DEFAULT_DELIVERY_DEADLINE_MS);
  await deps.ledger.open(record);
  return (await deps.ledger.get(n.id)) ?? record;
}

/**
 * One delivery attempt of a notification. The ledger decides first: a notification already
 * delivered or failed is not sent again, whatever Redis replays; one past its deadline fails. Then
 * the action runs; the outcome goes to the ledger and, like every attempt, to watch history. A
 * transient failure before the deadline throws {@link RetryLater}; anything else is final.
 *
 * A crash after the send and before the ledger write is the one case that sends twice (the job is
 * retried); the resend carries the same Message-ID / Idempotency-Key.
 */
export async function deliverAttempt(n: Notification, attempt: number, deps: DeliveryDeps): Promise<AttemptResult> {
  const record = await ledgerRecord(n, deps);
  const started = deps.clock.now();
  const log = (status: DeliveryAttempt['status'], extra: Partial<DeliveryAttempt> = {}) =>
    deps.history.recordAttempt({
      '@timestamp': started.toISOString(),
      kind: 'delivery',
      watch_id: n.watch.id,
      notification_id: n.id,
      entity_key: n.alert.entity_key,
      action: { id: n.action.name, type: n.action.type },
      attempt,
      status,
      duration_ms: deps.clock.now().getTime() - started.getTime(),
      ...extra,
    });

  if (record.status !== 'queued') {
    await log('skipped', { error: `already ${record.status}` });
    return 'skipped';
  }
  if (started.getTime() > Date.parse(record.deadline)) {
    const error = `not delivered by its deadline ${record.deadline} after ${record.attempts} attempt(s)${record.last_error === undefined ? '' : `; last error: ${record.last_error}`}`;
    await deps.ledger.update(n.id, { status: 'failed', updated: started.toISOString(), last_error: error });
    await log('failed', { error });
    deps.log(`notification ${n.id} (watch ${n.watch.id}, action ${n.action.name}) failed: ${error}`);
    return 'failed';
  }

  crashPoint('during_send');
  const done = await executeNotification(n, { mode: 'execute', attempt, clock: deps.clock, indexPrefix: deps.indexPrefix, services: deps.services, log: deps.log, ...(deps.env === undefined ? {} : { env: deps.env }) });
  const now = deps.clock.now().toISOString();
  const attempts = record.attempts + 1;
  if (done.ok && done.result.status !== 'failed') {
    crashPoint('after_send');
    await deps.ledger.update(n.id, { status: 'delivered', updated: now, delivered_at: now, attempts, ...(done.result.detail === undefined ? {} : { detail: done.result.detail }) });
    await log('delivered', done.result.detail === undefined ? {} : { detail: done.result.detail });
    return 'delivered';
  }
  const error = done.ok ? (done.result.error ?? 'the action reported a failure') : done.error.message;
  const transient = !done.ok && done.error.transient;
  const detail = done.ok ? done.result.detail : done.detail;
  if (transient) {
    await deps.ledger.update(n.id, { updated: now, attempts, last_error: error });
    await log('retrying', { error });
    throw new RetryLater(error);
  }
  await deps.ledger.update(n.id, { status: 'failed', updated: now, attempts, last_error: error, ...(detail === undefined ? {} : { detail }) });
  await log('failed', { error, ...(detail === undefined ? {} : { detail }) });
  deps.log(`notification ${n.id} (watch ${n.watch.id}, action ${n.action.name}) failed for good: ${error}`);
  return 'failed';
}
