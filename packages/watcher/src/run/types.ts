import type { Client } from '@elastic/elasticsearch';
import type { AlertStore, Clock, DeliveryLedger, HistoryRecord, HistoryStore, WatchRegistry } from '@vigil/core';
import type { ActionServices } from '../deliver/execute.ts';
import type { NotificationSink, QueuedSink } from '../deliver/sink.ts';

/** What a run needs; the worker builds it once and shares it across runs. */
export interface RunDeps {
  registry: WatchRegistry;
  alerts: AlertStore;
  history: HistoryStore;
  elasticsearch: Client;
  indexPrefix: string;
  clock: Clock;
  log: (line: string) => void;
  /** What actions run inline reach (manual runs, dry runs) and what the delivery worker gives them. */
  services: ActionServices;
  /**
   * Where scheduled runs hand notifications: the durable delivery queue in a worker ({@link QueuedSink},
   * with `deliveries` for the sweep), or inline when absent (engine tests).
   */
  notifications?: NotificationSink;
  deliveries?: DeliveryLedger;
}

/** The outcome of one scheduled run (one job), which may have evaluated several windows. */
export interface RunSummary {
  watchId: string;
  /** `executed`; `already_evaluated` when the checkpoint is past the scheduled time (a duplicate or retried job); `disabled` / `missing`. */
  state: 'executed' | 'already_evaluated' | 'disabled' | 'missing' | 'conflict';
  /** One history record per evaluated window, in time order. */
  windows: HistoryRecord[];
}
