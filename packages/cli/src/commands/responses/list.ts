import { formatDuration } from '@vigil/core';
import { ResponseAudit, type ActiveBlock, type AuditFilter } from '@vigil/watcher';
import type { ResponseAuditDocument } from '@vigil/actions';
import { badOption, type CommandContext } from '../watch/context.ts';
import { dash, table } from '../watch/format.ts';
import { addressArgument, hostArgument, withElasticsearch } from './services.ts';

export interface ResponsesListOptions {
  ip?: string;
  host?: string;
  active?: boolean;
  limit?: string;
  json?: boolean;
}

const DEFAULT_LIMIT = 50;

function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw badOption(`--limit must be a whole number from 1 to 10000, got "${text}"`);
  return limit;
}

function filterOf(options: ResponsesListOptions): AuditFilter {
  return { ...(options.ip === undefined ? {} : { ip: addressArgument(options.ip, '--ip') }), ...(options.host === undefined ? {} : { host: hostArgument(options.host) }) };
}

const durationText = (ms: number | undefined): string => (ms === undefined ? '-' : formatDuration(ms));

function documentRows(documents: ResponseAuditDocument[]): string[] {
  const header = ['TIME', 'OUTCOME', 'ACTION', 'IP', 'HOST', 'STEP', 'DURATION', 'EXPIRES', 'ORIGIN', 'WATCH', 'REQUEST', 'ERROR'];
  const rows = documents.map((d) => [d['@timestamp'], d.outcome, d.action, d.ip, dash(d.host?.name), dash(d.step), durationText(d.duration_ms), dash(d.expires), d.origin, dash(d.watch_id), d.request_id, dash(d.error?.message)]);
  return table([header, ...rows]);
}

function activeRows(blocks: ActiveBlock[]): string[] {
  const header = ['IP', 'HOST', 'EXPIRES', 'STEP', 'DURATION', 'BLOCKED', 'BACKEND', 'ORIGIN', 'WATCH', 'REQUEST'];
  const rows = blocks.map((b) => [b.ip, b.host, b.expires, dash(b.step), durationText(b.duration_ms), b.blocked, dash(b.backend), b.origin, dash(b.watch_id), b.request_id]);
  return table([header, ...rows]);
}

async function listActive(ctx: CommandContext, audit: ResponseAudit, filter: AuditFilter, json: boolean): Promise<number> {
  const { blocks, truncated } = await audit.activeBlocks(new Date(), filter);
  if (truncated) ctx.out.error('vigil: warning: more blocks than one read returns (10000); narrow the list with --ip or --host');
  if (json) ctx.out.log(JSON.stringify(blocks, null, 2));
  else if (blocks.length === 0) ctx.out.log('no active blocks');
  else for (const line of activeRows(blocks)) ctx.out.log(line);
  return 0;
}

/**
 * `vigil responses list [--ip IP] [--host H] [--active] [--limit N] [--json]`: the audit, newest
 * first (`requested` is Vigil's request; the others are what the responder reported), or with
 * `--active` the blocks in force.
 */
export async function responsesListCommand(ctx: CommandContext, options: ResponsesListOptions): Promise<number> {
  const filter = filterOf(options);
  const limit = parseLimit(options.limit);
  const config = await ctx.config();
  return withElasticsearch(config, async (client) => {
    const audit = new ResponseAudit({ client, prefix: config.indexPrefix });
    if (options.active === true) return listActive(ctx, audit, filter, options.json === true);
    const { documents, total } = await audit.list(filter, limit);
    if (total > documents.length) ctx.out.error(`vigil: ${documents.length} of ${total} shown (--limit ${limit})`);
    if (options.json === true) ctx.out.log(JSON.stringify(documents, null, 2));
    else if (documents.length === 0) ctx.out.log('no responses recorded');
    else for (const line of documentRows(documents)) ctx.out.log(line);
    return 0;
  });
}
