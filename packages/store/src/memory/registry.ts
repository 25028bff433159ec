import { systemClock, type Clock, type Revised, type Revision, type StoredWatch, type Watch, type WatchRegistry, type WatchStatus } from '@vigil/core';
import { mergeDeep } from '../state/canonical.ts';
import { nextStored, sameDefinition } from '../watches/document.ts';

interface Entry {
  value: StoredWatch;
  seqNo: number;
}

/**
 * An in-memory {@link WatchRegistry} for unit tests of the engine, with the Elasticsearch registry's
 * semantics: idempotent put, versions, deep-merged status, revisions and conflicts. Values are
 * copied in and out, so a caller mutating what it got never changes the store.
 */
export class MemoryWatchRegistry implements WatchRegistry {
  readonly #watches = new Map<string, Entry>();
  readonly #clock: Clock;
  #seqNo = 0;

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async put(watch: Watch, sourceFile?: string): Promise<{ result: 'created' | 'updated' | 'unchanged'; version: number }> {
    const existing = this.#watches.get(watch.id)?.value;
    if (existing !== undefined && sameDefinition(existing.definition, watch)) return { result: 'unchanged', version: existing.version };
    const next = nextStored(structuredClone(watch), sourceFile, existing, this.#clock.now());
    this.#set(next);
    return { result: existing === undefined ? 'created' : 'updated', version: next.version };
  }

  async get(id: string): Promise<Revised<StoredWatch> | undefined> {
    const entry = this.#watches.get(id);
    return entry === undefined ? undefined : { value: structuredClone(entry.value), revision: { seqNo: entry.seqNo, primaryTerm: 1 } };
  }

  async list(): Promise<StoredWatch[]> {
    return [...this.#watches.values()].map((e) => structuredClone(e.value)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async delete(id: string): Promise<boolean> {
    return this.#watches.delete(id);
  }

  async setEnabled(id: string, enabled: boolean): Promise<boolean> {
    const entry = this.#watches.get(id);
    if (entry === undefined) return false;
    this.#set({ ...entry.value, enabled });
    return true;
  }

  async updateStatus(id: string, patch: Partial<WatchStatus>, expected?: Revision): Promise<'ok' | 'conflict' | 'missing'> {
    const entry = this.#watches.get(id);
    if (entry === undefined) return 'missing';
    if (expected !== undefined && (expected.seqNo !== entry.seqNo || expected.primaryTerm !== 1)) return 'conflict';
    this.#set({ ...entry.value, status: mergeDeep(entry.value.status as Record<string, unknown>, structuredClone(patch)) as WatchStatus });
    return 'ok';
  }

  #set(value: StoredWatch): void {
    this.#watches.set(value.id, { value: structuredClone(value), seqNo: this.#seqNo++ });
  }
}
