import { parseAddress, type CanonicalAddress } from '@vigil/responder/address';

/** An address `block_ip` and `vigil unblock` accept: its canonical text, or why it was refused. */
export type ParsedAddress = { ok: true; ip: string; family: 4 | 6 } | { ok: false; reason: string };

/** The longest text of one IPv6 address with an embedded IPv4 part (`ffff:…:255.255.255.255`). */
const MAX_LENGTH = 45;
const ADDRESS_CHARACTERS = /^[0-9A-Fa-f:.]+$/;
/** Ranges that hold no single host to block. */
const NOT_A_HOST = new Set(['unspecified', 'multicast', 'broadcast']);

/** Why `text` cannot be an address at all, from the characters it holds (the most useful message first). */
function characterProblem(text: string): string | undefined {
  if (text === '') return 'empty: the template rendered nothing (does the entity have that field?)';
  if (text.length > MAX_LENGTH) return `${text.length} characters: longer than any IP address`;
  if (ADDRESS_CHARACTERS.test(text)) return undefined;
  if (/\s/.test(text)) return 'contains whitespace: exactly one address is accepted, nothing around it';
  if (text.includes('/')) return 'a prefix (address/length) is not one address: block_ip blocks single addresses';
  if (text.includes('%')) return 'an IPv6 zone (%interface) is not accepted';
  return 'contains characters no IP address has';
}

function hostAddress(address: CanonicalAddress): ParsedAddress {
  const range = address.parsed.range();
  if (NOT_A_HOST.has(range)) return { ok: false, reason: `${range} address: not one host` };
  return { ok: true, ip: address.text, family: address.family };
}

/**
 * Parses text from an alert (attacker-controlled) or a command line as one IP address and returns
 * its canonical form: what block requests, the audit and the responder's backends all see.
 *
 * Accepted: a dotted-quad IPv4 address (no leading zeros), an IPv6 address (any case, compressed or
 * not, with an embedded IPv4 part), an IPv4-mapped IPv6 address (becomes the IPv4 address).
 * Refused: anything else, including surrounding or inner whitespace, a zone (`fe80::1%eth0`), a
 * prefix (`10.0.0.0/8`), shorthand IPv4 (`127.1`, `0x7f.0.0.1`), and addresses that name no single
 * host (unspecified, multicast, broadcast). Allowlists (local networks) are the responder's check.
 */
export function parseIpAddress(text: string): ParsedAddress {
  const problem = characterProblem(text);
  if (problem !== undefined) return { ok: false, reason: problem };
  // the responder's parser: what Vigil sends is exactly what every responder accepts
  const parsed = parseAddress(text);
  return parsed.ok ? hostAddress(parsed.address) : { ok: false, reason: parsed.reason };
}

/** The canonical form of `text` (see {@link parseIpAddress}), or undefined when it is refused. */
export function canonicalIp(text: string): string | undefined {
  const parsed = parseIpAddress(text);
  return parsed.ok ? parsed.ip : undefined;
}
