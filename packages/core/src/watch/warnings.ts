import { parsePath, type PathSegment } from './path.ts';
import { referenceProblems } from './references.ts';
import type { Watch, WatchSearch } from './schema.ts';

/** Something a valid watch does that is probably not what its author means: reported, never refused. */
export interface WatchWarning {
  /** Where in the watch file it stands, for `file:line` (`input.search.aggs.by_source.terms`). */
  path: (string | number)[];
  message: string;
}

/** Bucket aggregations that return their top `size` buckets only and count the rest in `sum_other_doc_count`. */
const TOP_BUCKETS = ['terms', 'multi_terms'] as const;

type Aggs = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The search whose aggregations a condition path reads, its place in the file, and the path after `aggregations`. */
function searchOfPath(watch: Watch, segments: readonly PathSegment[]): { search: WatchSearch; at: (string | number)[]; rest: PathSegment[] } | undefined {
  const { search, chain } = watch.input;
  if (search !== undefined && segments[0] === 'aggregations') return { search, at: ['input', 'search'], rest: segments.slice(1) };
  if (chain !== undefined && segments[0] === 'inputs' && segments[2] === 'aggregations') {
    const i = chain.findIndex((step) => step.name === segments[1]);
    if (i >= 0) return { search: chain[i]!.search, at: ['input', 'chain', i, 'search'], rest: segments.slice(3) };
  }
  return undefined;
}

/**
 * What `vigil watch validate` warns about: a path into a search response that has no aggregations
 * (the search defines no `aggs`: the condition can never hold), and a `terms` aggregation that is a level of the per-entity
 * path (`condition.buckets.path` steps through its `buckets[]`). It returns its top `size` buckets
 * only, so entities beyond them never alert (the run records the cut as truncated); a `composite`
 * aggregation is paged through and sees every entity.
 */
export function watchWarnings(watch: Watch): WatchWarning[] {
  const unknowable = referenceProblems(watch)
    .filter((p) => p.severity === 'warning')
    .map((p) => ({ path: p.path, message: p.message }));
  return [...unknowable, ...topBucketWarnings(watch)];
}

function topBucketWarnings(watch: Watch): WatchWarning[] {
  const buckets = watch.condition.buckets;
  if (buckets === undefined) return [];
  const found = searchOfPath(watch, parsePath(buckets.path));
  if (found === undefined) return [];
  const warnings: WatchWarning[] = [];
  let aggs: unknown = found.search.aggs;
  let at: (string | number)[] = [...found.at, 'aggs'];
  let rest = found.rest;
  while (isObject(aggs) && rest.length >= 3 && rest[1] === 'buckets' && rest[2] === '[]') {
    const name = rest[0];
    const agg = typeof name === 'string' ? (aggs as Aggs)[name] : undefined;
    if (!isObject(agg)) break;
    const type = TOP_BUCKETS.find((t) => t in agg);
    if (type !== undefined) {
      warnings.push({
        path: [...at, name as string, type],
        message: `"${name as string}" is a ${type} aggregation on the per-entity path (condition.buckets.path): entities beyond its size never alert (runs record it as truncated); use a composite aggregation, which runs page through, to see every entity`,
      });
    }
    const sub = agg.aggs === undefined ? 'aggregations' : 'aggs';
    aggs = agg[sub];
    at = [...at, name as string, sub];
    rest = rest.slice(3);
  }
  return warnings;
}
