import type { AlertRecord } from '@vigil/core';

/** An alert record in state `new` for store and CLI tests; `overrides` set any field. */
export function testAlert(watchId: string, entity: Record<string, unknown>, key: string, overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    watch_id: watchId,
    entity_key: key,
    entity,
    state: 'new',
    episode: 1,
    first_seen: '2026-11-22T09:00:00.000Z',
    last_seen: '2026-11-22T09:00:00.000Z',
    last_window_to: '2026-11-22T09:00:00.000Z',
    count: 1,
    payload: { unique_ports: 61 },
    acked: false,
    notify_count: 0,
    ...overrides,
  };
}
