import { noSuchWatch, withStores, type CommandContext } from './context.ts';
import { entityMatcher } from './entity.ts';

/**
 * `vigil watch ack <id> [--entity <key>]`: acknowledges the watch's active alerts (or one entity's):
 * no more notifications for them until they resolve. Exit 1 when `--entity` matches no active alert.
 */
export async function ackCommand(ctx: CommandContext, id: string, options: { entity?: string }): Promise<number> {
  const matches = options.entity === undefined ? undefined : entityMatcher(options.entity);
  return withStores(await ctx.config(), async ({ registry, alerts }) => {
    if ((await registry.get(id)) === undefined) return noSuchWatch(ctx, id);
    const targets = (await alerts.active(id)).filter((a) => matches === undefined || matches(a.value));
    if (targets.length === 0) {
      ctx.out.log(options.entity === undefined ? `no active alerts of ${id}` : `no active alert of ${id} for entity ${options.entity}`);
      return options.entity === undefined ? 0 : 1;
    }
    const acked: string[] = [];
    for (const t of targets) acked.push(...(await alerts.ack(id, t.value.entity_key)));
    for (const key of acked) ctx.out.log(`acked ${id} ${key}`);
    const already = targets.length - acked.length;
    ctx.out.log(`${acked.length} alert(s) acknowledged${already > 0 ? `, ${already} already acknowledged` : ''}`);
    return 0;
  });
}
