import { entityKey, type Truncation, type Watch, type WatchCondition } from '@vigil/core';
import { evaluateCondition } from '../condition/index.ts';
import { executeInput, type Cut, type InputDeps, type TimeWindow } from '../input/index.ts';
import { buildPayload } from '../transform/index.ts';

/** An entity the condition matched in a window, with its alert payload. */
export interface Match {
  entity: Record<string, unknown>;
  entityKey: string;
  payload: Record<string, unknown>;
}

/** One window's input, condition and transform: everything a run decides before touching state. */
export interface WindowEvaluation {
  /** The window the run covers: it ends at the run time minus the search delay. */
  window: TimeWindow;
  hits: number;
  matches: Match[];
  /** What the input's results left out; empty when the condition saw everything. */
  truncated: Truncation[];
}

/** `inputs.<name>.` of a payload path (a chain step or join side), or '' for a single search's response. */
const inputOf = (path: string): string => /^inputs\.[^.]+\./.exec(path)?.[0] ?? '';

/**
 * Whether a cut may leave entities out of what the condition reads. Bounds and join sides always
 * may; a `terms` cut may not only when it is in the search the per-entity path reads and off that
 * path (a `terms` for the payload beside the entity levels). Whole-watch conditions: any cut may.
 */
export function affectsEntities(cut: Cut, condition: WatchCondition): boolean {
  const path = condition.buckets?.path;
  if (cut.reason !== 'terms sum_other_doc_count' || path === undefined) return true;
  return inputOf(cut.path) !== inputOf(path) || path.startsWith(`${cut.path}.buckets[]`);
}

/** The longest search delay: a run at time t covers up to `t - delay`, and that is its checkpoint. */
export function runDelay(watch: Watch): number {
  const input = watch.input;
  if (input.top_sources !== undefined) return 0;
  const searches = input.search !== undefined ? [input.search] : input.chain !== undefined ? input.chain.map((c) => c.search) : [input.join!.left.search, input.join!.right.search];
  return Math.max(...searches.map((s) => s.window.delay));
}

/** Evaluates the window of the run at `runTime` (no state read or written). */
export async function evaluateWindow(watch: Watch, runTime: Date, deps: InputDeps): Promise<WindowEvaluation> {
  const result = await executeInput(watch.input, runTime, deps);
  const window = { from: result.window.from, to: new Date(runTime.getTime() - runDelay(watch)).toISOString() };
  const matches = evaluateCondition(watch.condition, result.payload).map((candidate) => ({
    entity: candidate.entity,
    entityKey: entityKey(candidate.entity),
    payload: buildPayload(watch.transform, candidate, { watch, window }),
  }));
  // one match per entity: a duplicate key (two buckets naming the same entity) keeps the first
  const unique = new Map<string, Match>();
  for (const m of matches) if (!unique.has(m.entityKey)) unique.set(m.entityKey, m);
  const truncated = result.cuts.map((cut) => ({ ...cut, affects_entities: affectsEntities(cut, watch.condition) }));
  return { window, hits: result.hits, matches: [...unique.values()], truncated };
}
