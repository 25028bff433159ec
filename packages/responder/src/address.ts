import ipaddr from 'ipaddr.js';

/** An address as the responder uses it everywhere: canonical text and its family. */
export interface CanonicalAddress {
  /** IPv4 dotted quad, or IPv6 in RFC 5952 form (compressed, lower case). IPv4-mapped IPv6 becomes IPv4. */
  text: string;
  family: 4 | 6;
  /** The parsed value, for allowlist matching. */
  parsed: ipaddr.IPv4 | ipaddr.IPv6;
}

/** The result of {@link parseAddress}: the address, or why the text is not one. */
export type ParsedAddress = { ok: true; address: CanonicalAddress } | { ok: false; reason: string };

/** Longest IPv6 text form (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`). */
const MAX_LENGTH = 45;

/** Four decimal octets 0-255, no leading zeros (`01.2.3.4` is octal to inet_aton, decimal to others). */
const DOTTED_QUAD = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** What an IPv6 address may contain: hex digits, colons, and a dotted quad at the end. No zone, no prefix. */
const IPV6_CHARACTERS = /^[0-9A-Fa-f:.]+$/;

/** Shows a refused text in a message without letting it spread over lines or pages. */
export function quoteForMessage(text: string, max = 80): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut) + (text.length > max ? ` (${text.length} characters)` : '');
}

/**
 * Parses the text of an address strictly, before anything else looks at it. Accepted: an IPv4
 * dotted quad without leading zeros, or an IPv6 address (with an optional trailing dotted quad),
 * nothing else: no zone (`%eth0`), no prefix length (`/0`), no whitespace, no port, no brackets,
 * no second address. The canonical form is what every backend receives.
 */
export function parseAddress(input: unknown): ParsedAddress {
  if (typeof input !== 'string') return { ok: false, reason: `the address must be a string, got ${input === null ? 'null' : typeof input}` };
  const text = input;
  if (text.length === 0) return { ok: false, reason: 'the address is empty' };
  if (text.length > MAX_LENGTH) return { ok: false, reason: `${quoteForMessage(text)} is not an IP address: longer than any address (${MAX_LENGTH} characters)` };
  if (DOTTED_QUAD.test(text)) {
    const parsed = ipaddr.IPv4.parse(text);
    return { ok: true, address: { text: parsed.toString(), family: 4, parsed } };
  }
  if (!text.includes(':')) return { ok: false, reason: `${quoteForMessage(text)} is not an IP address: expected a dotted quad without leading zeros (a.b.c.d) or an IPv6 address` };
  if (!IPV6_CHARACTERS.test(text)) return { ok: false, reason: `${quoteForMessage(text)} is not an IP address: an IPv6 address holds only hex digits, ":" and a final dotted quad (no zone, prefix length, space or other character)` };
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.') && !DOTTED_QUAD.test(tail)) return { ok: false, reason: `${quoteForMessage(text)} is not an IP address: its embedded IPv4 part is not a dotted quad without leading zeros` };
  if (text.slice(0, lastColon).includes('.')) return { ok: false, reason: `${quoteForMessage(text)} is not an IP address: a dotted quad may only end an IPv6 address` };
  if (!ipaddr.IPv6.isValid(text)) return { ok: false, reason: `${quoteForMessage(text)} is not an IP address` };
  const parsed = ipaddr.IPv6.parse(text);
  if (parsed.isIPv4MappedAddress()) {
    const v4 = parsed.toIPv4Address();
    return { ok: true, address: { text: v4.toString(), family: 4, parsed: v4 } };
  }
  return { ok: true, address: { text: parsed.toRFC5952String(), family: 6, parsed } };
}

/** A CIDR range (or one address) from a configuration file or a default. */
export interface AddressRange {
  /** As written, normalized: `10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7/32`. */
  cidr: string;
  network: ipaddr.IPv4 | ipaddr.IPv6;
  bits: number;
}

/**
 * Parses `a.b.c.d/n`, `x::/n` or a single address (a /32 or /128). Host bits set after the prefix
 * (`10.0.0.1/8`) are refused: that is a typo more often than not.
 */
export function parseRange(text: string): { ok: true; range: AddressRange } | { ok: false; reason: string } {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const parsed = parseAddress(addressText);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const { family } = parsed.address;
  if (family === 4 && addressText.includes(':')) return { ok: false, reason: `write IPv4-mapped ranges as IPv4 (${parsed.address.text})` };
  const max = family === 4 ? 32 : 128;
  let bits = max;
  if (slash !== -1) {
    const bitsText = text.slice(slash + 1);
    if (!/^(?:0|[1-9]\d{0,2})$/.test(bitsText) || Number(bitsText) > max) return { ok: false, reason: `${quoteForMessage(text)}: the prefix length must be 0-${max}` };
    bits = Number(bitsText);
  }
  const network = parsed.address.parsed;
  const cidr = `${parsed.address.text}/${bits}`;
  const base = family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  const baseText = base.kind() === 'ipv6' ? (base as ipaddr.IPv6).toRFC5952String() : base.toString();
  if (baseText !== parsed.address.text) return { ok: false, reason: `${quoteForMessage(text)} has host bits set: did you mean ${baseText}/${bits}?` };
  return { ok: true, range: { cidr, network, bits } };
}

/** True when `address` lies in `range` (families differ: never). */
export function inRange(address: CanonicalAddress, range: AddressRange): boolean {
  if (address.parsed.kind() !== range.network.kind()) return false;
  return address.parsed.match(range.network, range.bits);
}
