import { getPath } from '@vigil/core';

/** A hit's `_source`, as the join sees it. */
type Source = Record<string, unknown>;

/** One `on` or `origin` item of a join: a left field and a right field. */
export interface JoinPair {
  left: string;
  right: string;
}

export interface JoinSpec {
  leftName: string;
  rightName: string;
  /** Fields equal on both sides. */
  on: readonly JoinPair[];
  /**
   * Fields that identify where a hit was written from (sshd's `process.pid`, with the host in `on`):
   * with them the join names one source per left hit instead of pairing hits (see {@link joinHits}).
   */
  origin?: readonly JoinPair[];
  within: number;
  timeField: string;
}

/** How an attributing join named the source of a left hit (`joined[].attribution`). */
export interface Attribution {
  /** The source's `source.ip`, only when one source is certain; `null` otherwise. */
  source: string | null;
  /** No single source: several candidates remain, or none. */
  ambiguous: boolean;
  /** The distinct `source.ip` of the candidates, the most likely first (nearest before the left hit). */
  candidates: string[];
  /**
   * `process`: a right hit of the left hit's own origin names it (sshd's `Invalid user x from IP port P`
   * of the same pid); `connection`: the only candidate connection (a firewall line nearest before);
   * `none`: no candidate.
   */
  evidence: 'process' | 'connection' | 'none';
}

/** The ECS field that names a source, and the fields that identify one connection of it. */
const SOURCE_FIELD = 'source.ip';
const CONNECTION_FIELDS = ['source.ip', 'source.port'] as const;

interface Timed {
  source: Source;
  t: number;
}

function timeOf(source: Source, field: string): number {
  const value = getPath(source, field) ?? source[field];
  return typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : Number.NaN;
}

/** A field by ECS dotted name: nested objects (`source.ip` → source → ip) or a literal dotted key. */
function field(source: Source, path: string): unknown {
  return getPath(source, path) ?? source[path];
}

function byTime(side: readonly Source[], timeField: string): Timed[] {
  return side
    .map((source) => ({ source, t: timeOf(source, timeField) }))
    .filter((x) => Number.isFinite(x.t))
    .sort((a, b) => a.t - b.t);
}

/**
 * Calls `visit` with every left hit and the right hits within `within` milliseconds of it that are
 * equal on `pairs`. Both sides are sorted by time and swept once: the cost is the sort plus the
 * neighbours visited.
 */
function sweep(left: readonly Timed[], right: readonly Timed[], pairs: readonly JoinPair[], within: number, visit: (a: Timed, near: Timed[]) => void): void {
  let start = 0;
  for (const a of left) {
    while (start < right.length && right[start]!.t < a.t - within) start += 1;
    const near: Timed[] = [];
    for (let i = start; i < right.length && right[i]!.t <= a.t + within; i += 1) {
      const b = right[i]!;
      if (pairs.every((pair) => field(a.source, pair.left) === field(b.source, pair.right))) near.push(b);
    }
    visit(a, near);
  }
}

/**
 * Joins two searches' hits; `joined[]` in the payload.
 *
 * Without `origin`: every left hit paired with every right hit within `within` of it and
 * equal on `on`, each pair `{ <left name>: hit, <right name>: hit }`.
 *
 * With one (seed 000: the probe has no address, the lines around it do): one element per left hit,
 * `{ <left name>: hit, <right name>: the hit that names the source (when one does), attribution }`
 * (see {@link Attribution}), from the strongest evidence down, among right hits within `within` and
 * equal on the plain pairs:
 * 1. right hits of the left hit's own origin (equal on the `origin` fields) that carry `source.ip`;
 * 2. else right hits without the origin fields (firewall lines), except those whose connection
 *    (`source.ip`, `source.port`, and the plain pairs' values) a right hit of another origin claims
 *    anywhere in the window (a login, a failed password, a closed connection that sshd logged under
 *    another pid): nearest before the left hit first, then after.
 * The source is named only when those candidates share one `source.ip`; otherwise it is `null`,
 * `ambiguous` is true and `candidates` lists what remained.
 */
export function joinHits(left: readonly Source[], right: readonly Source[], spec: JoinSpec): Record<string, unknown>[] {
  const l = byTime(left, spec.timeField);
  const r = byTime(right, spec.timeField);
  const plain = spec.on;
  const origin = spec.origin ?? [];
  const joined: Record<string, unknown>[] = [];
  if (origin.length === 0) {
    sweep(l, r, plain, spec.within, (a, near) => {
      for (const b of near) joined.push({ [spec.leftName]: a.source, [spec.rightName]: b.source });
    });
    return joined;
  }
  const claims = connectionClaims(r, plain, origin);
  sweep(l, r, plain, spec.within, (a, near) => {
    const { named, attribution } = attribute(a, near, { plain, origin, claims });
    joined.push(named === undefined ? { [spec.leftName]: a.source, attribution } : { [spec.leftName]: a.source, [spec.rightName]: named.source, attribution });
  });
  return joined;
}

/** What {@link attribute} needs besides the hits. */
interface Evidence {
  plain: readonly JoinPair[];
  origin: readonly JoinPair[];
  /** Connection key → the origins whose hits name that connection. */
  claims: Map<string, Set<string>>;
}

/** The origin of a hit (the values of the `origin` fields on its side), or undefined when it has none. */
function originOf(source: Source, origin: readonly JoinPair[], side: 'left' | 'right'): string | undefined {
  const values = origin.map((pair) => field(source, pair[side]));
  return values.some((v) => v === undefined || v === null) ? undefined : JSON.stringify(values);
}

/** A right hit's connection: the plain pairs' values, `source.ip` and `source.port`; undefined without them. */
function connectionOf(source: Source, plain: readonly JoinPair[]): string | undefined {
  const values = [...plain.map((pair) => field(source, pair.right)), ...CONNECTION_FIELDS.map((f) => field(source, f))];
  return values.some((v) => v === undefined || v === null) ? undefined : JSON.stringify(values);
}

function connectionClaims(right: readonly Timed[], plain: readonly JoinPair[], origin: readonly JoinPair[]): Map<string, Set<string>> {
  const claims = new Map<string, Set<string>>();
  for (const { source } of right) {
    const by = originOf(source, origin, 'right');
    const connection = connectionOf(source, plain);
    if (by === undefined || connection === undefined) continue;
    let set = claims.get(connection);
    if (set === undefined) claims.set(connection, (set = new Set()));
    set.add(by);
  }
  return claims;
}

const nameOf = (hit: Timed): string | undefined => {
  const value = field(hit.source, SOURCE_FIELD);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** Right hits nearest before `t` first, then the ones after it, nearest first. */
function nearestBefore(hits: readonly Timed[], t: number): Timed[] {
  const before = hits.filter((h) => h.t <= t).sort((a, b) => b.t - a.t);
  const after = hits.filter((h) => h.t > t).sort((a, b) => a.t - b.t);
  return [...before, ...after];
}

/** Names the source of left hit `a` from the right hits `near` it (see {@link joinHits}). */
function attribute(a: Timed, near: readonly Timed[], e: Evidence): { named?: Timed; attribution: Attribution } {
  const own = originOf(a.source, e.origin, 'left');
  const ofOwn = near.filter((b) => own !== undefined && originOf(b.source, e.origin, 'right') === own && nameOf(b) !== undefined);
  if (ofOwn.length > 0) return decide(nearestBefore(ofOwn, a.t), 'process');
  const claimedByAnother = (b: Timed) => {
    const connection = connectionOf(b.source, e.plain);
    const by = connection === undefined ? undefined : e.claims.get(connection);
    return by !== undefined && [...by].some((o) => o !== own);
  };
  const unclaimed = near.filter((b) => originOf(b.source, e.origin, 'right') === undefined && nameOf(b) !== undefined && !claimedByAnother(b));
  return decide(nearestBefore(unclaimed, a.t), 'connection');
}

function decide(ranked: readonly Timed[], evidence: 'process' | 'connection'): { named?: Timed; attribution: Attribution } {
  const candidates = [...new Set(ranked.map((b) => nameOf(b) as string))];
  if (candidates.length === 1) return { named: ranked[0], attribution: { source: candidates[0] as string, ambiguous: false, candidates, evidence } };
  return { attribution: { source: null, ambiguous: true, candidates, evidence: candidates.length === 0 ? 'none' : evidence } };
}
