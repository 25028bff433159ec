import { findTool, SBIN_PATH, type NetnsEnd } from '@vigil/testkit';
import { execFileRunner, type ArgvRunner } from '../../src/index.ts';

export { createFirewallLab, requireTools, type FirewallLab } from '@vigil/testkit';

/** Runs every command inside `end`'s network namespace: the responder's firewall is that namespace's. */
export function netnsRunner(end: NetnsEnd): ArgvRunner {
  return execFileRunner({ prefix: [findTool('ip'), 'netns', 'exec', end.namespace], env: { ...process.env, PATH: SBIN_PATH }, timeoutMs: 20_000 });
}

