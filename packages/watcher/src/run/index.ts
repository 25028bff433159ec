import type { RunDeps, RunSummary } from './types.ts';

export type { RunDeps, RunSummary } from './types.ts';

/**
 * Runs a watch for the job scheduled at `scheduledTime`: evaluates every window from the watch's
 * checkpoint up to that time (bounded by its max catch-up), raises and resolves alerts, runs actions,
 * writes history and advances the checkpoint. Callers must not run one watch concurrently (the
 * worker holds a per-watch lock); a second call for an already evaluated time does nothing.
 */
export async function runScheduled(deps: RunDeps, watchId: string, scheduledTime: Date, runId: string): Promise<RunSummary> {
  void deps;
  void scheduledTime;
  void runId;
  throw new Error(`runScheduled(${watchId}) is not implemented yet`);
}
