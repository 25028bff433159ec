import { Command, CommanderError } from 'commander';
import type { VigilConfig } from '@vigil/core';
import { asVigilError, errorLines, exitCodeOf, VERBOSE, type Output } from './output.ts';
import type { IngestFilesOptions } from './commands/ingest.ts';
import type { ParseOptions } from './commands/parse.ts';
import type { IngestServeOptions } from './commands/ingest-serve.ts';
import { registerAlertsCommands, registerWatchRegistryCommands } from './commands/watch/register.ts';
import { registerWatchRunCommands } from './commands/watch/register-run.ts';
import { registerResponseCommands } from './commands/responses/register.ts';
import { registerStatsCommands } from './commands/stats/register.ts';
import { registerBlocklistCommands } from './commands/blocklist/register.ts';
import { registerUpCommand } from './commands/up/register.ts';

// Each command's module (and its dependencies: the Elasticsearch client, ioredis, prom-client...) is
// loaded only when that command runs: a long-running `ingest serve` carries no doctor code.

/** Builds the `vigil` command tree; `run` parses argv and returns the exit code instead of exiting. */
export function buildProgram(out: Output, setExitCode: (code: number) => void): Command {
  const program = new Command('vigil')
    .description('Vigil: security monitoring on Elasticsearch — ingest, watches, alerts, active response')
    .option('-c, --config <file>', 'configuration file (default: ./vigil.yaml when present; VIGIL_CONFIG)')
    // taken out of argv by `run` wherever it stands, so every command accepts it (see VERBOSE)
    .option(VERBOSE, 'on an error, print its causes and stack trace too')
    // options after a subcommand belong to it: `ingest serve --state` is serve's, not ingest's
    .enablePositionalOptions()
    .configureOutput({ writeOut: (s) => out.log(s.trimEnd()), writeErr: (s) => out.error(s.trimEnd()) })
    .exitOverride();

  // loaded on first use: the configuration's schema (zod, yaml) is not needed by `vigil parse`
  const config = async (): Promise<VigilConfig> => (await import('@vigil/core/config')).loadConfig({ file: program.opts<{ config?: string }>().config });

  program
    .command('doctor')
    .description('check Elasticsearch, Redis and SMTP, one line per check with the fix; exit 1 when one fails')
    .option('--json', 'print the checks as JSON')
    .action(async (opts: { json?: boolean }) => setExitCode(await (await import('./commands/doctor.ts')).doctorCommand(await config(), out, opts)));

  program
    .command('setup')
    .description('install index templates and create system indices (idempotent); --users also creates the roles and users of each Vigil process')
    .option('--users', 'create or update the Elasticsearch roles and users of the prefix (run as the elastic superuser; passwords from VIGIL_ES_<ROLE>_PASSWORD, else generated and printed once)')
    .action(async (opts: { users?: boolean }) => setExitCode(await (await import('./commands/setup.ts')).setupCommand(await config(), out, { users: opts.users === true })));

  program
    .command('parse')
    .description('print what Vigil makes of log lines: one JSON event per record, in input order (no services needed)')
    .requiredOption('-s, --source <name>', 'log format: syslog, tcpdump, ossec, windows or auto')
    .option('--timezone <zone>', 'IANA zone of timestamps written without one', 'UTC')
    .option('--dataset <name>', 'override the dataset of every event')
    .argument('[file]', 'file to read (default: standard input)')
    .action(async (file: string | undefined, opts: ParseOptions) => setExitCode(await (await import('./commands/parse.ts')).parseCommand(file, opts)));

  const ingest = program
    .command('ingest')
    .enablePositionalOptions()
    .description('index log files once, resuming from committed offsets, and print a summary; or `ingest serve`')
    // not requiredOption: commander would demand it of `ingest serve` too
    .option('-s, --source <name>', 'log format: syslog, tcpdump, ossec, windows or auto (required)')
    .option('--timezone <zone>', 'IANA zone of timestamps written without one', 'UTC')
    .option('--dataset <name>', 'override the dataset of every event')
    .option('--state <dir>', 'where committed offsets are kept (default: $XDG_STATE_HOME/vigil)')
    .argument('<files...>', 'files to index')
    .action(async (files: string[], opts: IngestFilesOptions) => setExitCode(await (await import('./commands/ingest.ts')).ingestFilesCommand(await config(), files, opts, out)));

  ingest
    .command('serve')
    .description('run the inputs defined in ingest/*.yaml until stopped, with a Prometheus metrics endpoint')
    .option('--dir <dir>', 'folder of input definitions', 'ingest')
    .option('--state <dir>', 'offsets and spill files (default: $XDG_STATE_HOME/vigil)')
    .option('--metrics <host:port>', 'metrics endpoint, or off', '127.0.0.1:9464')
    .action(async (opts: IngestServeOptions) => setExitCode(await (await import('./commands/ingest-serve.ts')).ingestServeCommand(await config(), opts, out)));

  // ── watch registry and alert state: commands/watch/register.ts ──
  const watch = program.command('watch').enablePositionalOptions().description('watch definitions in the registry, their runs and alerts');
  registerWatchRegistryCommands(watch, { out, setExitCode, config });
  registerWatchRunCommands(watch, { out, setExitCode, config });
  registerAlertsCommands(program, { out, setExitCode, config });
  // ── end watch registry ──

  // ── block / unblock audit and manual unblock: commands/responses/register.ts ──
  registerResponseCommands(program, { out, setExitCode, config });

  registerStatsCommands(program, { out, setExitCode, config }); // vigil stats: commands/stats/
  registerBlocklistCommands(program, { out, setExitCode, config }); // vigil blocklist: commands/blocklist/

  // ── scheduler and worker roles: commands/scheduler.ts, commands/worker.ts ──
  program
    .command('scheduler')
    .description('keep the BullMQ job schedulers equal to the enabled watches (at start, on changes, periodically) until stopped')
    .option('--interval <seconds>', 'seconds between safety-net reconciles', '30')
    .action(async (opts: { interval: string }) => setExitCode(await (await import('./commands/scheduler.ts')).schedulerCommand(await config(), opts, out)));
  program
    .command('worker')
    .description('execute scheduled watch runs until stopped; start any number, on any hosts')
    .option('--concurrency <n>', 'runs of different watches at once in this process', '10')
    .action(async (opts: { concurrency: string }) => setExitCode(await (await import('./commands/worker.ts')).workerCommand(await config(), opts, out)));
  // ── end scheduler and worker roles ──

  // ── responder on a protected host: commands/responder.ts ──
  program
    .command('responder')
    .description("on a protected host: apply this host's block_ip requests with the firewall backend its own configuration names, until stopped")
    .option('--host <id>', "this host's id (default: the configuration's host, else the hostname, lower-cased)")
    .option('--config <file>', "the responder's configuration (default: VIGIL_RESPONDER_CONFIG, else /etc/vigil/responder.yaml)")
    .action(async (opts: { host?: string; config?: string }) => setExitCode(await (await import('./commands/responder.ts')).responderCommand(opts, out)));
  // ── end responder ──

  registerUpCommand(program, { out, setExitCode, config }); // vigil up: commands/up/

  forEachCommand(program, (command) => command.configureOutput({ ...command.configureOutput(), outputError: (message) => out.error(usageLine(command, message)) }));
  return program;
}

function forEachCommand(command: Command, visit: (command: Command) => void): void {
  visit(command);
  for (const sub of command.commands) forEachCommand(sub, visit);
}

/** `vigil parse --bogus` → `vigil parse: unknown option '--bogus' (see vigil parse --help)`: one line, naming the option. */
function usageLine(command: Command, message: string): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  const path = names.join(' ');
  return `${path}: ${message.trim().replace(/^error: /, '')} (see ${path} --help)`;
}

/** Takes `--verbose` out of argv (up to `--`): whether it was there, and the rest for commander. */
export function takeVerbose(argv: readonly string[]): { verbose: boolean; argv: string[] } {
  const end = argv.indexOf('--');
  const head = end === -1 ? [...argv] : argv.slice(0, end);
  const tail = end === -1 ? [] : argv.slice(end);
  const kept = head.filter((a) => a !== VERBOSE);
  return { verbose: kept.length !== head.length, argv: [...kept, ...tail] };
}

/**
 * Runs the CLI: every failure is reported as one line (`--verbose` adds causes and stack), never as a
 * bare stack trace; usage and configuration errors exit 2, runtime failures 1.
 */
export async function run(argv: readonly string[], out: Output): Promise<number> {
  let code = 0;
  const { verbose, argv: args } = takeVerbose(argv);
  const program = buildProgram(out, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
    return code;
  } catch (err) {
    // commander has printed its one line (usageLine) already; help and --version end with 0
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    for (const line of errorLines(err, verbose)) out.error(line);
    return exitCodeOf(asVigilError(err));
  }
}
