import { isIP } from 'node:net';
import type { LogParser, ParseContext, ParsedFields, ParseFailure } from '../types.ts';
import { zonedToEpochMs } from '../time.ts';

/**
 * `tcpdump -n -tttt` lines (seed 001: `tcpdump -n -tttt 'tcp[13] == 2' | nc localhost 5001`):
 *
 *     2026-11-22 09:49:32.123456 IP 198.51.100.23.51234 > 10.0.0.8.22: Flags [S], seq 1, win 64240, ..., length 0
 *     2025-10-03 16:27:33.363746 IP6 2001:db8::b.36539 > 2001:db8::d.443: Flags [P.], ...
 *
 * - The address's port follows its LAST dot (IPv6 addresses contain colons, not dots).
 * - `-tttt` prints local time without a zone: read in `ctx.timezone`. Microseconds are kept.
 * - A leading packet counter (`    1  `, tcpdump's `-#`, as in its test `.out` files) is skipped; a line
 *   with a time of day but no date (tcpdump without `-tttt`) takes the date of `ctx.now` in the zone.
 * - TCP: `event.action` from the flags (`tcp_syn` for `[S]`, `tcp_syn_ack` for `[S.]`, ...), and a SYN
 *   (without ACK) is tagged `tcp_connection_started` with `event.type: [connection, start]`.
 * - Other IP lines (UDP, ICMP...) are network events without TCP fields; anything else is a failure.
 *
 * Hand-written scanning: one pass with indexOf, no regex on the hot path; the epoch of each distinct
 * second is computed once (consecutive lines share it).
 */

const ACTIONS: Record<string, string> = {
  S: 'tcp_syn',
  'S.': 'tcp_syn_ack',
  '.': 'tcp_ack',
  'P.': 'tcp_push_ack',
  'F.': 'tcp_fin_ack',
  'FP.': 'tcp_fin_push_ack',
  R: 'tcp_rst',
  'R.': 'tcp_rst_ack',
  SE: 'tcp_syn_ecn',
  SEW: 'tcp_syn_ecn_cwr',
};

const DETECT = /^\s*(?:\d+ {2})?(?:\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d\.\d+ IP6? /;

let cacheKey = '';
let cacheIso = '';

/** ISO prefix `YYYY-MM-DDTHH:MM:SS` in UTC of a local wall-clock second, cached for the last key. */
function secondIso(date: string, time: string, timezone: string): string | undefined {
  const key = `${date} ${time} ${timezone}`;
  if (key === cacheKey) return cacheIso;
  const y = Number(date.slice(0, 4));
  const mo = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const h = Number(time.slice(0, 2));
  const mi = Number(time.slice(3, 5));
  const s = Number(time.slice(6, 8));
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60) || Number.isNaN(y)) return undefined;
  const ms = zonedToEpochMs(y, mo, d, h, mi, s, 0, timezone);
  if (Number.isNaN(ms)) return undefined;
  cacheKey = key;
  cacheIso = new Date(ms).toISOString().slice(0, 19);
  return cacheIso;
}

/** `YYYY-MM-DD` of `now` in `timezone`, for lines that print only a time of day. */
function localDate(now: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `198.51.100.23.51234` → ip and port; undefined when it is not an address with a port. */
function endpoint(token: string): { ip: string; port: number } | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ip = token.slice(0, dot);
  const port = Number(token.slice(dot + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535 || isIP(ip) === 0) return undefined;
  return { ip, port };
}

/** The number after `key` up to the next `,` (or end), e.g. `win 64240`. */
function numberAfter(rest: string, key: string): number | undefined {
  const at = rest.indexOf(key);
  if (at === -1) return undefined;
  let end = at + key.length;
  while (end < rest.length && isDigit(rest.charCodeAt(end))) end += 1;
  return end > at + key.length ? Number(rest.slice(at + key.length, end)) : undefined;
}

function parse(line: string, ctx: ParseContext): ParsedFields | ParseFailure {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 32) i += 1;
  // packet counter: digits and two spaces
  let j = i;
  while (j < line.length && isDigit(line.charCodeAt(j))) j += 1;
  if (j > i && line.charCodeAt(j) === 32 && line.charCodeAt(j + 1) === 32 && line.charCodeAt(j + 2) !== 32) i = j + 2;

  let date: string;
  if (line.charCodeAt(i + 4) === 45 /* - */ && line.charCodeAt(i + 10) === 32) {
    date = line.slice(i, i + 10);
    i += 11;
  } else date = localDate(ctx.now, ctx.timezone);
  if (line.charCodeAt(i + 2) !== 58 || line.charCodeAt(i + 5) !== 58 || line.charCodeAt(i + 8) !== 46) return { failure: 'no tcpdump timestamp (expected -tttt: YYYY-MM-DD HH:MM:SS.ffffff)' };
  const time = line.slice(i, i + 8);
  const fracEnd = line.indexOf(' ', i + 9);
  if (fracEnd === -1) return { failure: 'line ends after the timestamp' };
  const fraction = line.slice(i + 9, fracEnd);
  const base = secondIso(date, time, ctx.timezone);
  if (base === undefined) return { failure: `invalid date or time ${date} ${time}` };

  let p = fracEnd + 1;
  let type: 'ipv4' | 'ipv6';
  if (line.startsWith('IP ', p)) {
    type = 'ipv4';
    p += 3;
  } else if (line.startsWith('IP6 ', p)) {
    type = 'ipv6';
    p += 4;
  } else return { failure: 'not an IP packet line (expected IP or IP6 after the time)' };

  const arrow = line.indexOf(' > ', p);
  const colon = arrow === -1 ? -1 : line.indexOf(': ', arrow + 3);
  if (colon === -1) return { failure: 'no "src > dst:" in the packet line' };
  const source = endpoint(line.slice(p, arrow));
  const destination = endpoint(line.slice(arrow + 3, colon));
  if (source === undefined || destination === undefined) return { failure: 'source or destination is not an address.port' };
  const rest = line.slice(colon + 2);
  const timestamp = `${base}.${(fraction + '000000').slice(0, fraction.length > 3 ? 6 : 3)}Z`;

  if (!rest.startsWith('Flags [')) {
    const transport = rest.startsWith('UDP') ? 'udp' : undefined;
    return {
      '@timestamp': timestamp,
      event: { category: ['network'], type: ['connection'], action: transport === undefined ? 'ip_packet' : `${transport}_packet` },
      source,
      destination,
      network: { type, ...(transport === undefined ? {} : { transport }) },
      related: { ip: [source.ip, destination.ip] },
      vigil: { tcpdump: { info: rest } },
    };
  }
  const close = rest.indexOf(']', 7);
  const flags = close === -1 ? '' : rest.slice(7, close);
  const syn = flags.includes('S') && !flags.includes('.');
  const seq = numberAfter(rest, ', seq ');
  const win = numberAfter(rest, ', win ');
  const length = numberAfter(rest, 'length ');
  return {
    '@timestamp': timestamp,
    event: { category: ['network'], type: syn ? ['connection', 'start'] : ['connection'], action: ACTIONS[flags] ?? `tcp_${flags.replace(/\W/g, '_') || 'none'}` },
    source,
    destination,
    network: { transport: 'tcp', type, iana_number: '6' },
    related: { ip: source.ip === destination.ip ? [source.ip] : [source.ip, destination.ip] },
    ...(syn ? { tags: ['tcp_connection_started'] } : {}),
    vigil: { tcpdump: { flags, ...(seq === undefined ? {} : { seq }), ...(win === undefined ? {} : { win }), ...(length === undefined ? {} : { length }) } },
  };
}

export const tcpdumpParser: LogParser = {
  source: 'tcpdump',
  dataset: 'tcpdump',
  description: 'tcpdump -n -tttt packet lines (SYN captures), IPv4 and IPv6',
  detect: (record) => DETECT.test(record),
  parse,
};
