import type { Command } from 'commander';
import type { CommandContext } from '../watch/context.ts';
import type { BlocklistExportOptions } from './export.ts';

// The shared blocklist for front-end servers (seed 004's "centralized list of IPs to blacklist").
// The implementation is imported only when the command runs; this file holds only the command tree.

const EXPORT_HELP = `
Listed: addresses with a "blocked" outcome in the block / unblock audit (<prefix>-responses-*) or an
alert whose entity has source.ip (<prefix>-alerts, last seen in the range). --min counts decisions:
each distinct block decision (however many hosts it reached) plus each watch's alert on the address
(its latest episode). Addresses are canonical and de-duplicated, IPv4 in numeric order then IPv6;
the responder's default allowlist (local networks) and --allow ranges are never listed.
Formats (every one with comments starts with a header line; loading again replaces the list):
  ipset      ipset restore input: set <name> (hash:ip, family inet) and <name>6 (family inet6)
  nftables   nft -f input: sets <name> / <name>6 in table inet filter, flushed then filled
  hosts.deny ALL: <ip> lines (IPv6 in brackets)
  nginx      deny <ip>; lines
  plain      one address per line, no header`;

/** Adds `vigil blocklist export`. */
export function registerBlocklistCommands(program: Command, ctx: CommandContext): void {
  const blocklist = program.command('blocklist').enablePositionalOptions().description('a shared blocklist of attacking addresses for front-end servers');
  blocklist
    .command('export')
    .description('print the addresses Vigil blocked or alerted on, for ipset, nftables, hosts.deny, nginx or a plain list')
    .option('--format <format>', 'ipset, nftables, hosts.deny, nginx or plain (required)')
    .option('--since <duration|time>', 'start of the range: a duration back from --until, or an ISO time', '30d')
    .option('--until <time>', 'end of the range, excluded (ISO time with a zone; default now)')
    .option('--min <n>', 'only addresses with at least this many decisions (blocks + alerts)', '1')
    .option('--name <name>', 'set name for ipset and nftables (IPv6: <name>6)', 'vigil-blocklist')
    .option('--allow <cidrs>', 'comma-separated ranges never listed, added to the default allowlist')
    .addHelpText('after', EXPORT_HELP)
    .action(async (opts: BlocklistExportOptions) => ctx.setExitCode(await (await import('./export.ts')).blocklistExportCommand(ctx, opts)));
}
