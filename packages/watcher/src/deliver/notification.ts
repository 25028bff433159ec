import { createHash } from 'node:crypto';
import type { AlertView, Notification, WatchView } from '@vigil/actions';
import { alertId, type AlertRecord, type PendingNotification, type Watch, type WatchAction } from '@vigil/core';

/**
 * The notification id: one per (watch, entity, window, action, kind), whoever computes it. It is the
 * delivery job id and ledger id, and becomes the mail's Message-ID and the webhook's Idempotency-Key,
 * so a resend is recognisably the same message.
 */
export function notificationId(watchId: string, entityKey: string, windowTo: string, action: string, kind: Notification['kind']): string {
  const digest = createHash('sha256').update(JSON.stringify([watchId, entityKey, windowTo, action, kind])).digest('hex');
  return `n${digest.slice(0, 40)}`;
}

export function watchView(watch: Watch): WatchView {
  return { id: watch.id, name: watch.name, description: watch.description, severity: watch.severity, tags: watch.tags, metadata: watch.metadata };
}

export function alertView(record: AlertRecord, window: { from: string; to: string }): AlertView {
  return {
    id: alertId(record.watch_id, record.entity_key),
    entity: record.entity,
    entity_key: record.entity_key,
    state: record.state,
    episode: record.episode,
    count: record.count,
    first_seen: record.first_seen,
    last_seen: record.last_seen,
    payload: record.payload,
    window,
  };
}

/** The actions a notification kind draws from: `actions` when an alert fires, `on_resolve` when it resolves, `on_response` when a responder reports. */
export function actionsOf(watch: Watch, kind: Notification['kind']): Watch['actions'] {
  if (kind === 'notify') return watch.actions;
  return (kind === 'resolve' ? watch.on_resolve : watch.on_response) ?? {};
}

/** The notification of one action for an alert as written (`record`) in `window`. */
export function buildNotification(watch: Watch, record: AlertRecord, pending: PendingNotification, action: WatchAction, created: Date): Notification {
  const { type, condition: _condition, ...options } = action as WatchAction & { condition?: string };
  return {
    id: pending.id,
    kind: pending.kind,
    watch: watchView(watch),
    alert: alertView(record, pending.window),
    action: { name: pending.action, type, options },
    created: created.toISOString(),
  };
}

/** The pending entry of one action of an alert for a window. */
export function pendingFor(record: AlertRecord, action: string, kind: PendingNotification['kind'], window: { from: string; to: string }): PendingNotification {
  return { id: notificationId(record.watch_id, record.entity_key, window.to, action, kind), action, kind, window };
}
