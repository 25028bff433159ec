import type { ActionStatus, AlertRecord, Watch } from '@vigil/core';
import type { TimeWindow } from '../input/index.ts';

/**
 * The alert life cycle per (watch, entity), as pure functions of the stored record: the run applies
 * them and writes the result with optimistic concurrency, so a window is applied at most once.
 *
 *   (none | resolved) --match--> new --match--> ongoing --no match--> resolved
 */

/** True when this record already took this window (or a later one): a retried or duplicate run. */
export function alreadyApplied(record: AlertRecord | undefined, window: TimeWindow): boolean {
  return record !== undefined && record.last_window_to >= window.to;
}

/** The record after the entity matched in `window`. */
export function observeMatch(
  previous: AlertRecord | undefined,
  match: { watchId: string; entityKey: string; entity: Record<string, unknown>; payload: Record<string, unknown> },
  window: TimeWindow,
): AlertRecord {
  const fresh = previous === undefined || previous.state === 'resolved';
  return {
    watch_id: match.watchId,
    entity_key: match.entityKey,
    entity: match.entity,
    state: fresh ? 'new' : 'ongoing',
    episode: fresh ? (previous?.episode ?? 0) + 1 : previous.episode,
    first_seen: fresh ? window.to : previous.first_seen,
    last_seen: window.to,
    last_window_to: window.to,
    count: fresh ? 1 : previous.count + 1,
    payload: match.payload,
    // an acknowledgement lasts until the alert resolves
    acked: fresh ? false : previous.acked,
    ...(previous?.silenced_until === undefined ? {} : { silenced_until: previous.silenced_until }),
    ...(previous?.last_notified === undefined ? {} : { last_notified: previous.last_notified }),
    notify_count: fresh ? 0 : previous.notify_count,
  };
}

/** The record after an active alert's entity did not match in `window`. */
export function observeResolved(previous: AlertRecord, window: TimeWindow): AlertRecord {
  return { ...previous, state: 'resolved', resolved_at: window.to, last_window_to: window.to, acked: false };
}

/** How long the next notification of this alert is held back: the period, grown by re-alert backoff. */
export function throttlePeriod(throttle: NonNullable<Watch['throttle']>, notifyCount: number): number {
  if (throttle.realert === undefined || notifyCount <= 1) return throttle.period;
  return Math.min(throttle.period * throttle.realert.multiplier ** (notifyCount - 1), throttle.realert.max);
}

/** Whether a matched alert notifies now, or why not. */
export type NotifyDecision = { notify: true } | { notify: false; status: Extract<ActionStatus, 'throttled' | 'acked' | 'silenced'>; reason: string };

/**
 * Decides notification for an alert matched in the window ending at `windowEnd`. Throttling counts in
 * window time, so a replay or a catch-up after an outage notifies exactly as the live runs would have;
 * silences are set by people, so they count in wall-clock `now`. `lastNotifiedForKey` is the newest
 * notification among alerts sharing the throttle key (the alert's own when the throttle has no key).
 */
export function notifyDecision(
  record: AlertRecord,
  options: { throttle: Watch['throttle']; windowEnd: string; now: Date; watchSilencedUntil?: string; lastNotifiedForKey?: string },
): NotifyDecision {
  const now = options.now.toISOString();
  if (record.acked) return { notify: false, status: 'acked', reason: 'acknowledged until it resolves' };
  if (options.watchSilencedUntil !== undefined && options.watchSilencedUntil > now) return { notify: false, status: 'silenced', reason: `watch silenced until ${options.watchSilencedUntil}` };
  if (record.silenced_until !== undefined && record.silenced_until > now) return { notify: false, status: 'silenced', reason: `silenced until ${record.silenced_until}` };
  const last = options.lastNotifiedForKey ?? record.last_notified;
  if (options.throttle !== undefined && last !== undefined) {
    const until = new Date(new Date(last).getTime() + throttlePeriod(options.throttle, record.notify_count)).toISOString();
    if (until > options.windowEnd) return { notify: false, status: 'throttled', reason: `throttled until ${until}` };
  }
  return { notify: true };
}

/** The record after it notified for the window ending at `windowEnd` (throttle counts from there). */
export function markNotified(record: AlertRecord, windowEnd: string): AlertRecord {
  return { ...record, last_notified: windowEnd, notify_count: record.notify_count + 1 };
}
