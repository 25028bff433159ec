import type { Client, estypes } from '@elastic/elasticsearch';
import { VigilError } from '@vigil/core';
import { elasticsearchError } from '../client.ts';
import { eventIndices } from '../indices.ts';
import { checkRanges } from './networks.ts';

/**
 * What counts as attack evidence: an event with a `source.ip` that matches one of these clauses.
 * Each clause is what a parser really writes (see packages/parsers/src/<source>/):
 *
 * - `event.outcome: failure` — failed logins and refusals of sshd/PAM (`auth`), Windows 4625
 *   (`windows`), and OSSEC/Wazuh alerts of authentication rules;
 * - `event.kind: alert` — every OSSEC/Wazuh alert (`ossec`; most carry no outcome);
 * - `event.type: denied` — firewall drops and rejects (`netfilter`: `[UFW BLOCK]`, `DROP`, `REJECT`…;
 *   netfilter sets no outcome, a logged drop is the firewall working) and sshd's refused connections;
 * - `event.dataset: tcpdump` with the tag `tcp_connection_started` — SYN captures (a SYN without ACK,
 *   seed 001's `tcp[13] == 2`); other captured packets, replies to outbound connections among them,
 *   are not evidence.
 */
export const ATTACK_EVIDENCE: readonly estypes.QueryDslQueryContainer[] = Object.freeze([
  { term: { 'event.outcome': 'failure' } },
  { term: { 'event.kind': 'alert' } },
  { term: { 'event.type': 'denied' } },
  { bool: { filter: [{ term: { 'event.dataset': 'tcpdump' } }, { term: { tags: 'tcp_connection_started' } }] } },
]);

/** A time range of events: from `since` (included) to `until` (excluded). */
export interface EventRange {
  since: Date;
  until: Date;
}

/** What selects the events of a statistic. */
export interface EventSelection extends EventRange {
  /** CIDR ranges (or addresses) whose `source.ip` is left out. */
  exclude: readonly string[];
  /** Count every event with a `source.ip`, not only {@link ATTACK_EVIDENCE}. */
  allEvents?: boolean;
}

/** Throws `CONFIG_INVALID` unless `since` and `until` are dates and `since` comes first. */
export function checkRange(range: EventRange): void {
  for (const [name, date] of [['since', range.since], ['until', range.until]] as const) {
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new VigilError('CONFIG_INVALID', `${name} is not a valid date`);
  }
  if (range.since.getTime() >= range.until.getTime()) {
    throw new VigilError('CONFIG_INVALID', `since (${range.since.toISOString()}) must be before until (${range.until.toISOString()})`);
  }
}

/** The query of a statistic: events in the range with a `source.ip`, evidence unless `allEvents`, excluded ranges left out. */
export function eventsQuery(selection: EventSelection, extra: readonly estypes.QueryDslQueryContainer[] = []): estypes.QueryDslQueryContainer {
  checkRange(selection);
  const exclude = checkRanges(selection.exclude, 'exclude');
  const filter: estypes.QueryDslQueryContainer[] = [
    { range: { '@timestamp': { gte: selection.since.toISOString(), lt: selection.until.toISOString() } } },
    { exists: { field: 'source.ip' } },
    ...(selection.allEvents === true ? [] : [{ bool: { should: [...ATTACK_EVIDENCE], minimum_should_match: 1 } }]),
    ...extra,
  ];
  // `ip` fields take a CIDR in `term`: one clause per range
  const mustNot = exclude.map((cidr) => ({ term: { 'source.ip': cidr } }));
  return { bool: { filter, ...(mustNot.length === 0 ? {} : { must_not: mustNot }) } };
}

/**
 * Runs one aggregation search (`size: 0`) over the event indices; an empty cluster or prefix
 * answers with no hits. Client errors become VigilErrors (transient for 429, 5xx, no answer).
 */
export async function aggregate(
  client: Client,
  prefix: string,
  doing: string,
  request: Pick<estypes.SearchRequest, 'query' | 'aggs'>,
): Promise<estypes.SearchResponse> {
  try {
    return await client.search({ index: eventIndices(prefix), size: 0, track_total_hits: true, ignore_unavailable: true, allow_no_indices: true, ...request });
  } catch (err) {
    throw elasticsearchError(err, client.connectionPool.connections[0]?.url.toString() ?? 'elasticsearch', doing);
  }
}

/** `hits.total` of a `track_total_hits: true` search. */
export function totalOf(response: estypes.SearchResponse): number {
  const total = response.hits.total;
  return typeof total === 'number' ? total : (total?.value ?? 0);
}

/** `YYYY-MM-DD` (UTC) of a time. */
export function utcDay(time: number | Date): string {
  return new Date(time).toISOString().slice(0, 10);
}
