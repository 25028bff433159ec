export { parseDuration, formatDuration, durationSchema } from './duration.ts';
export { parsePath, getPath, expandPath, type PathSegment, type ExpandedItem } from './path.ts';
export { compileExpression, ExpressionSyntaxError, type CompiledExpression } from './expression.ts';
export {
  createWatchSchema,
  templateSchema,
  templateSchemaFor,
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
export { checkTemplate, TEMPLATE_HELPERS, type TemplateHelperName, type TemplateHelperSpec, type TemplateCheck } from './template.ts';
export { MAX_EXPRESSION_LENGTH, MAX_EXPRESSION_NESTING } from './expression.ts';
export { searchDslProblems, MAX_BUCKET_SIZE, MAX_TOP_HITS, MAX_PATTERN_LENGTH, MAX_DETERMINIZED_STATES, type DslProblem } from './dsl.ts';
export { referenceProblems, type ReferenceProblem } from './references.ts';
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
