import { DEFAULT_ALLOWLIST, parseRange } from '@vigil/responder';
import { VigilError } from '@vigil/core';

/**
 * Shared address space of carrier-grade NAT (RFC 6598, `100.64.0.0/10`): the ISP-side addresses of
 * a site's own links. The responder may block it (an ISP customer behind CGNAT can attack), but
 * statistics about attackers from the Internet leave it out with the other local networks.
 */
const SHARED_ADDRESS_SPACE = '100.64.0.0/10';

/**
 * The networks `topSources` and `dailyCounts` leave out by default, so that the figures are about
 * the Internet (seed 004 left out its local networks the same way): the responder's
 * {@link DEFAULT_ALLOWLIST} (loopback, RFC 1918, link-local, ULA, multicast, "this network"…) plus
 * CGNAT. Derived, not copied: a range added to the allowlist is left out of the statistics too.
 */
export const DEFAULT_LOCAL_NETWORKS: readonly string[] = Object.freeze([...new Set([...DEFAULT_ALLOWLIST.map((entry) => entry.cidr), SHARED_ADDRESS_SPACE])]);

/**
 * Checks CIDR ranges (or single addresses) for an `exclude` list and returns them normalized
 * (`2001:DB8::/32` → `2001:db8::/32`). A bad entry is a `CONFIG_INVALID` error naming it and `what`
 * (the option or field it came from); host bits after the prefix (`10.0.0.1/8`) are refused as typos.
 */
export function checkRanges(ranges: readonly string[], what: string): string[] {
  return ranges.map((text) => {
    const parsed = parseRange(text.trim());
    if (!parsed.ok) throw new VigilError('CONFIG_INVALID', `${what}: ${JSON.stringify(text)} is not a CIDR range or address: ${parsed.reason}`);
    return parsed.range.cidr;
  });
}
