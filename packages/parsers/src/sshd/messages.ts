/**
 * sshd message recognisers. Each one owns one message shape of OpenSSH (and a few patches and
 * older releases), reads the fixed head with `startsWith`, and the address from the end or from a
 * fixed position (see endpoint.ts); the user name is what lies between. The action names are listed
 * in README.md.
 */
import { addrAtEnd, addrAtHead, addrMaybePortAtEnd, lastAddrPortColon, portAt, type Found } from './endpoint.ts';
import type { AuthDetails, AuthMatch } from './match.ts';
import { parseIp } from '../netfilter/ip.ts';

/** Recognises one normalised sshd message (no `error: `/`fatal: ` head, no ` [preauth]` tail). */
export function classify(m: string, preauth: boolean): AuthMatch | undefined {
  // the first character picks the candidates; each checks its fixed head (no word slicing)
  switch (m.charCodeAt(0)) {
    case 65: // A
      if (m.startsWith('Accepted ')) return loginAttempt(m, 8, preauth);
      return m.startsWith('Address ') ? addressMaps(m, preauth) : undefined;
    case 70: // F
      return m.startsWith('Failed ') ? loginAttempt(m, 6, preauth) : undefined;
    case 80: // P
      if (m.startsWith('Postponed ')) return loginAttempt(m, 9, preauth);
      return m.startsWith('PAM: ') ? pamError(m, preauth) : undefined;
    case 73: // I
      return invalidUser(m, preauth);
    case 105: // i
      return inputUserauth(m, preauth);
    case 85: // U
      if (m.startsWith('User ')) return userNotAllowed(m, preauth);
      return unableToNegotiate(m, preauth);
    case 82: // R
      if (m.startsWith('ROOT ')) return rootRefused(m, preauth);
      if (m.startsWith('Received ')) return receivedDisconnect(m, preauth);
      return readError(m, preauth);
    case 114: // r
      if (m.startsWith('refused ')) return refusedConnect(m, preauth);
      return reverseMapping(m, preauth);
    case 67: // C
      if (m.startsWith('Connection ')) return connection(m, preauth);
      if (m.startsWith('Corrupted ')) return network('ssh_protocol_error', preauth, { reason: m });
      return closeSession(m, preauth);
    case 68: // D
      if (m.startsWith('Disconnected ')) return closedLike(m, 'Disconnected from ', 'ssh_disconnected', preauth);
      if (m.startsWith('Disconnecting: ')) return disconnecting(m, preauth);
      if (m.startsWith('Disconnecting ')) return disconnectingUser(m, preauth);
      return noIdentification(m, preauth);
    case 66: // B
      return bad(m, preauth);
    case 83: // S
      return sshServerInfo(m, preauth);
    case 110: // n
      return m.startsWith('no matching ') ? network('ssh_kex_negotiation_failed', preauth, { reason: upTo(m, ':') }) : undefined;
    case 107: // k
      return m.startsWith('kex_exchange_identification: ') ? network('ssh_kex_identification_failed', preauth, { reason: m.slice(29) }) : undefined;
    case 98: // b
      return bannerExchange(m, preauth);
    case 115: // s
      if (m.startsWith('ssh_dispatch_run_fatal: ')) return dispatchFatal(m, preauth);
      return enumerationProbe(m, preauth);
    case 117: // u
      return enumerationProbe(m, preauth);
    case 84: // T
      return timeout(m, preauth);
    case 77: // M
      return magic(m, preauth);
    case 109: // m
      return maxAttempts(m, preauth);
    default:
      return undefined;
  }
}

// ---- helpers ------------------------------------------------------------------------------------

function details(preauth: boolean, d: AuthDetails = {}): AuthDetails {
  if (preauth) d.preauth = true;
  return d;
}

/** A pre-authentication protocol or network failure, optionally with the client's address. */
function network(action: string, preauth: boolean, d: AuthDetails, found?: { addr: string; port?: number }): AuthMatch {
  const m: AuthMatch = { action, category: 'network', type: ['info'], outcome: 'failure', details: details(preauth, d) };
  if (found !== undefined) {
    m.addr = found.addr;
    m.port = found.port;
  }
  return m;
}

function upTo(m: string, stop: string): string {
  const i = m.indexOf(stop);
  return i === -1 ? m : m.slice(0, i);
}

/** Length of `m` without a trailing ` ssh2`/` ssh1`/` ssh` protocol word. */
function withoutProto(m: string): number {
  if (m.endsWith(' ssh2') || m.endsWith(' ssh1')) return m.length - 5;
  return m.endsWith(' ssh') ? m.length - 4 : m.length;
}

/**
 * `event.type` of every authentication line, attempt or companion (README.md, "Attempts"): `info`,
 * the ECS-valid part of Elastic's `["authentication_failure", "info"]`. The tag, not the type, marks
 * the attempt event.
 */
const companion = (): string[] => ['info'];

/**
 * sshd logs a failed keyboard-interactive attempt through PAM as `error: PAM: ...` every time, and
 * `Failed keyboard-interactive/pam` only for invalid users or once half of MaxAuthTries is used up.
 */
const PAM_KBDINT = 'keyboard-interactive/pam';

const INVALID = 'invalid user ';
const ILLEGAL = 'illegal user ';

/** Index past `invalid user ` / `illegal user ` at `i`, or `i`. */
function skipInvalid(m: string, i: number): number {
  return m.startsWith(INVALID, i) || m.startsWith(ILLEGAL, i) ? i + 13 : i;
}

const USER_KINDS = ['authenticating user ', 'invalid user ', 'user '] as const;

/** `authenticating user <u>`, `invalid user <u>` or `user <u>` in `m[at, userEnd)` (sshd's connection id), or undefined. */
function kindAndUser(m: string, at: number, userEnd: number): { kind: (typeof USER_KINDS)[number]; user: string } | undefined {
  for (const kind of USER_KINDS) {
    if (m.startsWith(kind, at) && at + kind.length <= userEnd) return { kind, user: m.slice(at + kind.length, userEnd) };
  }
  return undefined;
}

// ---- authentication attempts --------------------------------------------------------------------

/** `Accepted|Failed|Postponed <method> for [invalid user ]<user> from <addr> port <n> ssh2[: <info>]`; `sp` is the first space. */
function loginAttempt(m: string, sp: number, preauth: boolean): AuthMatch | undefined {
  const sp2 = m.indexOf(' ', sp + 1);
  if (sp2 === -1 || !m.startsWith(' for ', sp2)) return undefined;
  const userStart = skipInvalid(m, sp2 + 5);
  const found = loginEndpoint(m, userStart);
  if (found === undefined) return undefined;
  const d = details(preauth, { method: m.slice(sp + 1, sp2) });
  if (userStart !== sp2 + 5) d.invalid_user = true;
  if (found.signature !== undefined) d.signature = found.signature;
  const ssh: AuthMatch['ssh'] = { event: m.slice(0, sp), method: d.method as string };
  if (found.signature !== undefined) ssh.signature = found.signature;
  const match: AuthMatch = { action: 'ssh_login', category: 'authentication', type: ['info'], attempt: true, ssh, user: m.slice(userStart, found.start), addr: found.addr, port: found.port, details: d };
  if (m.charCodeAt(0) === 65) {
    match.outcome = 'success';
    match.opensSession = true;
  } else if (m.charCodeAt(0) === 70) {
    match.outcome = 'failure';
    if (d.method === PAM_KBDINT) match.attempt = false;
  } else {
    match.action = 'ssh_auth_postponed';
    match.attempt = false;
  }
  return match;
}

/**
 * The client address of a login line: first `from <addr> port <n>[ sshN]` at the very end; else the
 * last `from <addr> port <n> sshN: ` followed by server text (key fingerprint); else an old-style
 * `from <addr>` at the end.
 */
function loginEndpoint(m: string, userStart: number): (Found & { signature?: string }) | undefined {
  const end = m.length;
  let f = addrAtEnd(m, withoutProto(m), ' from ', true);
  if (f !== undefined && f.start >= userStart) return f;
  let i = m.lastIndexOf(' ssh', end);
  while (i >= userStart) {
    const after = protoColonEnd(m, i);
    if (after !== -1) {
      f = addrAtEnd(m, i, ' from ', true);
      if (f !== undefined && f.start >= userStart) return { ...f, signature: m.slice(after) };
    }
    i = m.lastIndexOf(' ssh', i - 1);
  }
  f = addrAtEnd(m, end, ' from ', false);
  return f !== undefined && f.start >= userStart ? f : undefined;
}

/** Index past ` sshN: ` / ` ssh: ` at `i`, or -1. */
function protoColonEnd(m: string, i: number): number {
  let k = i + 4;
  if (m.charCodeAt(k) >= 48 && m.charCodeAt(k) <= 57) k++;
  return m.charCodeAt(k) === 58 && m.charCodeAt(k + 1) === 32 ? k + 2 : -1;
}

/** `Invalid user <user> from <addr>[ port <n>]` (`Illegal user` before OpenSSH 3.8). */
function invalidUser(m: string, preauth: boolean): AuthMatch | undefined {
  if (!m.startsWith('Invalid user ') && !m.startsWith('Illegal user ')) return undefined;
  const f = addrMaybePortAtEnd(m, m.length, ' from ');
  if (f === undefined || f.start < 12) return undefined;
  // once per connection, at its first request: each attempt then logs `Failed ... for invalid user`
  const ssh = { event: m.slice(0, 7) }; // `Invalid` / `Illegal`, as Filebeat's grok takes it
  const d = details(preauth, { invalid_user: true, message_kind: 'invalid_user' });
  return { action: 'ssh_login', category: 'authentication', type: companion(), outcome: 'failure', ssh, user: m.slice(13, Math.max(13, f.start)), addr: f.addr, port: f.port, details: d };
}

/** `input_userauth_request: invalid user <user>`: follows `Invalid user`, so informational. */
function inputUserauth(m: string, preauth: boolean): AuthMatch | undefined {
  const head = 'input_userauth_request: invalid user ';
  if (!m.startsWith(head)) return undefined;
  return { action: 'ssh_login', category: 'authentication', type: companion(), outcome: 'failure', user: m.slice(head.length), details: details(preauth, { invalid_user: true, message_kind: 'invalid_user' }) };
}

/** `User <user> from <addr> not allowed because <reason>` (AllowUsers, DenyUsers, groups, locked). */
function userNotAllowed(m: string, preauth: boolean): AuthMatch | undefined {
  const at = m.lastIndexOf(' not allowed because ');
  if (at < 5) return undefined;
  const f = addrAtEnd(m, at, ' from ', false);
  // like `Invalid user`: each attempt then logs `Failed ... for invalid user`
  const d = details(preauth, { reason: m.slice(at + 1), message_kind: 'user_not_allowed' });
  const match: AuthMatch = { action: 'ssh_login', category: 'authentication', type: companion(), outcome: 'failure', user: m.slice(5, at), details: d };
  if (f !== undefined && f.start >= 4) {
    match.user = m.slice(5, Math.max(5, f.start));
    match.addr = f.addr;
  }
  return match;
}

/** `ROOT LOGIN REFUSED FROM <addr>[ port <n>]` (PermitRootLogin no, old OpenSSH). */
function rootRefused(m: string, preauth: boolean): AuthMatch | undefined {
  const f = addrMaybePortAtEnd(m, m.length, ' FROM ');
  if (f === undefined || f.start !== 18 || !m.startsWith('ROOT LOGIN REFUSED')) return undefined;
  // the attempt itself is then logged as `Failed <method> for root`
  return { action: 'ssh_login', category: 'authentication', type: companion(), outcome: 'failure', user: 'root', addr: f.addr, port: f.port, details: details(preauth, { message_kind: 'root_login_refused' }) };
}

/** `error: PAM: <what> for [illegal user ]<user> from <host>[ via <local ip>]`. */
function pamError(m: string, preauth: boolean): AuthMatch | undefined {
  const forAt = m.indexOf(' for ', 5);
  if (forAt === -1) return undefined;
  const what = m.slice(5, forAt);
  const lower = what.toLowerCase();
  const userStart = skipInvalid(m, forAt + 5);
  const unknown = userStart !== forAt + 5 || lower.includes('user not known') || lower.includes('unknown user');
  if (!unknown && !lower.includes('authentication failure') && !lower.includes('authentication error')) return undefined;
  let end = m.length;
  let local: string | undefined;
  const via = m.lastIndexOf(' via ');
  if (via > userStart && m.indexOf(' ', via + 5) === -1) {
    local = m.slice(via + 5);
    end = via;
  }
  const f = addrAtEnd(m, end, ' from ', false);
  if (f === undefined || f.start < forAt + 4) return undefined;
  const d = details(preauth, { reason: what });
  if (unknown) {
    d.invalid_user = true;
    d.message_kind = 'invalid_user';
  }
  const match: AuthMatch = { action: 'ssh_login', category: 'authentication', type: companion(), attempt: true, outcome: 'failure', user: m.slice(userStart, Math.max(userStart, f.start)), addr: f.addr, details: d };
  if (local !== undefined) match.localAddr = local;
  return match;
}

/** `maximum authentication attempts exceeded for [invalid user ]<user> from <addr> port <n> ssh2`. */
function maxAttempts(m: string, preauth: boolean): AuthMatch | undefined {
  const head = 'maximum authentication attempts exceeded for ';
  if (!m.startsWith(head)) return undefined;
  const userStart = skipInvalid(m, head.length);
  const f = addrAtEnd(m, withoutProto(m), ' from ', true);
  if (f === undefined || f.start < userStart) return undefined;
  const d = details(preauth);
  if (userStart !== head.length) d.invalid_user = true;
  return { action: 'ssh_max_auth_attempts_exceeded', category: 'authentication', type: ['info'], outcome: 'failure', user: m.slice(userStart, f.start), addr: f.addr, port: f.port, details: d };
}

/** `Timeout before authentication for <addr> port <n>` / `... for connection from <addr> to <addr>, pid = <n>`. */
function timeout(m: string, preauth: boolean): AuthMatch | undefined {
  const head = 'Timeout before authentication for ';
  if (!m.startsWith(head)) return undefined;
  const match: AuthMatch = { action: 'ssh_auth_timeout', category: 'authentication', type: ['end'], outcome: 'failure', details: details(preauth) };
  if (m.startsWith('connection from ', head.length)) {
    const at = head.length + 16;
    const to = m.indexOf(' to ', at);
    if (to === -1) return undefined;
    match.addr = m.slice(at, to);
    const comma = m.indexOf(',', to + 4);
    match.localAddr = m.slice(to + 4, comma === -1 ? m.length : comma);
    return match;
  }
  const f = addrMaybePortAtEnd(m, m.length, ' for ');
  if (f === undefined || f.start !== head.length - 5) return undefined;
  match.addr = f.addr;
  match.port = f.port;
  return match;
}

/** `userauth_pubkey: ... incomplete message`: the OpenSSH user enumeration probe (CVE-2018-15473), no address. */
const ENUMERATION = new Set([
  'ssh_packet_get_string: incomplete message', // OpenSSH <= 7.6
  'userauth_pubkey: parse request failed: incomplete message', // 7.7 - 8.4
  'userauth_pubkey: parse packet: incomplete message', // 8.5 - 8.8
  'userauth_pubkey: parse publickey packet: incomplete message', // >= 8.9
]);

function enumerationProbe(m: string, preauth: boolean): AuthMatch | undefined {
  if (!ENUMERATION.has(m)) return undefined;
  return { action: 'ssh_user_enumeration_probe', category: 'authentication', type: ['info'], outcome: 'failure', details: details(preauth, { reason: m }) };
}

// ---- connections and disconnections -------------------------------------------------------------

function connection(m: string, preauth: boolean): AuthMatch | undefined {
  if (m.startsWith('Connection closed by ')) return closedLike(m, 'Connection closed by ', 'ssh_connection_closed', preauth);
  if (m.startsWith('Connection reset by ')) return closedLike(m, 'Connection reset by ', 'ssh_connection_reset', preauth);
  if (!m.startsWith('Connection from ')) return undefined;
  const remote = addrAtHead(m, 16);
  if (remote === undefined) return undefined;
  const match: AuthMatch = { action: 'ssh_connection_opened', category: 'network', type: ['connection', 'start'], addr: remote.addr, port: remote.port };
  if (m.startsWith(' on ', remote.next)) {
    const local = addrAtHead(m, remote.next + 4);
    if (local !== undefined) {
      match.localAddr = local.addr;
      match.localPort = local.port;
    }
  }
  if (preauth) match.details = details(preauth);
  return match;
}

/**
 * `<head>[<kind> user <user> ]<addr>[ port <n>]` (`Connection closed by`, `Connection reset by`,
 * `Disconnected from`). Before authentication (`[preauth]`, `invalid user`, `authenticating user`)
 * it is a failure; `user X` without `[preauth]` is the normal end of a session.
 */
function closedLike(m: string, head: string, action: string, preauth: boolean): AuthMatch | undefined {
  if (!m.startsWith(head)) return undefined;
  const at = head.length;
  const f = addrMaybePortAtEnd(m, m.length, ' ');
  if (f === undefined || f.start < at - 1) return undefined;
  const match: AuthMatch = { action, category: 'network', type: ['end'], addr: f.addr, port: f.port };
  const d = details(preauth);
  if (f.start >= at) {
    const ku = kindAndUser(m, at, f.start);
    if (ku === undefined) return undefined;
    match.user = ku.user;
    match.category = ku.kind === 'user ' && !preauth ? 'session' : 'authentication';
    if (ku.kind === 'invalid user ') d.invalid_user = true;
    if (ku.kind !== 'user ') match.outcome = 'failure';
  }
  if (preauth) match.outcome = 'failure';
  if (preauth || d.invalid_user === true) match.details = d;
  return match;
}

/** `Disconnecting <kind> user <user> <addr> port <n>: <reason>` (OpenSSH >= 7.5). */
function disconnectingUser(m: string, preauth: boolean): AuthMatch | undefined {
  const at = 14;
  const withReason = lastAddrPortColon(m, at);
  const f: Found | undefined = withReason ?? addrAtEnd(m, m.length, ' ', true); // no `: reason` on some versions
  if (f === undefined) return undefined;
  const ku = kindAndUser(m, at, f.start);
  if (ku === undefined) return undefined;
  const reason = withReason === undefined ? '' : m.slice(withReason.next).trim();
  const d = details(preauth, reason === '' ? {} : { reason });
  if (ku.kind === 'invalid user ') d.invalid_user = true;
  const action = reason.startsWith('Too many authentication failures') ? 'ssh_too_many_auth_failures' : 'ssh_disconnecting';
  return { action, category: 'authentication', type: ['end'], outcome: 'failure', user: ku.user, addr: f.addr, port: f.port, details: d };
}

/** `Disconnecting: Too many authentication failures[ for <user>]`, `Disconnecting: <reason>` (older OpenSSH). */
function disconnecting(m: string, preauth: boolean): AuthMatch | undefined {
  const reason = m.slice(15);
  const head = 'Too many authentication failures';
  if (!reason.startsWith(head)) return { action: 'ssh_disconnecting', category: 'network', type: ['end'], outcome: 'failure', details: details(preauth, { reason }) };
  const match: AuthMatch = { action: 'ssh_too_many_auth_failures', category: 'authentication', type: ['end'], outcome: 'failure', details: details(preauth, { reason: head }) };
  if (reason.startsWith(' for ', head.length)) {
    const userStart = skipInvalid(reason, head.length + 5);
    match.user = reason.slice(userStart);
    if (userStart !== head.length + 5) (match.details as AuthDetails).invalid_user = true;
  }
  return match;
}

/** SSH disconnect codes that mean something went wrong (RFC 4253 11.1): all but 10, 11 (lost, by application). */
const FAILED_CODES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15]);

/** `Received disconnect from <addr> port <n>:<code>: <reason>` / `... from <addr>: <code>: <reason>`. */
function receivedDisconnect(m: string, preauth: boolean): AuthMatch | undefined {
  const head = 'Received disconnect from ';
  if (!m.startsWith(head)) return undefined;
  const h = addrAtHead(m, head.length);
  if (h === undefined) return undefined;
  let k = h.next;
  while (m.charCodeAt(k) === 32) k++;
  let code = 0;
  const codeStart = k;
  while (k < m.length && k - codeStart < 4 && m.charCodeAt(k) >= 48 && m.charCodeAt(k) <= 57) code = code * 10 + m.charCodeAt(k++) - 48;
  if (k === codeStart || m.charCodeAt(k) !== 58) return undefined;
  const match: AuthMatch = { action: 'ssh_received_disconnect', category: 'network', type: ['end'], addr: h.addr, port: h.port, details: details(preauth, { disconnect_code: code, reason: m.slice(k + 1).trim() }) };
  if (preauth || FAILED_CODES.has(code)) match.outcome = 'failure';
  return match;
}

/** `Did not receive identification string from <addr>[ port <n>]`: a scanner connected and said nothing. */
function noIdentification(m: string, preauth: boolean): AuthMatch | undefined {
  const f = addrMaybePortAtEnd(m, m.length, ' from ');
  if (f === undefined || f.start !== 37 || !m.startsWith('Did not receive identification string')) return undefined;
  const match = network('ssh_no_identification', preauth, {}, f);
  const ip = parseIp(f.addr);
  if (ip !== undefined) match.ssh = { dropped_ip: ip }; // Filebeat's name for the same address
  return match;
}

/** `Bad protocol version identification '<text>' from <addr>[ port <n>]`, `Bad packet length <n>.`. */
function bad(m: string, preauth: boolean): AuthMatch | undefined {
  const head = 'Bad protocol version identification ';
  if (m.startsWith('Bad packet length')) return network('ssh_protocol_error', preauth, { reason: m });
  if (!m.startsWith(head)) return undefined;
  const f = addrMaybePortAtEnd(m, m.length, ' from ');
  if (f === undefined || f.start < head.length - 1) return undefined;
  return network('ssh_bad_protocol_version', preauth, { reason: m.slice(head.length, Math.max(head.length, f.start)) }, f);
}

/** `Unable to negotiate with <addr> port <n>: no matching <what> found. Their offer: ...`. */
function unableToNegotiate(m: string, preauth: boolean): AuthMatch | undefined {
  if (m.startsWith('Unable to negotiate a key exchange method')) return network('ssh_kex_negotiation_failed', preauth, { reason: m });
  const head = 'Unable to negotiate with ';
  if (!m.startsWith(head)) return undefined;
  const h = addrAtHead(m, head.length);
  if (h === undefined) return undefined;
  return network('ssh_kex_negotiation_failed', preauth, { reason: upTo(m.slice(h.next).trim(), '. Their offer') }, h);
}

/** `banner exchange: Connection from <addr> port <n>: <reason>` (a non-SSH client on the port). */
function bannerExchange(m: string, preauth: boolean): AuthMatch | undefined {
  const head = 'banner exchange: Connection from ';
  if (!m.startsWith(head)) return undefined;
  const f = lastAddrPortColon(m, head.length);
  if (f === undefined || f.start !== head.length - 1) return undefined;
  return network('ssh_banner_exchange_failed', preauth, { reason: m.slice(f.next).trim() }, f);
}

/** `ssh_dispatch_run_fatal: Connection from [<kind> user <user> ]<addr> port <n>: <reason>`. */
function dispatchFatal(m: string, preauth: boolean): AuthMatch | undefined {
  const head = 'ssh_dispatch_run_fatal: Connection from ';
  if (!m.startsWith(head)) return undefined;
  const f = lastAddrPortColon(m, head.length);
  if (f === undefined) return undefined;
  const match = network('ssh_protocol_error', preauth, { reason: m.slice(f.next).trim() }, f);
  if (f.start >= head.length) {
    const ku = kindAndUser(m, head.length, f.start);
    if (ku === undefined) return undefined;
    match.user = ku.user;
  }
  return match;
}

/** `Read error from remote host <addr>[ port <n>]: <reason>`, `Read from socket failed: <reason>`. */
function readError(m: string, preauth: boolean): AuthMatch | undefined {
  for (const head of ['Read error from remote host ', 'Read from remote host ']) {
    if (!m.startsWith(head)) continue;
    const h = addrAtHead(m, head.length);
    return h === undefined ? undefined : network('ssh_connection_error', preauth, { reason: m.slice(h.next).trim() }, h);
  }
  if (m.startsWith('Read from socket failed: ')) return network('ssh_connection_error', preauth, { reason: m.slice(25) });
  return undefined;
}

/** `Magic value check failed (<n>) on obfuscated handshake from <addr> port <n>` (obfuscated-ssh patch). */
function magic(m: string, preauth: boolean): AuthMatch | undefined {
  if (!m.startsWith('Magic value check failed')) return undefined;
  const f = addrMaybePortAtEnd(m, m.length, ' from ');
  return f === undefined ? undefined : network('ssh_protocol_error', preauth, { reason: upTo(m, ' from ') }, f);
}

/** `refused connect from <host> (<ip>)`: TCP wrappers (hosts.deny) turned the client away. */
function refusedConnect(m: string, preauth: boolean): AuthMatch | undefined {
  const head = 'refused connect from ';
  if (!m.startsWith(head) || m.charCodeAt(m.length - 1) !== 41 /* ) */) return undefined;
  const open = m.lastIndexOf(' (');
  if (open < head.length) return undefined;
  const match: AuthMatch = { action: 'ssh_connection_refused', category: 'network', type: ['connection', 'denied'], outcome: 'failure', addr: m.slice(open + 2, m.length - 1) };
  const host = m.slice(head.length, open);
  if (host !== match.addr) match.domain = host;
  if (preauth) match.details = details(preauth);
  return match;
}

/** `reverse mapping checking getaddrinfo for <host> [<ip>] failed - POSSIBLE BREAK-IN ATTEMPT!`. */
function reverseMapping(m: string, preauth: boolean): AuthMatch | undefined {
  const head = 'reverse mapping checking getaddrinfo for ';
  const close = m.lastIndexOf('] failed');
  if (!m.startsWith(head) || close === -1) return undefined;
  const open = m.lastIndexOf(' [', close);
  if (open < head.length) return undefined;
  return { action: 'ssh_reverse_mapping_failed', category: 'network', type: ['info'], addr: m.slice(open + 2, close), domain: m.slice(head.length, open), details: details(preauth) };
}

/** `Address <ip> maps to <host>, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!`. */
function addressMaps(m: string, preauth: boolean): AuthMatch | undefined {
  const maps = m.indexOf(' maps to ', 8);
  const comma = m.indexOf(', but this does not map back', maps);
  if (!m.startsWith('Address ') || maps === -1 || comma === -1) return undefined;
  return { action: 'ssh_reverse_mapping_failed', category: 'network', type: ['info'], addr: m.slice(8, maps), domain: m.slice(maps + 9, comma), details: details(preauth) };
}

/** `Close session: user <user> from <addr> port <n> id <n>`. */
function closeSession(m: string, preauth: boolean): AuthMatch | undefined {
  const head = 'Close session: user ';
  if (!m.startsWith(head)) return undefined;
  const id = m.lastIndexOf(' id ');
  const f = addrAtEnd(m, id === -1 ? m.length : id, ' from ', true);
  if (f === undefined || f.start < head.length) return undefined;
  const match: AuthMatch = { action: 'ssh_session_closed', category: 'session', type: ['end'], user: m.slice(head.length, f.start), addr: f.addr, port: f.port };
  if (preauth) match.details = details(preauth);
  return match;
}

/**
 * `SSH: Server;Ltype: Version;Remote: 127.0.0.1-1780;Protocol: 2.0;Client: ...` (a structured log
 * format of some patched OpenSSH builds, fail2ban gh-864). Remote comes before any client text, so
 * the first `;Remote: ` is trusted; `Ltype: Authname` ends with the requested user name.
 */
function sshServerInfo(m: string, preauth: boolean): AuthMatch | undefined {
  if (!m.startsWith('SSH: Server;Ltype: ')) return undefined;
  const at = m.indexOf(';Remote: ');
  if (at === -1) return undefined;
  let end = m.indexOf(';', at + 9);
  if (end === -1) end = m.length;
  const dash = m.lastIndexOf('-', end);
  const port = dash > at + 9 ? portAt(m, dash + 1, end) : undefined;
  const match: AuthMatch = { action: 'ssh_connection_info', category: 'network', type: ['info'], addr: m.slice(at + 9, port === undefined ? end : dash), port };
  const name = m.indexOf(';Name: ', end);
  if (m.startsWith('Authname;', 19) && name !== -1) match.user = m.slice(name + 7);
  if (preauth) match.details = details(preauth);
  return match;
}
