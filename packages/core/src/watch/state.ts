import type { Watch } from './schema.ts';

/**
 * What Vigil keeps about watches, alerts and runs, and the store contracts the watcher uses. The
 * Elasticsearch stores live in @vigil/store; in-memory ones back fast unit tests of the engine.
 */

/** Optimistic concurrency token of a stored document (Elasticsearch `_seq_no` / `_primary_term`). */
export interface Revision {
  seqNo: number;
  primaryTerm: number;
}

export interface Revised<T> {
  value: T;
  revision: Revision;
}

/** Runtime status of a watch, kept beside its definition in `<prefix>-watches`. */
export interface WatchStatus {
  /** End of the last evaluated window (ISO): the next run starts from here, so no window is missed. */
  checkpoint?: string;
  last_run?: string;
  last_fired?: string;
  /** Outcome of the last run: `ok`, `failed`, `catch_up_truncated`. */
  last_state?: string;
  last_error?: string;
  /** Whole-watch silence (ISO): no action runs before this time, for any entity. */
  silenced_until?: string;
  /** Per action: when it last ran and how it ended. */
  actions?: Record<string, { last_status: ActionStatus; last_time: string; last_error?: string }>;
}

/** A watch as stored in the registry. */
export interface StoredWatch {
  id: string;
  /** Grows by one on every `put` that changes the definition. */
  version: number;
  enabled: boolean;
  definition: Watch;
  /** Where the definition came from (a file path), if known. */
  source_file?: string;
  /** When the definition last changed (ISO). */
  updated: string;
  status: WatchStatus;
}

export type AlertState = 'new' | 'ongoing' | 'resolved';

/** Alert state per (watch, entity) in `<prefix>-alerts`. */
export interface AlertRecord {
  watch_id: string;
  /** Canonical text of the entity (its key fields, sorted, JSON): the identity within the watch. */
  entity_key: string;
  entity: Record<string, unknown>;
  state: AlertState;
  /** Grows each time a resolved alert for this entity fires again. */
  episode: number;
  first_seen: string;
  last_seen: string;
  /** End of the last window that evaluated this entity: a window at or before it is never applied twice. */
  last_window_to: string;
  /** Matching windows in this episode. */
  count: number;
  payload: Record<string, unknown>;
  /** Acknowledged: no notifications until it resolves. */
  acked: boolean;
  /** No notifications before this time (ISO). */
  silenced_until?: string;
  /** End of the window of the last notification (ISO; throttles count in window time) and how many in this episode, for throttle and re-alert backoff. */
  last_notified?: string;
  notify_count: number;
  resolved_at?: string;
  /**
   * Notifications decided by the write that set this record and not yet seen final in the delivery
   * ledger. Written together with the state, before anything is queued, so a crash between the two
   * is repaired by the next run of the watch, which queues what the ledger lacks.
   */
  pending_notifications?: PendingNotification[];
}

/**
 * What a notification is about: `notify` an alert fired (`actions`), `resolve` it resolved
 * (`on_resolve`), `response` a responder reported on a block the watch requested (`on_response`).
 */
export type NotificationKind = 'notify' | 'resolve' | 'response';

/** A notification an alert write decided (see {@link AlertRecord.pending_notifications}). */
export interface PendingNotification {
  /** The notification id: delivery job id and ledger id. */
  id: string;
  /** The action's name in the watch (under `actions`, or `on_resolve` for `kind: resolve`). */
  action: string;
  kind: 'notify' | 'resolve';
  /** The window the notification is about. */
  window: { from: string; to: string };
}

/** `queued`: handed to the durable delivery queue; its attempts and outcome are delivery records. */
export type ActionStatus = 'executed' | 'queued' | 'throttled' | 'acked' | 'silenced' | 'simulated' | 'skipped' | 'failed';

/** One action's outcome in a run, as history shows it. */
export interface ActionOutcome {
  /** The action's name in the watch. */
  id: string;
  type: string;
  status: ActionStatus;
  entity_key?: string;
  /** Why it was skipped, throttled, …, or the error when failed. */
  reason?: string;
  error?: string;
  /** What the action did or would do (redacted of secrets). */
  detail?: unknown;
}

/** One evaluated window, in `<prefix>-watch-history-YYYY.MM.DD` (dated by `@timestamp` = start). */
export interface HistoryRecord {
  '@timestamp': string;
  watch_id: string;
  watch_version: number;
  /** All windows of one job share it. */
  run_id: string;
  scheduled_time: string;
  started: string;
  lateness_ms: number;
  duration_ms: number;
  window: { from: string; to: string };
  hits: number;
  condition_met: boolean;
  /** Entity keys that matched. */
  entities: string[];
  /** `executed`, `failed`, `simulated` (dry run), `skipped_overlap`, `catch_up_truncated`. */
  state: string;
  actions: ActionOutcome[];
  error?: string;
  /** Windows dropped because they were older than the maximum catch-up. */
  skipped_windows?: number;
  /** What the input's results left out (absent when nothing was cut): see {@link Truncation}. */
  truncated?: Truncation[];
  /**
   * Active alerts that did not match but were left as they were, not resolved, because a truncation
   * that may have cut entities (`affects_entities`) makes their absence no evidence.
   */
  kept_active?: number;
}

/** Why part of an input's result is missing. */
export type TruncationReason =
  /** A `terms` aggregation returned its `size` buckets and counted the rest in `sum_other_doc_count`. */
  | 'terms sum_other_doc_count'
  /** Paging a composite aggregation stopped at the search's `paging.max_entities`. */
  | 'entity bound'
  /** Paging a composite aggregation stopped at the search's `paging.max_pages`. */
  | 'page bound'
  /** A join side matched more hits than its `size` returned. */
  | 'join side size'
  /** The block audit held more blocks in force than one read returns: `blocked` may be false for a blocked address. */
  | 'audit read bound';

/**
 * One cut in a window's input results, with its figures: history keeps them, `vigil watch run`
 * prints them and `vigil doctor` lists the watches that had any in the last day.
 */
export interface Truncation {
  /**
   * Where in the payload, in condition-path form: `aggregations.by_source` (a top-level aggregation),
   * `aggregations.by_pair.buckets[].hosts` (one figure for that aggregation under every bucket),
   * `inputs.firewall.hits` (a join side).
   */
  path: string;
  reason: TruncationReason;
  /** `terms`: documents in the buckets not returned, summed over every parent bucket. */
  other_docs?: number;
  /** `terms` under a bucket level: how many parent buckets had theirs cut. */
  buckets?: number;
  /** Bounds: the composite buckets (entities) collected, and the pages requested, when paging stopped. */
  entities?: number;
  pages?: number;
  /** The bound that was reached: `max_entities`, `max_pages`, or the join side's `size`. */
  bound?: number;
  /** Join side: hits returned, and how many matched. */
  hits?: number;
  total?: number;
  /**
   * True when entities may be missing from what the condition reads because of this cut (a level of
   * its per-entity path, a bound, a join side; any cut for a whole-watch condition): no alert of the
   * watch resolves in that window. A cut beside the path (a `terms` for the payload) is only reported.
   */
  affects_entities: boolean;
}

/** The source of truth for watch definitions and their status. */
export interface WatchRegistry {
  /** Stores a definition; idempotent: the same definition again is `unchanged` and keeps the version. */
  put(watch: Watch, sourceFile?: string): Promise<{ result: 'created' | 'updated' | 'unchanged'; version: number }>;
  get(id: string): Promise<Revised<StoredWatch> | undefined>;
  list(): Promise<StoredWatch[]>;
  delete(id: string): Promise<boolean>;
  /** Returns false when no such watch exists. */
  setEnabled(id: string, enabled: boolean): Promise<boolean>;
  /** Merges into `status`; with `expected`, fails with `conflict` if the document changed since. */
  updateStatus(id: string, patch: Partial<WatchStatus>, expected?: Revision): Promise<'ok' | 'conflict' | 'missing'>;
}

export interface AlertQuery {
  watchId?: string;
  states?: AlertState[];
  limit?: number;
}

/** One write of a batch ({@link AlertStore.writeMany}): the record, and what must be stored before it. */
export interface AlertWrite {
  record: AlertRecord;
  /** `'create'`: no alert of this entity may exist yet; a revision: the stored one must still be it. */
  expected: Revision | 'create';
}

export interface AlertStore {
  /** Alerts of a watch (any state) whose `pending_notifications` is not empty, with revisions. */
  withPendingNotifications(watchId: string): Promise<Revised<AlertRecord>[]>;
  get(watchId: string, entityKey: string): Promise<Revised<AlertRecord> | undefined>;
  /** The alert of an alert id (`alertId(watch, entity key)`, as block requests carry it). */
  byId(id: string): Promise<AlertRecord | undefined>;
  /**
   * The stored alerts of these entities of a watch, by entity key (an entity without one is absent),
   * read as `get` reads (realtime), in one request per few thousand keys (`_mget`).
   */
  getMany(watchId: string, entityKeys: readonly string[]): Promise<Map<string, Revised<AlertRecord>>>;
  /** Writes a record; `expected: 'create'` fails with conflict if it exists, a revision if it changed. */
  write(record: AlertRecord, expected: Revision | 'create'): Promise<'ok' | 'conflict'>;
  /**
   * Writes many records, each a compare-and-set exactly like {@link write}, in one request per few
   * thousand records (`_bulk` with `create` or `if_seq_no`/`if_primary_term` per document). One
   * result per write, in order; a conflict on one leaves the others alone. Once it returns, `active`
   * and `list` see every write that succeeded. Any failure other than a conflict throws.
   */
  writeMany(writes: readonly AlertWrite[]): Promise<('ok' | 'conflict')[]>;
  /** Alerts in state new or ongoing for a watch, with revisions (to resolve them). */
  active(watchId: string): Promise<Revised<AlertRecord>[]>;
  list(query: AlertQuery): Promise<AlertRecord[]>;
}

export interface HistoryStore {
  record(entry: HistoryRecord): Promise<void>;
  /** Records one delivery attempt (same daily indices, `kind: delivery`; `list` leaves them out). */
  recordAttempt(entry: DeliveryAttempt): Promise<void>;
  /** A watch's delivery attempts, newest first. */
  listAttempts(watchId: string, options?: { limit?: number; notificationId?: string }): Promise<DeliveryAttempt[]>;
  /** Newest first. */
  list(watchId: string, options?: { limit?: number; from?: string }): Promise<HistoryRecord[]>;
  /** The watches with runs that started at or after `from` (ISO) and recorded a truncation, by watch id. */
  truncatedSince(from: string): Promise<TruncatedWatch[]>;
}

/** A watch whose runs recorded truncations ({@link HistoryStore.truncatedSince}). */
export interface TruncatedWatch {
  watch_id: string;
  /** Runs (windows) with a truncation. */
  runs: number;
  /** The newest of them: when it started (ISO). */
  last: string;
}

/** Where a notification stands: queued (attempts may be under way), delivered, or failed for good. */
export type DeliveryStatus = 'queued' | 'delivered' | 'failed';

/**
 * One notification (alert × action) in `<prefix>-deliveries`, `_id` = notification id: the durable
 * record that decides whether a delivery job still has work to do, so a job run twice (a retry, a
 * re-queue after Redis lost it) never sends a delivered notification again.
 */
export interface DeliveryRecord {
  id: string;
  watch_id: string;
  entity_key: string;
  alert_id: string;
  action: string;
  type: string;
  kind: NotificationKind;
  window: { from: string; to: string };
  created: string;
  updated: string;
  /** No attempt starts after this time (ISO); a notification still undelivered then has failed. */
  deadline: string;
  status: DeliveryStatus;
  attempts: number;
  last_error?: string;
  delivered_at?: string;
  /** The action's result detail of the successful attempt (secrets scrubbed). */
  detail?: unknown;
  /** The delivery job's data (the notification: watch, alert, action options; no secret values). */
  notification: Record<string, unknown>;
}

/** One attempt to deliver a notification, in watch history. */
export interface DeliveryAttempt {
  '@timestamp': string;
  kind: 'delivery';
  watch_id: string;
  notification_id: string;
  entity_key: string;
  action: { id: string; type: string };
  /** 1-based. */
  attempt: number;
  /** `delivered`; `retrying` (transient error, another attempt follows); `failed` (permanent, or deadline passed); `skipped` (already final). */
  status: 'delivered' | 'retrying' | 'failed' | 'skipped';
  duration_ms: number;
  error?: string;
  detail?: unknown;
}

export interface DeliveryQuery {
  watchId?: string;
  statuses?: DeliveryStatus[];
  limit?: number;
}

/** The delivery ledger (`<prefix>-deliveries`). */
export interface DeliveryLedger {
  /** Creates the record unless one with its id exists (then the stored one is kept). */
  open(record: DeliveryRecord): Promise<'created' | 'exists'>;
  /** {@link open} for many records, in one request per few thousand (`_bulk` of creates): one result per record, in order. */
  openMany(records: readonly DeliveryRecord[]): Promise<('created' | 'exists')[]>;
  get(id: string): Promise<DeliveryRecord | undefined>;
  /** The records that exist among `ids`. */
  getMany(ids: readonly string[]): Promise<Map<string, DeliveryRecord>>;
  /** Merges `patch` into the record. */
  update(id: string, patch: Partial<DeliveryRecord>): Promise<void>;
  /** Newest first. */
  list(query: DeliveryQuery): Promise<DeliveryRecord[]>;
  count(query: Omit<DeliveryQuery, 'limit'>): Promise<number>;
}
