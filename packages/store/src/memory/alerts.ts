import { alertId, type AlertQuery, type AlertRecord, type AlertStore, type AlertWrite, type Revised, type Revision } from '@vigil/core';
import { ackAlerts, silenceAlert, type AlertControls } from '../alerts/control.ts';

interface Entry {
  value: AlertRecord;
  seqNo: number;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * An in-memory {@link AlertStore} with the Elasticsearch store's semantics: create fails on an
 * existing alert, a write against a stale (or missing) revision is a conflict, `list` orders by
 * last activity. For engine unit tests.
 */
export class MemoryAlertStore implements AlertStore, AlertControls {
  readonly #alerts = new Map<string, Entry>();
  #seqNo = 0;

  async get(watchId: string, entityKey: string): Promise<Revised<AlertRecord> | undefined> {
    const entry = this.#alerts.get(alertId(watchId, entityKey));
    return entry === undefined ? undefined : revised(entry);
  }

  async byId(id: string): Promise<AlertRecord | undefined> {
    const entry = this.#alerts.get(id);
    return entry === undefined ? undefined : structuredClone(entry.value);
  }

  async getMany(watchId: string, entityKeys: readonly string[]): Promise<Map<string, Revised<AlertRecord>>> {
    const found = new Map<string, Revised<AlertRecord>>();
    for (const key of entityKeys) {
      const entry = this.#alerts.get(alertId(watchId, key));
      if (entry !== undefined) found.set(key, revised(entry));
    }
    return found;
  }

  async write(record: AlertRecord, expected: Revision | 'create'): Promise<'ok' | 'conflict'> {
    return this.#write(record, expected);
  }

  /** Each write checked and applied in order, with no other call in between (one `_bulk` of the real store). */
  async writeMany(writes: readonly AlertWrite[]): Promise<('ok' | 'conflict')[]> {
    return writes.map((w) => this.#write(w.record, w.expected));
  }

  #write(record: AlertRecord, expected: Revision | 'create'): 'ok' | 'conflict' {
    const id = alertId(record.watch_id, record.entity_key);
    const entry = this.#alerts.get(id);
    const matches = expected === 'create' ? entry === undefined : entry !== undefined && entry.seqNo === expected.seqNo && expected.primaryTerm === 1;
    if (!matches) return 'conflict';
    this.#alerts.set(id, { value: structuredClone(record), seqNo: this.#seqNo++ });
    return 'ok';
  }

  async active(watchId: string): Promise<Revised<AlertRecord>[]> {
    return [...this.#alerts.values()]
      .filter((e) => e.value.watch_id === watchId && e.value.state !== 'resolved')
      .sort((a, b) => cmp(a.value.entity_key, b.value.entity_key))
      .map(revised);
  }

  async withPendingNotifications(watchId: string): Promise<Revised<AlertRecord>[]> {
    return [...this.#alerts.values()]
      .filter((e) => e.value.watch_id === watchId && (e.value.pending_notifications?.length ?? 0) > 0)
      .sort((a, b) => cmp(a.value.entity_key, b.value.entity_key))
      .map(revised);
  }

  async list(query: AlertQuery): Promise<AlertRecord[]> {
    const found = [...this.#alerts.values()]
      .map((e) => e.value)
      .filter((a) => (query.watchId === undefined || a.watch_id === query.watchId) && (query.states === undefined || query.states.includes(a.state)))
      .sort((a, b) => cmp(b.last_seen, a.last_seen) || cmp(a.watch_id, b.watch_id) || cmp(a.entity_key, b.entity_key))
      .map((a) => structuredClone(a));
    return query.limit === undefined ? found : found.slice(0, query.limit);
  }

  ack(watchId: string, entityKey?: string): Promise<string[]> {
    return ackAlerts(this, watchId, entityKey);
  }

  silence(watchId: string, entityKey: string, until: string): Promise<string[]> {
    return silenceAlert(this, watchId, entityKey, until);
  }
}

function revised(entry: Entry): Revised<AlertRecord> {
  return { value: structuredClone(entry.value), revision: { seqNo: entry.seqNo, primaryTerm: 1 } };
}
