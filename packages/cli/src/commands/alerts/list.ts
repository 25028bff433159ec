import type { AlertState, DeliveryStatus } from '@vigil/core';
import { badOption, withStores, type CommandContext } from '../watch/context.ts';
import { dash, table } from '../watch/format.ts';

export interface AlertsListOptions {
  watch?: string;
  state?: string;
  undelivered?: boolean;
  json?: boolean;
}

const STATES: readonly AlertState[] = ['new', 'ongoing', 'resolved'];
/** At most this many notifications are listed by --undelivered (newest first); the total is said when there are more. */
const UNDELIVERED_LIMIT = 1000;

/** `--state new,ongoing`: one state or several, comma-separated. */
function parseStates(text: string | undefined): AlertState[] | undefined {
  if (text === undefined) return undefined;
  const states = text.split(',').map((s) => s.trim());
  const bad = states.filter((s) => !STATES.includes(s as AlertState));
  if (bad.length > 0) throw badOption(`--state must be ${STATES.join(', ')} (or several, comma-separated), got "${bad.join(',')}"`);
  return states as AlertState[];
}

/**
 * `vigil alerts list [--watch <id>] [--state ...] [--json]`: alert state per entity, most recently seen
 * first. The ENTITY column is the key `watch ack|silence --entity` accepts.
 */
export async function alertsListCommand(ctx: CommandContext, options: AlertsListOptions): Promise<number> {
  if (options.undelivered === true) return undeliveredCommand(ctx, options);
  const states = parseStates(options.state);
  const alerts = await withStores(await ctx.config(), ({ alerts: store }) =>
    store.list({ ...(options.watch === undefined ? {} : { watchId: options.watch }), ...(states === undefined ? {} : { states }) }),
  );
  if (options.json === true) {
    ctx.out.log(JSON.stringify(alerts, null, 2));
    return 0;
  }
  if (alerts.length === 0) {
    ctx.out.log('no alerts');
    return 0;
  }
  const header = ['WATCH', 'ENTITY', 'STATE', 'FIRST SEEN', 'LAST SEEN', 'COUNT', 'ACKED', 'SILENCED UNTIL'];
  const rows = alerts.map((a) => [a.watch_id, a.entity_key, a.state, a.first_seen, a.last_seen, String(a.count), a.acked ? 'yes' : 'no', dash(a.silenced_until)]);
  for (const line of table([header, ...rows])) ctx.out.log(line);
  return 0;
}

/**
 * `vigil alerts list --undelivered`: notifications that failed for good (permanent error, or the
 * delivery deadline passed) and those still being retried, newest first, with the last error.
 */
async function undeliveredCommand(ctx: CommandContext, options: AlertsListOptions): Promise<number> {
  if (options.state !== undefined) throw badOption('--undelivered lists notifications, not alert states: leave out --state');
  const query = { statuses: ['failed', 'queued'] as DeliveryStatus[], ...(options.watch === undefined ? {} : { watchId: options.watch }) };
  const { records, total } = await withStores(await ctx.config(), async ({ deliveries }) => ({ records: await deliveries.list({ ...query, limit: UNDELIVERED_LIMIT }), total: await deliveries.count(query) }));
  // the list is bounded: say so where the reader looks (stderr, so --json stays one document)
  if (total > records.length) ctx.out.error(`vigil: showing the newest ${records.length} of ${total} undelivered notifications`);
  if (options.json === true) {
    ctx.out.log(JSON.stringify(records.map(({ notification: _n, ...r }) => r), null, 2));
    return 0;
  }
  if (records.length === 0) {
    ctx.out.log('no undelivered notifications');
    return 0;
  }
  const header = ['WATCH', 'ENTITY', 'ACTION', 'STATUS', 'WINDOW END', 'ATTEMPTS', 'LAST ERROR'];
  const rows = records.map((r) => [r.watch_id, r.entity_key, `${r.action} (${r.type})`, r.status === 'queued' ? 'retrying' : 'failed', r.window.to, String(r.attempts), dash(r.last_error)]);
  for (const line of table([header, ...rows])) ctx.out.log(line);
  return 0;
}
