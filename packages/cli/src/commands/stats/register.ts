import type { Command } from 'commander';
import type { CommandContext } from '../watch/context.ts';
import type { TopSourcesOptions } from './top-sources.ts';
import type { SourceOptions } from './source.ts';

// Attacker analytics over the event indices (seed 004). Implementations are imported only when
// their command runs; this file holds only the command tree.

/** What the help says counts as attack evidence (ATTACK_EVIDENCE in @vigil/store). */
const EVIDENCE_HELP = `
Attack evidence: events with a source.ip that are failures (event.outcome: failure: failed sshd/PAM
and Windows logons), alerts (event.kind: alert: OSSEC/Wazuh), firewall denials (event.type: denied:
netfilter DROP/REJECT/BLOCK) or SYN captures (event.dataset: tcpdump with the tag
tcp_connection_started). --all-events counts every event with a source.ip instead.
Actions are event.action, or the rule name of an OSSEC alert (which has none).
Times are UTC; --since is a duration back from --until (90d, 12h) or an ISO time.`;

/** Adds `vigil stats top-sources` and `vigil stats source`. */
export function registerStatsCommands(program: Command, ctx: CommandContext): void {
  const stats = program
    .command('stats')
    .enablePositionalOptions()
    .description('attacker analytics over the event indices: top source addresses, one address over time');
  stats
    .command('top-sources')
    .description('the source addresses with the most attack evidence, local networks left out')
    .option('--since <duration|time>', 'start of the range: a duration back from --until, or an ISO time', '90d')
    .option('--until <time>', 'end of the range, excluded (ISO time with a zone; default now)')
    .option(
      '--exclude <cidrs>',
      'comma-separated ranges to leave out, REPLACING the default local networks (loopback, RFC 1918, link-local, CGNAT, ULA...); "none" leaves nothing out',
    )
    .option('--min <n>', 'leave out sources with fewer events')
    .option('--limit <n>', 'how many sources (default 20, at most 1000); the rest is summed up on stderr')
    .option('--all-events', 'count every event with a source address, not only attack evidence')
    .option('--format <format>', 'table, json (an array of {ip, count, first_seen, last_seen, datasets, actions}) or csv', 'table')
    .option('--chart <file.png>', 'also write a bar chart of the list as PNG')
    .addHelpText('after', EVIDENCE_HELP)
    .action(async (opts: TopSourcesOptions) => ctx.setExitCode(await (await import('./top-sources.ts')).topSourcesCommand(ctx, opts)));
  stats
    .command('source')
    .description('what one address did, per UTC day, dataset and action, every response to it, and whether it is blocked now')
    .argument('<ip>', 'the address (IPv4 or IPv6)')
    .option('--since <duration|time>', 'start of the range: a duration back from --until, or an ISO time', '90d')
    .option('--until <time>', 'end of the range, excluded, and when "blocked now" is checked (ISO time with a zone; default now)')
    .option('--all-events', 'every event the address is the source of, not only attack evidence')
    .option('--format <format>', 'table or json', 'table')
    .addHelpText('after', EVIDENCE_HELP)
    .action(async (ip: string, opts: SourceOptions) => ctx.setExitCode(await (await import('./source.ts')).sourceCommand(ctx, ip, opts)));
}
