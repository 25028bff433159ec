import type { estypes } from '@elastic/elasticsearch';
import type { DeliveryAttempt, HistoryRecord, HistoryStore, TruncatedWatch } from '@vigil/core';
import { dailySystemIndex } from '../indices.ts';
import { request, type StoreOptions } from '../state/elasticsearch.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
/** Watches per page of {@link ElasticsearchHistoryStore.truncatedSince}'s composite aggregation. */
const WATCH_PAGE = 1_000;

interface TruncatedBucket {
  key: { watch: string };
  doc_count: number;
  last: { value: number | null };
}

/**
 * Run history in daily indices `<prefix>-watch-history-YYYY.MM.DD`, dated by the record's
 * `@timestamp` (the run's start). Writes do not wait for a refresh: a worker records one entry per
 * evaluated window and must not block on it. `list` refreshes the history indices first instead —
 * it is an operator's read (`vigil watch history`), rare next to the writes — so it sees every
 * recorded run.
 */
export class ElasticsearchHistoryStore implements HistoryStore {
  readonly #options: StoreOptions;
  readonly #pattern: string;

  constructor(options: StoreOptions) {
    this.#options = options;
    this.#pattern = `${options.prefix}-watch-history-*`;
  }

  async record(entry: HistoryRecord): Promise<void> {
    const index = dailySystemIndex(this.#options.prefix, 'watch-history', entry['@timestamp']);
    await request(this.#options, `recording a run of watch ${entry.watch_id}`, () => this.#options.client.index({ index, document: entry }));
  }

  /** Newest first across days; `from` (ISO) keeps runs that started at or after it. */
  async list(watchId: string, options: { limit?: number; from?: string } = {}): Promise<HistoryRecord[]> {
    const { client } = this.#options;
    const size = Math.min(Math.max(options.limit ?? DEFAULT_LIMIT, 0), MAX_LIMIT);
    const filter = [{ term: { watch_id: watchId } }, ...(options.from === undefined ? [] : [{ range: { '@timestamp': { gte: options.from } } }])];
    const found = await request(this.#options, `reading the history of watch ${watchId}`, async () => {
      await client.indices.refresh({ index: this.#pattern, ignore_unavailable: true, allow_no_indices: true });
      return client.search<HistoryRecord>({
        index: this.#pattern,
        query: { bool: { filter, must_not: [{ term: { kind: 'delivery' } }] } },
        sort: [{ '@timestamp': 'desc' }, { 'window.to': 'desc' }],
        size,
        ignore_unavailable: true,
        allow_no_indices: true,
      });
    });
    return found.hits.hits.flatMap((h) => (h._source === undefined ? [] : [h._source]));
  }

  /** Every watch, paged through a composite aggregation on `watch_id`, in id order. */
  async truncatedSince(from: string): Promise<TruncatedWatch[]> {
    const { client } = this.#options;
    const query = { bool: { filter: [{ range: { '@timestamp': { gte: from } } }, { exists: { field: 'truncated.reason' } }] } };
    const found: TruncatedWatch[] = [];
    await request(this.#options, 'reading the watches whose runs were truncated', async () => {
      await client.indices.refresh({ index: this.#pattern, ignore_unavailable: true, allow_no_indices: true });
      let after: estypes.AggregationsCompositeAggregateKey | undefined;
      do {
        const composite = { size: WATCH_PAGE, sources: [{ watch: { terms: { field: 'watch_id' } } }], ...(after === undefined ? {} : { after }) };
        const page = await client.search({ index: this.#pattern, size: 0, query, aggs: { by_watch: { composite, aggs: { last: { max: { field: '@timestamp' } } } } }, ignore_unavailable: true, allow_no_indices: true });
        const agg = page.aggregations?.by_watch as estypes.AggregationsCompositeAggregate | undefined;
        const buckets = (agg?.buckets ?? []) as unknown as TruncatedBucket[];
        for (const b of buckets) found.push({ watch_id: b.key.watch, runs: b.doc_count, last: new Date(b.last.value ?? 0).toISOString() });
        after = buckets.length < WATCH_PAGE ? undefined : agg?.after_key;
      } while (after !== undefined);
    });
    return found;
  }

  async recordAttempt(entry: DeliveryAttempt): Promise<void> {
    const index = dailySystemIndex(this.#options.prefix, 'watch-history', entry['@timestamp']);
    await request(this.#options, `recording a delivery attempt of watch ${entry.watch_id}`, () => this.#options.client.index({ index, document: entry }));
  }

  async listAttempts(watchId: string, options: { limit?: number; notificationId?: string } = {}): Promise<DeliveryAttempt[]> {
    const { client } = this.#options;
    const filter = [{ term: { watch_id: watchId } }, { term: { kind: 'delivery' } }, ...(options.notificationId === undefined ? [] : [{ term: { notification_id: options.notificationId } }])];
    const found = await request(this.#options, `reading the delivery attempts of watch ${watchId}`, async () => {
      await client.indices.refresh({ index: this.#pattern, ignore_unavailable: true, allow_no_indices: true });
      return client.search<DeliveryAttempt>({
        index: this.#pattern,
        query: { bool: { filter } },
        sort: [{ '@timestamp': 'desc' }, { attempt: 'desc' }],
        size: Math.min(Math.max(options.limit ?? DEFAULT_LIMIT, 0), MAX_LIMIT),
        ignore_unavailable: true,
        allow_no_indices: true,
      });
    });
    return found.hits.hits.flatMap((h) => (h._source === undefined ? [] : [h._source]));
  }
}
