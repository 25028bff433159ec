import type { ActionOutcome, HistoryRecord, Watch } from '@vigil/core';
import type { WindowEvaluation } from './evaluate.ts';

/** What one window's history record says besides the evaluation. */
export interface RecordContext {
  runId: string;
  version: number;
  scheduled: Date;
  started: Date;
  finished: Date;
  /** Start minus scheduled time for scheduled runs; 0 for a manual run, which is never late. */
  latenessMs: number;
  /** `executed`, `failed`, `manual`. */
  state: string;
  /** Older windows dropped by the catch-up bound (recorded on the first window of a run). */
  skipped?: number;
  /** Active alerts kept, not resolved, because of a truncation (see {@link HistoryRecord.kept_active}). */
  keptActive?: number;
  error?: string;
}

/** The history record of one evaluated (or failed, when `evaluation` is missing) window. */
export function historyRecord(watch: Watch, evaluation: WindowEvaluation | undefined, actions: ActionOutcome[], ctx: RecordContext): HistoryRecord {
  return {
    '@timestamp': ctx.started.toISOString(),
    watch_id: watch.id,
    watch_version: ctx.version,
    run_id: ctx.runId,
    scheduled_time: ctx.scheduled.toISOString(),
    started: ctx.started.toISOString(),
    lateness_ms: ctx.latenessMs,
    duration_ms: ctx.finished.getTime() - ctx.started.getTime(),
    window: evaluation?.window ?? { from: ctx.scheduled.toISOString(), to: ctx.scheduled.toISOString() },
    hits: evaluation?.hits ?? 0,
    condition_met: (evaluation?.matches.length ?? 0) > 0,
    entities: evaluation?.matches.map((m) => m.entityKey) ?? [],
    state: ctx.state,
    actions,
    ...(ctx.error === undefined ? {} : { error: ctx.error }),
    ...(ctx.skipped === undefined || ctx.skipped === 0 ? {} : { skipped_windows: ctx.skipped }),
    ...(evaluation === undefined || evaluation.truncated.length === 0 ? {} : { truncated: evaluation.truncated }),
    ...(ctx.keptActive === undefined || ctx.keptActive === 0 ? {} : { kept_active: ctx.keptActive }),
  };
}
