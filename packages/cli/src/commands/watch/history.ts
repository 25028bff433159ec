import type { HistoryRecord } from '@vigil/core';
import { badOption, withStores, type CommandContext } from './context.ts';
import { table } from './format.ts';

export interface HistoryOptions {
  limit?: string;
  deliveries?: boolean;
  json?: boolean;
}

/** `log:executed notable:throttled×3`: each action's outcomes in a run, counted. */
function actionsText(record: HistoryRecord): string {
  const counts = new Map<string, number>();
  for (const a of record.actions) counts.set(`${a.id}:${a.status}`, (counts.get(`${a.id}:${a.status}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => (n === 1 ? k : `${k}×${n}`)).join(' ') || '-';
}

/** `vigil watch history <id> [--limit N] [--json]`: the watch's runs, newest first. */
export async function historyCommand(ctx: CommandContext, id: string, options: HistoryOptions): Promise<number> {
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw badOption(`--limit must be a whole number from 1 to 10000, got "${options.limit}"`);
  if (options.deliveries === true) return deliveriesCommand(ctx, id, limit, options.json === true);
  const records = await withStores(await ctx.config(), ({ history }) => history.list(id, { limit }));
  if (options.json === true) {
    ctx.out.log(JSON.stringify(records, null, 2));
    return 0;
  }
  if (records.length === 0) {
    ctx.out.log(`no runs recorded for ${id}`);
    return 0;
  }
  const header = ['STARTED', 'WINDOW', 'HITS', 'MET', 'ENTITIES', 'STATE', 'LATE', 'TOOK', 'ACTIONS'];
  const rows = records.map((r) => [
    r.started,
    `${r.window.from} .. ${r.window.to}`,
    String(r.hits),
    r.condition_met ? 'yes' : 'no',
    String(r.entities.length),
    r.state + (r.skipped_windows === undefined ? '' : ` (${r.skipped_windows} skipped)`),
    `${r.lateness_ms}ms`,
    `${r.duration_ms}ms`,
    actionsText(r) + (r.error === undefined ? '' : `  error: ${r.error}`),
  ]);
  for (const line of table([header, ...rows])) ctx.out.log(line);
  return 0;
}

/** `vigil watch history <id> --deliveries`: every delivery attempt of the watch's notifications, newest first. */
async function deliveriesCommand(ctx: CommandContext, id: string, limit: number, json: boolean): Promise<number> {
  const attempts = await withStores(await ctx.config(), ({ history }) => history.listAttempts(id, { limit }));
  if (json) {
    ctx.out.log(JSON.stringify(attempts, null, 2));
    return 0;
  }
  if (attempts.length === 0) {
    ctx.out.log(`no delivery attempts recorded for ${id}`);
    return 0;
  }
  const header = ['TIME', 'NOTIFICATION', 'ACTION', 'ENTITY', 'ATTEMPT', 'STATUS', 'TOOK', 'ERROR'];
  const rows = attempts.map((a) => [a['@timestamp'], a.notification_id, `${a.action.id} (${a.action.type})`, a.entity_key, String(a.attempt), a.status, `${a.duration_ms}ms`, a.error ?? '-']);
  for (const line of table([header, ...rows])) ctx.out.log(line);
  return 0;
}
