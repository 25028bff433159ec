import { writeFileSync } from 'node:fs';
import { VigilError } from '@vigil/core';
import { MAX_TOP_SOURCES, topSources, type SourceRow, type TopSources } from '@vigil/store';
import { badOption, type CommandContext } from '../watch/context.ts';
import { withElasticsearch } from '../responses/services.ts';
import { alignedTable, csvLines } from './format.ts';
import { parseCount, parseExclude, parseFormat, parseRange, type TimeRange } from './options.ts';

export interface TopSourcesOptions {
  since: string;
  until?: string;
  exclude?: string;
  min?: string;
  limit?: string;
  allEvents?: boolean;
  format?: string;
  chart?: string;
}

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];
const DEFAULT_LIMIT = 20;

function tableLines(rows: readonly SourceRow[]): string[] {
  const header = ['RANK', 'IP', 'EVENTS', 'FIRST SEEN', 'LAST SEEN', 'DATASETS', 'ACTIONS'];
  const body = rows.map((r, i) => [String(i + 1), r.ip, String(r.count), r.first_seen, r.last_seen, r.datasets.join(','), r.actions.join(',')]);
  return alignedTable([header, ...body], new Set([0, 2]));
}

function csvOf(rows: readonly SourceRow[]): string[] {
  const records = rows.map((r) => [r.ip, r.count, r.first_seen, r.last_seen, r.datasets.join(';'), r.actions.join(';')]);
  return csvLines([['ip', 'count', 'first_seen', 'last_seen', 'datasets', 'actions'], ...records]);
}

/** The notes on what the list leaves out: always on stderr, so that stdout stays one document. */
export function omissionNotes(result: TopSources, limit: number, min: number): string[] {
  const notes: string[] = [];
  if (result.other_events > 0) {
    const why = [...(result.truncated ? [`beyond --limit ${limit}`] : []), ...(min > 1 ? [`under --min ${min}`] : [])];
    const sources = `${result.other_sources} more source${result.other_sources === 1 ? '' : 's'}`;
    const events = `${result.other_events} event${result.other_events === 1 ? '' : 's'}`;
    notes.push(`vigil: ${sources} (approx.) with ${events} not listed${why.length === 0 ? '' : `: ${why.join(' or ')}`}`);
  }
  if (result.lists_cut.length > 0) notes.push(`vigil: datasets or actions listed only in part (the most frequent ones) for ${result.lists_cut.join(', ')}`);
  if (result.count_error > 0) {
    notes.push(`vigil: counts may be low by up to ${result.count_error} (a daily index did not return every source among its top terms)`);
  }
  return notes;
}

function print(ctx: CommandContext, format: Format, result: TopSources, range: TimeRange): void {
  if (format === 'json') ctx.out.log(JSON.stringify(result.rows, null, 2));
  else if (format === 'csv') for (const line of csvOf(result.rows)) ctx.out.log(line);
  else if (result.rows.length === 0) ctx.out.log(`no source addresses from ${range.since.toISOString()} to ${range.until.toISOString()}`);
  else for (const line of tableLines(result.rows)) ctx.out.log(line);
}

/** The chart renderer, loaded only with --chart; a renderer that cannot load is an error saying so, not a stack trace. */
async function chartModule(): Promise<typeof import('./chart.ts')> {
  try {
    return await import('./chart.ts');
  } catch (err) {
    throw new VigilError('INTERNAL', `--chart: the chart renderer (@vigil/charts) could not be loaded: ${(err as Error).message}`, { cause: err });
  }
}

async function writeChart(ctx: CommandContext, path: string, rows: readonly SourceRow[], range: TimeRange, allEvents: boolean): Promise<void> {
  const { sourcesChart, MAX_CHART_BARS } = await chartModule();
  const what = allEvents ? 'events' : 'attack events';
  const charted = Math.min(rows.length, MAX_CHART_BARS);
  // days shown inclusive: an --until at midnight ends the day before
  const last = new Date(range.until.getTime() - 1).toISOString().slice(0, 10);
  const title = `Top ${charted} source addresses by ${what}, ${range.since.toISOString().slice(0, 10)} to ${last}`;
  const png = sourcesChart(title, rows, what);
  try {
    writeFileSync(path, png);
  } catch (err) {
    throw badOption(`--chart ${path}: cannot write the chart: ${(err as Error).message}`);
  }
  const part = charted < rows.length ? ` (the first ${charted} of ${rows.length}: a chart holds at most ${MAX_CHART_BARS} bars)` : '';
  ctx.out.error(`vigil: wrote the chart of ${charted} sources to ${path}${part}`);
}

/**
 * `vigil stats top-sources`: the source addresses with the most attack evidence (failed logins,
 * alerts, firewall denials, SYN captures; `--all-events`: every event with a source address), local
 * networks left out unless `--exclude` replaces them, as a table, JSON or CSV, and a bar chart.
 */
export async function topSourcesCommand(ctx: CommandContext, options: TopSourcesOptions): Promise<number> {
  const range = parseRange(options.since, options.until, new Date());
  const exclude = parseExclude(options.exclude);
  const limit = parseCount('--limit', options.limit, DEFAULT_LIMIT, MAX_TOP_SOURCES);
  const min = parseCount('--min', options.min, 1, Number.MAX_SAFE_INTEGER);
  const format = parseFormat(options.format, FORMATS, 'table');
  const allEvents = options.allEvents === true;
  const config = await ctx.config();
  const result = await withElasticsearch(config, (client) => topSources(client, config.indexPrefix, { ...range, exclude, min, limit, allEvents }));
  // the chart first: a chart that cannot be written fails the command before any output
  if (options.chart !== undefined) await writeChart(ctx, options.chart, result.rows, range, allEvents);
  print(ctx, format, result, range);
  for (const note of omissionNotes(result, limit, min)) ctx.out.error(note);
  return 0;
}
