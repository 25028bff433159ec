import type { Revised, Revision, StoredWatch, Watch, WatchRegistry, WatchStatus } from '@vigil/core';
import { systemClock, VigilError, type Clock } from '@vigil/core';
import { systemIndex } from '../indices.ts';
import { failure, isConflict, isNotFound, request, searchAll, type StoreOptions } from '../state/elasticsearch.ts';
import { fromDocument, nextStored, sameDefinition, toDocument, type WatchDocument } from './document.ts';

/** Attempts of a `put` racing another writer of the same watch before it gives up. */
const PUT_ATTEMPTS = 5;

/**
 * The watch registry in `<prefix>-watches`, one document per watch with the watch id as `_id`.
 *
 * Reads by id are realtime GETs (they see every acknowledged write). Writes that change what `list`
 * returns (put, delete, activate/deactivate) wait for a refresh (`refresh: wait_for`), so a `list`
 * right after a CLI command sees it; status updates from runs do not wait, since they are frequent
 * and read back by id.
 */
export class ElasticsearchWatchRegistry implements WatchRegistry {
  readonly #options: StoreOptions;
  readonly #index: string;
  readonly #clock: Clock;

  constructor(options: StoreOptions & { clock?: Clock }) {
    this.#options = options;
    this.#index = systemIndex(options.prefix, 'watches');
    this.#clock = options.clock ?? systemClock;
  }

  async put(watch: Watch, sourceFile?: string): Promise<{ result: 'created' | 'updated' | 'unchanged'; version: number }> {
    for (let attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
      const existing = await this.get(watch.id);
      if (existing !== undefined && sameDefinition(existing.value.definition, watch)) return { result: 'unchanged', version: existing.value.version };
      const next = nextStored(watch, sourceFile, existing?.value, this.#clock.now());
      const written = await this.#write(next, existing?.revision ?? 'create');
      if (written) return { result: existing === undefined ? 'created' : 'updated', version: next.version };
      // someone else wrote the watch between our read and write: read again and decide again
    }
    throw new VigilError('SERVICE_UNAVAILABLE', `watch ${watch.id} kept changing while it was being stored (${PUT_ATTEMPTS} attempts); try again`);
  }

  async get(id: string): Promise<Revised<StoredWatch> | undefined> {
    const doc = await request(this.#options, `reading watch ${id}`, () => this.#options.client.get<WatchDocument>({ index: this.#index, id }, { ignore: [404] }));
    if (!doc.found || doc._source === undefined) return undefined;
    return { value: fromDocument(doc._source), revision: { seqNo: doc._seq_no as number, primaryTerm: doc._primary_term as number } };
  }

  async list(): Promise<StoredWatch[]> {
    const hits = await request(this.#options, 'listing watches', () =>
      searchAll<WatchDocument>(this.#options.client, { index: this.#index, query: { match_all: {} }, sort: [{ id: 'asc' }] }),
    );
    return hits.flatMap((h) => (h._source === undefined ? [] : [fromDocument(h._source)]));
  }

  async delete(id: string): Promise<boolean> {
    const res = await request(this.#options, `deleting watch ${id}`, () =>
      this.#options.client.delete({ index: this.#index, id, refresh: 'wait_for' }, { ignore: [404] }),
    );
    return res.result === 'deleted';
  }

  async setEnabled(id: string, enabled: boolean): Promise<boolean> {
    return (await this.#update(id, { enabled }, undefined, true, `${enabled ? 'activating' : 'deactivating'} watch ${id}`)) === 'ok';
  }

  async updateStatus(id: string, patch: Partial<WatchStatus>, expected?: Revision): Promise<'ok' | 'conflict' | 'missing'> {
    return this.#update(id, { status: patch }, expected, false, `updating the status of watch ${id}`);
  }

  /** A partial-document update: Elasticsearch merges objects key by key, without a script. */
  async #update(id: string, doc: Record<string, unknown>, expected: Revision | undefined, refresh: boolean, doing: string): Promise<'ok' | 'conflict' | 'missing'> {
    try {
      await this.#options.client.update({
        index: this.#index,
        id,
        doc,
        // without an expected revision the caller wants its patch in: another writer between
        // Elasticsearch's internal read and write (a run's checkpoint, a put) is retried, not lost
        ...(expected === undefined ? { retry_on_conflict: 5 } : { if_seq_no: expected.seqNo, if_primary_term: expected.primaryTerm }),
        ...(refresh ? { refresh: 'wait_for' as const } : {}),
      });
      return 'ok';
    } catch (err) {
      if (isNotFound(err)) return 'missing';
      if (isConflict(err)) return 'conflict';
      throw failure(this.#options, doing, err);
    }
  }

  /** Writes the whole document, as a create or against a revision; false on a 409. */
  async #write(stored: StoredWatch, expected: Revision | 'create'): Promise<boolean> {
    try {
      await this.#options.client.index({
        index: this.#index,
        id: stored.id,
        document: toDocument(stored),
        refresh: 'wait_for',
        ...(expected === 'create' ? { op_type: 'create' as const } : { if_seq_no: expected.seqNo, if_primary_term: expected.primaryTerm }),
      });
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw failure(this.#options, `storing watch ${stored.id}`, err);
    }
  }
}
