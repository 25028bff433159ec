import { announceChanges, noSuchWatch, withStores, type CommandContext } from './context.ts';

/** `vigil watch delete <id>`: removes the definition (its alerts and history stay for the record). */
export async function deleteCommand(ctx: CommandContext, id: string): Promise<number> {
  const config = await ctx.config();
  if (!(await withStores(config, ({ registry }) => registry.delete(id)))) return noSuchWatch(ctx, id);
  ctx.out.log(`deleted ${id}`);
  await announceChanges(ctx, config, [id]);
  return 0;
}

/** `vigil watch activate|deactivate <id>`: switches scheduling on or off, keeping definition and status. */
export async function setEnabledCommand(ctx: CommandContext, id: string, enabled: boolean): Promise<number> {
  const config = await ctx.config();
  if (!(await withStores(config, ({ registry }) => registry.setEnabled(id, enabled)))) return noSuchWatch(ctx, id);
  ctx.out.log(`${enabled ? 'activated' : 'deactivated'} ${id}`);
  await announceChanges(ctx, config, [id]);
  return 0;
}
