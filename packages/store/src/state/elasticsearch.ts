import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import { VigilError } from '@vigil/core';
import { elasticsearchError } from '../client.ts';

/** What every Elasticsearch-backed store is built from. */
export interface StoreOptions {
  client: Client;
  /** Index prefix: the stores read and write `<prefix>-watches`, `<prefix>-alerts`, `<prefix>-watch-history-*`. */
  prefix: string;
  /** The cluster's URL, for error messages only (redacted); default: the client's first node. */
  url?: string;
}

export function statusOf(err: unknown): number | undefined {
  return err instanceof errors.ResponseError ? err.meta.statusCode : undefined;
}

/** 409: a create found the document, or `if_seq_no`/`if_primary_term` no longer match. */
export function isConflict(err: unknown): boolean {
  return statusOf(err) === 409;
}

/** 404 of a missing document or of a missing index (the index appears with `vigil setup` or the first write). */
export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404;
}

/** The URL shown in errors: the configured one, or the client's first node. */
export function clusterUrl(options: StoreOptions): string {
  return options.url ?? options.client.connectionPool.connections[0]?.url.toString() ?? 'http://elasticsearch';
}

/**
 * Runs one request and turns a client error into a {@link VigilError} (transient or permanent by
 * status), so callers and the CLI see one error type with the service and the operation named.
 */
export async function request<T>(options: StoreOptions, doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw failure(options, doing, err);
  }
}

/** The {@link VigilError} for a failed request (for callers that handle some statuses themselves). */
export function failure(options: StoreOptions, doing: string, err: unknown): VigilError {
  return elasticsearchError(err, clusterUrl(options), doing);
}

/**
 * Every hit of a query, in pages of `pageSize` with `search_after` on `sort` (which must end with a
 * unique field), so result sets beyond the 10,000 window work. A missing index yields nothing.
 */
export async function searchAll<T>(
  client: Client,
  search: { index: string; query: estypes.QueryDslQueryContainer; sort: estypes.Sort; seqNo?: boolean },
  pageSize = 1000,
): Promise<estypes.SearchHit<T>[]> {
  const out: estypes.SearchHit<T>[] = [];
  let after: estypes.SortResults | undefined;
  for (;;) {
    const page = await client.search<T>({
      index: search.index,
      query: search.query,
      sort: search.sort,
      size: pageSize,
      ignore_unavailable: true,
      allow_no_indices: true,
      track_total_hits: false,
      ...(search.seqNo === true ? { seq_no_primary_term: true } : {}),
      ...(after === undefined ? {} : { search_after: after }),
    });
    out.push(...page.hits.hits);
    const last = page.hits.hits.at(-1);
    if (page.hits.hits.length < pageSize || last?.sort === undefined) return out;
    after = last.sort;
  }
}

/**
 * What one item of a `_bulk` of compare-and-set writes came to: `ok` (2xx) or `conflict` (409: the
 * document exists, or changed since its revision); any other answer throws, transient for 429 and 5xx.
 */
export function bulkItemOutcome(item: estypes.BulkResponseItem | undefined, doing: string): 'ok' | 'conflict' {
  const status = item?.status ?? 0;
  if (status >= 200 && status < 300) return 'ok';
  if (status === 409) return 'conflict';
  const code = status === 429 || status >= 500 || status === 0 ? 'SERVICE_UNAVAILABLE' : 'SERVICE_REJECTED';
  throw new VigilError(code, `elasticsearch answered ${status} to ${doing} (document ${item?._id ?? '?'}): ${item?.error?.reason ?? item?.error?.type ?? 'no reason given'}`);
}

/** `items` in consecutive slices of at most `size`: the requests of a batch operation. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
