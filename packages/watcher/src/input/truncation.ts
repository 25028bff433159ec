import type { Cut } from './paging.ts';
import { totalHits } from './search.ts';

interface TermsFigures {
  otherDocs: number;
  buckets: number;
}

/** Walks `value` at `path`, adding every `sum_other_doc_count > 0` under its path pattern (`[]` for each bucket level). */
function walk(value: unknown, path: string, found: Map<string, TermsFigures>): void {
  if (Array.isArray(value)) {
    for (const element of value) walk(element, `${path}[]`, found);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const other = (value as { sum_other_doc_count?: unknown }).sum_other_doc_count;
  if (typeof other === 'number' && other > 0) {
    const seen = found.get(path) ?? { otherDocs: 0, buckets: 0 };
    found.set(path, { otherDocs: seen.otherDocs + other, buckets: seen.buckets + 1 });
  }
  for (const [key, child] of Object.entries(value)) if (child !== null && typeof child === 'object') walk(child, `${path}.${key}`, found);
}

/**
 * Every `terms` (or `multi_terms`) aggregation of a search response that left buckets out
 * (`sum_other_doc_count > 0`), at any depth: one cut per aggregation path, its figures summed over
 * the parent buckets (`aggregations.by_source.buckets[].hosts`, 1234 other documents in 17 buckets).
 */
export function termsCuts(response: Record<string, unknown>): Cut[] {
  const found = new Map<string, TermsFigures>();
  walk(response.aggregations, 'aggregations', found);
  return [...found].map(([path, f]) => ({ path, reason: 'terms sum_other_doc_count', other_docs: f.otherDocs, ...(path.includes('[]') ? { buckets: f.buckets } : {}) }));
}

/** A join side that matched more hits than its `size` returned (it returned exactly `size`). */
export function joinSideCut(response: Record<string, unknown>, size: number): Cut[] {
  const returned = ((response.hits as { hits?: unknown[] } | undefined)?.hits ?? []).length;
  const total = totalHits(response);
  return returned >= size && total > returned ? [{ path: 'hits', reason: 'join side size', hits: returned, total, bound: size }] : [];
}

/** The cuts of a chain step or join side, with their paths under `inputs.<name>.`. */
export function underInput(name: string, cuts: readonly Cut[]): Cut[] {
  return cuts.map((c) => ({ ...c, path: `inputs.${name}.${c.path}` }));
}
