import type { LogParser, ParseContext, ParsedFields, ParseFailure } from '../types.ts';
import { readStamp } from './clock.ts';
import { cursor, isDigit, readIpv4Side, readIpv6Side, SPACE, type Side } from './scan.ts';
import { flagsAction, readTcp, type TcpDetails } from './tcp.ts';

/** Index of the packet line's time: after leading blanks and tcpdump's `-#` packet counter (`    1  `). */
function skipCounter(s: string): number {
  let i = 0;
  while (s.charCodeAt(i) === SPACE) i += 1;
  let j = i;
  while (isDigit(s.charCodeAt(j))) j += 1;
  return j > i && s.charCodeAt(j) === SPACE && s.charCodeAt(j + 1) === SPACE && s.charCodeAt(j + 2) !== SPACE ? j + 2 : i;
}

interface Packet {
  ipv6: boolean;
  source: Side;
  destination: Side;
  /** Index of the text after `dst: `. */
  rest: number;
}

/** `IP src > dst: ` / `IP6 src > dst: ` at `p`. */
function readPacket(s: string, p: number): Packet | ParseFailure {
  let ipv6: boolean;
  if (s.startsWith('IP ', p)) ipv6 = false;
  else if (s.startsWith('IP6 ', p)) ipv6 = true;
  else return { failure: 'not an IP packet line (expected "IP" or "IP6" after the time)' };
  const packet = ipv6 ? readIpv6Sides(s, p + 4) : readIpv4Sides(s, p + 3);
  return packet ?? { failure: `no "src > dst:" addresses in the ${ipv6 ? 'IP6' : 'IP'} packet line` };
}

function readIpv4Sides(s: string, at: number): Packet | undefined {
  const source = readIpv4Side(s, at);
  if (source === undefined || !s.startsWith(' > ', cursor.end)) return undefined;
  const destination = readIpv4Side(s, cursor.end + 3);
  if (destination === undefined || s.charCodeAt(cursor.end) !== 58 || s.charCodeAt(cursor.end + 1) !== SPACE) return undefined;
  return { ipv6: false, source, destination, rest: cursor.end + 2 };
}

function readIpv6Sides(s: string, at: number): Packet | undefined {
  const arrow = s.indexOf(' ', at);
  if (arrow === -1 || !s.startsWith(' > ', arrow)) return undefined;
  const colon = s.indexOf(' ', arrow + 3) - 1;
  if (colon <= arrow + 3 || s.charCodeAt(colon) !== 58) return undefined;
  const source = readIpv6Side(s, at, arrow);
  const destination = readIpv6Side(s, arrow + 3, colon);
  return source === undefined || destination === undefined ? undefined : { ipv6: true, source, destination, rest: colon + 2 };
}

const relatedIps = (a: Side, b: Side) => (a.ip === b.ip ? [a.ip] : [a.ip, b.ip]);

function tcpEvent(timestamp: string, pk: Packet, t: TcpDetails): ParsedFields {
  const f = t.flags;
  const syn = f === 'S' || (f.includes('S') && !f.includes('.'));
  const end = !syn && (f.includes('F') || f.includes('R'));
  const fields: ParsedFields = {
    '@timestamp': timestamp,
    event: { module: 'tcpdump', category: ['network'], type: syn ? ['connection', 'start'] : end ? ['connection', 'end'] : ['connection'], action: flagsAction(t.flags) },
    source: pk.source,
    destination: pk.destination,
    network: { transport: 'tcp', type: pk.ipv6 ? 'ipv6' : 'ipv4', iana_number: '6' },
    related: { ip: relatedIps(pk.source, pk.destination) },
    vigil: { tcpdump: t },
  };
  if (syn) fields.tags = ['tcp_connection_started'];
  return fields;
}

/** Transport and IANA number of a non-TCP packet, from the first word tcpdump printed for it. */
function otherTransport(s: string, at: number, ipv6: boolean): { transport: string; iana_number: string } | undefined {
  if (s.startsWith('UDP', at) || s.startsWith('udp ', at)) return { transport: 'udp', iana_number: '17' };
  if (s.startsWith('ICMP6', at)) return { transport: 'ipv6-icmp', iana_number: '58' };
  if (s.startsWith('ICMP', at)) return ipv6 ? { transport: 'ipv6-icmp', iana_number: '58' } : { transport: 'icmp', iana_number: '1' };
  if (s.startsWith('tcp ', at)) return { transport: 'tcp', iana_number: '6' };
  return undefined;
}

function otherEvent(s: string, timestamp: string, pk: Packet): ParsedFields {
  const proto = otherTransport(s, pk.rest, pk.ipv6);
  return {
    '@timestamp': timestamp,
    event: { module: 'tcpdump', category: ['network'], type: ['info'], action: proto === undefined ? 'ip_packet' : `${proto.transport === 'ipv6-icmp' ? 'icmp6' : proto.transport}_packet` },
    source: pk.source,
    destination: pk.destination,
    network: { type: pk.ipv6 ? 'ipv6' : 'ipv4', ...proto },
    related: { ip: relatedIps(pk.source, pk.destination) },
    vigil: { tcpdump: { info: s.slice(pk.rest) } },
  };
}

function parse(line: string, ctx: ParseContext): ParsedFields | ParseFailure {
  const stamp = readStamp(line, skipCounter(line), ctx);
  if ('failure' in stamp) return stamp;
  const pk = readPacket(line, stamp.at);
  if ('failure' in pk) return pk;
  if (line.startsWith('Flags [', pk.rest)) return tcpEvent(stamp.timestamp, pk, readTcp(line, pk.rest));
  return otherEvent(line, stamp.timestamp, pk);
}

/** True when the line starts like a tcpdump IP packet line (an optional time, then `IP ` or `IP6 `). */
function detect(record: string): boolean {
  let p = skipCounter(record);
  if (isDigit(record.charCodeAt(p)) && record.charCodeAt(p + 4) === 45 && record.charCodeAt(p + 10) === SPACE) p += 11; // YYYY-MM-DD
  if (isDigit(record.charCodeAt(p)) && record.charCodeAt(p + 2) === 58 && record.charCodeAt(p + 8) === 46) {
    p = record.indexOf(' ', p + 9) + 1; // HH:MM:SS.frac
    if (p === 0) return false;
  }
  return (record.startsWith('IP ', p) || record.startsWith('IP6 ', p)) && record.includes(' > ', p);
}

/**
 * tcpdump packet lines, as `tcpdump -n -tttt 'tcp[13] == 2'` prints them (seed 001):
 *
 *     2026-11-22 09:49:32.123456 IP 198.51.100.23.51234 > 10.0.0.8.22: Flags [S], seq 1, win 64240, options [mss 1460,...], length 0
 *     2021-12-18 11:21:59.145495 IP6 2a02:abc::17.37754 > 2a02:abc::123.179: Flags [P.], seq 1:24, ack 23, win 501, ..., length 23: BGP
 *
 * Time:
 * - `-tttt` prints local wall-clock time without a zone: it is read in `ctx.timezone`, microseconds
 *   kept (`2026-11-22T09:49:32.123456Z`); nanosecond captures (`--nano`) are cut to microseconds.
 * - A line with a time of day only (tcpdump's default `09:49:32.123456 IP ...`) takes the date of
 *   `ctx.now` in `ctx.timezone`, or the day before when that would put it more than an hour after now
 *   (a line from 23:59 read at 00:01). A line with no time at all (`-t`: `IP ...` first) gets `ctx.now`.
 * - A leading packet counter (tcpdump's `-#`, as in its test suite's `.out` files: `    1  `) is skipped.
 *
 * Packets:
 * - The port follows the LAST dot of each side (IPv6 addresses contain colons, not dots).
 * - TCP: `event.action` is made from the flags (`tcp_syn` for `[S]`, `tcp_syn_ack` for `[S.]`,
 *   `tcp_fin_push_ack` for `[FP.]`); a SYN without ACK (`[S]`, also the ECN `[SEW]`) is a connection
 *   start: `event.type: [connection, start]` and the tag `tcp_connection_started` that the port-scan
 *   watch counts. FIN/RST segments are `[connection, end]`, the rest `[connection]`. Everything tcpdump
 *   printed is kept under `vigil.tcpdump` (`flags`, `seq`, `seq_end`, `ack`, `win`, `urg`, `options`,
 *   `length`, `info`).
 * - Other IP packets (UDP, ICMP, DNS decodes, tunnels such as Geneve, which are printed from their
 *   outer UDP header) are minimal network events (`event.type: [info]`, `event.action` `udp_packet`,
 *   `icmp_packet`, or `ip_packet` when tcpdump printed no transport; the text in `vigil.tcpdump.info`).
 * - Non-IP lines (ARP, `-v` header lines, `IP6 [version 3 != 6] (invalid)`) are failures, so that they
 *   are kept as `pipeline_error` events rather than dropped.
 *
 * Speed: one pass of charCodeAt/indexOf, no regex on the hot path, and the zone conversion runs once
 * per distinct second (consecutive packets share it).
 */
export const tcpdumpParser: LogParser = {
  source: 'tcpdump',
  dataset: 'tcpdump',
  description: 'tcpdump -n -tttt packet lines (SYN captures), IPv4 and IPv6',
  detect,
  parse,
};
