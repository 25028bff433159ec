/**
 * The part of an RFC 3164 line after the timestamp: `HOST TAG[PID]: MESSAGE`, where the host may be
 * missing (`Feb 17 17:40:17 sshd[19725]: ...`, `Jan 11 22:33:44 su: ...`) and the tag too
 * (`combo syslogd 1.4.1: restart.`, `Abc-A1 [SOMETHING-1234-A] IN=...`).
 */

import type { SyslogHeader } from './model.ts';

const SPACE = 32;
const MAX_TAG = 64;

interface Tag {
  program: string;
  /** -1: none. */
  pid: number;
  /** Index where the message starts. */
  next: number;
  /** End of the tag as written (`[sshd]:`, `DENY:`): sliced only for a tag without a pid, the one case that keeps it. */
  textStart: number;
  textEnd: number;
}

/**
 * A header with every field present from the start: one object shape for all header forms, so the
 * code reading headers stays monomorphic.
 */
export function newHeader(timestamp: string, timestampMissing: boolean, message: string, messageAt: number): SyslogHeader {
  return { timestamp, timestampMissing, hostname: undefined, program: undefined, pid: undefined, tagText: undefined, message, messageAt, pri: undefined, rfc5424: undefined, pve: undefined };
}

/**
 * Reads host, tag and message from `s` starting at `i` (just after the timestamp's space) into a
 * header carrying `timestamp`.
 */
export function readHostAndTag(s: string, i: number, timestamp: string, timestampMissing: boolean): SyslogHeader {
  while (s.charCodeAt(i) === SPACE) i++;
  let sp = s.indexOf(' ', i);
  if (sp === -1) sp = s.length;
  const hostless = mayBeTag(s, i, sp) ? (readTag(s, i) ?? readBracketTag(s, i)) : undefined;
  if (hostless !== undefined) return withTag(newHeader(timestamp, timestampMissing, '', 0), hostless, s);
  let j = sp;
  while (s.charCodeAt(j) === SPACE) j++;
  const out = newHeader(timestamp, timestampMissing, '', j);
  if (sp > i) out.hostname = s.slice(i, sp);
  const tag = readTag(s, j);
  if (tag !== undefined) return withTag(out, tag, s);
  out.message = s.slice(j);
  return out;
}

/** Cheap pre-check: a first token (`s[i, sp)`) that ends with `:` or `]`, or starts with `[`, may be a tag. */
function mayBeTag(s: string, i: number, sp: number): boolean {
  if (s.charCodeAt(i) === 91) return true;
  const last = s.charCodeAt(sp - 1);
  return last === 58 || last === 93;
}

function withTag(out: SyslogHeader, tag: Tag, s: string): SyslogHeader {
  out.program = tag.program;
  out.message = s.slice(tag.next);
  out.messageAt = tag.next;
  if (tag.pid !== -1) out.pid = tag.pid;
  else out.tagText = s.slice(tag.textStart, tag.textEnd);
  return out;
}

/**
 * `name[pid]:`, `name[pid]` or `name:` at `i`, followed by a space or the end. The name is anything
 * but space, `[` and `:` (`sshd(pam_unix)`, `postfix/smtpd`, `ansible-<stdin>`), 1 to 64 characters.
 */
export function readTag(s: string, i: number): Tag | undefined {
  const n = s.length;
  let j = i;
  while (j < n && j - i < MAX_TAG) {
    const c = s.charCodeAt(j);
    if (c === SPACE || c === 91 || c === 58) break;
    j++;
  }
  if (j === i || j >= n) return undefined;
  const c = s.charCodeAt(j);
  if (c === 58 /* : */) {
    if (!endsToken(s, j + 1)) return undefined;
    return { program: s.slice(i, j), pid: -1, next: skipOne(s, j + 1), textStart: i, textEnd: j + 1 };
  }
  if (c !== 91 /* [ */) return undefined;
  let k = j + 1;
  let pid = 0;
  while (k < n && k - j <= 10) {
    const d = s.charCodeAt(k) - 48;
    if (d < 0 || d > 9) break;
    pid = pid * 10 + d;
    k++;
  }
  if (k === j + 1 || s.charCodeAt(k) !== 93 /* ] */) return undefined;
  k += 1;
  if (s.charCodeAt(k) === 58) k += 1;
  if (!endsToken(s, k)) return undefined;
  return { program: s.slice(i, j), pid, next: skipOne(s, k), textStart: i, textEnd: k };
}

/** `[sshd]:` or `[sshd]` where a host would be (an old BSD form fail2ban still tests). */
function readBracketTag(s: string, i: number): Tag | undefined {
  if (s.charCodeAt(i) !== 91) return undefined;
  let j = i + 1;
  while (j < s.length && j - i <= MAX_TAG && isNameChar(s.charCodeAt(j))) j++;
  if (j === i + 1 || s.charCodeAt(j) !== 93) return undefined;
  let k = j + 1;
  if (s.charCodeAt(k) === 58) k += 1;
  if (!endsToken(s, k)) return undefined;
  return { program: s.slice(i + 1, j), pid: -1, next: skipOne(s, k), textStart: i, textEnd: k };
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 45 || c === 95 || c === 46 || c === 47;
}

function endsToken(s: string, k: number): boolean {
  return k === s.length || s.charCodeAt(k) === SPACE;
}

function skipOne(s: string, k: number): number {
  return s.charCodeAt(k) === SPACE ? k + 1 : k;
}
