import type { DeliveryAttempt, HistoryRecord, HistoryStore } from '@vigil/core';


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
