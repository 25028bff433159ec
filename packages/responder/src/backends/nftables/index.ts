import { z } from 'zod';
import { defineBackend, type BlockBackend, type BlockTarget } from '../types.ts';

/** `backend:` for `type: nftables`. */
export const nftablesOptions = z.strictObject({
  type: z.literal('nftables'),
  /** The responder's own table in family `inet` (default `vigil`): created, and its chain rewritten, at start; never another table. */
  table: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, 'must be an nftables table name (a letter, then letters, digits or _)').default('vigil'),
});

export type NftablesOptions = z.output<typeof nftablesOptions>;

const setOf = (family: 4 | 6) => (family === 4 ? 'ipv4_addr' : 'ipv6_addr');

/**
 * The table, its two timeout sets and an input chain dropping their members, as one nft
 * transaction. The chain is flushed and refilled so running it again never duplicates the rules;
 * the sets (and the blocks in them) are left alone.
 */
export function nftablesPrepareScript(table: string): string {
  return [
    `add table inet ${table}`,
    `add set inet ${table} ipv4_addr { type ipv4_addr; flags timeout; }`,
    `add set inet ${table} ipv6_addr { type ipv6_addr; flags timeout; }`,
    `add chain inet ${table} input { type filter hook input priority filter; policy accept; }`,
    `flush chain inet ${table} input`,
    `add rule inet ${table} input ip saddr @ipv4_addr drop`,
    `add rule inet ${table} input ip6 saddr @ipv6_addr drop`,
  ].join('; ');
}

/**
 * Sets `target`'s element to expire in `remainingMs`, as one transaction: `add` (a no-op when it is
 * there), `delete`, `add` with the new timeout. nft would not change the timeout of an element
 * already present, and `delete` alone fails when it is absent.
 */
export function nftablesApplyScript(table: string, target: Pick<BlockTarget, 'ip' | 'family'>, remainingMs: number): string {
  const set = `inet ${table} ${setOf(target.family)}`;
  const ms = Math.max(1, Math.ceil(remainingMs));
  return [`add element ${set} { ${target.ip} }`, `delete element ${set} { ${target.ip} }`, `add element ${set} { ${target.ip} timeout ${ms}ms }`].join('; ');
}

/** Removes `target`'s element whether or not it is there (add, then delete, in one transaction). */
export function nftablesRemoveScript(table: string, target: Pick<BlockTarget, 'ip' | 'family'>): string {
  const set = `inet ${table} ${setOf(target.family)}`;
  return [`add element ${set} { ${target.ip} }`, `delete element ${set} { ${target.ip} }`].join('; ');
}

/**
 * `nftables`: a table of the responder's own (`inet vigil`) with sets `ipv4_addr` / `ipv6_addr`
 * (`flags timeout`) and a base chain on the input hook dropping their members. nftables expires
 * each element itself. nft reads its argument as its own language: only canonical addresses and
 * validated names are ever put in it.
 */
export const nftablesBackend = defineBackend({
  type: 'nftables',
  schema: nftablesOptions,
  create(options, { run }): BlockBackend {
    return {
      type: 'nftables',
      nativeTimeout: true,
      families: new Set<4 | 6>([4, 6]),
      prepare: async () => {
        await run(['nft', nftablesPrepareScript(options.table)]);
      },
      apply: async (target, remainingMs) => {
        await run(['nft', nftablesApplyScript(options.table, target, remainingMs)]);
      },
      remove: async (target) => {
        await run(['nft', nftablesRemoveScript(options.table, target)]);
      },
    };
  },
});
