import { createHash } from 'node:crypto';

/** The entity a whole-watch condition (always, compare) alerts on. */
export const WATCH_ENTITY: Readonly<Record<string, unknown>> = Object.freeze({});

/** Canonical text of an entity: its fields sorted by name, as JSON. `{}` for the watch as a whole. */
export function entityKey(entity: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(entity).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** Document id of the alert of (watch, entity) in `<prefix>-alerts`. */
export function alertId(watchId: string, key: string): string {
  return `${watchId}:${createHash('sha1').update(key).digest('hex')}`;
}
