import type { Client } from '@elastic/elasticsearch';
import type { ActionContext, AlertView } from '@vigil/actions';
import { alertId, VigilError, type ActionOutcome, type AlertRecord, type AlertStore, type Clock, type Revised, type Watch } from '@vigil/core';
import { alreadyApplied, markNotified, notifyDecision, observeMatch, observeResolved } from '../alert/state.ts';
import type { TimeWindow } from '../input/index.ts';
import { heldBack, runActions, type SharedActionContext } from './actions.ts';
import type { Match, WindowEvaluation } from './evaluate.ts';

/** How a window's alerts are applied: for real, as a dry run, or against a scratch store (replay). */
export interface ApplyOptions {
  alerts: AlertStore;
  /** False for a dry run: decisions are computed from the stored state, nothing is written. */
  writeState: boolean;
  actionMode: ActionContext['mode'];
  clock: Clock;
  indexPrefix: string;
  elasticsearch?: Client;
  log: (line: string) => void;
  watchSilencedUntil?: string;
}

/** What applying one window did. */
export interface AppliedWindow {
  outcomes: ActionOutcome[];
  /** Alerts as they stand after the window, matched ones first, then the ones it resolved. */
  alerts: AlertRecord[];
  /** True when at least one action executed. */
  fired: boolean;
}

/** Optimistic writes retry this often when another writer keeps changing the same alert. */
const MAX_ATTEMPTS = 5;

function view(record: AlertRecord, window: TimeWindow): AlertView {
  return {
    id: alertId(record.watch_id, record.entity_key),
    entity: record.entity,
    entity_key: record.entity_key,
    state: record.state,
    episode: record.episode,
    count: record.count,
    first_seen: record.first_seen,
    last_seen: record.last_seen,
    payload: record.payload,
    window,
  };
}

function actionContext(watch: Watch, record: AlertRecord, window: TimeWindow, options: ApplyOptions): SharedActionContext {
  return {
    watch: { id: watch.id, name: watch.name, description: watch.description, severity: watch.severity, tags: watch.tags, metadata: watch.metadata },
    alert: view(record, window),
    mode: options.actionMode,
    clock: options.clock,
    indexPrefix: options.indexPrefix,
    ...(options.elasticsearch === undefined ? {} : { elasticsearch: options.elasticsearch }),
    log: options.log,
  };
}

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
    if (decision.notify) record = markNotified(record, window.to);
    if ((await write(options, record, previous?.revision ?? 'create')) === 'conflict') continue;
    if (!decision.notify) return { record, outcomes: heldBack(watch.actions, match.entityKey, decision.status, decision.reason), fired: false };
    lastNotified.set(key, window.to);
    const outcomes = await runActions(watch.actions, actionContext(watch, record, window, options));
    return { record, outcomes, fired: outcomes.some((o) => o.status === 'executed') };
  }
  throw new VigilError('SERVICE_UNAVAILABLE', `alert ${match.entityKey} of watch ${watch.id} kept changing under ${MAX_ATTEMPTS} attempts to update it`);
}

/** Resolves an active alert whose entity did not match; `on_resolve` actions run once, for the writer that won. */
async function applyResolve(watch: Watch, active: Revised<AlertRecord>, window: TimeWindow, options: ApplyOptions) {
  const record = observeResolved(active.value, window);
  if ((await write(options, record, active.revision)) === 'conflict') return { record, outcomes: [], fired: false };
  const outcomes = watch.on_resolve === undefined ? [] : await runActions(watch.on_resolve, actionContext(watch, record, window, options));
  return { record, outcomes, fired: outcomes.some((o) => o.status === 'executed') };
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
