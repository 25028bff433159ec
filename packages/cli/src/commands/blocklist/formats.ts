/**
 * The blocklist file formats. Each takes canonical, de-duplicated addresses in their final order
 * (IPv4 numerically, then IPv6) and returns the lines of the file. Every format that has comments
 * starts with the header line; loading a file again replaces the previous list (sets are flushed
 * first), so an address that no longer qualifies leaves the front-ends at the next install.
 */

/** One address of the list. */
export interface ListedAddress {
  ip: string;
  family: 4 | 6;
}

export const BLOCKLIST_FORMATS = ['ipset', 'nftables', 'hosts.deny', 'nginx', 'plain'] as const;
export type BlocklistFormat = (typeof BLOCKLIST_FORMATS)[number];

/** What a file is rendered with: the set name (ipset, nftables; `<name>6` holds IPv6) and the header comment's text. */
export interface RenderOptions {
  name: string;
  header: string;
}

/** The nftables table the sets go into: the usual `inet filter` of distributions' nftables.conf. */
export const NFT_TABLE = 'inet filter';

const v4 = (list: readonly ListedAddress[]) => list.filter((a) => a.family === 4).map((a) => a.ip);
const v6 = (list: readonly ListedAddress[]) => list.filter((a) => a.family === 6).map((a) => a.ip);

/** `ipset restore` input: a `hash:ip` set per family, created when missing, flushed, then filled. */
function ipset(list: readonly ListedAddress[], { name, header }: RenderOptions): string[] {
  const set = (setName: string, family: 'inet' | 'inet6', ips: string[]) => [
    `create ${setName} hash:ip family ${family} -exist`,
    `flush ${setName}`,
    ...ips.map((ip) => `add ${setName} ${ip} -exist`),
  ];
  return [
    `# ${header}`,
    `# load with: ipset restore < FILE; drop with: iptables -I INPUT -m set --match-set ${name} src -j DROP (ip6tables: ${name}6)`,
    ...set(name, 'inet', v4(list)),
    ...set(`${name}6`, 'inet6', v6(list)),
  ];
}

/** An `nft -f` file: the two sets in {@link NFT_TABLE}, created when missing, flushed, then declared with their elements (one transaction). */
function nftables(list: readonly ListedAddress[], { name, header }: RenderOptions): string[] {
  const set = (setName: string, type: string, ips: string[]) => [
    `\tset ${setName} {`,
    `\t\ttype ${type}`,
    ...(ips.length === 0 ? [] : ['\t\telements = {', ...ips.map((ip, i) => `\t\t\t${ip}${i === ips.length - 1 ? '' : ','}`), '\t\t}']),
    '\t}',
  ];
  return [
    `# ${header}`,
    `# load with: nft -f FILE; drop with rules in ${NFT_TABLE}: ip saddr @${name} drop; ip6 saddr @${name}6 drop`,
    `add table ${NFT_TABLE}`,
    `add set ${NFT_TABLE} ${name} { type ipv4_addr; }`,
    `add set ${NFT_TABLE} ${name}6 { type ipv6_addr; }`,
    `flush set ${NFT_TABLE} ${name}`,
    `flush set ${NFT_TABLE} ${name}6`,
    `table ${NFT_TABLE} {`,
    ...set(name, 'ipv4_addr', v4(list)),
    ...set(`${name}6`, 'ipv6_addr', v6(list)),
    '}',
  ];
}

/** TCP Wrappers (seed 004): `ALL: <ip>`, IPv6 in brackets as hosts_access(5) writes them. */
function hostsDeny(list: readonly ListedAddress[], { header }: RenderOptions): string[] {
  return [`# ${header}`, ...list.map((a) => `ALL: ${a.family === 6 ? `[${a.ip}]` : a.ip}`)];
}

/** nginx `deny` directives, for an `include` in `http`, `server` or `location`. */
function nginx(list: readonly ListedAddress[], { header }: RenderOptions): string[] {
  return [`# ${header}`, ...list.map((a) => `deny ${a.ip};`)];
}

/** One address per line, nothing else (no comment: readers of plain lists rarely skip them). */
function plain(list: readonly ListedAddress[]): string[] {
  return list.map((a) => a.ip);
}

const RENDERERS: Record<BlocklistFormat, (list: readonly ListedAddress[], options: RenderOptions) => string[]> = {
  ipset,
  nftables,
  'hosts.deny': hostsDeny,
  nginx,
  plain,
};

/** The lines of the blocklist file in `format`. */
export function renderBlocklist(format: BlocklistFormat, list: readonly ListedAddress[], options: RenderOptions): string[] {
  return RENDERERS[format](list, options);
}
