import type { DeliveryAttempt, HistoryRecord, HistoryStore, TruncatedWatch } from '@vigil/core';


/** An in-memory {@link HistoryStore}: same order (newest `@timestamp`, then newest window) and limits. */
export class MemoryHistoryStore implements HistoryStore {
  readonly #records: HistoryRecord[] = [];
  readonly #attempts: DeliveryAttempt[] = [];

  async record(entry: HistoryRecord): Promise<void> {
    this.#records.push(structuredClone(entry));
  }

  async list(watchId: string, options: { limit?: number; from?: string } = {}): Promise<HistoryRecord[]> {
    const from = options.from === undefined ? undefined : Date.parse(options.from);
    return this.#records
      .filter((r) => r.watch_id === watchId && (from === undefined || Date.parse(r['@timestamp']) >= from))
      .sort((a, b) => Date.parse(b['@timestamp']) - Date.parse(a['@timestamp']) || Date.parse(b.window.to) - Date.parse(a.window.to))
      .slice(0, Math.min(Math.max(options.limit ?? 100, 0), 10_000))
      .map((r) => structuredClone(r));
  }

  async truncatedSince(from: string): Promise<TruncatedWatch[]> {
    const byWatch = new Map<string, TruncatedWatch>();
    for (const r of this.#records) {
      if ((r.truncated?.length ?? 0) === 0 || Date.parse(r['@timestamp']) < Date.parse(from)) continue;
      const seen = byWatch.get(r.watch_id) ?? { watch_id: r.watch_id, runs: 0, last: r['@timestamp'] };
      byWatch.set(r.watch_id, { ...seen, runs: seen.runs + 1, last: Date.parse(r['@timestamp']) > Date.parse(seen.last) ? r['@timestamp'] : seen.last });
    }
    return [...byWatch.values()]
      .sort((a, b) => (a.watch_id < b.watch_id ? -1 : a.watch_id > b.watch_id ? 1 : 0))
      .map((w) => ({ ...w, last: new Date(w.last).toISOString() }));
  }

  async recordAttempt(entry: DeliveryAttempt): Promise<void> {
    this.#attempts.push(structuredClone(entry));
  }

  async listAttempts(watchId: string, options: { limit?: number; notificationId?: string } = {}): Promise<DeliveryAttempt[]> {
    return this.#attempts
      .filter((a) => a.watch_id === watchId && (options.notificationId === undefined || a.notification_id === options.notificationId))
      .reverse()
      .slice(0, options.limit ?? 100)
      .map((a) => structuredClone(a));
  }

  /** Every record, in insertion order (for assertions in tests). */
  all(): HistoryRecord[] {
    return this.#records.map((r) => structuredClone(r));
  }
}
