import { parseDuration } from '@vigil/core';
import { silenceWatch } from '@vigil/store';
import { badOption, noSuchWatch, withStores, type CommandContext } from './context.ts';
import { entityMatcher } from './entity.ts';

export interface SilenceOptions {
  until: string;
  entity?: string;
}

/** `--until`: an ISO time, or a duration from now (`2h`, `30m`, `1d`); must be in the future. */
export function parseUntil(text: string, now: Date): string {
  const ms = parseDuration(text);
  const at = ms !== undefined ? new Date(now.getTime() + ms) : /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : undefined;
  if (at === undefined || Number.isNaN(at.getTime())) throw badOption(`--until must be an ISO time (2026-11-22T18:00:00Z) or a duration (30m, 2h, 1d), got "${text}"`);
  if (at.getTime() <= now.getTime()) throw badOption(`--until ${text} is not in the future`);
  return at.toISOString();
}

/**
 * `vigil watch silence <id> --until <time|duration> [--entity <key>]`: no notifications before that
 * time, for one entity's alert or (without `--entity`) for the whole watch, through its status.
 */
export async function silenceCommand(ctx: CommandContext, id: string, options: SilenceOptions): Promise<number> {
  const until = parseUntil(options.until, new Date());
  const matches = options.entity === undefined ? undefined : entityMatcher(options.entity);
  return withStores(await ctx.config(), async ({ registry, alerts }) => {
    if (matches === undefined) {
      if (!(await silenceWatch(registry, id, until))) return noSuchWatch(ctx, id);
      ctx.out.log(`silenced ${id} (all entities) until ${until}`);
      return 0;
    }
    if ((await registry.get(id)) === undefined) return noSuchWatch(ctx, id);
    const targets = (await alerts.list({ watchId: id })).filter(matches);
    if (targets.length === 0) {
      ctx.out.log(`no alert of ${id} for entity ${options.entity ?? ''}`);
      return 1;
    }
    for (const t of targets) for (const key of await alerts.silence(id, t.entity_key, until)) ctx.out.log(`silenced ${id} ${key} until ${until}`);
    return 0;
  });
}
