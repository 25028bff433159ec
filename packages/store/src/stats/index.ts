// Attacker analytics over the event indices (seed 004): aggregations only, nothing cut silently.
export { DEFAULT_LOCAL_NETWORKS, checkRanges } from './networks.ts';
export { ATTACK_EVIDENCE, type EventRange, type EventSelection } from './query.ts';
export { topSources, dailyCounts, daysOf, MAX_TOP_SOURCES, SOURCE_LIST_SIZE } from './top-sources.ts';
export type { SourceRow, TopSourcesQuery, TopSources, DayCount } from './top-sources.ts';
export { sourceHistory, HISTORY_DATASETS, HISTORY_ACTIONS, type SourceHistory, type HistoryRange } from './history.ts';
export { alertedSources, type AlertedSource } from './alerted.ts';
