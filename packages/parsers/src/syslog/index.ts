/**
 * The `syslog` parser: one line → one ECS event, with the sshd/PAM, sudo and netfilter decoders
 * applied to the message. Events of the auth decoders get `event.module: system` (Elastic's
 * integration for these lines).
 *
 * ## Headers
 *
 * | form | example | time |
 * |---|---|---|
 * | RFC 3164 | `Nov 22 09:49:32 host prog[pid]: msg`, `Nov  2 ...`, `Nov 2 ...`, optional `.frac` | year inferred from `ctx.now` (never in the future; Feb 29 goes to the last leap year), zone `ctx.timezone` |
 * | RFC 3339 prefix (rsyslog) | `2026-11-22T09:49:32.123456+00:00 host prog[pid]: msg`, also `2020-03-23 06:47:42.801612-0700` | the offset given; none → `ctx.timezone` |
 * | RFC 5424 | `<34>1 2026-11-22T09:49:32.003Z host app procid msgid [sd k="v"] msg` | as RFC 3339; `-` → `ctx.now` |
 * | journal-style, no time | `host sshd[1234]: msg` (a host and a `prog[pid]:`/`prog:` tag are required) | `ctx.now` |
 * | Proxmox firewall | `101 1 tap101i0-IN 20/Jun/2022:13:12:46 +0200 REJECT: IN=...` | the offset given |
 *
 * Any of the first three may start with `<PRI>`, which sets `log.syslog.priority`,
 * `log.syslog.facility.code` and `log.syslog.severity.code`.
 *
 * - `@timestamp` keeps microseconds when the line has more than three fraction digits (as
 *   `isoWithFraction` in time.ts writes them).
 * - **No timestamp** (journal-style, RFC 5424 `-`): `@timestamp` is `ctx.now` and the event is tagged
 *   `timestamp_missing`, so a watch can tell arrival time from event time. The line is not rejected:
 *   losing a `Failed password` line would be worse than an approximate time.
 * - The host may be missing (`Feb 17 17:40:17 sshd[19725]: ...`, `Mar  3 00:17:22 [sshd]: ...`), and
 *   the tag too (`combo syslogd 1.4.1: restart.` has no tag: the message is everything after the host).
 * - Sets `host.hostname`, `process.name`, `process.pid`, `message`; RFC 5424 extras (version, MSGID,
 *   non-numeric PROCID, structured data) go to `vigil.syslog`.
 *
 * ## Decoders and datasets
 *
 * | program / message | decoder | `event.dataset` |
 * |---|---|---|
 * | `sshd`, `sshd-session`, `sshd-auth`, `sshd(pam_unix)` | src/sshd (every line, recognised or not) | `auth` |
 * | `pam_*(service:type): ...` or a `*(pam_*)` tag, any program | src/sshd/pam.ts | `auth` |
 * | `sudo` command lines | sudo.ts (`sudo_command`) | `auth` |
| `useradd`, `groupadd`, `userdel`, `groupdel`, `usermod`, `passwd`, `chage`, `gpasswd` | iam.ts (src/sshd/README.md, "Account management") | `auth` |
 * | a message with `IN=`/`OUT=` and valid `SRC=`/`DST=` | src/netfilter | `netfilter` |
 * | anything else | none | `syslog` |
 *
 * `event.module` is `system` (Elastic's integration for these lines) unless the decoder names its own.
 *
 * An sshd line no recogniser knows is an `auth` event with no category, type, action or outcome: it
 * belongs with the other sshd lines, but claiming it is an authentication would skew counts.
 *
 * ## Failures
 *
 * `{ failure }` (never a throw) for: an empty line, no header at all, a malformed `<PRI>`, an
 * impossible date or time (`Feb 30`, `25:61:00`), an unknown `ctx.timezone`, nothing after the
 * timestamp, a broken RFC 5424 header or structured data.
 *
 * ## Cost
 *
 * Hand-written scanning (`charCodeAt`, `indexOf`, `startsWith`); the only regexes are anchored and
 * linear (Proxmox header, a digits check). The UTC conversion of a second is cached (RFC 3164: the
 * last 256 seconds seen, keyed with the inferred year so that a `ctx.now` that moves with every record
 * keeps them; RFC 3339: the last one), so lines of a recent second do no date arithmetic. Headers
 * share one object shape (`newHeader`), so the code reading them stays monomorphic.
 *
 * @packageDocumentation
 */
import type { LogParser, ParseContext, ParsedFields, ParseFailure } from '../types.ts';
import { enrich, type Decoded, type Enrichment } from './enrich.ts';
import { parseHeader } from './header.ts';
import type { SyslogHeader } from './model.ts';
import { looksPve } from './pve.ts';
import { looksIso, monthAt } from './timestamp.ts';

export type { SyslogHeader, Rfc5424Extras, PveExtras } from './model.ts';
export type { SudoDetails } from './sudo.ts';
export { parseHeader } from './header.ts';

/** Syslog (RFC 3164, RFC 3339-prefixed, RFC 5424, journal-style, Proxmox firewall); see the module docs. */
export const syslogParser: LogParser = {
  source: 'syslog',
  dataset: 'syslog',
  description: 'syslog lines (RFC 3164, RFC 3339, RFC 5424) with sshd/PAM, sudo and netfilter decoding',
  detect: detectSyslog,
  parse: parseSyslog,
};

/**
 * Cheap shape test for `--source auto`: `<digit`, a month abbreviation and a space, `YYYY-`, or a
 * Proxmox firewall line. Journal-style lines without a timestamp are not detected (free text would
 * be): they need `--source syslog`.
 */
export function detectSyslog(record: string): boolean {
  const c = record.charCodeAt(0);
  if (c === 60) return record.charCodeAt(1) >= 48 && record.charCodeAt(1) <= 57;
  if (monthAt(record, 0) !== 0) return record.charCodeAt(3) === 32;
  return looksIso(record, 0) || looksPve(record);
}

/** Parses one line; see the module docs for what is recognised. */
export function parseSyslog(record: string, ctx: ParseContext): ParsedFields | ParseFailure {
  const header = parseHeader(record, ctx);
  if ('failure' in header) return header;
  return toParsed(header, enrich(header, record));
}

function toParsed(h: SyslogHeader, decoded: Decoded | undefined): ParsedFields {
  const out: ParsedFields = { '@timestamp': h.timestamp, message: h.message };
  if (h.hostname !== undefined) out.host = { hostname: h.hostname };
  if (h.program !== undefined && decoded?.tagWasPrefix !== true) out.process = h.pid === undefined ? { name: h.program } : { name: h.program, pid: h.pid };
  if (h.pri !== undefined) out.log = { syslog: { priority: h.pri, facility: { code: h.pri >> 3 }, severity: { code: h.pri & 7 } } };
  if (decoded !== undefined) copyFields(out, decoded.fields);
  // Elastic's `system` integration reads these lines (its `auth` and `syslog` datasets); a decoder of
  // another integration's lines sets its own module (netfilter → `iptables`)
  if (out.event === undefined) out.event = { module: 'system' };
  else out.event.module ??= 'system';
  if (h.timestampMissing) out.tags = out.tags === undefined ? ['timestamp_missing'] : [...out.tags, 'timestamp_missing'];
  if (h.rfc5424 !== undefined) out.vigil = { ...out.vigil, syslog: h.rfc5424 };
  return out;
}

/** The decoder's fields onto the event (explicit copies: cheaper than `Object.assign` per line). */
function copyFields(out: ParsedFields, f: Enrichment): void {
  if (f.event !== undefined) out.event = f.event;
  if (f.source !== undefined) out.source = f.source;
  if (f.destination !== undefined) out.destination = f.destination;
  if (f.network !== undefined) out.network = f.network;
  if (f.user !== undefined) out.user = f.user;
  if (f.group !== undefined) out.group = f.group;
  if (f.system !== undefined) out.system = f.system;
  if (f.related !== undefined) out.related = f.related;
  if (f.observer !== undefined) out.observer = f.observer;
  if (f.rule !== undefined) out.rule = f.rule;
  if (f.tags !== undefined) out.tags = f.tags;
  if (f.vigil !== undefined) out.vigil = f.vigil;
}
