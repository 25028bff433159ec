import type { Client, estypes } from '@elastic/elasticsearch';
import { parseAddress } from '@vigil/responder';
import { VigilError } from '@vigil/core';
import { actionAggs, actionsOf, BY_COUNT, isCut, isoOf, type ActionBuckets, type TermsAggregate, type TermsBucket } from './buckets.ts';
import { aggregate, eventsQuery, totalOf, utcDay } from './query.ts';

/** What one address did, per UTC day, dataset and action. */
export interface SourceHistory {
  /** The address, canonical. */
  ip: string;
  /** Its events in the range. */
  count: number;
  /** First and last of them (ISO); absent when there are none. */
  first_seen?: string;
  last_seen?: string;
  /**
   * Per day (oldest first), dataset and action (`event.action`, or the rule name of an OSSEC alert,
   * or `(none)`), most events first within a day. The counts add up to `count` unless `truncated`.
   */
  days: { day: string; dataset: string; action: string; count: number }[];
  /** True when a day had more than {@link HISTORY_DATASETS} datasets or a dataset more than {@link HISTORY_ACTIONS} actions: those are not listed. */
  truncated: boolean;
}

/** The range of {@link sourceHistory}: [`since`, `until`); `allEvents` counts every event of the address, not only attack evidence. */
export interface HistoryRange {
  since: Date;
  until: Date;
  allEvents?: boolean;
}

/** Datasets listed per day, and actions per day and dataset. */
export const HISTORY_DATASETS = 10;
export const HISTORY_ACTIONS = 20;

interface DatasetBucket extends TermsBucket, ActionBuckets {}
interface DayBucket {
  key: number;
  doc_count: number;
  datasets: TermsAggregate<DatasetBucket>;
}

/** The rows of one day, and whether a list of it was cut. */
function dayRows(day: DayBucket): { rows: SourceHistory['days']; cut: boolean } {
  let cut = isCut(day.datasets);
  const rows = day.datasets.buckets.flatMap((dataset) => {
    const found = actionsOf(dataset);
    cut ||= found.cut;
    return found.actions.map((a) => ({ day: utcDay(day.key), dataset: dataset.key, action: a.key, count: a.doc_count }));
  });
  return { rows: rows.sort((a, b) => b.count - a.count || (a.dataset + a.action < b.dataset + b.action ? -1 : 1)), cut };
}

/**
 * The attack history of one address (seed 004's `WHERE src_ip = …`), from one aggregation over the
 * event indices: `date_histogram` by UTC day, sub-terms on `event.dataset` and `event.action`, and
 * `min`/`max` of `@timestamp`. Attack evidence only (as `topSources` counts it) unless `allEvents`.
 * `ip` must be an address (canonicalized here); anything else is a `CONFIG_INVALID` error.
 */
export async function sourceHistory(client: Client, prefix: string, ip: string, range: HistoryRange): Promise<SourceHistory> {
  const parsed = parseAddress(ip);
  if (!parsed.ok) throw new VigilError('CONFIG_INVALID', `not an IP address: ${parsed.reason}`);
  const address = parsed.address.text;
  const aggs: Record<string, estypes.AggregationsAggregationContainer> = {
    first: { min: { field: '@timestamp' } },
    last: { max: { field: '@timestamp' } },
    days: {
      date_histogram: { field: '@timestamp', calendar_interval: '1d', time_zone: 'UTC', min_doc_count: 1 },
      aggs: { datasets: { terms: { field: 'event.dataset', size: HISTORY_DATASETS, order: BY_COUNT }, aggs: actionAggs(HISTORY_ACTIONS) } },
    },
  };
  const query = eventsQuery({ ...range, exclude: [] }, [{ term: { 'source.ip': address } }]);
  const response = await aggregate(client, prefix, `reading the history of ${address}`, { query, aggs });
  const a = response.aggregations ?? {};
  const days = ((a.days as { buckets: DayBucket[] } | undefined)?.buckets ?? []).map(dayRows);
  const first = isoOf(a.first as { value: number | null } | undefined);
  const last = isoOf(a.last as { value: number | null } | undefined);
  return {
    ip: address,
    count: totalOf(response),
    ...(first === undefined ? {} : { first_seen: first }),
    ...(last === undefined ? {} : { last_seen: last }),
    days: days.flatMap((d) => d.rows),
    truncated: days.some((d) => d.cut),
  };
}
