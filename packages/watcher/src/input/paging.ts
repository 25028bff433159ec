import type { Client, estypes } from '@elastic/elasticsearch';
import { PAGING_DEFAULTS, type Truncation, type WatchSearch } from '@vigil/core';
import { runSearch } from './search.ts';

/** A cut found in a search's response, before the condition says whether it touches its entities. */
export type Cut = Omit<Truncation, 'affects_entities'>;

/** The page size of a composite aggregation that gives none (Elasticsearch's own default is 10). */
export const DEFAULT_PAGE_SIZE = 10_000;

type Aggs = Record<string, estypes.AggregationsAggregationContainer>;

/** One top-level composite aggregation being paged through. */
interface Pager {
  name: string;
  definition: estypes.AggregationsAggregationContainer;
  pageSize: number;
  buckets: unknown[];
  after?: estypes.AggregationsCompositeAggregateKey;
  /** The last page was full: more buckets may follow. */
  more: boolean;
  pages: number;
}

interface Bounds {
  maxEntities: number;
  maxPages: number;
}

function pagersOf(aggs: Aggs | undefined): Pager[] {
  return Object.entries(aggs ?? {})
    .filter(([, definition]) => definition.composite !== undefined)
    .map(([name, definition]) => ({ name, definition, pageSize: definition.composite!.size ?? DEFAULT_PAGE_SIZE, buckets: [], more: true, pages: 0 }));
}

const open = (bounds: Bounds) => (p: Pager) => p.more && p.buckets.length < bounds.maxEntities;

/** The pager's composite for its next page: the page size within the entity bound, after the last key. */
function nextPage(p: Pager, bounds: Bounds): estypes.AggregationsAggregationContainer {
  const size = Math.min(p.pageSize, bounds.maxEntities - p.buckets.length);
  return { ...p.definition, composite: { ...p.definition.composite!, size, ...(p.after === undefined ? {} : { after: p.after }) } };
}

/** Takes one page's buckets of each pager that was in the request. */
function collect(response: Record<string, unknown>, requested: readonly Pager[], sizes: ReadonlyMap<string, number>): void {
  const aggregations = (response.aggregations ?? {}) as Record<string, { buckets?: unknown[]; after_key?: estypes.AggregationsCompositeAggregateKey }>;
  for (const p of requested) {
    const page = aggregations[p.name];
    const buckets = page?.buckets ?? [];
    p.buckets.push(...buckets);
    p.pages += 1;
    // a page with fewer buckets than asked for is the last (composite pages are exact)
    p.more = buckets.length >= (sizes.get(p.name) ?? 0) && buckets.length > 0 && page?.after_key !== undefined;
    if (page?.after_key !== undefined) p.after = page.after_key;
  }
}

/** The request of a later page: the same query, no hits, only the composites still open. */
function laterRequest(request: estypes.SearchRequest, aggs: Aggs): estypes.SearchRequest {
  const { sort: _sort, aggs: _aggs, ...rest } = request;
  return { ...rest, size: 0, track_total_hits: false, aggs };
}

/** The first page's response with every composite's buckets merged into one array (its `after_key` dropped). */
function merged(first: Record<string, unknown>, pagers: readonly Pager[]): Record<string, unknown> {
  const aggregations = { ...(first.aggregations as Record<string, Record<string, unknown>>) };
  for (const p of pagers) {
    const { after_key: _after, ...agg } = aggregations[p.name] ?? {};
    aggregations[p.name] = { ...agg, buckets: p.buckets };
  }
  return { ...first, aggregations };
}

function cutOf(p: Pager, bounds: Bounds): Cut[] {
  if (!p.more) return [];
  const figures = { path: `aggregations.${p.name}`, entities: p.buckets.length, pages: p.pages };
  if (p.buckets.length >= bounds.maxEntities) return [{ ...figures, reason: 'entity bound', bound: bounds.maxEntities }];
  return [{ ...figures, reason: 'page bound', bound: bounds.maxPages }];
}

/** Runs one request with the pagers' next pages in it, and takes their buckets. */
async function page(client: Client, request: estypes.SearchRequest, pagers: readonly Pager[], bounds: Bounds, first: boolean): Promise<Record<string, unknown>> {
  const pages = Object.fromEntries(pagers.map((p) => [p.name, nextPage(p, bounds)]));
  const sizes = new Map(pagers.map((p) => [p.name, pages[p.name]!.composite!.size!]));
  const response = await runSearch(client, first ? { ...request, aggs: { ...request.aggs, ...pages } } : laterRequest(request, pages));
  collect(response, pagers, sizes);
  return response;
}

/**
 * Runs a watch search and follows every top-level `composite` aggregation's `after_key` until its
 * buckets are exhausted, `paging.max_entities` buckets are collected, or `paging.max_pages` requests
 * were made; the buckets of all pages end up in one array at the usual path
 * (`aggregations.<name>.buckets`), so conditions read them as from one response. Later pages carry
 * only the composites still open and no hits, so their cost is the aggregation alone. A bound that
 * stopped the paging with more buckets to come is a {@link Cut}.
 */
export async function searchEveryPage(client: Client, request: estypes.SearchRequest, paging: WatchSearch['paging']): Promise<{ response: Record<string, unknown>; cuts: Cut[] }> {
  const bounds = { maxEntities: paging?.max_entities ?? PAGING_DEFAULTS.max_entities, maxPages: paging?.max_pages ?? PAGING_DEFAULTS.max_pages };
  const pagers = pagersOf(request.aggs as Aggs | undefined);
  if (pagers.length === 0) return { response: await runSearch(client, request), cuts: [] };
  const first = await page(client, request, pagers, bounds, true);
  for (let requests = 1; requests < bounds.maxPages && pagers.some(open(bounds)); requests += 1) {
    await page(client, request, pagers.filter(open(bounds)), bounds, false);
  }
  return { response: merged(first, pagers), cuts: pagers.flatMap((p) => cutOf(p, bounds)) };
}
