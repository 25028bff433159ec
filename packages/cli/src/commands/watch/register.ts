import type { Command } from 'commander';
import type { CommandContext } from './context.ts';
import type { HistoryOptions } from './history.ts';
import type { SilenceOptions } from './silence.ts';
import type { AlertsListOptions } from '../alerts/list.ts';

// Registry and alert-state commands. Each implementation module is imported only when its command
// runs, like the rest of the CLI; this file holds only the command tree.

/** Adds `validate put get list delete activate deactivate history ack silence` under `vigil watch`. */
export function registerWatchRegistryCommands(watch: Command, ctx: CommandContext): void {
  const done = (code: number) => ctx.setExitCode(code);

  watch
    .command('validate')
    .description('check watch files or folders (no services needed): one `file:line: path: message` per problem, exit 1 on any')
    .argument('<paths...>', 'watch files (.yaml, .yml, .json) or folders of them')
    .action(async (paths: string[]) => done((await import('./validate.ts')).validateCommand(paths, ctx.out)));

  watch
    .command('put')
    .description('validate all, then store each watch in the registry (idempotent): prints created, updated or unchanged')
    .argument('<paths...>', 'watch files or folders')
    .action(async (paths: string[]) => done(await (await import('./put.ts')).putCommand(ctx, paths)));

  watch
    .command('get')
    .description('show a stored watch: version, status, definition')
    .argument('<id>', 'watch id')
    .option('--json', 'print the stored watch as JSON')
    .action(async (id: string, opts: { json?: boolean }) => done(await (await import('./get.ts')).getCommand(ctx, id, opts)));

  watch
    .command('list')
    .description('list stored watches: id, enabled, version, schedule, last run, last fired')
    .option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }) => done(await (await import('./list.ts')).listCommand(ctx, opts)));

  watch
    .command('delete')
    .description('remove a watch from the registry (its alerts and history are kept)')
    .argument('<id>', 'watch id')
    .action(async (id: string) => done(await (await import('./lifecycle.ts')).deleteCommand(ctx, id)));

  for (const [name, enabled] of [['activate', true], ['deactivate', false]] as const) {
    watch
      .command(name)
      .description(`${enabled ? 'resume' : 'stop'} scheduling a watch, keeping its definition and status`)
      .argument('<id>', 'watch id')
      .action(async (id: string) => done(await (await import('./lifecycle.ts')).setEnabledCommand(ctx, id, enabled)));
  }

  watch
    .command('history')
    .description('show the recorded runs of a watch, newest first')
    .argument('<id>', 'watch id')
    .option('--limit <n>', 'how many runs (default 20)')
    .option('--deliveries', 'instead, every delivery attempt of its notifications (status, error)')
    .option('--json', 'print the history records as JSON')
    .action(async (id: string, opts: HistoryOptions) => done(await (await import('./history.ts')).historyCommand(ctx, id, opts)));

  watch
    .command('ack')
    .description('acknowledge active alerts of a watch (or one entity): silent until they resolve')
    .argument('<id>', 'watch id')
    .option('--entity <key>', 'entity key as `vigil alerts list` prints it, or field=value,field=value')
    .action(async (id: string, opts: { entity?: string }) => done(await (await import('./ack.ts')).ackCommand(ctx, id, opts)));

  watch
    .command('silence')
    .description('no notifications of a watch (or one entity) until a time')
    .argument('<id>', 'watch id')
    .requiredOption('--until <time>', 'ISO time, or a duration from now such as 30m, 2h, 1d')
    .option('--entity <key>', 'entity key as `vigil alerts list` prints it, or field=value,field=value')
    .action(async (id: string, opts: SilenceOptions) => done(await (await import('./silence.ts')).silenceCommand(ctx, id, opts)));
}

/** Adds `vigil alerts list`. */
export function registerAlertsCommands(program: Command, ctx: CommandContext): void {
  const alerts = program.command('alerts').enablePositionalOptions().description('alert state per watch and entity');
  alerts
    .command('list')
    .description('list alerts, most recently seen first')
    .option('--watch <id>', 'only this watch')
    .option('--state <state>', 'new, ongoing or resolved (several: comma-separated)')
    .option('--undelivered', 'instead, notifications that failed for good or are still being retried')
    .option('--json', 'print a JSON array')
    .action(async (opts: AlertsListOptions) => done(ctx, await (await import('../alerts/list.ts')).alertsListCommand(ctx, opts)));
}

function done(ctx: CommandContext, code: number): void {
  ctx.setExitCode(code);
}
