/**
 * What Vigil's worker and a protected host's responder exchange over Redis (BullMQ queues). This
 * file is the whole contract: the responder imports nothing else of Vigil's, and holds no
 * Elasticsearch credentials (a compromised protected host must not be able to read the SIEM).
 *
 * - Vigil → host: `<prefix>-responder-<host>` carries {@link BlockRequest} jobs, job id = request id.
 * - host → Vigil: `<prefix>-responses` carries {@link ResponseOutcome} jobs; Vigil's worker writes
 *   each to `<prefix>-responses-YYYY.MM.DD` (the audit), job id = outcome id.
 * - A running responder announces itself in the hash `<prefix>:responders` (host → JSON of
 *   {@link ResponderAnnouncement}), which is how `block_ip`'s default "all responders" is known.
 */

/** A protected host's id: also part of a queue name, so no `:` and no spaces. */
export const HOST_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function responderQueueName(prefix: string, host: string): string {
  return `${prefix}-responder-${host}`;
}

export function responsesQueueName(prefix: string): string {
  return `${prefix}-responses`;
}

export function respondersKey(prefix: string): string {
  return `${prefix}:responders`;
}

/**
 * What a request id may look like (added by the responder): the responder refuses any other, since
 * the id is written into firewall rule comments (`vigil:<id>`) and hosts.deny comment lines. Vigil's
 * ids (`n<hex>` notification ids with a host, UUIDs) fit.
 */
export const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,199}$/;

/**
 * The BullMQ job id for a protocol id (added by the responder). BullMQ refuses custom job ids that
 * contain `:` unless they have exactly three `:`-separated parts (its repeatable-job form), so an
 * outcome id such as `req-1:blocked` cannot be a job id as it is; `:` (and `%`) are percent-encoded,
 * which keeps the mapping one-to-one and the job id readable. BullMQ refuses whole numbers too: their
 * first digit is percent-encoded (`42` → `%342`).
 */
export function queueJobId(id: string): string {
  const encoded = id.replaceAll('%', '%25').replaceAll(':', '%3A');
  return /^\d+$/.test(encoded) ? `%3${encoded}` : encoded;
}

/**
 * The name of the responder's own delayed jobs on its host's queue (added by the responder): one
 * per block due to expire, job id `queueJobId('expire:<request id>')`, data {@link ExpireJob}. The
 * responder reschedules them from its state file at start, so a flushed Redis loses none.
 */
export const EXPIRE_JOB_NAME = 'expire';

/** The data of an {@link EXPIRE_JOB_NAME} job: which block to lift, and when it was due. */
export interface ExpireJob {
  action: 'expire';
  /** The request whose expiry this is (the one that set the block's current expiry). */
  request_id: string;
  /** The canonical address. */
  ip: string;
  /** ISO. The responder checks its state: a block extended since is left in place. */
  expires: string;
}

/** A request to one host's responder. The address is text as the alert had it: the responder parses and canonicalizes it before anything else. */
export interface BlockRequest {
  /** Deterministic (notification id + host for blocks; random for a manual unblock): the job id, and the id outcomes refer to. */
  id: string;
  action: 'block' | 'unblock';
  ip: string;
  /** How long the block lasts (blocks only). */
  duration_ms?: number;
  /** 0 for a first offence; n for the n-th escalation step. */
  step?: number;
  watch_id?: string;
  alert_id?: string;
  reason: string;
  /** When Vigil decided it (ISO). */
  requested: string;
  /** Who asked: `watch` (a block_ip action) or `cli` (`vigil unblock`). */
  origin: 'watch' | 'cli';
}

/**
 * What a responder did, reported back for the audit. `outcome`:
 * - `blocked` / `unblocked`: the backend applied it (`expires` set for blocks);
 * - `expired`: a block's time ran out and the responder removed it;
 * - `refused`: nothing run — malformed address, allowlisted address, bad request (`error.message` says why);
 * - `failed`: the backend command failed (`error.message` has its stderr).
 */
export interface ResponseOutcome {
  /** Unique per outcome: `<request id>:<outcome>` (an expiry: `<request id>:expired`). */
  id: string;
  '@timestamp': string;
  request_id: string;
  action: BlockRequest['action'];
  outcome: 'blocked' | 'unblocked' | 'expired' | 'refused' | 'failed';
  /** The canonical address when it parsed, else the text as received. */
  ip: string;
  host: { name: string };
  backend: string;
  duration_ms?: number;
  step?: number;
  expires?: string;
  watch_id?: string;
  alert_id?: string;
  reason: string;
  origin: BlockRequest['origin'];
  error?: { message: string };
  /**
   * Added by the responder: a block request for an address already blocked does not add a second
   * rule, it extends the block in force (the later expiry wins). This names the request whose block
   * was in force; `expires` is then the block's expiry after the merge.
   */
  extends_request_id?: string;
}

/** What a responder writes under its host in {@link respondersKey}. */
export interface ResponderAnnouncement {
  host: string;
  backend: string;
  /** Refreshed every few seconds while it runs (ISO). */
  seen: string;
  version: string;
}
