import { sourceHistory, type SourceHistory } from '@vigil/store';
import { MAX_AUDIT_READ, ResponseAudit, type ActiveBlock } from '@vigil/watcher';
import type { ResponseAuditDocument } from '@vigil/actions';
import type { CommandContext } from '../watch/context.ts';
import { dash } from '../watch/format.ts';
import { addressArgument, withElasticsearch } from '../responses/services.ts';
import { alignedTable } from './format.ts';
import { parseFormat, parseRange, type TimeRange } from './options.ts';

export interface SourceOptions {
  since: string;
  until?: string;
  allEvents?: boolean;
  format?: string;
}

const FORMATS = ['table', 'json'] as const;

/** Everything `stats source` found about one address. */
interface SourceReport {
  history: SourceHistory;
  responses: ResponseAuditDocument[];
  /** All audit documents of the address: more than `responses` when the read was capped. */
  responsesTotal: number;
  blocks: ActiveBlock[];
  blocksTruncated: boolean;
}

function summary(report: SourceReport, range: TimeRange, allEvents: boolean): string {
  const { history } = report;
  const what = allEvents ? 'events' : 'attack events';
  const span = `${range.since.toISOString()} to ${range.until.toISOString()}`;
  if (history.count === 0) return `${history.ip}: no ${what} from ${span}`;
  return `${history.ip}: ${history.count} ${what} from ${span}, first ${history.first_seen ?? '-'}, last ${history.last_seen ?? '-'}`;
}

function blockLine(report: SourceReport, at: Date): string {
  if (report.blocks.length === 0) return `not blocked at ${at.toISOString()}`;
  return `blocked at ${at.toISOString()} on ${report.blocks.map((b) => `${b.host} until ${b.expires} (request ${b.request_id})`).join(', ')}`;
}

function tableLines(report: SourceReport, range: TimeRange, allEvents: boolean): string[] {
  const lines = [summary(report, range, allEvents), blockLine(report, range.until)];
  if (report.history.days.length > 0) {
    const days = report.history.days.map((d) => [d.day, d.dataset, d.action, String(d.count)]);
    lines.push('', ...alignedTable([['DAY', 'DATASET', 'ACTION', 'EVENTS'], ...days], new Set([3])));
  }
  lines.push('');
  if (report.responses.length === 0) lines.push('no responses recorded');
  else {
    const header = ['TIME', 'OUTCOME', 'ACTION', 'HOST', 'EXPIRES', 'ORIGIN', 'WATCH', 'REQUEST', 'ERROR'];
    const rows = report.responses.map((d) => [
      d['@timestamp'],
      d.outcome,
      d.action,
      dash(d.host?.name),
      dash(d.expires),
      d.origin,
      dash(d.watch_id),
      d.request_id,
      dash(d.error?.message),
    ]);
    lines.push(...alignedTable([header, ...rows]));
  }
  return lines;
}

function notes(report: SourceReport): string[] {
  return [
    ...(report.history.truncated ? ['vigil: some days had more datasets or actions than listed: the days table shows the most frequent ones'] : []),
    ...(report.responsesTotal > report.responses.length ? [`vigil: ${report.responses.length} of ${report.responsesTotal} responses shown (the newest)`] : []),
    ...(report.blocksTruncated ? [`vigil: warning: more blocks than one read returns (${MAX_AUDIT_READ}); the blocks in force may be incomplete`] : []),
  ];
}

/**
 * `vigil stats source <ip>`: what one address did (attack evidence per UTC day, dataset and action;
 * `--all-events`: every event it is the source of), every response to it in the block / unblock
 * audit (newest first), and whether it is blocked at `--until` (default now).
 */
export async function sourceCommand(ctx: CommandContext, text: string, options: SourceOptions): Promise<number> {
  const ip = addressArgument(text, 'address');
  const range = parseRange(options.since, options.until, new Date());
  const format = parseFormat(options.format, FORMATS, 'table');
  const allEvents = options.allEvents === true;
  const config = await ctx.config();
  const report = await withElasticsearch(config, async (client): Promise<SourceReport> => {
    const audit = new ResponseAudit({ client, prefix: config.indexPrefix });
    const history = await sourceHistory(client, config.indexPrefix, ip, { ...range, allEvents });
    const { documents, total } = await audit.list({ ip }, MAX_AUDIT_READ);
    const { blocks, truncated } = await audit.activeBlocks(range.until, { ip });
    return { history, responses: documents, responsesTotal: total, blocks, blocksTruncated: truncated };
  });
  if (format === 'json') {
    const { history } = report;
    const document = {
      ...history,
      since: range.since.toISOString(),
      until: range.until.toISOString(),
      all_events: allEvents,
      blocked: report.blocks,
      responses: report.responses,
      responses_total: report.responsesTotal,
    };
    ctx.out.log(JSON.stringify(document, null, 2));
  } else for (const line of tableLines(report, range, allEvents)) ctx.out.log(line);
  for (const note of notes(report)) ctx.out.error(note);
  return 0;
}
