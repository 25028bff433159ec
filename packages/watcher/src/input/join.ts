import { getPath } from '@vigil/core';

/** A hit's `_source`, as the join sees it. */
type Source = Record<string, unknown>;

export interface JoinSpec {
  leftName: string;
  rightName: string;
  on: readonly { left: string; right: string }[];
  within: number;
  timeField: string;
}

function timeOf(source: Source, field: string): number {
  const value = getPath(source, field) ?? source[field];
  return typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : Number.NaN;
}

/** A field by ECS dotted name: nested objects (`source.ip` → source → ip) or a literal dotted key. */
function field(source: Source, path: string): unknown {
  return getPath(source, path) ?? source[path];
}

/**
 * Pairs every left hit with every right hit within `within` milliseconds of it (and equal on `on`).
 * Both sides are sorted by time and swept once, so the cost is the sort plus the pairs found.
 * Seed 000: sshd's user-enumeration line has no address; the firewall line a moment later does.
 */
export function joinHits(left: readonly Source[], right: readonly Source[], spec: JoinSpec): Record<string, Source>[] {
  const byTime = (side: readonly Source[]) =>
    side
      .map((source) => ({ source, t: timeOf(source, spec.timeField) }))
      .filter((x) => Number.isFinite(x.t))
      .sort((a, b) => a.t - b.t);
  const l = byTime(left);
  const r = byTime(right);
  const joined: Record<string, Source>[] = [];
  let start = 0;
  for (const a of l) {
    while (start < r.length && r[start]!.t < a.t - spec.within) start += 1;
    for (let i = start; i < r.length && r[i]!.t <= a.t + spec.within; i += 1) {
      const b = r[i]!;
      if (spec.on.every((pair) => field(a.source, pair.left) === field(b.source, pair.right))) {
        joined.push({ [spec.leftName]: a.source, [spec.rightName]: b.source });
      }
    }
  }
  return joined;
}
