import { dash, scheduleText } from './format.ts';
import { noSuchWatch, withStores, type CommandContext } from './context.ts';

/** `vigil watch get <id> [--json]`: the stored watch with its version and status. */
export async function getCommand(ctx: CommandContext, id: string, options: { json?: boolean }): Promise<number> {
  const found = await withStores(await ctx.config(), ({ registry }) => registry.get(id));
  if (found === undefined) return noSuchWatch(ctx, id);
  const w = found.value;
  if (options.json === true) {
    ctx.out.log(JSON.stringify(w, null, 2));
    return 0;
  }
  const s = w.status;
  const lines: [string, string][] = [
    ['id', w.id],
    ['name', w.definition.name],
    ['enabled', w.enabled ? 'yes' : 'no'],
    ['version', String(w.version)],
    ['severity', w.definition.severity],
    ['schedule', scheduleText(w)],
    ['source', dash(w.source_file)],
    ['updated', w.updated],
    ['last run', dash(s.last_run)],
    ['last fired', dash(s.last_fired)],
    ['last state', dash(s.last_state) + (s.last_error === undefined ? '' : ` (${s.last_error})`)],
    ['checkpoint', dash(s.checkpoint)],
    ['silenced until', dash(s.silenced_until)],
  ];
  for (const [k, v] of lines) ctx.out.log(`${`${k}:`.padEnd(16)}${v}`);
  for (const [name, a] of Object.entries(s.actions ?? {})) ctx.out.log(`${'action:'.padEnd(16)}${name} ${a.last_status} at ${a.last_time}${a.last_error === undefined ? '' : ` (${a.last_error})`}`);
  ctx.out.log('definition:');
  ctx.out.log(JSON.stringify(w.definition, null, 2));
  return 0;
}
