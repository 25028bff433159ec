import type { Client } from '@elastic/elasticsearch';
import type { AlertStore, Clock, HistoryRecord, HistoryStore, WatchRegistry } from '@vigil/core';

/** What a run needs; the worker builds it once and shares it across runs. */
export interface RunDeps {
  registry: WatchRegistry;
  alerts: AlertStore;
  history: HistoryStore;
  elasticsearch: Client;
  indexPrefix: string;
  clock: Clock;
  log: (line: string) => void;
}

/** The outcome of one scheduled run (one job), which may have evaluated several windows. */
export interface RunSummary {
  watchId: string;
  /** `executed`; `already_evaluated` when the checkpoint is past the scheduled time (a duplicate or retried job); `disabled` / `missing`. */
  state: 'executed' | 'already_evaluated' | 'disabled' | 'missing' | 'conflict';
  /** One history record per evaluated window, in time order. */
  windows: HistoryRecord[];
}
