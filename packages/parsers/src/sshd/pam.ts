/**
 * Linux-PAM messages of any service (sshd, su, login, sudo, dovecot...): `pam_unix(sshd:auth): ...`
 * in the message, or the older `sshd(pam_unix)[pid]:` program tag with the text after it.
 */
import type { AuthDetails, AuthFields, AuthMatch } from './match.ts';
import { toFields } from './match.ts';

interface PamOrigin {
  /** The module that wrote the line; absent when libpam writes for a module (`PAM 2 more ...`). */
  module?: string;
  service?: string;
  pamType?: string;
  /** Index in the message where the module's own text starts. */
  at: number;
}

/**
 * Decodes a PAM message; undefined when it is not one. Unrecognised PAM text still yields an `auth`
 * event with `vigil.pam.{module,service,pam_type}` and no action.
 */
export function decodePam(program: string, message: string): AuthFields | undefined {
  message = trimEnd(message);
  const origin = pamOrigin(program, message);
  if (origin === undefined) return undefined;
  const d: AuthDetails = {};
  if (origin.module !== undefined) d.module = origin.module;
  if (origin.service !== undefined) d.service = origin.service;
  if (origin.pamType !== undefined) d.pam_type = origin.pamType;
  const match = classifyPam(message, origin.at, d);
  return match === undefined ? { event: { dataset: 'auth' }, vigil: { pam: d } } : toFields(match, 'pam');
}

/** True when `program` is a PAM-tagged program (`sshd(pam_unix)`, `su(pam_unix)`). */
export function isPamTag(program: string): boolean {
  return program.endsWith(')') && program.indexOf('(pam_') > 0;
}

/**
 * True for libpam's own summary, `PAM 2 more authentication failures; logname= ...` (written under
 * the program's tag when the handle ends, after several failed attempts on one connection).
 */
export function isPamSummary(message: string): boolean {
  const c = message.charCodeAt(4);
  return message.startsWith('PAM ') && c >= 48 && c <= 57;
}

function pamOrigin(program: string, message: string): PamOrigin | undefined {
  if (isPamSummary(message)) return { at: 4 };
  if (message.startsWith('pam_')) {
    const open = message.indexOf('(');
    if (open === -1 || open > 40) return undefined;
    const close = message.indexOf('): ', open);
    if (close === -1 || close - open > 64) return undefined;
    // `(service:type)` read in place, no slice of the parenthesis first; a `:` always follows at close + 1,
    // so `colon >= close` means the parenthesis has none
    const colon = message.indexOf(':', open + 1);
    return colon >= close
      ? { module: message.slice(0, open), service: message.slice(open + 1, close), at: close + 3 }
      : { module: message.slice(0, open), service: message.slice(open + 1, colon), pamType: message.slice(colon + 1, close), at: close + 3 };
  }
  if (!isPamTag(program)) return undefined;
  const open = program.indexOf('(pam_');
  return { module: program.slice(open + 1, -1), service: program.slice(0, open), at: 0 };
}

function classifyPam(m: string, at: number, d: AuthDetails): AuthMatch | undefined {
  // the first character picks the candidate: a miss costs one comparison, not five heads
  switch (m.charCodeAt(at)) {
    case 97: // a
      return m.startsWith('authentication failure; ', at) ? authFailure(m, at + 24, d) : undefined;
    case 99: // c
      return m.startsWith('check pass; user unknown', at) ? { action: 'pam_user_unknown', category: 'authentication', type: ['info'], outcome: 'failure', details: d } : undefined;
    case 115: // s
      if (m.startsWith('session opened for user ', at)) return sessionOpened(m, at + 24, d);
      if (m.startsWith('session closed for user ', at)) {
        return { action: 'session_closed', category: 'session', type: ['end'], user: stripUid(m.slice(at + 24).trim()), details: d };
      }
      return undefined;
    case 112: // p
      return m.startsWith('password changed for ', at) ? passwordChanged(m.slice(at + 21).trim(), d) : undefined;
    default:
      return moreFailures(m, at, d);
  }
}

/** `<n> more authentication failures; ...`: libpam's summary when a handle with failures ends. */
function moreFailures(m: string, at: number, d: AuthDetails): AuthMatch | undefined {
  let k = at;
  while (k < m.length && k - at < 4 && m.charCodeAt(k) >= 48 && m.charCodeAt(k) <= 57) k++;
  const summary = m.startsWith(' more authentication failures; ', k) ? 31 : m.startsWith(' more authentication failure; ', k) ? 30 : 0;
  if (k > at && summary > 0) {
    d.more_failures = Number(m.slice(at, k));
    const match = authFailure(m, k + summary, d);
    match.attempt = false; // a summary of failures already logged one by one
    return match;
  }
  return undefined;
}

/**
 * Services that log each attempt themselves: their PAM failure line is a companion (type `info`, no
 * tag) of that line (sshd: `Failed password`, `error: PAM: ...`), see README.md "Attempts".
 */
const SELF_LOGGING_SERVICES = new Set(['sshd']);

/** `logname= uid=0 euid=0 tty=ssh ruser=<r> rhost=<host>[  user=<u>]`. */
function authFailure(m: string, at: number, d: AuthDetails): AuthMatch {
  const attempt = d.service === undefined || !SELF_LOGGING_SERVICES.has(d.service);
  const match: AuthMatch = { action: 'pam_auth_failure', category: 'authentication', type: ['info'], attempt, outcome: 'failure', details: d };
  const tty = valueOf(m, 'tty=', at);
  if (tty !== undefined && tty !== '') d.tty = tty;
  const ruserAt = m.indexOf('ruser=', at);
  if (ruserAt === -1) return match;
  const remote = remoteParts(m, ruserAt + 6);
  if (remote === undefined) return match;
  if (remote.ruser !== '') d.ruser = remote.ruser;
  if (remote.rhost !== '') match.addr = remote.rhost;
  if (remote.user !== undefined) match.user = remote.user;
  return match;
}

/** `key=value` (value up to the next space) found from `from`, or undefined. */
function valueOf(m: string, key: string, from: number): string | undefined {
  const i = m.indexOf(key, from);
  if (i === -1 || (i > 0 && m.charCodeAt(i - 1) !== 32)) return undefined;
  const end = m.indexOf(' ', i);
  return m.slice(i + key.length, end === -1 ? m.length : end);
}

/**
 * Splits `ruser=<r> rhost=<h>[  user=<u>]` where `r` and `u` may both be the attacker's user name
 * and contain ` rhost=`. The host is a single token followed by the end or by `user=`; among those
 * candidates, the one where ruser and user agree (or ruser is empty) wins, else the first. Linear:
 * ruser grows and user shrinks with the candidate, so their lengths match at most once.
 */
function remoteParts(m: string, ruserStart: number): { ruser: string; rhost: string; user?: string } | undefined {
  let first: { c: number; vEnd: number; userAt: number } | undefined;
  for (let c = m.indexOf(' rhost=', ruserStart - 1); c !== -1; c = m.indexOf(' rhost=', c + 7)) {
    if (c < ruserStart - 1) continue;
    let vEnd = m.indexOf(' ', c + 7);
    if (vEnd === -1) vEnd = m.length;
    let after = vEnd;
    while (m.charCodeAt(after) === 32) after++;
    let userAt = -1;
    if (after < m.length) {
      if (after === vEnd || !m.startsWith('user=', after)) continue;
      userAt = after + 5;
    }
    const candidate = { c, vEnd, userAt };
    first ??= candidate;
    const ruserLen = Math.max(0, c - ruserStart);
    if (ruserLen === 0 || userAt === -1) return partsOf(m, ruserStart, candidate);
    if (ruserLen === m.length - userAt && m.startsWith(m.slice(ruserStart, c), userAt)) return partsOf(m, ruserStart, candidate);
  }
  return first === undefined ? undefined : partsOf(m, ruserStart, first);
}

function partsOf(m: string, ruserStart: number, c: { c: number; vEnd: number; userAt: number }): { ruser: string; rhost: string; user?: string } {
  const parts: { ruser: string; rhost: string; user?: string } = { ruser: m.slice(ruserStart, Math.max(ruserStart, c.c)), rhost: m.slice(c.c + 7, c.vEnd) };
  if (c.userAt !== -1) parts.user = m.slice(c.userAt);
  return parts;
}

/** `session opened for user <u>[(uid=N)] by <who>[(uid=N)]`. */
function sessionOpened(m: string, at: number, d: AuthDetails): AuthMatch {
  const by = m.lastIndexOf(' by ');
  const match: AuthMatch = { action: 'session_opened', category: 'session', type: ['start'], outcome: 'success', details: d };
  if (by < at) {
    match.user = stripUid(m.slice(at).trim());
    return match;
  }
  match.user = stripUid(m.slice(at, by));
  const who = stripUid(m.slice(by + 4).trim());
  if (who !== '') d.by = who;
  return match;
}

/**
 * `pam_unix(passwd:chauthtok): password changed for <user>` (passwd, chpasswd, any service):
 * an IAM change of the user, as the Linux user-management rules read it.
 */
function passwordChanged(user: string, d: AuthDetails): AuthMatch {
  return { action: 'changed-password', category: 'iam', type: ['user', 'change'], outcome: 'success', user: stripUid(user), details: d };
}

/** `root(uid=0)` → `root` (newer PAM appends the uid to names). */
function stripUid(name: string): string {
  const i = name.lastIndexOf('(uid=');
  return i !== -1 && name.endsWith(')') ? name.slice(0, i) : name;
}

function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === 32 || s.charCodeAt(end - 1) === 13 || s.charCodeAt(end - 1) === 9)) end--;
  return end === s.length ? s : s.slice(0, end);
}
