import { compileExpression, expandPath, getPath, WATCH_ENTITY, type CompiledExpression, type WatchCondition } from '@vigil/core';

/** One thing the condition found wrong: the entity it is about and the data it was found in. */
export interface Candidate {
  /** Key fields → values (`{ "source.ip": "10.0.0.5" }`); `{}` for a whole-watch condition. */
  entity: Record<string, unknown>;
  /** What transforms and templates read for this entity: a bucket with its parent levels, or the payload. */
  scope: Record<string, unknown>;
}

const compiled = new Map<string, CompiledExpression>();

/** Expressions were checked when the watch was loaded; compile each text once per process. */
export function expression(source: string): CompiledExpression {
  let found = compiled.get(source);
  if (found === undefined) {
    found = compileExpression(source);
    compiled.set(source, found);
  }
  return found;
}

const COMPARE: Record<string, (a: unknown, b: unknown) => boolean> = {
  eq: (a, b) => a === b,
  not_eq: (a, b) => a !== b,
  gt: (a, b) => comparable(a, b) && (a as number) > (b as number),
  gte: (a, b) => comparable(a, b) && (a as number) >= (b as number),
  lt: (a, b) => comparable(a, b) && (a as number) < (b as number),
  lte: (a, b) => comparable(a, b) && (a as number) <= (b as number),
};

function comparable(a: unknown, b: unknown): boolean {
  return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
}

function bucketScope(value: unknown, levels: Record<string, unknown>): Record<string, unknown> {
  const own = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  return { ...own, ...levels };
}

/**
 * Every candidate the condition yields for a payload: per-entity conditions return all matching
 * buckets, not only the first (Watcher's scripted conditions stop at the first).
 */
export function evaluateCondition(condition: WatchCondition, payload: Record<string, unknown>): Candidate[] {
  const whole = (): Candidate[] => [{ entity: { ...WATCH_ENTITY }, scope: payload }];
  if (condition.always === true) return whole();
  if (condition.never === true) return [];
  if (condition.compare !== undefined) {
    const { path, op, value } = condition.compare;
    return COMPARE[op]!(getPath(payload, path), value) ? whole() : [];
  }
  const buckets = condition.buckets!;
  const where = buckets.where === undefined ? undefined : expression(buckets.where);
  return expandPath(payload, buckets.path)
    .map((item) => bucketScope(item.value, item.levels))
    .filter((scope) => where === undefined || Boolean(where.evaluate(scope)))
    .map((scope) => ({ entity: Object.fromEntries(Object.entries(buckets.key).map(([name, path]) => [name, getPath(scope, path) ?? null])), scope }));
}
