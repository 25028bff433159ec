import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Whether `vigil up` runs the responder of this host, and with which configuration. */
export type ResponderPlan = { start: true; config: string; written: boolean } | { start: false; why: string };

/** Options of {@link planResponder}. */
export interface ResponderPlanOptions {
  /** False with `--no-responder`. */
  wanted: boolean;
  /** `--responder-config`: used as it is, never written. */
  configFile?: string;
  /** Whether this process runs as root (the responder changes the firewall). */
  root: boolean;
  /** Where the default configuration lives (`.services`, beside the local services' state). */
  stateDir: string;
}

/**
 * The text of the default configuration, as scripts/start wrote it: nftables in a table of its own
 * (`nft delete table inet vigil` removes everything it added), state beside the local services'.
 */
export function defaultResponderConfig(stateDir: string): string {
  return [
    '# written by vigil up: the responder of this host (see packages/responder/README.md)',
    `state_dir: ${join(resolve(stateDir), 'responder')}`,
    'backend:',
    '  type: nftables',
    '  table: vigil',
    '',
  ].join('\n');
}

/** Decides, and writes `<stateDir>/responder.yaml` when the default one is used and missing. */
export function planResponder(options: ResponderPlanOptions): ResponderPlan {
  if (!options.wanted) return { start: false, why: '--no-responder' };
  if (!options.root) return { start: false, why: "it changes this host's firewall and needs root (run vigil up as root to start it)" };
  if (options.configFile !== undefined) return { start: true, config: resolve(options.configFile), written: false };
  const file = join(resolve(options.stateDir), 'responder.yaml');
  if (existsSync(file)) return { start: true, config: file, written: false };
  mkdirSync(resolve(options.stateDir), { recursive: true });
  writeFileSync(file, defaultResponderConfig(options.stateDir), { flag: 'wx' });
  return { start: true, config: file, written: true };
}
