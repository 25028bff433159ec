import { CronExpressionParser } from 'cron-parser';
import type { ActionOutcome, AlertRecord, AlertStore, Truncation, Watch } from '@vigil/core';
import { applyWindow, type AppliedWindow } from './apply.ts';
import { historyRecord } from './history.ts';
import { evaluateWindow, runDelay, type WindowEvaluation } from './evaluate.ts';
import type { RunDeps } from './types.ts';
import { InlineSink } from '../deliver/sink.ts';

/** Actions run in this process: executed (a manual run) or simulated (dry run, replay). */
export function inlineSink(deps: Pick<RunDeps, 'clock' | 'indexPrefix' | 'services' | 'log'>, mode: 'execute' | 'simulate'): InlineSink {
  return new InlineSink({ mode, clock: deps.clock, indexPrefix: deps.indexPrefix, services: deps.services, log: deps.log });
}

/** What `vigil watch run --json` prints: one object scripts can rely on. */
export interface ManualRunReport {
  watch: string;
  window: { from: string; to: string };
  hits: number;
  /** Every entity the condition matched, with its payload; `state` is its alert state after this window, or `already_applied` when a run already took this window (so nothing would notify again). */
  alerts: { entity: Record<string, unknown>; payload: Record<string, unknown>; state: AlertRecord['state'] | 'already_applied' }[];
  actions: ActionOutcome[];
  /** What the input's results left out, with the figures (empty when nothing was cut); see {@link Truncation}. */
  truncated: Truncation[];
  /** Active alerts that did not match and were kept, not resolved, because of a truncation that may have cut their entities. */
  kept_active: number;
}

function report(watch: Watch, evaluation: WindowEvaluation, applied: AppliedWindow): ManualRunReport {
  const { alerts, outcomes: actions } = applied;
  const states = new Map(alerts.filter((a) => a.last_window_to === evaluation.window.to).map((a) => [a.entity_key, a.state]));
  return {
    watch: watch.id,
    window: evaluation.window,
    hits: evaluation.hits,
    alerts: evaluation.matches.map((m) => ({ entity: m.entity, payload: m.payload, state: states.get(m.entityKey) ?? 'already_applied' })),
    actions,
    truncated: evaluation.truncated,
    kept_active: applied.keptActive,
  };
}

/**
 * Runs a watch once for the window ending at `at` (`vigil watch run`). A dry run reads alert state
 * to decide what would notify, runs actions in simulate mode and writes nothing; a real run applies
 * alerts, runs actions and writes history, but leaves the schedule's checkpoint alone.
 */
export async function runOnce(deps: RunDeps, watch: Watch, options: { at: Date; dryRun: boolean; runId: string; version?: number }): Promise<ManualRunReport> {
  const started = deps.clock.now();
  const evaluation = await evaluateWindow(watch, new Date(options.at.getTime() + runDelay(watch)), deps);
  const applied = await applyWindow(watch, evaluation, { alerts: deps.alerts, writeState: !options.dryRun, sink: inlineSink(deps, options.dryRun ? 'simulate' : 'execute'), clock: deps.clock });
  if (!options.dryRun) {
    const ctx = { runId: options.runId, version: options.version ?? 0, scheduled: options.at, started, finished: deps.clock.now(), latenessMs: 0, state: 'manual', keptActive: applied.keptActive };
    await deps.history.record(historyRecord(watch, evaluation, applied.outcomes, ctx));
  }
  return report(watch, evaluation, applied);
}

/** Run times of a schedule in `(from, to]`, oldest first: multiples of `every`, or cron fire times. */
export function runTimesIn(schedule: Watch['schedule'], from: Date, to: Date, limit = 100_000): Date[] {
  const times: Date[] = [];
  if (schedule.every !== undefined) {
    for (let t = Math.floor(from.getTime() / schedule.every) * schedule.every + schedule.every; t <= to.getTime() && times.length < limit; t += schedule.every) times.push(new Date(t));
    return times;
  }
  const cron = CronExpressionParser.parse(schedule.cron!, { currentDate: from, endDate: to, tz: schedule.timezone ?? 'UTC' });
  while (cron.hasNext() && times.length < limit) times.push(cron.next().toDate());
  return times;
}

/**
 * Replays a watch over past data (`vigil watch test`): every run time in `(from, to]`, window by
 * window, with alert state in `scratch` (a fresh store) and actions simulated, so throttle, resolve
 * and per-entity behaviour show exactly as they would have live. Nothing real is written.
 */
export async function replay(deps: Omit<RunDeps, 'alerts' | 'history' | 'registry'>, watch: Watch, range: { from: Date; to: Date }, scratch: AlertStore): Promise<ManualRunReport[]> {
  const reports: ManualRunReport[] = [];
  for (const runTime of runTimesIn(watch.schedule, range.from, range.to)) {
    const evaluation = await evaluateWindow(watch, runTime, deps);
    const applied = await applyWindow(watch, evaluation, { alerts: scratch, writeState: true, sink: inlineSink(deps, 'simulate'), clock: deps.clock });
    reports.push(report(watch, evaluation, applied));
  }
  return reports;
}
