import type { Notification } from '@vigil/actions';
import { VigilError, type ActionOutcome, type AlertRecord, type AlertStore, type AlertWrite, type Clock, type PendingNotification, type Revised, type Watch } from '@vigil/core';
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
  /**
   * Active alerts that did not match and were left as they were, not resolved, because the input
   * was truncated in a way that may have cut their entities out (0 otherwise).
   */
  keptActive: number;
}

/** Optimistic writes retry this often when another writer keeps changing the same alert. */
const MAX_ATTEMPTS = 5;

/** The notifications one alert write decides: one per action whose own condition holds; the others are skipped outcomes. */
interface Decided {
  pending: PendingNotification[];
  skipped: ActionOutcome[];
}

const NOTHING_DECIDED: Decided = { pending: [], skipped: [] };

function decide(watch: Watch, record: AlertRecord, window: TimeWindow, kind: PendingNotification['kind']): Decided {
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

/** One alert's part of a window: its record after it, and the outcomes of its actions. */
interface AlertResult {
  record: AlertRecord;
  outcomes: ActionOutcome[];
  fired: boolean;
}

/** An alert write decided and not yet made: what it notifies when it wins, or why it holds back. */
interface PlannedWrite extends AlertWrite {
  decided: Decided;
  /** The outcomes of an alert held back (throttled, acked, silenced): it submits nothing. */
  heldBack: ActionOutcome[];
  /** The throttle key this write notifies for, and the key's last notification before it (restored when the write loses). */
  claim?: { key: string; before: string | undefined };
}

/** A window's decision for one alert: nothing to write (already applied), or a write. */
type Plan = { done: AlertResult } | { write: PlannedWrite };

const sent = (o: ActionOutcome) => o.status === 'executed' || o.status === 'queued';

/** The throttle key of an entity: the throttle's fields only, or the whole entity. */
function throttleKey(watch: Watch, record: AlertRecord): string {
  const fields = watch.throttle?.key;
  return fields === undefined ? record.entity_key : JSON.stringify(fields.map((f) => record.entity[f] ?? null));
}

/** The newest notification per throttle key among the active alerts. */
function lastNotifiedByKey(watch: Watch, active: readonly Revised<AlertRecord>[]): Map<string, string> {
  const lastNotified = new Map<string, string>();
  for (const a of active) {
    const key = throttleKey(watch, a.value);
    const last = a.value.last_notified;
    if (last !== undefined && (lastNotified.get(key) ?? '') < last) lastNotified.set(key, last);
  }
  return lastNotified;
}

/** Undoes a lost write's claim on its throttle key, so its retry decides as if it never notified. */
function release(lastNotified: Map<string, string>, write: PlannedWrite): void {
  if (write.claim === undefined) return;
  if (write.claim.before === undefined) lastNotified.delete(write.claim.key);
  else lastNotified.set(write.claim.key, write.claim.before);
}

/**
 * Decides one match against the alert as stored: the alert moves new → ongoing and notifies unless
 * acked, silenced or throttled; a window already applied decides nothing. A notifying write claims
 * its throttle key in `lastNotified`, so later entities sharing the key in this window hold back.
 */
function planMatch(watch: Watch, match: Match, previous: Revised<AlertRecord> | undefined, window: TimeWindow, options: ApplyOptions, lastNotified: Map<string, string>): Plan {
  if (alreadyApplied(previous?.value, window)) {
    return { done: { record: previous!.value, outcomes: heldBack(watch.actions, match.entityKey, 'skipped', `window ending ${window.to} was already applied`), fired: false } };
  }
  const expected = previous?.revision ?? 'create';
  const observed = observeMatch(previous?.value, { watchId: watch.id, entityKey: match.entityKey, entity: match.entity, payload: match.payload }, window);
  const key = throttleKey(watch, observed);
  const decision = notifyDecision(observed, {
    throttle: watch.throttle,
    windowEnd: window.to,
    now: options.clock.now(),
    ...(options.watchSilencedUntil === undefined ? {} : { watchSilencedUntil: options.watchSilencedUntil }),
    ...(watch.throttle?.key === undefined || !lastNotified.has(key) ? {} : { lastNotifiedForKey: lastNotified.get(key)! }),
  });
  if (!decision.notify) return { write: { record: observed, expected, decided: NOTHING_DECIDED, heldBack: heldBack(watch.actions, match.entityKey, decision.status, decision.reason) } };
  const notified = markNotified(observed, window.to);
  const decided = decide(watch, notified, window, 'notify');
  const claim = { key, before: lastNotified.get(key) };
  lastNotified.set(key, window.to);
  return { write: { record: withPending(notified, decided, options.sink), expected, decided, heldBack: [], claim } };
}

/** Resolves an active alert whose entity did not match; its `on_resolve` actions run once, for the writer that wins. */
function planResolve(watch: Watch, active: Revised<AlertRecord>, window: TimeWindow, sink: NotificationSink): PlannedWrite {
  const resolved = observeResolved(active.value, window);
  const decided = decide(watch, resolved, window, 'resolve');
  return { record: withPending(resolved, decided, sink), expected: active.revision, decided, heldBack: [] };
}

/** Makes the plans' writes in one batch (none in a dry run): per plan, `ok` or `conflict`, or undefined for nothing to write. */
async function writeAll(options: ApplyOptions, plans: readonly Plan[]): Promise<('ok' | 'conflict' | undefined)[]> {
  const writes = plans.flatMap((p) => ('write' in p ? [p.write] : []));
  const results = options.writeState && writes.length > 0 ? await options.alerts.writeMany(writes) : writes.map(() => 'ok' as const);
  let next = 0;
  return plans.map((p) => ('write' in p ? results[next++] : undefined));
}

/**
 * Hands the notifications of written alerts to the sink, all in one submit (the writes were made
 * first, so a crash in between leaves them pending for the sweep), and gives each alert its outcomes.
 */
async function submitAll(watch: Watch, writes: readonly PlannedWrite[], options: ApplyOptions): Promise<AlertResult[]> {
  const now = options.clock.now();
  const perAlert = writes.map((w) => w.decided.pending.map((p) => buildNotification(watch, w.record, p, actionsOf(watch, p.kind)[p.action]!, now)));
  const all = perAlert.flat();
  const outcomes = all.length === 0 ? [] : await options.sink.submit(all);
  let next = 0;
  return writes.map((w, i) => {
    const own = outcomes.slice(next, (next += perAlert[i]!.length));
    return { record: w.record, outcomes: [...w.heldBack, ...w.decided.skipped, ...own], fired: own.some(sent) };
  });
}

/**
 * Applies one match on its own, re-reading the alert until its write wins: the path of a match whose
 * batched write lost to another writer. Of two workers (or a retried job) exactly one wins the write
 * and notifies; the other finds the window already applied and notifies nobody.
 */
async function applyMatch(watch: Watch, match: Match, window: TimeWindow, options: ApplyOptions, lastNotified: Map<string, string>): Promise<AlertResult> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const plan = planMatch(watch, match, await options.alerts.get(watch.id, match.entityKey), window, options, lastNotified);
    if ('done' in plan) return plan.done;
    const [written] = await writeAll(options, [plan]);
    if (written === 'ok') return (await submitAll(watch, [plan.write], options))[0]!;
    release(lastNotified, plan.write);
  }
  throw new VigilError('SERVICE_UNAVAILABLE', `alert ${match.entityKey} of watch ${watch.id} kept changing under ${MAX_ATTEMPTS} attempts to update it`);
}

/**
 * Applies a window's matches and resolutions to alert state and runs the actions they call for.
 * Batched: the matched entities' alerts are read with one `getMany`, every decided state is written
 * with one `writeMany` (compare-and-set per alert) *before* any notification is submitted, and only
 * the alerts whose write won notify; a match whose write lost is re-read and decided again on its
 * own, a resolve that lost is left to the writer that won. When the input was truncated in a way
 * that may have cut entities, active alerts that did not match are kept as they are, not resolved.
 */
export async function applyWindow(watch: Watch, evaluation: WindowEvaluation, options: ApplyOptions): Promise<AppliedWindow> {
  const { window, matches } = evaluation;
  const active = await options.alerts.active(watch.id);
  const lastNotified = lastNotifiedByKey(watch, active);
  const previous = await options.alerts.getMany(watch.id, matches.map((m) => m.entityKey));
  const matched = new Set(matches.map((m) => m.entityKey));
  const unmatched = active.filter((a) => !matched.has(a.value.entity_key) && !alreadyApplied(a.value, window));
  const holding = evaluation.truncated.some((t) => t.affects_entities);
  const plans: Plan[] = [
    ...matches.map((m) => planMatch(watch, m, previous.get(m.entityKey), window, options, lastNotified)),
    ...(holding ? [] : unmatched.map((a) => ({ write: planResolve(watch, a, window, options.sink) }))),
  ];
  const written = await writeAll(options, plans);
  const writes = plans.map((p) => ('write' in p ? p.write : undefined));
  const results: AlertResult[] = plans.map((p) => ('done' in p ? p.done : { record: p.write.record, outcomes: [], fired: false }));
  const won = writes.flatMap((w, i) => (w !== undefined && written[i] === 'ok' ? [i] : []));
  (await submitAll(watch, won.map((i) => writes[i]!), options)).forEach((result, n) => (results[won[n]!] = result));
  // a lost resolve is the winner's to make; a lost match is decided again on its own
  for (const [i, match] of matches.entries()) {
    if (written[i] !== 'conflict') continue;
    release(lastNotified, writes[i]!);
    results[i] = await applyMatch(watch, match, window, options, lastNotified);
  }
  return { outcomes: results.flatMap((r) => r.outcomes), alerts: results.map((r) => r.record), fired: results.some((r) => r.fired), keptActive: holding ? unmatched.length : 0 };
}
