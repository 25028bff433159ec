import { dash, scheduleText, table } from './format.ts';
import { withStores, type CommandContext } from './context.ts';

/** `vigil watch list [--json]`: every watch with its schedule and last run / last fired. */
export async function listCommand(ctx: CommandContext, options: { json?: boolean }): Promise<number> {
  const watches = await withStores(await ctx.config(), ({ registry }) => registry.list());
  const rows = watches.map((w) => ({
    id: w.id,
    name: w.definition.name,
    enabled: w.enabled,
    version: w.version,
    schedule: scheduleText(w),
    last_run: w.status.last_run ?? null,
    last_fired: w.status.last_fired ?? null,
    last_state: w.status.last_state ?? null,
  }));
  if (options.json === true) {
    ctx.out.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const header = ['ID', 'ENABLED', 'VERSION', 'SCHEDULE', 'LAST RUN', 'LAST FIRED'];
  for (const line of table([header, ...rows.map((r) => [r.id, r.enabled ? 'yes' : 'no', String(r.version), r.schedule, dash(r.last_run ?? undefined), dash(r.last_fired ?? undefined)])])) ctx.out.log(line);
  return 0;
}
