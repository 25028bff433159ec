import type { EcsEvent, Endpoint } from '@vigil/core';
import type { ParsedFields } from '../types.ts';
import type { NetfilterDetails } from './details.ts';
import { readPacket, type RawPacket } from './fields.ts';
import { detached, prefixInfo, type PrefixInfo } from './prefix.ts';
import { loadUnits } from './units.ts';

/** The ECS fields a netfilter LOG line yields (the caller adds `@timestamp`). */
export type NetfilterFields = Omit<ParsedFields, '@timestamp' | 'event'> & {
  event: Partial<EcsEvent['event']> & { dataset: 'netfilter'; module: 'iptables'; category: string[]; type: string[]; action?: string };
  source: Endpoint;
  destination: Endpoint;
  vigil: { netfilter: NetfilterDetails };
};

/** Options of {@link decodeNetfilter}. */
export interface NetfilterOptions {
  /** Where the kernel text starts in the string (default 0): the syslog parser passes the whole line. */
  offset?: number;
  /**
   * Prefix to use when the line has none before `IN=`: a syslog header parser that took the prefix
   * for a program tag (`Jan  8 03:37:09 DENY: IN=eth0 ...`) passes it back here.
   */
  fallbackPrefix?: string;
}

/**
 * Decodes one netfilter LOG message: `[ 123.456789] <prefix>IN=eth0 OUT= MAC=... SRC=... DST=...`.
 * The uptime stamp is optional; the prefix is any text before `IN=`/`OUT=` (glued or not).
 *
 * @param message the kernel message (a syslog line's message part, or a bare `dmesg` line).
 * @returns the ECS fields, or undefined when the text is not a LOG line (no `IN=`/`OUT=`, or `SRC=`
 *   and `DST=` are not both valid IP addresses).
 */
export function decodeNetfilter(message: string, options: NetfilterOptions = {}): NetfilterFields | undefined {
  const from = options.offset ?? 0;
  const start = keyListStart(message, from);
  if (start === -1) return undefined;
  const u = loadUnits(message);
  const packet = readPacket(message, u, start);
  const { src, dst } = packet;
  if (src === undefined || dst === undefined) return undefined;
  let pos = skipSpaces(u, from);
  const stamp = uptimeStamp(u, pos, start);
  if (stamp !== undefined) pos = skipSpaces(u, stamp.end);
  let prefix = pos >= start ? '' : message.slice(pos, start).trim();
  // `XX=enp1s0 OUT= ...`: a damaged key list, not a prefix (crowdsec's negative case)
  if (prefix.indexOf('=') !== -1 && message.startsWith('OUT=', start)) return undefined;
  const glued = prefix !== '' && message.charCodeAt(start - 1) !== 32;
  if (prefix === '' && options.fallbackPrefix !== undefined) prefix = options.fallbackPrefix.trim();
  return build(message, packet, src, dst, prefix, glued, stamp?.seconds, kernelHostBefore(message, from));
}

function build(s: string, p: RawPacket, src: string, dst: string, prefix: string, glued: boolean, uptime: number | undefined, observerName: string | undefined): NetfilterFields {
  const info = prefixInfo(prefix, glued);
  const transport = p.proto === undefined ? undefined : transportOf(p.proto);
  const source: Endpoint = { ip: src };
  const destination: Endpoint = { ip: dst };
  if (p.spt !== undefined) source.port = p.spt;
  if (p.dpt !== undefined) destination.port = p.dpt;
  const details = detailsOf(p, prefix, uptime);
  const network: NonNullable<ParsedFields['network']> = { type: src.indexOf(':') === -1 ? 'ipv4' : 'ipv6' };
  if (transport !== undefined) {
    network.transport = transport.name;
    if (transport.iana !== undefined) network.iana_number = transport.iana;
  }
  const event: NetfilterFields['event'] = { dataset: 'netfilter', module: 'iptables', category: ['network'], type: info.verdict === undefined ? ['connection'] : ['connection', info.verdict] };
  if (info.action !== undefined) event.action = info.action;
  const out: NetfilterFields = {
    event,
    source,
    destination,
    network,
    related: { ip: src === dst ? [src] : [src, dst] },
    vigil: { netfilter: details },
  };
  if (info.rule !== undefined) out.rule = { name: info.rule.name, id: info.rule.id };
  const observer = observerOf(p, info, observerName);
  if (observer !== undefined) out.observer = observer;
  if (p.macAt !== -1) applyMac(macParts(s, p.macAt, p.macEnd), source, destination, details);
  return out;
}

function detailsOf(p: RawPacket, prefix: string, uptime: number | undefined): NetfilterDetails {
  const d = p.details;
  if (prefix !== '') d.prefix = prefix;
  if (uptime !== undefined && Number.isFinite(uptime)) d.uptime = uptime;
  if (p.inner !== undefined) d.inner = innerOf(p.inner);
  return d;
}

function innerOf(q: NonNullable<RawPacket['inner']>): NonNullable<NetfilterDetails['inner']> {
  const inner: NonNullable<NetfilterDetails['inner']> = {};
  if (q.src !== undefined) inner.src_ip = q.src;
  if (q.dst !== undefined) inner.dst_ip = q.dst;
  if (q.proto !== undefined) inner.transport = transportOf(q.proto).name;
  if (q.spt !== undefined) inner.src_port = q.spt;
  if (q.dpt !== undefined) inner.dst_port = q.dpt;
  return inner;
}

/** The firewall: its name (the host whose kernel logged), interfaces (`IN=`/`OUT=`) and Ubiquiti zones. */
function observerOf(p: RawPacket, info: PrefixInfo, name: string | undefined): ParsedFields['observer'] {
  const hasIn = p.in !== undefined && p.in !== '';
  const hasOut = p.out !== undefined && p.out !== '';
  if (!hasIn && !hasOut && name === undefined && info.zones === undefined) return undefined;
  const observer: NonNullable<ParsedFields['observer']> = {};
  if (name !== undefined) observer.name = name;
  if (hasIn || info.zones !== undefined) {
    const ingress: NonNullable<NonNullable<ParsedFields['observer']>['ingress']> = (observer.ingress = {});
    if (hasIn) ingress.interface = { name: p.in as string };
    if (info.zones !== undefined) ingress.zone = info.zones.ingress;
  }
  if (hasOut || info.zones !== undefined) {
    const egress: NonNullable<NonNullable<ParsedFields['observer']>['egress']> = (observer.egress = {});
    if (hasOut) egress.interface = { name: p.out as string };
    if (info.zones !== undefined) egress.zone = info.zones.egress;
  }
  return observer;
}

const KERNEL_TAG = ' kernel:';

/**
 * `observer.name`: the syslog host of a `<host> kernel: <message>` line, read just before the
 * message (the syslog parser passes the whole line and where its message starts). As Elastic's
 * pipeline, only a kernel-tagged line names the firewall; a host token with `:` is a timestamp
 * (`Jan  8 03:37:09 kernel: ...` has no host).
 */
function kernelHostBefore(s: string, messageAt: number): string | undefined {
  let end = messageAt;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  const tagAt = end - KERNEL_TAG.length;
  if (tagAt <= 0 || !s.startsWith(KERNEL_TAG, tagAt)) return undefined;
  const hostAt = s.lastIndexOf(' ', tagAt - 1) + 1;
  if (hostAt >= tagAt) return undefined;
  const host = s.slice(hostAt, tagAt);
  return host.includes(':') || host.startsWith('<') ? undefined : host;
}

interface MacParts {
  source: string;
  destination: string;
  etherType: number;
}

// Consecutive lines of one interface share MAC=: remember the last one's split, keyed by a copy of
// the text (a string cut from the line would keep the whole line alive), compared in place in the
// line with `startsWith` (no slice per line).
let lastMac = '';
let lastParts: MacParts | null = null;

/** The split of the `MAC=` value `s[at, end)`, or null when it is not one. */
function macParts(s: string, at: number, end: number): MacParts | null {
  if (end - at !== lastMac.length || !s.startsWith(lastMac, at)) {
    const mac = s.slice(at, end);
    lastParts = splitMac(mac);
    lastMac = detached(mac);
  }
  return lastParts;
}

/** `MAC=` is destination (6 bytes), source (6 bytes), ethertype (2 bytes), sometimes more. */
function applyMac(parts: MacParts | null, source: Endpoint, destination: Endpoint, details: NetfilterDetails): void {
  if (parts === null) return;
  destination.mac = parts.destination;
  source.mac = parts.source;
  details.ether_type = parts.etherType;
}

function splitMac(mac: string): MacParts | null {
  if (mac.length < 41 || mac.charCodeAt(17) !== 58 || mac.charCodeAt(35) !== 58 || mac.charCodeAt(38) !== 58) return null;
  const etherType = Number.parseInt(mac.slice(36, 38) + mac.slice(39, 41), 16);
  if (!Number.isFinite(etherType)) return null;
  return { destination: ecsMac(mac.slice(0, 17)), source: ecsMac(mac.slice(18, 35)), etherType };
}

/** ECS writes MAC addresses upper case with hyphens (RFC 7042): `90-10-20-76-8D-20`. */
function ecsMac(colons: string): string {
  return colons.toUpperCase().replaceAll(':', '-');
}

interface Transport {
  name: string;
  iana?: string;
}

const TCP: Transport = { name: 'tcp', iana: '6' };
const UDP: Transport = { name: 'udp', iana: '17' };
const ICMP: Transport = { name: 'icmp', iana: '1' };
const ICMP6: Transport = { name: 'ipv6-icmp', iana: '58' };
const OTHER: Record<string, Transport> = {
  UDPLITE: { name: 'udplite', iana: '136' },
  SCTP: { name: 'sctp', iana: '132' },
  DCCP: { name: 'dccp', iana: '33' },
  ESP: { name: 'esp', iana: '50' },
  AH: { name: 'ah', iana: '51' },
  GRE: { name: 'gre', iana: '47' },
  IGMP: { name: 'igmp', iana: '2' },
  '1': ICMP,
  '2': { name: 'igmp', iana: '2' },
  '6': TCP,
  '17': UDP,
  '47': { name: 'gre', iana: '47' },
  '50': { name: 'esp', iana: '50' },
  '51': { name: 'ah', iana: '51' },
  '58': ICMP6,
  '132': { name: 'sctp', iana: '132' },
};

/** `network.transport`: the IANA keyword, lower case (`ICMPv6` → `ipv6-icmp`); numbers of unknown protocols as is. */
function transportOf(proto: string): Transport {
  switch (proto) {
    case 'TCP':
      return TCP;
    case 'UDP':
      return UDP;
    case 'ICMP':
      return ICMP;
    case 'ICMPv6':
    case 'ICMPV6':
      return ICMP6;
  }
  const known = Object.hasOwn(OTHER, proto) ? OTHER[proto] : undefined;
  if (known !== undefined) return known;
  if (/^\d{1,3}$/.test(proto)) return { name: proto, iana: proto };
  return { name: proto.toLowerCase().slice(0, 32) };
}

/**
 * Index of the first `IN=` or `OUT=` that starts a key (not preceded by a letter or digit: `PHYSIN=`
 * is not it, `]IN=` and `:IN=` are), or -1.
 */
function keyListStart(s: string, from: number): number {
  const inAt = keyAt(s, 'IN=', from);
  const outAt = keyAt(s, 'OUT=', from);
  if (inAt === -1) return outAt;
  if (outAt === -1) return inAt;
  return Math.min(inAt, outAt);
}

function keyAt(s: string, key: string, from: number): number {
  let i = s.indexOf(key, from);
  while (i > from && isAlnum(s.charCodeAt(i - 1))) i = s.indexOf(key, i + 1);
  return i;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
}

function skipSpaces(u: Uint16Array, i: number): number {
  while (u[i] === 32) i++; // the 0 after the line stops it
  return i;
}

/** A kernel uptime stamp `[  203.842973]` at `i`: its value in seconds and the index past `]`. */
function uptimeStamp(u: Uint16Array, i: number, limit: number): { seconds: number; end: number } | undefined {
  if (u[i] !== 91 /* [ */) return undefined;
  let whole = 0;
  let frac = 0;
  let scale = 1;
  let digits = 0;
  let dot = false;
  for (let j = i + 1; j < limit && j < i + 24; j++) {
    const c = u[j] as number;
    if (c === 93 /* ] */) return digits > 0 ? { seconds: whole + frac / scale, end: j + 1 } : undefined;
    if (c >= 48 && c <= 57) {
      digits += 1;
      if (dot) {
        frac = frac * 10 + (c - 48);
        scale *= 10;
      } else whole = whole * 10 + (c - 48);
    } else if (c === 46 && !dot) dot = true;
    else if (c !== 32 || digits > 0) return undefined;
  }
  return undefined;
}
