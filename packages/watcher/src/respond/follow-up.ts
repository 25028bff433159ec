import type { Notification, ResponseAuditDocument, ResponseView } from '@vigil/actions';
import type { AlertRecord, AlertStore, Clock, Watch, WatchRegistry } from '@vigil/core';
import { expression } from '../condition/index.ts';
import { alertView, notificationId, watchView } from '../deliver/notification.ts';
import type { NotificationSink } from '../deliver/sink.ts';

/** What the audit worker needs to run a watch's `on_response` actions. */
export interface ResponseFollowUpDeps {
  registry: WatchRegistry;
  alerts: AlertStore;
  /** The durable delivery queue: follow-ups are delivered, retried and recorded like any notification. */
  sink: NotificationSink;
  clock: Clock;
  log: (line: string) => void;
}

/** The outcomes of a block that `on_response` actions hear of (not expiries, not unblocks). */
const FOLLOWED = new Set<ResponseView['outcome']>(['blocked', 'refused', 'failed']);

/** The response as templates see it, when the document is a responder's outcome of a block a watch requested. */
export function responseViewOf(d: ResponseAuditDocument): ResponseView | undefined {
  if (d.action !== 'block' || d.origin !== 'watch' || !FOLLOWED.has(d.outcome as ResponseView['outcome'])) return undefined;
  const optional = { expires: d.expires, duration_ms: d.duration_ms, step: d.step, backend: d.backend, error: d.error?.message };
  return {
    outcome: d.outcome as ResponseView['outcome'],
    ip: d.ip,
    host: d.host?.name ?? '',
    at: d['@timestamp'],
    request_id: d.request_id,
    ...(Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) as Partial<ResponseView>),
  };
}

/**
 * The `on_response` notifications of one outcome: one per action whose condition (over `entity`,
 * `payload`, `alert` and `response`) holds. The id takes the outcome id where an alert notification
 * takes its window, so a re-delivered outcome is the same notification (sent once).
 */
export function responseNotifications(watch: Watch, record: AlertRecord, outcomeId: string, response: ResponseView, created: Date): Notification[] {
  const window = { from: record.first_seen, to: record.last_window_to };
  const alert = alertView(record, window);
  return Object.entries(watch.on_response ?? {}).flatMap(([name, action]) => {
    const { type, condition, ...options } = action as typeof action & { condition?: string };
    if (condition !== undefined && !expression(condition).evaluate({ entity: record.entity, payload: record.payload, alert, response })) return [];
    return [
      {
        id: notificationId(watch.id, record.entity_key, outcomeId, name, 'response'),
        kind: 'response' as const,
        watch: watchView(watch),
        alert,
        response,
        action: { name, type, options },
        created: created.toISOString(),
      },
    ];
  });
}

/**
 * Queues the `on_response` notifications of an outcome just written to the audit; returns how many.
 * The watch's current definition decides (an `on_response` added later applies to outcomes from then on);
 * a watch or alert deleted since the request leaves nothing to notify, and says so in the log.
 */
export async function followUpResponse(deps: ResponseFollowUpDeps, d: ResponseAuditDocument): Promise<number> {
  const response = responseViewOf(d);
  if (response === undefined || d.watch_id === undefined || d.alert_id === undefined) return 0;
  const stored = await deps.registry.get(d.watch_id);
  const watch = stored?.value.definition;
  if (watch === undefined || watch.on_response === undefined || Object.keys(watch.on_response).length === 0) return 0;
  const record = await deps.alerts.byId(d.alert_id);
  if (record === undefined) {
    deps.log(`response ${d.id}: alert ${d.alert_id} of watch ${d.watch_id} is gone; its on_response actions are not run`);
    return 0;
  }
  const notifications = responseNotifications(watch, record, d.id, response, deps.clock.now());
  await deps.sink.submit(notifications);
  return notifications.length;
}
