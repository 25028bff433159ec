/**
 * Index names. Every index starts with the configured prefix; dated indices take the day of the
 * document's own timestamp in UTC, so a late event lands in the index of the day it happened.
 */

/** Indices that hold state rather than one document per event. */
export const SYSTEM_INDICES = ['watches', 'alerts', 'deliveries'] as const;
/** Daily system indices: `<prefix>-<name>-YYYY.MM.DD`. */
export const DAILY_SYSTEM_INDICES = ['watch-history', 'responses', 'deadletter'] as const;

export type SystemIndex = (typeof SYSTEM_INDICES)[number];
export type DailySystemIndex = (typeof DAILY_SYSTEM_INDICES)[number];

/** `YYYY.MM.DD` of a timestamp in UTC; throws on an invalid date rather than naming `NaN.NaN.NaN`. */
export function dayOf(timestamp: Date | string): string {
  // fast path for the ISO UTC strings events carry: the day is already written out
  if (typeof timestamp === 'string' && timestamp.length >= 20 && timestamp.endsWith('Z') && timestamp.charCodeAt(10) === 84 /* T */) {
    return `${timestamp.slice(0, 4)}.${timestamp.slice(5, 7)}.${timestamp.slice(8, 10)}`;
  }
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a timestamp: ${String(timestamp)}`);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}.${pad(date.getUTCMonth() + 1)}.${pad(date.getUTCDate())}`;
}

/** `<prefix>-<dataset>-YYYY.MM.DD` for an event. */
export function eventIndex(prefix: string, dataset: string, timestamp: Date | string): string {
  return `${prefix}-${dataset}-${dayOf(timestamp)}`;
}

export function systemIndex(prefix: string, name: SystemIndex): string {
  return `${prefix}-${name}`;
}

export function dailySystemIndex(prefix: string, name: DailySystemIndex, timestamp: Date | string): string {
  return `${prefix}-${name}-${dayOf(timestamp)}`;
}

/** Index names that are not event indices although they match `<prefix>-*` (see indices.ts). */
const NOT_EVENTS = [...SYSTEM_INDICES, ...DAILY_SYSTEM_INDICES.map((name) => `${name}-*`), 'notable-*'];

/**
 * Every event index of a prefix, `<prefix>-<dataset>-YYYY.MM.DD`, as one multi-target expression:
 * `<prefix>-*` minus the system indices (`<prefix>-alerts`, `<prefix>-watch-history-*`…), whose
 * documents are about events and must not be counted as events again.
 */
export function eventIndices(prefix: string): string {
  return [`${prefix}-*`, ...NOT_EVENTS.map((name) => `-${prefix}-${name}`)].join(',');
}
