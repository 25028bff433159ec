import type { estypes } from '@elastic/elasticsearch';
import type { DeliveryLedger, DeliveryQuery, DeliveryRecord } from '@vigil/core';
import { systemIndex } from '../indices.ts';
import { bulkItemOutcome, chunks, failure, isConflict, request, type StoreOptions } from '../state/elasticsearch.ts';

/** Records per `_bulk` of {@link ElasticsearchDeliveryLedger.openMany}. */
const OPEN_BATCH = 5_000;

/**
 * The delivery ledger in `<prefix>-deliveries`, `_id` = notification id. `open` is a create, so
 * the run that queues a notification and the sweep that re-queues it agree on one record. Writes do
 * not wait for a refresh (each delivery writes twice, and deliveries are many); `get`/`getMany` are
 * realtime GETs, and `list`/`count` (an operator's reads) refresh first.
 */
export class ElasticsearchDeliveryLedger implements DeliveryLedger {
  readonly #options: StoreOptions;
  readonly #index: string;

  constructor(options: StoreOptions) {
    this.#options = options;
    this.#index = systemIndex(options.prefix, 'deliveries');
  }

  async open(record: DeliveryRecord): Promise<'created' | 'exists'> {
    try {
      await this.#options.client.index({ index: this.#index, id: record.id, document: record, op_type: 'create' });
      return 'created';
    } catch (err) {
      if (isConflict(err)) return 'exists';
      throw failure(this.#options, `recording notification ${record.id}`, err);
    }
  }

  async openMany(records: readonly DeliveryRecord[]): Promise<('created' | 'exists')[]> {
    const results: ('created' | 'exists')[] = [];
    for (const batch of chunks(records, OPEN_BATCH)) results.push(...(await this.#create(batch)));
    return results;
  }

  /** One `_bulk` of creates: an existing record (409) is kept; any other refusal throws. */
  async #create(records: readonly DeliveryRecord[]): Promise<('created' | 'exists')[]> {
    const doing = `recording ${records.length} notification(s)`;
    const operations = records.flatMap((r) => [{ create: { _index: this.#index, _id: r.id } }, r]);
    const response = await request(this.#options, doing, () => this.#options.client.bulk({ operations }));
    return response.items.map((item) => (bulkItemOutcome(item.create, doing) === 'ok' ? 'created' : 'exists'));
  }

  async get(id: string): Promise<DeliveryRecord | undefined> {
    const doc = await request(this.#options, `reading notification ${id}`, () => this.#options.client.get<DeliveryRecord>({ index: this.#index, id }, { ignore: [404] }));
    return doc.found ? doc._source : undefined;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, DeliveryRecord>> {
    const found = new Map<string, DeliveryRecord>();
    if (ids.length === 0) return found;
    const res = await request(this.#options, `reading ${ids.length} notification(s)`, () => this.#options.client.mget<DeliveryRecord>({ index: this.#index, ids: [...ids] }, { ignore: [404] }));
    for (const doc of res.docs ?? []) if ('found' in doc && doc.found && doc._source !== undefined) found.set(doc._id, doc._source);
    return found;
  }

  async update(id: string, patch: Partial<DeliveryRecord>): Promise<void> {
    await request(this.#options, `updating notification ${id}`, () => this.#options.client.update({ index: this.#index, id, doc: patch, retry_on_conflict: 5 }));
  }

  async list(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    const res = await request(this.#options, 'listing notifications', async () =>
      (await this.#refresh()).search<DeliveryRecord>({ index: this.#index, query: this.#query(query), sort: [{ created: 'desc' }, { id: 'asc' }], size: Math.min(query.limit ?? 100, 10_000), ignore_unavailable: true, allow_no_indices: true }),
    );
    return res.hits.hits.flatMap((h) => (h._source === undefined ? [] : [h._source]));
  }

  async count(query: Omit<DeliveryQuery, 'limit'>): Promise<number> {
    const res = await request(this.#options, 'counting notifications', async () => (await this.#refresh()).count({ index: this.#index, query: this.#query(query), ignore_unavailable: true, allow_no_indices: true }));
    return res.count;
  }

  async #refresh() {
    await this.#options.client.indices.refresh({ index: this.#index, ignore_unavailable: true, allow_no_indices: true });
    return this.#options.client;
  }

  #query(query: Omit<DeliveryQuery, 'limit'>): estypes.QueryDslQueryContainer {
    const filter: estypes.QueryDslQueryContainer[] = [
      ...(query.watchId === undefined ? [] : [{ term: { watch_id: query.watchId } }]),
      ...(query.statuses === undefined ? [] : [{ terms: { status: query.statuses } }]),
    ];
    return { bool: { filter } };
  }
}
