import { z } from 'zod';
import { CHAIN_NAME, ensureRule } from '../iptables/rules.ts';
import { CommandFailedError, type ArgvRunner } from '../../runner.ts';
import { defineBackend, remainingSeconds, type BlockBackend } from '../types.ts';

/** ipset's largest per-entry timeout (seconds, about 24.8 days); longer blocks are added without one. */
export const IPSET_MAX_TIMEOUT = 2_147_483;

const SET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}$/;

/** `backend:` for `type: ipset`. */
export const ipsetOptions = z.strictObject({
  type: z.literal('ipset'),
  /** The IPv4 set (`hash:ip family inet`), created when missing (default `vigil`). */
  set: z.string().regex(SET_NAME, 'must be an ipset name (1-31 letters, digits, _ . -)').default('vigil'),
  /** The IPv6 set (`hash:ip family inet6`), created when missing (default `vigil6`). */
  set6: z.string().regex(SET_NAME, 'must be an ipset name (1-31 letters, digits, _ . -)').default('vigil6'),
  /** The chain the `-m set --match-set <set> src -j DROP` rule goes first in (default `INPUT`). */
  chain: z.string().regex(CHAIN_NAME, 'must be an iptables chain name').default('INPUT'),
  /** Block IPv6 too: the second set and an ip6tables rule (default true; false refuses IPv6 requests). */
  ipv6: z.boolean().default(true),
});

export type IpsetOptions = z.output<typeof ipsetOptions>;

/** ipset's timeout argument for a remaining time: whole seconds, or 0 (none) beyond ipset's maximum. */
export function ipsetTimeout(remainingMs: number): string {
  const seconds = remainingSeconds(remainingMs);
  return String(seconds > IPSET_MAX_TIMEOUT ? 0 : seconds);
}

/** The header of an existing set (`ipset list -t`), or undefined when there is no set of that name. */
async function setHeader(run: ArgvRunner, set: string): Promise<string | undefined> {
  try {
    return (await run(['ipset', 'list', '-t', set])).stdout;
  } catch (error) {
    if (error instanceof CommandFailedError && /does not exist/i.test(error.stderr)) return undefined;
    throw error;
  }
}

/**
 * Creates the set when missing. An existing one is used as it is (seed 000's `ipset create ssh_ban
 * hash:ip timeout 600`, whatever its default timeout) when it takes per-entry timeouts and is of the
 * family; otherwise the responder stops at start with what to do.
 */
async function ensureSet(run: ArgvRunner, set: string, family: 4 | 6): Promise<void> {
  const inet = family === 4 ? 'inet' : 'inet6';
  const header = await setHeader(run, set);
  if (header === undefined) {
    await run(['ipset', '-exist', 'create', set, 'hash:ip', 'family', inet, 'timeout', '0']);
    return;
  }
  const problem = !/^Type:\s*hash:ip\s*$/m.test(header)
    ? 'is not of type hash:ip'
    : !new RegExp(`\\bfamily ${inet}\\b`).test(header)
      ? `is not of family ${inet}`
      : !/\btimeout \d+/.test(header)
        ? 'was created without timeout support'
        : undefined;
  if (problem !== undefined) {
    throw new Error(`ipset set ${set} exists but ${problem}: Vigil's blocks need per-entry timeouts (ipset destroy ${set}; ipset create ${set} hash:ip family ${inet} timeout 0), or name another set in the backend options`);
  }
}

/**
 * `ipset`: addresses go into a `hash:ip` set created with `timeout 0` (entries may carry their own
 * timeout) when missing, or an existing one that takes timeouts (seed 000's `ssh_ban`), matched by one iptables DROP rule (`-m set --match-set <set> src`), as in seed 000.
 * ipset expires each entry itself; `-exist` makes adding an address already there reset its timeout
 * to the block's remaining time (the later expiry: the responder computes it).
 */
export const ipsetBackend = defineBackend({
  type: 'ipset',
  schema: ipsetOptions,
  create(options, { run }): BlockBackend {
    const setOf = (family: 4 | 6) => (family === 4 ? options.set : options.set6);
    const families: (4 | 6)[] = options.ipv6 ? [4, 6] : [4];
    return {
      type: 'ipset',
      nativeTimeout: true,
      families: new Set(families),
      prepare: async () => {
        for (const family of families) {
          await ensureSet(run, setOf(family), family);
          await ensureRule(run, family, options.chain, ['-m', 'set', '--match-set', setOf(family), 'src', '-j', 'DROP']);
        }
      },
      apply: async (target, remainingMs) => {
        await run(['ipset', '-exist', 'add', setOf(target.family), target.ip, 'timeout', ipsetTimeout(remainingMs)]);
      },
      remove: async (target) => {
        await run(['ipset', '-exist', 'del', setOf(target.family), target.ip]);
      },
    };
  },
});
