import type { Command } from 'commander';
import type { CommandContext } from '../watch/context.ts';
import type { ResponsesListOptions } from './list.ts';
import type { UnblockOptions } from '../unblock.ts';

// The block / unblock audit and manual unblocks. Implementations are imported only when their
// command runs; this file holds only the command tree.

/** Adds `vigil responses list` and `vigil unblock`. */
export function registerResponseCommands(program: Command, ctx: CommandContext): void {
  const responses = program.command('responses').enablePositionalOptions().description('the block / unblock audit: requests sent to responders and what they did');
  responses
    .command('list')
    .description('list requests and outcomes, newest first; --active: the blocks in force')
    .option('--ip <ip>', 'only this address')
    .option('--host <host>', 'only this protected host')
    .option('--active', 'blocks not yet expired and not unblocked, one per address and host')
    .option('--limit <n>', 'how many documents (default 50; --active lists every block in force)')
    .option('--json', 'print a JSON array')
    .action(async (opts: ResponsesListOptions) => ctx.setExitCode(await (await import('./list.ts')).responsesListCommand(ctx, opts)));

  program
    .command('unblock')
    .description('ask responders to lift a block of an address: --host, or every host with a block of it and every announced responder')
    .argument('<ip>', 'the address (IPv4 or IPv6)')
    .option('--host <host>', 'only this protected host')
    .option('--reason <text>', 'why, for the audit (default: a manual unblock by the current user)')
    .action(async (ip: string, opts: UnblockOptions) => ctx.setExitCode(await (await import('../unblock.ts')).unblockCommand(ctx, ip, opts)));
}
