import type { Client } from '@elastic/elasticsearch';
import type { TopSourcesInput } from '@vigil/core';
import { checkRanges, dailyCounts, DEFAULT_LOCAL_NETWORKS, topSources, type DayCount, type SourceRow, type TopSources } from '@vigil/store';
import { MAX_AUDIT_READ, ResponseAudit } from '../respond/audit.ts';
import type { Cut } from './paging.ts';
import type { TimeWindow } from './search.ts';

/** A row as reports show it: the source, and whether a responder blocks it now (and where). */
export interface ReportedSource extends SourceRow {
  blocked: boolean;
  /** Hosts whose responder blocks it at the run, sorted. */
  blocked_on: string[];
}

/** One period of the report. */
export type ReportedPeriod = Omit<TopSources, 'rows'> & { rows: ReportedSource[]; since: string; until: string };

/** What a `top_sources` input gives the condition and transform. */
export interface TopSourcesPayload {
  [period: string]: ReportedPeriod | DayCount[];
}

/**
 * Runs a `top_sources` input for the run at `end`: one aggregation per period over the event indices,
 * the daily timeline if asked, and the blocks in force at `end` from the response audit.
 */
export async function executeTopSources(input: TopSourcesInput, end: Date, deps: { elasticsearch: Client; indexPrefix: string }): Promise<{ payload: TopSourcesPayload; hits: number; window: TimeWindow; cuts: Cut[] }> {
  const exclude = input.exclude === undefined ? DEFAULT_LOCAL_NETWORKS : checkRanges(input.exclude, 'input.top_sources.exclude');
  const selection = { until: end, exclude, allEvents: input.all_events };
  const periods = await Promise.all(
    Object.entries(input.periods).map(async ([name, ms]) => {
      const since = new Date(end.getTime() - ms);
      return [name, since, await topSources(deps.elasticsearch, deps.indexPrefix, { ...selection, since, limit: input.limit, min: input.min })] as const;
    }),
  );
  const { blocks, truncated } = await new ResponseAudit({ client: deps.elasticsearch, prefix: deps.indexPrefix }).activeBlocks(end);
  const hostsOf = new Map<string, string[]>();
  for (const b of blocks) hostsOf.set(b.ip, [...(hostsOf.get(b.ip) ?? []), b.host].sort());

  const payload: TopSourcesPayload = {};
  for (const [name, since, result] of periods) {
    const rows = result.rows.map((row) => ({ ...row, blocked: hostsOf.has(row.ip), blocked_on: hostsOf.get(row.ip) ?? [] }));
    payload[name] = { ...result, rows, since: since.toISOString(), until: end.toISOString() };
  }
  if (input.daily !== undefined) payload.daily = await dailyCounts(deps.elasticsearch, deps.indexPrefix, { ...selection, since: new Date(end.getTime() - input.daily) });

  const widest = Math.max(...Object.values(input.periods), input.daily ?? 0);
  const cuts: Cut[] = truncated ? [{ path: 'blocked', reason: 'audit read bound', bound: MAX_AUDIT_READ }] : [];
  return {
    payload,
    hits: Math.max(...periods.map(([, , r]) => r.rows.reduce((sum, row) => sum + row.count, 0) + r.other_events)),
    window: { from: new Date(end.getTime() - widest).toISOString(), to: end.toISOString() },
    cuts,
  };
}
