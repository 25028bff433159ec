import type { DeliveryLedger, DeliveryQuery, DeliveryRecord } from '@vigil/core';

/** An in-memory {@link DeliveryLedger} with the Elasticsearch ledger's semantics, for engine unit tests. */
export class MemoryDeliveryLedger implements DeliveryLedger {
  readonly #records = new Map<string, DeliveryRecord>();

  async open(record: DeliveryRecord): Promise<'created' | 'exists'> {
    if (this.#records.has(record.id)) return 'exists';
    this.#records.set(record.id, structuredClone(record));
    return 'created';
  }

  async openMany(records: readonly DeliveryRecord[]): Promise<('created' | 'exists')[]> {
    const results: ('created' | 'exists')[] = [];
    for (const record of records) results.push(await this.open(record));
    return results;
  }

  async get(id: string): Promise<DeliveryRecord | undefined> {
    const record = this.#records.get(id);
    return record === undefined ? undefined : structuredClone(record);
  }

  async getMany(ids: readonly string[]): Promise<Map<string, DeliveryRecord>> {
    return new Map(ids.flatMap((id) => (this.#records.has(id) ? [[id, structuredClone(this.#records.get(id)!)] as const] : [])));
  }

  async update(id: string, patch: Partial<DeliveryRecord>): Promise<void> {
    const record = this.#records.get(id);
    if (record === undefined) throw new Error(`no notification ${id}`);
    this.#records.set(id, { ...record, ...structuredClone(patch) });
  }

  async list(query: DeliveryQuery): Promise<DeliveryRecord[]> {
    const found = [...this.#records.values()]
      .filter((r) => (query.watchId === undefined || r.watch_id === query.watchId) && (query.statuses === undefined || query.statuses.includes(r.status)))
      .sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : a.id < b.id ? -1 : 1));
    return found.slice(0, query.limit ?? 100).map((r) => structuredClone(r));
  }

  async count(query: Omit<DeliveryQuery, 'limit'>): Promise<number> {
    return (await this.list({ ...query, limit: Number.MAX_SAFE_INTEGER })).length;
  }
}
