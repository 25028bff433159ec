export { parseDuration, formatDuration, durationSchema } from './duration.ts';
export { parsePath, getPath, expandPath, type PathSegment, type ExpandedItem } from './path.ts';
export { compileExpression, ExpressionSyntaxError, type CompiledExpression } from './expression.ts';
export {
  createWatchSchema,
  templateSchema,
  compareOps,
  PAGING_DEFAULTS,
  severities,
  type ActionOptionsSchema,
  type Watch,
  type WatchSchema,
  type WatchSearch,
  type TopSourcesInput,
  type WatchCondition,
  type WatchAction,
} from './schema.ts';
export { loadWatchFile, loadWatches, watchFilesUnder, expectedWatchId, locatedWarnings, type LoadedWatch } from './load.ts';
export { watchWarnings, type WatchWarning } from './warnings.ts';
export type {
  Revision,
  Revised,
  WatchStatus,
  StoredWatch,
  AlertState,
  AlertRecord,
  ActionStatus,
  ActionOutcome,
  HistoryRecord,
  Truncation,
  TruncationReason,
  TruncatedWatch,
  AlertWrite,
  WatchRegistry,
  AlertQuery,
  AlertStore,
  HistoryStore,
  PendingNotification,
  NotificationKind,
  DeliveryStatus,
  DeliveryRecord,
  DeliveryAttempt,
  DeliveryQuery,
  DeliveryLedger,
} from './state.ts';
export { entityKey, alertId, WATCH_ENTITY } from './entity.ts';
