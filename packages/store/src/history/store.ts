import type { DeliveryAttempt, HistoryRecord, HistoryStore } from '@vigil/core';
import { dailySystemIndex } from '../indices.ts';
import { request, type StoreOptions } from '../state/elasticsearch.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

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
