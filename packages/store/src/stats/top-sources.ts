import type { Client, estypes } from '@elastic/elasticsearch';
import { parseAddress } from '@vigil/responder';
import { VigilError } from '@vigil/core';
import { actionAggs, actionsOf, BY_COUNT, isCut, isoOf, type ActionBuckets, type TermsAggregate, type TermsBucket } from './buckets.ts';
import { aggregate, eventsQuery, totalOf, utcDay, type EventSelection } from './query.ts';

/** One source address and what it did in the range. */
export interface SourceRow {
  /** Canonical text of `source.ip` (IPv6 compressed, lower case). */
  ip: string;
  /** Its events in the range (attack evidence unless `allEvents`). */
  count: number;
  /** Its first and last event in the range (ISO, UTC, milliseconds). */
  first_seen: string;
  last_seen: string;
  /** `event.dataset` values, most frequent first (at most {@link SOURCE_LIST_SIZE}). */
  datasets: string[];
  /** `event.action` values, or the rule name of events without one (OSSEC), most frequent first (at most {@link SOURCE_LIST_SIZE}). */
  actions: string[];
}

/**
 * What `topSources` counts: events with a `source.ip` in [`since`, `until`) outside `exclude`, that
 * are attack evidence (`ATTACK_EVIDENCE` in query.ts: failures, alerts, firewall denials, SYN
 * captures) unless `allEvents`.
 */
export interface TopSourcesQuery {
  since: Date;
  until: Date;
  /** CIDR ranges (or addresses) left out; `DEFAULT_LOCAL_NETWORKS` is the usual choice, `[]` leaves nothing out. */
  exclude: readonly string[];
  /** Leave out sources with fewer events than this (default 1: every source). */
  min?: number;
  /** The most rows returned, 1 to {@link MAX_TOP_SOURCES}. */
  limit: number;
  /** Count every event with a `source.ip`, not only attack evidence. */
  allEvents?: boolean;
}

/** The most frequent sources, most events first (ties: address order of Elasticsearch's `ip` keys). */
export interface TopSources {
  rows: SourceRow[];
  /**
   * Distinct sources with events in the range that are not in `rows`: beyond `limit`, or under
   * `min` (approximate: a cardinality count, exact below 40,000 sources). 0 when `other_events` is 0.
   */
  other_sources: number;
  /** Events of those sources (exact). */
  other_events: number;
  /** True when `limit` left out at least one source with `min` events or more. */
  truncated: boolean;
  /** Sources in `rows` whose `datasets` or `actions` list was cut at {@link SOURCE_LIST_SIZE}. */
  lists_cut: string[];
  /**
   * Upper bound of the error of the counts (Elasticsearch's `doc_count_error_upper_bound`): a count
   * may be low by this much when some daily index did not return that source among its top terms.
   * 0 when the counts are exact.
   */
  count_error: number;
}

/** The most rows one `topSources` returns: each row carries two sub-lists, and a search holds at most 65,536 buckets. */
export const MAX_TOP_SOURCES = 1000;
/** How many datasets and actions a row lists. */
export const SOURCE_LIST_SIZE = 10;
/** Candidates each daily index returns: well above the sources a day usually has, so that counts stay exact. */
const MIN_SHARD_SIZE = 2000;

/** A `source.ip` bucket of the top-sources search. */
interface SourceBucket extends TermsBucket, ActionBuckets {
  first: { value: number | null };
  last: { value: number | null };
  datasets: TermsAggregate;
}

function checkCount(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new VigilError('CONFIG_INVALID', `${name} must be a whole number from 1 to ${max}, got ${value}`);
  }
}

/** Canonical text of an address key; an unparseable key (none should be: the field is `ip`) stays as it is. */
export function canonicalKey(key: string): string {
  const parsed = parseAddress(key);
  return parsed.ok ? parsed.address.text : key;
}

function rowOf(bucket: SourceBucket): { row: SourceRow; cut: boolean } {
  const { actions, cut } = actionsOf(bucket);
  const row: SourceRow = {
    ip: canonicalKey(bucket.key),
    count: bucket.doc_count,
    first_seen: isoOf(bucket.first) ?? '',
    last_seen: isoOf(bucket.last) ?? '',
    datasets: bucket.datasets.buckets.map((b) => b.key),
    actions: actions.slice(0, SOURCE_LIST_SIZE).map((b) => b.key),
  };
  return { row, cut: cut || isCut(bucket.datasets) || actions.length > SOURCE_LIST_SIZE };
}

/**
 * The sources with the most events in the range, as seed 004's `GROUP BY src_ip ORDER BY count DESC`
 * (`HAVING c > N`: `min`), from one aggregation over the event indices: `terms` on `source.ip`
 * (one bucket more than `limit`, to know whether it cut), `min`/`max` of `@timestamp` and sub-terms
 * on `event.dataset` and `event.action` per source, and a cardinality of the rest. Nothing is left
 * out silently: `other_*`, `truncated`, `lists_cut` and `count_error` say what the result omits.
 */
export async function topSources(client: Client, prefix: string, query: TopSourcesQuery): Promise<TopSources> {
  const min = query.min ?? 1;
  checkCount('limit', query.limit, MAX_TOP_SOURCES);
  checkCount('min', min, Number.MAX_SAFE_INTEGER);
  const size = query.limit + 1;
  const aggs: Record<string, estypes.AggregationsAggregationContainer> = {
    sources: {
      terms: { field: 'source.ip', size, shard_size: Math.max(MIN_SHARD_SIZE, size * 2), min_doc_count: min, order: BY_COUNT },
      aggs: {
        first: { min: { field: '@timestamp' } },
        last: { max: { field: '@timestamp' } },
        datasets: { terms: { field: 'event.dataset', size: SOURCE_LIST_SIZE, order: BY_COUNT } },
        ...actionAggs(SOURCE_LIST_SIZE),
      },
    },
    distinct: { cardinality: { field: 'source.ip', precision_threshold: 40_000 } },
  };
  const response = await aggregate(client, prefix, 'counting events per source address', { query: eventsQuery(query), aggs });
  const sources = response.aggregations?.sources as TermsAggregate<SourceBucket> | undefined;
  const buckets = sources?.buckets ?? [];
  const listed = buckets.slice(0, query.limit).map(rowOf);
  const rows = listed.map((l) => l.row);
  const otherEvents = totalOf(response) - rows.reduce((sum, r) => sum + r.count, 0);
  const distinct = (response.aggregations?.distinct as { value: number } | undefined)?.value ?? 0;
  return {
    rows,
    other_sources: otherEvents === 0 ? 0 : Math.max(1, distinct - rows.length),
    other_events: otherEvents,
    truncated: buckets.length > query.limit,
    lists_cut: listed.filter((l) => l.cut).map((l) => l.row.ip),
    count_error: Math.max(0, sources?.doc_count_error_upper_bound ?? 0),
  };
}

/** Events of one UTC day. */
export interface DayCount {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  count: number;
}

/** The UTC days from the one of `since` to the one of the last millisecond before `until`. */
export function daysOf(since: Date, until: Date): string[] {
  const days: string[] = [];
  const last = utcDay(until.getTime() - 1);
  for (let t = Date.parse(`${utcDay(since)}T00:00:00.000Z`); ; t += 86_400_000) {
    const day = utcDay(t);
    days.push(day);
    if (day >= last) return days;
  }
}

/**
 * Events per UTC day over the same selection as {@link topSources} (a `date_histogram`,
 * `calendar_interval: 1d`, zone UTC): every day of the range, days without events at 0. The first and
 * last day are partial when `since` / `until` are not midnight.
 */
export async function dailyCounts(client: Client, prefix: string, query: Omit<TopSourcesQuery, 'limit' | 'min'>): Promise<DayCount[]> {
  const aggs: Record<string, estypes.AggregationsAggregationContainer> = {
    days: { date_histogram: { field: '@timestamp', calendar_interval: '1d', time_zone: 'UTC', min_doc_count: 1 } },
  };
  const selection: EventSelection = query;
  const response = await aggregate(client, prefix, 'counting events per day', { query: eventsQuery(selection), aggs });
  const counted = new Map<string, number>();
  const days = response.aggregations?.days as { buckets: { key: number; doc_count: number }[] } | undefined;
  for (const b of days?.buckets ?? []) counted.set(utcDay(b.key), b.doc_count);
  return daysOf(query.since, query.until).map((day) => ({ day, count: counted.get(day) ?? 0 }));
}
