import { z } from 'zod';
import { defineBackend, type BlockBackend, type BlockTarget } from '../types.ts';
import { CHAIN_NAME, deleteRule, ensureRule, markedRuleIds } from './rules.ts';

/** `backend:` for `type: iptables`: one DROP rule per blocked address. */
export const iptablesOptions = z.strictObject({
  type: z.literal('iptables'),
  /** The chain the DROP rules go first in (default `INPUT`; `FORWARD` on a router). */
  chain: z.string().regex(CHAIN_NAME, 'must be an iptables chain name').default('INPUT'),
  /** Block IPv6 addresses with ip6tables too (default true; false refuses IPv6 requests). */
  ipv6: z.boolean().default(true),
});

export type IptablesOptions = z.output<typeof iptablesOptions>;

/** The rule of one block: `-s <ip> -m comment --comment vigil:<request id> -j DROP`. */
export function iptablesRuleSpec(target: Pick<BlockTarget, 'ip' | 'ruleId'>): string[] {
  return ['-s', target.ip, '-m', 'comment', '--comment', `vigil:${target.ruleId}`, '-j', 'DROP'];
}

/**
 * `iptables`: a DROP rule per address, inserted first in the chain, marked with a comment
 * `vigil:<request id>` (the request that created it). No native timeout: the responder removes
 * the rule at expiry. An extension keeps the one rule; a block lost by a reboot is inserted again.
 */
export const iptablesBackend = defineBackend({
  type: 'iptables',
  schema: iptablesOptions,
  create(options, { run }): BlockBackend {
    return {
      type: 'iptables',
      nativeTimeout: false,
      families: new Set<4 | 6>(options.ipv6 ? [4, 6] : [4]),
      prepare: async () => {
        // the chain must exist: -L fails plainly when the tool, the kernel module or the chain is missing
        await run(['iptables', '-w', '-n', '-L', options.chain]);
        if (options.ipv6) await run(['ip6tables', '-w', '-n', '-L', options.chain]);
      },
      apply: (target) => ensureRule(run, target.family, options.chain, iptablesRuleSpec(target)),
      remove: async (target) => {
        const ids = target.ruleId !== undefined ? [target.ruleId] : await markedRuleIds(run, target.family, options.chain, target.ip);
        for (const ruleId of ids) await deleteRule(run, target.family, options.chain, iptablesRuleSpec({ ip: target.ip, ruleId }));
      },
    };
  },
});
