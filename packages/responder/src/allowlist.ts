import { networkInterfaces } from 'node:os';
import { inRange, parseAddress, parseRange, type AddressRange, type CanonicalAddress } from './address.ts';

/** One range that is never blocked, and where it comes from (named in refusals). */
export interface AllowlistEntry {
  range: AddressRange;
  /** `loopback (default)`, `the configuration's allowlist`, `own address (eth0)`. */
  source: string;
}

/** The ranges allowed by default: local and special-purpose networks an attacker's address never is. */
export const DEFAULT_ALLOWLIST: readonly { cidr: string; what: string }[] = [
  { cidr: '0.0.0.0/8', what: '"this network" (RFC 791)' },
  { cidr: '127.0.0.0/8', what: 'loopback' },
  { cidr: '10.0.0.0/8', what: 'private (RFC 1918)' },
  { cidr: '172.16.0.0/12', what: 'private (RFC 1918)' },
  { cidr: '192.168.0.0/16', what: 'private (RFC 1918)' },
  { cidr: '169.254.0.0/16', what: 'link-local' },
  { cidr: '224.0.0.0/4', what: 'multicast' },
  { cidr: '255.255.255.255/32', what: 'broadcast' },
  { cidr: '::/128', what: 'unspecified' },
  { cidr: '::1/128', what: 'loopback' },
  { cidr: 'fe80::/10', what: 'link-local' },
  { cidr: 'fc00::/7', what: 'unique local (ULA)' },
  { cidr: 'ff00::/8', what: 'multicast' },
];

/** The addresses on this host's interfaces (`os.networkInterfaces()`), by interface name. */
export type LocalAddresses = () => { iface: string; address: string }[];

export const osLocalAddresses: LocalAddresses = () =>
  Object.entries(networkInterfaces()).flatMap(([iface, infos]) => (infos ?? []).map((info) => ({ iface, address: info.address })));

/** Options of {@link Allowlist}. */
export interface AllowlistOptions {
  /** Ranges from the configuration (already validated CIDRs). */
  extra: readonly string[];
  /** Keep {@link DEFAULT_ALLOWLIST} (default true). */
  defaults: boolean;
  /** The host's own addresses, read at every check (interfaces come and go); default the OS's. */
  localAddresses?: LocalAddresses;
}

/**
 * Addresses that are never blocked: the defaults, the configuration's ranges and the host's own
 * addresses. {@link match} says which entry matched, for the refusal.
 */
export class Allowlist {
  readonly entries: readonly AllowlistEntry[];
  readonly #localAddresses: LocalAddresses;

  constructor(options: AllowlistOptions) {
    const fixed: AllowlistEntry[] = [];
    if (options.defaults) for (const { cidr, what } of DEFAULT_ALLOWLIST) fixed.push({ range: mustParse(cidr), source: `${what}, a default entry` });
    for (const cidr of options.extra) fixed.push({ range: mustParse(cidr), source: 'from the configuration' });
    this.entries = fixed;
    this.#localAddresses = options.localAddresses ?? osLocalAddresses;
  }

  /** The entry that covers `address`, or undefined when it may be blocked. */
  match(address: CanonicalAddress): AllowlistEntry | undefined {
    const fixed = this.entries.find((entry) => inRange(address, entry.range));
    if (fixed !== undefined) return fixed;
    for (const { iface, address: local } of this.#localAddresses()) {
      const parsed = parseAddress(local.split('%')[0]);
      if (parsed.ok && parsed.address.text === address.text) {
        return { range: mustParse(parsed.address.text), source: `an address of this host (${iface})` };
      }
    }
    return undefined;
  }
}

function mustParse(cidr: string): AddressRange {
  const parsed = parseRange(cidr);
  if (!parsed.ok) throw new Error(`allowlist entry ${cidr}: ${parsed.reason}`);
  return parsed.range;
}

/** The refusal text for an allowlisted address. */
export function allowlistRefusal(address: CanonicalAddress, entry: AllowlistEntry): string {
  return `${address.text} is allowlisted: it is in ${entry.range.cidr} (${entry.source}); allowlisted addresses are never blocked`;
}
