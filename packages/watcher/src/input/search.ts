import type { Client, estypes } from '@elastic/elasticsearch';
import type { WatchSearch } from '@vigil/core';
import { elasticsearchError } from '@vigil/store';

/** A time window `[from, to)`, ISO strings. */
export interface TimeWindow {
  from: string;
  to: string;
}

/** The window a search covers when it ends at `end`: `[end - size, end)`. */
export function windowEndingAt(search: Pick<WatchSearch, 'window'>, end: Date): TimeWindow {
  return { from: new Date(end.getTime() - search.window.size).toISOString(), to: end.toISOString() };
}

/**
 * The Elasticsearch request of a watch search: the index patterns under the prefix, the user's query
 * AND-ed with the window's range filter (`gte from`, `lt to`, so consecutive windows never count an
 * event twice), exact hit counts.
 */
export function searchRequest(search: WatchSearch, window: TimeWindow, prefix: string, query = search.query): estypes.SearchRequest {
  const range = { range: { [search.window.field]: { gte: window.from, lt: window.to, format: 'strict_date_optional_time' } } };
  return {
    index: search.indices.map((pattern) => `${prefix}-${pattern}`),
    ignore_unavailable: true,
    allow_no_indices: true,
    track_total_hits: true,
    size: search.size,
    query: { bool: { filter: query === undefined ? [range] : [range, query as estypes.QueryDslQueryContainer] } },
    ...(search.aggs === undefined ? {} : { aggs: search.aggs as Record<string, estypes.AggregationsAggregationContainer> }),
    ...(search.sort === undefined ? {} : { sort: search.sort as estypes.Sort }),
  };
}

/** Runs one search; the response body is the payload conditions and transforms read. */
export async function runSearch(client: Client, request: estypes.SearchRequest): Promise<Record<string, unknown>> {
  try {
    return (await client.search(request)) as unknown as Record<string, unknown>;
  } catch (error) {
    throw elasticsearchError(error, 'elasticsearch', `searching ${String(request.index)}`);
  }
}

/** `hits.total.value` of a search response. */
export function totalHits(response: Record<string, unknown>): number {
  const total = (response.hits as { total?: number | { value: number } } | undefined)?.total;
  return typeof total === 'number' ? total : (total?.value ?? 0);
}
