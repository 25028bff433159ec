import type { ParseContext, ParseFailure } from '../types.ts';
import { readPve } from './pve.ts';
import { readRfc5424 } from './rfc5424.ts';
import type { SyslogHeader } from './model.ts';
import { readHostAndTag, readTag } from './tag.ts';
import { looksIso, monthAt, nowIso, readBsdTimestamp, readIsoTimestamp, type TimestampResult } from './timestamp.ts';

const LT = 60; // <
const SPACE = 32;

/**
 * Reads the header of one syslog line (RFC 3164, RFC 3339-prefixed, RFC 5424, journal-style
 * `host prog[pid]: msg` without a timestamp, Proxmox firewall). Never throws.
 */
export function parseHeader(line: string, ctx: ParseContext): SyslogHeader | ParseFailure {
  if (line.length === 0) return { failure: 'empty line' };
  let pos = 0;
  let pri: number | undefined;
  if (line.charCodeAt(0) === LT) {
    const end = priEnd(line);
    if (end === -1) return { failure: `invalid syslog PRI "${line.slice(0, 6)}"` };
    pri = Number(line.slice(1, end - 1));
    pos = end;
  }
  const c = line.charCodeAt(pos);
  if (pri !== undefined && c >= 49 && c <= 57 && line.charCodeAt(pos + 1) === SPACE) return readRfc5424(line, pos, pri, ctx);
  const ts: TimestampResult = looksIso(line, pos) ? readIsoTimestamp(line, pos, ctx) : monthAt(line, pos) !== 0 ? readBsdTimestamp(line, pos, ctx) : undefined;
  if (ts !== undefined) {
    if ('failure' in ts) return ts;
    if (ts.end >= line.length || line.charCodeAt(ts.end) !== SPACE) return { failure: 'truncated syslog line: nothing after the timestamp' };
    return withPri(readHostAndTag(line, ts.end + 1, ts.iso, false), pri);
  }
  if (pri === undefined) {
    const pve = readPve(line);
    if (pve !== undefined) return pve;
  }
  const journal = readJournal(line, pos, ctx);
  if (journal === undefined) return { failure: 'not a syslog line: no RFC 3164, RFC 3339 or RFC 5424 header and no "host program[pid]:" prefix' };
  return withPri(journal, pri);
}

function withPri(h: SyslogHeader, pri: number | undefined): SyslogHeader {
  if (pri !== undefined) h.pri = pri;
  return h;
}

/** Index past `<N>` (N = 0..191, 1 to 3 digits), or -1. */
function priEnd(line: string): number {
  let v = 0;
  let i = 1;
  for (; i < 5 && i < line.length; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (i === 1 || i === 5 || line.charCodeAt(i) !== 62 /* > */ || v > 191) return -1;
  return i + 1;
}

/**
 * `host prog[pid]: msg` or `host prog: msg` with no timestamp (journal output without dates,
 * fail2ban's sshd-journal). Both a host and a tag are required, so that free text is not taken for
 * syslog. `@timestamp` is `ctx.now`.
 */
function readJournal(line: string, pos: number, ctx: ParseContext): SyslogHeader | undefined {
  const sp = line.indexOf(' ', pos);
  if (sp <= pos || sp - pos > 255) return undefined;
  if (readTag(line, sp + 1) === undefined) return undefined;
  const h = readHostAndTag(line, pos, nowIso(ctx), true);
  return h.hostname === undefined || h.program === undefined ? undefined : h;
}
