import { createHash, randomBytes } from 'node:crypto';

/**
 * Ids of block requests. One decision (one `block_ip` notification, or one `vigil unblock`) sends
 * one request per host; every request id is `<decision id>-<host>`, so the audit can count a
 * decision once whatever the number of hosts, and a retried delivery re-sends the same ids (which
 * the hosts' queues and the audit deduplicate). Ids contain no `:` and are never all digits: BullMQ
 * refuses both as job ids.
 */

const DECISION = /^(?:blk|unb)-[0-9a-f]{24}(?=-)/;

/** The decision of a `block_ip` notification: deterministic from its id. */
export function blockDecisionId(notificationId: string): string {
  return `blk-${createHash('sha256').update(notificationId).digest('hex').slice(0, 24)}`;
}

/** A new decision for a manual unblock (random: running the command twice means twice). */
export function unblockDecisionId(): string {
  return `unb-${randomBytes(12).toString('hex')}`;
}

export function requestIdFor(decisionId: string, host: string): string {
  return `${decisionId}-${host}`;
}

/** The decision a request id belongs to; an id of another form is its own decision. */
export function decisionOf(requestId: string): string {
  return DECISION.exec(requestId)?.[0] ?? requestId;
}
