import { VigilError, type HistoryRecord, type Watch, type WatchStatus } from '@vigil/core';
import { applyWindow, type ApplyOptions } from './apply.ts';
import { historyRecord } from './history.ts';
import { evaluateWindow, runDelay, type WindowEvaluation } from './evaluate.ts';
import type { RunDeps, RunSummary } from './types.ts';
import { dueRuns } from './windows.ts';
import { inlineSink } from './manual.ts';
import { QueuedSink, type NotificationSink } from '../deliver/sink.ts';
import { sweepPending } from '../deliver/sweep.ts';

export type { RunDeps, RunSummary } from './types.ts';
export { evaluateWindow, runDelay, type WindowEvaluation, type Match } from './evaluate.ts';
export { applyWindow, type ApplyOptions, type AppliedWindow } from './apply.ts';
export { dueRuns, type DueRuns } from './windows.ts';
export { redactSecrets } from './redact.ts';

/** The sink of scheduled runs: the deps' one, else actions run inline (engine tests without a queue). */
function scheduledSink(deps: RunDeps): NotificationSink {
  return deps.notifications ?? inlineSink(deps, 'execute');
}

function applyOptions(deps: RunDeps, sink: NotificationSink, silencedUntil: string | undefined): ApplyOptions {
  return {
    alerts: deps.alerts,
    writeState: true,
    sink,
    clock: deps.clock,
    ...(silencedUntil === undefined ? {} : { watchSilencedUntil: silencedUntil }),
  };
}

/** Queues what a crash or a Redis loss left unqueued; a failed sweep is logged and tried again next run. */
async function sweep(deps: RunDeps, watch: Watch, sink: NotificationSink): Promise<void> {
  if (!(sink instanceof QueuedSink) || deps.deliveries === undefined) return;
  try {
    await sweepPending(watch, { alerts: deps.alerts, ledger: deps.deliveries, sink, now: deps.clock.now(), log: deps.log });
  } catch (error) {
    deps.log(`watch ${watch.id}: checking pending notifications failed: ${(error as Error).message}`);
  }
}

/**
 * Runs a watch for the job scheduled at `scheduledTime`: evaluates every run time from the watch's
 * checkpoint up to that time (bounded by its max catch-up), raises and resolves alerts, runs actions,
 * writes one history record per window and advances the checkpoint after each. Callers must not run
 * one watch concurrently (the worker holds a per-watch lock); a call for an already evaluated time
 * does nothing. A transient failure (Elasticsearch down) stops the run without moving the
 * checkpoint, so the next run covers the same windows; a permanent one (a rejected query) is
 * recorded and passed, since trying that window again cannot succeed.
 */
export async function runScheduled(deps: RunDeps, watchId: string, scheduledTime: Date, runId: string): Promise<RunSummary> {
  const stored = await deps.registry.get(watchId);
  if (stored === undefined) return { watchId, state: 'missing', windows: [] };
  const { definition: watch, status, version } = stored.value;
  if (!stored.value.enabled) return { watchId, state: 'disabled', windows: [] };
  const delay = runDelay(watch);
  const due = dueRuns(watch.schedule, delay, status.checkpoint, scheduledTime);
  if (due.times.length === 0) return { watchId, state: 'already_evaluated', windows: [] };
  if (due.skipped > 0) deps.log(`watch ${watchId}: ${due.skipped} run(s) older than max_catch_up were not evaluated`);
  const sink = scheduledSink(deps);
  await sweep(deps, watch, sink);
  const windows: HistoryRecord[] = [];
  for (const [i, runTime] of due.times.entries()) {
    const started = deps.clock.now();
    const base = { runId, version, scheduled: runTime, started, latenessMs: started.getTime() - runTime.getTime(), ...(i === 0 ? { skipped: due.skipped } : {}) };
    let evaluation: WindowEvaluation | undefined;
    try {
      evaluation = await evaluateWindow(watch, runTime, deps);
      const applied = await applyWindow(watch, evaluation, applyOptions(deps, sink, status.silenced_until));
      const record = historyRecord(watch, evaluation, applied.outcomes, { ...base, finished: deps.clock.now(), state: 'executed', keptActive: applied.keptActive });
      await finishWindow(deps, watch, record, { fired: applied.fired, truncated: i === 0 && due.skipped > 0 });
      windows.push(record);
    } catch (error) {
      const failure = error instanceof VigilError ? error : new VigilError('INTERNAL', (error as Error).message, { cause: error });
      const record = historyRecord(watch, evaluation, [], { ...base, finished: deps.clock.now(), state: 'failed', error: failure.message });
      await deps.history.record(record).catch((e: unknown) => deps.log(`watch ${watchId}: history not written: ${(e as Error).message}`));
      if (failure.transient) throw failure;
      await deps.registry.updateStatus(watchId, { checkpoint: record.window.to, last_run: record.started, last_state: 'failed', last_error: failure.message });
      windows.push(record);
    }
  }
  return { watchId, state: 'executed', windows };
}

/** History first, then the checkpoint: a crash between them re-evaluates the window, which is idempotent. */
async function finishWindow(deps: RunDeps, watch: Watch, record: HistoryRecord, flags: { fired: boolean; truncated: boolean }): Promise<void> {
  await deps.history.record(record);
  const patch: Partial<WatchStatus> = {
    checkpoint: record.window.to,
    last_run: record.started,
    last_state: flags.truncated ? 'catch_up_truncated' : 'ok',
    // status merges (no scripts on the test distribution), so a past error is overwritten, not removed
    last_error: '',
    ...(flags.fired ? { last_fired: record.started } : {}),
    ...(record.actions.length === 0 ? {} : { actions: Object.fromEntries(record.actions.map((a) => [a.id, { last_status: a.status, last_time: record.started, ...(a.error === undefined ? {} : { last_error: a.error }) }])) }),
  };
  const written = await deps.registry.updateStatus(watch.id, patch);
  if (written === 'missing') deps.log(`watch ${watch.id} was deleted during its run`);
  // the window is applied; a checkpoint that did not move makes the next run re-evaluate it, harmlessly
  if (written === 'conflict') deps.log(`watch ${watch.id}: checkpoint ${record.window.to} not saved (concurrent update)`);
}
export { runOnce, replay, runTimesIn, type ManualRunReport } from './manual.ts';
export { createRunDeps, createActionServices } from './deps.ts';
export { inlineSink } from './manual.ts';
