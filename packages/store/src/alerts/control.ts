import type { AlertRecord, AlertStore, Revised, WatchRegistry } from '@vigil/core';

/** Attempts of one ack or silence racing a run that updates the same alert. */
const ATTEMPTS = 5;

/**
 * Operator controls on alerts (the `vigil watch ack|silence` commands), written over the
 * {@link AlertStore} contract so the in-memory and Elasticsearch stores behave the same. Every change
 * is a compare-and-set against the alert's revision, so an ack never overwrites a run's update (or
 * the reverse): on a conflict the alert is read again and the change re-applied.
 */
export interface AlertControls {
  /**
   * Acknowledges the active (new or ongoing) alerts of a watch, or of one entity: they stay silent
   * until they resolve. Returns the entity keys acknowledged now (already acknowledged ones are left).
   */
  ack(watchId: string, entityKey?: string): Promise<string[]>;
  /**
   * Silences the alert of one entity (in any state, so a return after it resolved stays silent too)
   * until `until` (ISO). Returns the entity keys silenced: empty when the entity never alerted.
   * A whole watch is silenced through the registry instead: {@link silenceWatch}.
   */
  silence(watchId: string, entityKey: string, until: string): Promise<string[]>;
}

/** Applies `change` to one alert with compare-and-set; false when it vanished or `change` declines. */
async function changeAlert(store: AlertStore, start: Revised<AlertRecord>, change: (a: AlertRecord) => AlertRecord | undefined): Promise<boolean> {
  let current: Revised<AlertRecord> | undefined = start;
  for (let attempt = 0; attempt < ATTEMPTS && current !== undefined; attempt++) {
    const next = change(current.value);
    if (next === undefined) return false;
    if ((await store.write(next, current.revision)) === 'ok') return true;
    current = await store.get(current.value.watch_id, current.value.entity_key);
  }
  return false;
}

export async function ackAlerts(store: AlertStore, watchId: string, entityKey?: string): Promise<string[]> {
  const active = (await store.active(watchId)).filter((a) => entityKey === undefined || a.value.entity_key === entityKey);
  const acked: string[] = [];
  for (const alert of active) {
    const done = await changeAlert(store, alert, (a) => (a.acked || a.state === 'resolved' ? undefined : { ...a, acked: true }));
    if (done) acked.push(alert.value.entity_key);
  }
  return acked;
}

export async function silenceAlert(store: AlertStore, watchId: string, entityKey: string, until: string): Promise<string[]> {
  const alert = await store.get(watchId, entityKey);
  if (alert === undefined) return [];
  const done = await changeAlert(store, alert, (a) => ({ ...a, silenced_until: until }));
  return done ? [entityKey] : [];
}

/** Silences every entity of a watch until `until` (ISO), through the watch's status `silenced_until`. */
export async function silenceWatch(registry: WatchRegistry, watchId: string, until: string): Promise<boolean> {
  return (await registry.updateStatus(watchId, { silenced_until: until })) === 'ok';
}
