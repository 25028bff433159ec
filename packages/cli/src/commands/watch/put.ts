import { relative } from 'node:path';
import { setupIndices } from '@vigil/store';
import { elasticsearchError } from '@vigil/store';
import { announceChanges, withStores, type CommandContext } from './context.ts';
import { loadOrReport } from './validate.ts';

/**
 * `vigil watch put <paths...>`: validates every file first and stores nothing if any is invalid;
 * then stores each watch (idempotent: an unchanged definition keeps its version) and announces the
 * created and updated ones to the scheduler.
 */
export async function putCommand(ctx: CommandContext, paths: string[]): Promise<number> {
  const loaded = loadOrReport(paths, ctx.out);
  if (loaded === undefined) return 1;
  const config = await ctx.config();
  const changed = await withStores(config, async ({ client, registry }) => {
    await setupIndices(client, config.indexPrefix).catch((err: unknown) => {
      throw elasticsearchError(err, config.elasticsearch.url, 'installing index templates');
    });
    const ids: string[] = [];
    for (const { watch, file } of loaded) {
      const { result, version } = await registry.put(watch, relative(process.cwd(), file) || file);
      ctx.out.log(`${result.padEnd(9)} ${watch.id} (version ${version})`);
      if (result !== 'unchanged') ids.push(watch.id);
    }
    return ids;
  });
  await announceChanges(ctx, config, changed);
  return 0;
}
