import type { estypes } from '@elastic/elasticsearch';
import { alertId, VigilError, type AlertQuery, type AlertRecord, type AlertStore, type AlertWrite, type Revised, type Revision } from '@vigil/core';
import { systemIndex } from '../indices.ts';
import { bulkItemOutcome, chunks, failure, isConflict, request, searchAll, type StoreOptions } from '../state/elasticsearch.ts';
import { ackAlerts, silenceAlert, type AlertControls } from './control.ts';

const ACTIVE = ['new', 'ongoing'] as const;
/** Documents per `_mget` or `_bulk` request of the batch methods: a few MB each. */
const BATCH = 5_000;

/** The bulk action line of one compare-and-set write. */
function bulkAction(index: string, write: AlertWrite): estypes.BulkOperationContainer {
  const target = { _index: index, _id: alertId(write.record.watch_id, write.record.entity_key) };
  return write.expected === 'create' ? { create: target } : { index: { ...target, if_seq_no: write.expected.seqNo, if_primary_term: write.expected.primaryTerm } };
}

/** Newest activity first; watch and entity make the order total (needed to page with search_after). */
const LIST_SORT: estypes.Sort = [{ last_seen: 'desc' }, { watch_id: 'asc' }, { entity_key: 'asc' }];

/**
 * Alert state per (watch, entity) in `<prefix>-alerts`, `_id` = {@link alertId}. Every write is a
 * compare-and-set (`op_type: create`, or `if_seq_no`/`if_primary_term`), so two workers evaluating the
 * same entity cannot both apply a window: the loser gets `conflict` and re-reads.
 *
 * Read-your-writes: `get` is a realtime GET. `active` must be a search (the entities are not known in
 * advance), so every write uses `refresh: true`: once `write` returns, any later `active` or `list`
 * sees it. Alert writes happen only when an entity fires or resolves, so forced refreshes are rare,
 * whereas refreshing on the read side would cost one refresh per run of every watch.
 */
export class ElasticsearchAlertStore implements AlertStore, AlertControls {
  readonly #options: StoreOptions;
  readonly #index: string;

  constructor(options: StoreOptions) {
    this.#options = options;
    this.#index = systemIndex(options.prefix, 'alerts');
  }

  async get(watchId: string, entityKey: string): Promise<Revised<AlertRecord> | undefined> {
    const id = alertId(watchId, entityKey);
    const doc = await request(this.#options, `reading alert ${id}`, () => this.#options.client.get<AlertRecord>({ index: this.#index, id }, { ignore: [404] }));
    if (!doc.found || doc._source === undefined) return undefined;
    return { value: doc._source, revision: { seqNo: doc._seq_no as number, primaryTerm: doc._primary_term as number } };
  }

  async byId(id: string): Promise<AlertRecord | undefined> {
    const doc = await request(this.#options, `reading alert ${id}`, () => this.#options.client.get<AlertRecord>({ index: this.#index, id }, { ignore: [404] }));
    return doc.found ? doc._source : undefined;
  }

  async getMany(watchId: string, entityKeys: readonly string[]): Promise<Map<string, Revised<AlertRecord>>> {
    const found = new Map<string, Revised<AlertRecord>>();
    for (const keys of chunks(entityKeys, BATCH)) {
      const doing = `reading ${keys.length} alerts of watch ${watchId}`;
      const { docs } = await request(this.#options, doing, () => this.#options.client.mget<AlertRecord>({ index: this.#index, ids: keys.map((k) => alertId(watchId, k)) }));
      for (const doc of docs) {
        if ('error' in doc) {
          // before the first alert write (or `vigil setup`) there is no index: nothing is stored yet
          if (doc.error.type === 'index_not_found_exception') continue;
          throw new VigilError('SERVICE_REJECTED', `elasticsearch refused ${doing}: ${doc.error.reason ?? doc.error.type}`);
        }
        if (doc.found && doc._source !== undefined) found.set(doc._source.entity_key, { value: doc._source, revision: { seqNo: doc._seq_no as number, primaryTerm: doc._primary_term as number } });
      }
    }
    return found;
  }

  async writeMany(writes: readonly AlertWrite[]): Promise<('ok' | 'conflict')[]> {
    const results: ('ok' | 'conflict')[] = [];
    for (const batch of chunks(writes, BATCH)) results.push(...(await this.#bulk(batch)));
    return results;
  }

  /** One `_bulk` of compare-and-set writes, refreshed once at its end (as `write` refreshes each). */
  async #bulk(writes: readonly AlertWrite[]): Promise<('ok' | 'conflict')[]> {
    const doing = `storing ${writes.length} alerts`;
    const operations = writes.flatMap((w) => [bulkAction(this.#index, w), w.record]);
    const response = await request(this.#options, doing, () => this.#options.client.bulk({ operations, refresh: true }));
    return response.items.map((item) => bulkItemOutcome(item.create ?? item.index, doing));
  }

  async write(record: AlertRecord, expected: Revision | 'create'): Promise<'ok' | 'conflict'> {
    const id = alertId(record.watch_id, record.entity_key);
    try {
      await this.#options.client.index({
        index: this.#index,
        id,
        document: record,
        refresh: true,
        ...(expected === 'create' ? { op_type: 'create' as const } : { if_seq_no: expected.seqNo, if_primary_term: expected.primaryTerm }),
      });
      return 'ok';
    } catch (err) {
      if (isConflict(err)) return 'conflict';
      throw failure(this.#options, `storing alert ${id}`, err);
    }
  }

  active(watchId: string): Promise<Revised<AlertRecord>[]> {
    return this.#search(`reading the active alerts of watch ${watchId}`, [{ term: { watch_id: watchId } }, { terms: { state: [...ACTIVE] } }]);
  }

  async withPendingNotifications(watchId: string): Promise<Revised<AlertRecord>[]> {
    return this.#search(`reading the alerts of watch ${watchId} with notifications to check`, [{ term: { watch_id: watchId } }, { exists: { field: 'pending_notifications.id' } }]);
  }

  async #search(doing: string, filter: estypes.QueryDslQueryContainer[]): Promise<Revised<AlertRecord>[]> {
    const hits = await request(this.#options, doing, () =>
      searchAll<AlertRecord>(this.#options.client, { index: this.#index, query: { bool: { filter } }, sort: [{ entity_key: 'asc' }], seqNo: true }),
    );
    return hits.flatMap((h) =>
      h._source === undefined ? [] : [{ value: h._source, revision: { seqNo: h._seq_no as number, primaryTerm: h._primary_term as number } }],
    );
  }

  async list(query: AlertQuery): Promise<AlertRecord[]> {
    const filter: estypes.QueryDslQueryContainer[] = [
      ...(query.watchId === undefined ? [] : [{ term: { watch_id: query.watchId } }]),
      ...(query.states === undefined ? [] : [{ terms: { state: query.states } }]),
    ];
    const search = { index: this.#index, query: { bool: { filter } }, sort: LIST_SORT };
    const hits = await request(this.#options, 'listing alerts', () =>
      query.limit === undefined
        ? searchAll<AlertRecord>(this.#options.client, search)
        : this.#options.client
            .search<AlertRecord>({ ...search, size: query.limit, ignore_unavailable: true, allow_no_indices: true })
            .then((r) => r.hits.hits),
    );
    return hits.flatMap((h) => (h._source === undefined ? [] : [h._source]));
  }

  ack(watchId: string, entityKey?: string): Promise<string[]> {
    return ackAlerts(this, watchId, entityKey);
  }

  silence(watchId: string, entityKey: string, until: string): Promise<string[]> {
    return silenceAlert(this, watchId, entityKey, until);
  }
}
