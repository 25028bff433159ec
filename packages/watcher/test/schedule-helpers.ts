// Shared by the scheduler and worker tests: a registry in memory and cleanup of one prefix's keys.
import { deleteRedisPrefix } from '@vigil/testkit';
import type { Revised, StoredWatch, Watch, WatchRegistry, WatchStatus } from '@vigil/core';

/** Just enough of WatchRegistry for scheduling: list, put by schedule, enable, delete. */
export class FakeRegistry implements WatchRegistry {
  readonly watches = new Map<string, StoredWatch>();
  failList: Error | undefined;

  add(id: string, schedule: Partial<Watch['schedule']>, enabled = true): StoredWatch {
    const previous = this.watches.get(id);
    const stored: StoredWatch = {
      id,
      version: (previous?.version ?? 0) + 1,
      enabled,
      definition: { id, schedule: { max_catch_up: 3_600_000, ...schedule } } as unknown as Watch,
      updated: new Date().toISOString(),
      status: {},
    };
    this.watches.set(id, stored);
    return stored;
  }

  async put(watch: Watch): Promise<{ result: 'created' | 'updated' | 'unchanged'; version: number }> {
    const had = this.watches.has(watch.id);
    return { result: had ? 'updated' : 'created', version: this.add(watch.id, watch.schedule).version };
  }
  async get(id: string): Promise<Revised<StoredWatch> | undefined> {
    const value = this.watches.get(id);
    return value === undefined ? undefined : { value, revision: { seqNo: 0, primaryTerm: 1 } };
  }
  async list(): Promise<StoredWatch[]> {
    if (this.failList !== undefined) throw this.failList;
    return [...this.watches.values()];
  }
  async delete(id: string): Promise<boolean> {
    return this.watches.delete(id);
  }
  async setEnabled(id: string, enabled: boolean): Promise<boolean> {
    const w = this.watches.get(id);
    if (w === undefined) return false;
    w.enabled = enabled;
    return true;
  }
  async updateStatus(id: string, patch: Partial<WatchStatus>): Promise<'ok' | 'missing'> {
    const w = this.watches.get(id);
    if (w === undefined) return 'missing';
    Object.assign(w.status, patch);
    return 'ok';
  }
}

/** "Redis was emptied", for one test prefix (never FLUSHDB: the Redis is shared). */
export const deletePrefixKeys = deleteRedisPrefix;

export { eventually } from '@vigil/testkit';
