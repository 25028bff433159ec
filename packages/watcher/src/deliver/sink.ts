import type { Notification } from '@vigil/actions';
import { VigilError, type ActionOutcome, type Clock, type DeliveryLedger, type DeliveryRecord } from '@vigil/core';
import type { Queue } from 'bullmq';
import { crashPoint } from './crash.ts';
import { executeNotification, type ExecuteOptions } from './execute.ts';
import { DELIVERY_JOB, deliveryJobOptions } from './queue.ts';

/** Where a run hands the notifications an alert write decided. */
export interface NotificationSink {
  /**
   * True when notifications outlive the process (the delivery queue): the alert write then records
   * them as pending, and the next run re-queues any the ledger lacks.
   */
  readonly durable: boolean;
  /** Delivers or queues each notification; one outcome per notification, in order. */
  submit(notifications: readonly Notification[]): Promise<ActionOutcome[]>;
}

function outcomeBase(n: Notification): Pick<ActionOutcome, 'id' | 'type' | 'entity_key'> {
  return { id: n.action.name, type: n.action.type, entity_key: n.alert.entity_key };
}

/**
 * Runs actions at once, in this process: `vigil watch run` (execute), `--dry-run` and `watch test`
 * (simulate), and engine unit tests. Nothing is retried; a failure is the outcome.
 */
export class InlineSink implements NotificationSink {
  readonly durable = false;
  readonly #options: Omit<ExecuteOptions, 'attempt'>;

  constructor(options: Omit<ExecuteOptions, 'attempt'>) {
    this.#options = options;
  }

  async submit(notifications: readonly Notification[]): Promise<ActionOutcome[]> {
    const outcomes: ActionOutcome[] = [];
    for (const n of notifications) {
      const done = await executeNotification(n, { ...this.#options, attempt: 1 });
      if (done.ok) {
        const { status, detail, error } = done.result;
        outcomes.push({ ...outcomeBase(n), status, ...(error === undefined ? {} : { error }), ...(detail === undefined ? {} : { detail }) });
      } else {
        this.#options.log(`watch ${n.watch.id} action ${n.action.name} failed: ${done.error.message}`);
        outcomes.push({ ...outcomeBase(n), status: 'failed', error: done.error.message, ...(done.detail === undefined ? {} : { detail: done.detail }) });
      }
    }
    return outcomes;
  }
}

/** Options of {@link QueuedSink}. */
export interface QueuedSinkOptions {
  ledger: DeliveryLedger;
  queue: Queue;
  clock: Clock;
  /** How long delivery is tried before the notification counts as failed (default 1 h). */
  deadlineMs?: number;
}

/** The ledger record a queued notification starts with. */
export function queuedRecord(n: Notification, now: Date, deadlineMs: number): DeliveryRecord {
  const created = new Date(n.created);
  return {
    id: n.id,
    watch_id: n.watch.id,
    entity_key: n.alert.entity_key,
    alert_id: n.alert.id,
    action: n.action.name,
    type: n.action.type,
    kind: n.kind,
    window: n.alert.window,
    created: n.created,
    updated: now.toISOString(),
    deadline: new Date(created.getTime() + deadlineMs).toISOString(),
    status: 'queued',
    attempts: 0,
    notification: n as unknown as Record<string, unknown>,
  };
}

export const DEFAULT_DELIVERY_DEADLINE_MS = 3_600_000;

/** Jobs per `addBulk` (one Redis transaction each). */
const ENQUEUE_BATCH = 1_000;

/**
 * The durable path of scheduled runs: each notification gets its ledger record, then a job on the
 * delivery queue whose id is the notification id (BullMQ ignores a second add of a live id); a
 * window's notifications come in one submit, so records go in one `_bulk` and jobs in `addBulk`s. A
 * delivery worker sends each, with retries; this run does not wait for the send.
 */
export class QueuedSink implements NotificationSink {
  readonly durable = true;
  readonly #options: QueuedSinkOptions;

  constructor(options: QueuedSinkOptions) {
    this.#options = options;
  }

  get deadlineMs(): number {
    return this.#options.deadlineMs ?? DEFAULT_DELIVERY_DEADLINE_MS;
  }

  /** All ledger records first (in bulk), then all jobs: a crash in between leaves records the sweep re-queues. */
  async submit(notifications: readonly Notification[]): Promise<ActionOutcome[]> {
    crashPoint('after_state_write');
    if (notifications.length === 0) return [];
    const now = this.#options.clock.now();
    await this.#options.ledger.openMany(notifications.map((n) => queuedRecord(n, now, this.deadlineMs)));
    for (let i = 0; i < notifications.length; i += ENQUEUE_BATCH) await this.#enqueueAll(notifications.slice(i, i + ENQUEUE_BATCH));
    return notifications.map((n) => ({ ...outcomeBase(n), status: 'queued', detail: { notification_id: n.id } }));
  }

  /** Adds the delivery job (a no-op while a job with this id exists); Redis away is transient (the run is retried, the sweep re-queues). */
  async enqueue(n: Notification): Promise<void> {
    await this.#enqueueAll([n]);
  }

  async #enqueueAll(notifications: readonly Notification[]): Promise<void> {
    try {
      await this.#options.queue.addBulk(notifications.map((n) => ({ name: DELIVERY_JOB, data: n, opts: { ...deliveryJobOptions, jobId: n.id } })));
    } catch (cause) {
      const which = notifications.length === 1 ? `notification ${notifications[0]!.id}` : `${notifications.length} notifications`;
      throw new VigilError('SERVICE_UNAVAILABLE', `cannot queue ${which} for delivery: ${(cause as Error).message}`, { cause });
    }
  }

  /** True when the delivery queue still holds a job for the notification (in any state). */
  async isQueued(id: string): Promise<boolean> {
    return (await this.#options.queue.getJob(id)) !== undefined;
  }
}
