import type { Command } from 'commander';
import type { CommandContext } from './context.ts';
import type { WatchRunOptions, WatchTestOptions } from './run.ts';

/** Adds `run`, `test` and `schema` under `vigil watch`: executing a watch now, as of a past time, or over a past range. */
export function registerWatchRunCommands(watch: Command, ctx: CommandContext): void {
  watch
    .command('run')
    .description('run a watch (registered id or file) now or as of --at: prints the entities, the alerts it raises and each action’s outcome')
    .argument('<watch>', 'a registered watch id, or a watch file')
    .option('--at <time>', 'ISO time the window ends at (default: now)')
    .option('--dry-run', 'simulate the actions and change no state')
    .option('--json', 'print one JSON object: {watch, window, hits, alerts: [{entity, payload, state}], actions, truncated, kept_active}')
    .action(async (target: string, opts: WatchRunOptions) => ctx.setExitCode(await (await import('./run.ts')).watchRunCommand(await ctx.config(), target, opts, ctx.out)));

  watch
    .command('test')
    .description('replay a watch window by window over past data, alert state in memory and actions simulated; lists the alerts')
    .argument('<watch>', 'a watch file, or a registered watch id')
    .requiredOption('--from <time>', 'ISO start of the replay')
    .requiredOption('--to <time>', 'ISO end of the replay')
    .option('--json', 'print one JSON array with a run report per window')
    .action(async (target: string, opts: WatchTestOptions) => ctx.setExitCode(await (await import('./run.ts')).watchTestCommand(await ctx.config(), target, opts, ctx.out)));

  watch
    .command('schema')
    .description('print the JSON Schema of watch files (watches/schema.json is this output; npm run schema:watches)')
    .action(async () => {
      const { watchJsonSchema } = await import('@vigil/actions');
      ctx.out.log(JSON.stringify(watchJsonSchema(), null, 2));
      ctx.setExitCode(0);
    });
}
