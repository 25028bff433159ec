import type { Command } from 'commander';
import type { VigilConfig } from '@vigil/core';
import type { Output } from '../../output.ts';

/** What `vigil up` is registered with (the same as the other command groups, see program.ts). */
export interface UpRegistration {
  out: Output;
  setExitCode: (code: number) => void;
  config: () => Promise<VigilConfig>;
}

/** The flags as commander hands them over: `--no-x` flags arrive as `x: false`. */
interface UpFlags {
  ingestDir: string;
  watches: string;
  responder: boolean;
  services: boolean;
  responderConfig?: string;
  metrics: string;
}

/** Adds `vigil up`; its module (and its children's code) is loaded only when it runs. */
export function registerUpCommand(program: Command, ctx: UpRegistration): void {
  program
    .command('up')
    .description('run the whole of Vigil in the foreground: services when needed, setup, watches, ingest, scheduler, worker, responder; Ctrl-C stops it')
    .option('--ingest-dir <dir>', 'folder of input definitions for ingest serve', 'ingest')
    .option('--watches <path>', 'watch definitions to store with watch put (folder or file)', 'watches')
    .option('--no-responder', 'do not start the responder (it needs root and changes this host\'s firewall)')
    .option('--no-services', 'never start the local services (scripts/services up); fail when one is down')
    .option('--responder-config <file>', "the responder's configuration (default: <.services>/responder.yaml, written when missing)")
    .option('--metrics <host:port>', 'ingest metrics endpoint, or off', '127.0.0.1:9464')
    .action(async (flags: UpFlags) => {
      const { upCommand } = await import('./up.ts');
      const configFile = program.opts<{ config?: string }>().config;
      ctx.setExitCode(await upCommand({ out: ctx.out, config: ctx.config, configFile }, {
        ingestDir: flags.ingestDir,
        watches: flags.watches,
        responder: flags.responder,
        services: flags.services,
        metrics: flags.metrics,
        ...(flags.responderConfig === undefined ? {} : { responderConfig: flags.responderConfig }),
      }));
    });
}
