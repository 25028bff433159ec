import type { Notification } from '@vigil/actions';
import { VigilError, type ActionOutcome, type AlertRecord, type AlertStore, type Clock, type PendingNotification, type Revised, type Watch } from '@vigil/core';
import { alreadyApplied, markNotified, notifyDecision, observeMatch, observeResolved } from '../alert/state.ts';
import { actionsOf, alertView, buildNotification, pendingFor } from '../deliver/notification.ts';
import type { NotificationSink } from '../deliver/sink.ts';
import type { TimeWindow } from '../input/index.ts';
import { expression } from '../condition/index.ts';
import { heldBack } from './actions.ts';
import type { Match, WindowEvaluation } from './evaluate.ts';

/** How a window's alerts are applied: for real, as a dry run, or against a scratch store (replay). */
export interface ApplyOptions {
  alerts: AlertStore;
  /** False for a dry run: decisions are computed from the stored state, nothing is written. */
  writeState: boolean;
  /** Where the notifications decided go: the delivery queue, or run inline (manual, dry run, replay). */
  sink: NotificationSink;
  clock: Clock;
  watchSilencedUntil?: string;
}

/** What applying one window did. */
export interface AppliedWindow {
  outcomes: ActionOutcome[];
  /** Alerts as they stand after the window, matched ones first, then the ones it resolved. */
  alerts: AlertRecord[];
  /** True when at least one action executed or was queued. */
  fired: boolean;
}

/** Optimistic writes retry this often when another writer keeps changing the same alert. */
const MAX_ATTEMPTS = 5;

/** The notifications one alert write decides: one per action whose own condition holds; the others are skipped outcomes. */
interface Decided {
  pending: PendingNotification[];
  skipped: ActionOutcome[];
}

function decide(watch: Watch, record: AlertRecord, window: TimeWindow, kind: Notification['kind']): Decided {
  const decided: Decided = { pending: [], skipped: [] };
  for (const [name, action] of Object.entries(actionsOf(watch, kind))) {
    const condition = action.condition as string | undefined;
    if (condition !== undefined && !expression(condition).evaluate({ entity: record.entity, payload: record.payload, alert: alertView(record, window) })) {
      decided.skipped.push({ id: name, type: action.type, entity_key: record.entity_key, status: 'skipped', reason: `condition is false: ${condition}` });
      continue;
    }
    decided.pending.push(pendingFor(record, name, kind, window));
  }
  return decided;
}

/** The record to write: with the decided notifications pending when the sink is durable (kept until the sweep sees them final). */
function withPending(record: AlertRecord, decided: Decided, sink: NotificationSink): AlertRecord {
  if (!sink.durable || decided.pending.length === 0) return record;
  const ids = new Set(decided.pending.map((p) => p.id));
  const kept = (record.pending_notifications ?? []).filter((p) => !ids.has(p.id));
  return { ...record, pending_notifications: [...kept, ...decided.pending] };
}

async function submit(watch: Watch, record: AlertRecord, decided: Decided, options: ApplyOptions): Promise<ActionOutcome[]> {
  const now = options.clock.now();
  const actions = (kind: Notification['kind']) => actionsOf(watch, kind);
  const notifications = decided.pending.map((p) => buildNotification(watch, record, p, actions(p.kind)[p.action]!, now));
  return [...decided.skipped, ...(notifications.length === 0 ? [] : await options.sink.submit(notifications))];
}

const sent = (o: ActionOutcome) => o.status === 'executed' || o.status === 'queued';

/** The throttle key of an entity: the throttle's fields only, or the whole entity. */
function throttleKey(watch: Watch, record: AlertRecord): string {
  const fields = watch.throttle?.key;
  return fields === undefined ? record.entity_key : JSON.stringify(fields.map((f) => record.entity[f] ?? null));
}

async function write(options: ApplyOptions, record: AlertRecord, expected: Revised<AlertRecord>['revision'] | 'create'): Promise<'ok' | 'conflict'> {
  return options.writeState ? options.alerts.write(record, expected) : 'ok';
}

/**
 * Applies one match: the alert moves new → ongoing, notifies unless acked, silenced or throttled,
 * and is written with optimistic concurrency *before* its actions run, so of two workers (or a
 * retried job) exactly one wins the write and notifies; a window already applied notifies nobody.
 */
async function applyMatch(watch: Watch, match: Match, window: TimeWindow, options: ApplyOptions, lastNotified: Map<string, string>) {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const previous = await options.alerts.get(watch.id, match.entityKey);
    if (alreadyApplied(previous?.value, window)) {
      return { record: previous!.value, outcomes: heldBack(watch.actions, match.entityKey, 'skipped', `window ending ${window.to} was already applied`), fired: false };
    }
    let record = observeMatch(previous?.value, { watchId: watch.id, entityKey: match.entityKey, entity: match.entity, payload: match.payload }, window);
    const key = throttleKey(watch, record);
    const decision = notifyDecision(record, {
      throttle: watch.throttle,
      windowEnd: window.to,
      now: options.clock.now(),
      ...(options.watchSilencedUntil === undefined ? {} : { watchSilencedUntil: options.watchSilencedUntil }),
      ...(watch.throttle?.key === undefined || !lastNotified.has(key) ? {} : { lastNotifiedForKey: lastNotified.get(key)! }),
    });
    if (!decision.notify) {
      if ((await write(options, record, previous?.revision ?? 'create')) === 'conflict') continue;
      return { record, outcomes: heldBack(watch.actions, match.entityKey, decision.status, decision.reason), fired: false };
    }
    record = markNotified(record, window.to);
    const decided = decide(watch, record, window, 'notify');
    record = withPending(record, decided, options.sink);
    if ((await write(options, record, previous?.revision ?? 'create')) === 'conflict') continue;
    lastNotified.set(key, window.to);
    const outcomes = await submit(watch, record, decided, options);
    return { record, outcomes, fired: outcomes.some(sent) };
  }
  throw new VigilError('SERVICE_UNAVAILABLE', `alert ${match.entityKey} of watch ${watch.id} kept changing under ${MAX_ATTEMPTS} attempts to update it`);
}

/** Resolves an active alert whose entity did not match; `on_resolve` actions run once, for the writer that won. */
async function applyResolve(watch: Watch, active: Revised<AlertRecord>, window: TimeWindow, options: ApplyOptions) {
  const resolved = observeResolved(active.value, window);
  const decided = decide(watch, resolved, window, 'resolve');
  const record = withPending(resolved, decided, options.sink);
  if ((await write(options, record, active.revision)) === 'conflict') return { record, outcomes: [], fired: false };
  const outcomes = await submit(watch, record, decided, options);
  return { record, outcomes, fired: outcomes.some(sent) };
}

/** Applies a window's matches and resolutions to alert state and runs the actions they call for. */
export async function applyWindow(watch: Watch, evaluation: WindowEvaluation, options: ApplyOptions): Promise<AppliedWindow> {
  const { window } = evaluation;
  const active = await options.alerts.active(watch.id);
  const lastNotified = new Map<string, string>();
  for (const a of active) {
    const key = throttleKey(watch, a.value);
    const last = a.value.last_notified;
    if (last !== undefined && (lastNotified.get(key) ?? '') < last) lastNotified.set(key, last);
  }
  const results = [];
  for (const match of evaluation.matches) results.push(await applyMatch(watch, match, window, options, lastNotified));
  const matched = new Set(evaluation.matches.map((m) => m.entityKey));
  for (const a of active) {
    if (matched.has(a.value.entity_key) || alreadyApplied(a.value, window)) continue;
    results.push(await applyResolve(watch, a, window, options));
  }
  return { outcomes: results.flatMap((r) => r.outcomes), alerts: results.map((r) => r.record), fired: results.some((r) => r.fired) };
}
