import { describe, expect, it } from '@jest/globals';
import type { ParsedFields } from '../src/types.ts';
import { decodeSshd, isSshdProgram } from '../src/sshd/index.ts';
import { parse, vigil } from './syslog-helpers.ts';

/** What a row expects; absent keys must be absent on the event. */
interface Want {
  action?: string;
  category?: string[];
  type?: string[];
  outcome?: 'success' | 'failure';
  user?: string;
  ip?: string;
  port?: number;
  address?: string;
  domain?: string;
  destination?: { ip?: string; port?: number; address?: string };
  tags?: string[];
  sshd?: Record<string, unknown>;
}

function observed(e: ParsedFields): Want {
  const w: Want = {};
  if (e.event?.action !== undefined) w.action = e.event.action;
  if (e.event?.category !== undefined) w.category = e.event.category;
  if (e.event?.type !== undefined) w.type = e.event.type;
  if (e.event?.outcome !== undefined) w.outcome = e.event.outcome as 'success' | 'failure';
  if (e.user?.name !== undefined) w.user = e.user.name;
  if (e.source?.ip !== undefined) w.ip = e.source.ip;
  if (e.source?.port !== undefined) w.port = e.source.port;
  if (e.source?.address !== undefined) w.address = e.source.address;
  if (e.source?.domain !== undefined) w.domain = e.source.domain;
  if (e.destination !== undefined) w.destination = { ...e.destination };
  if (e.tags !== undefined) w.tags = e.tags;
  const sshd = vigil(e, 'sshd');
  if (sshd !== undefined) w.sshd = { ...sshd };
  return w;
}

const AUTH = ['authentication'];
const AUTH_SESSION = ['authentication', 'session'];
const NET = ['network'];
const failedLogin = (user: string, ip: string, port: number | undefined, sshd: Record<string, unknown>): Want => ({
  action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', user, ip, address: ip, ...(port === undefined ? {} : { port }), tags: ['auth_failure'], sshd,
});

// [description, sshd message, expected]
const rows: [string, string, Want][] = [
  ['accepted password', 'Accepted password for vagrant from 192.168.33.1 port 58803 ssh2',
    { action: 'ssh_login', category: AUTH_SESSION, type: ['info'], outcome: 'success', user: 'vagrant', ip: '192.168.33.1', address: '192.168.33.1', port: 58803, tags: ['auth_success'], sshd: { method: 'password' } }],
  ['accepted publickey keeps the key', 'Accepted publickey for vagrant from 10.0.2.2 port 63673 ssh2: RSA 39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84',
    { action: 'ssh_login', category: AUTH_SESSION, type: ['info'], outcome: 'success', user: 'vagrant', ip: '10.0.2.2', address: '10.0.2.2', port: 63673, tags: ['auth_success'], sshd: { method: 'publickey', signature: 'RSA 39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84' } }],
  ['accepted keyboard-interactive over IPv6', 'Accepted keyboard-interactive/pam for alice from 2001:DB8::5 port 50022 ssh2',
    { action: 'ssh_login', category: AUTH_SESSION, type: ['info'], outcome: 'success', user: 'alice', ip: '2001:db8::5', address: '2001:DB8::5', port: 50022, tags: ['auth_success'], sshd: { method: 'keyboard-interactive/pam' } }],
  ['failed password', 'Failed password for root from 216.160.83.57 port 29160 ssh2', failedLogin('root', '216.160.83.57', 29160, { method: 'password' })],
  ['failed password, invalid user', 'Failed password for invalid user ROOT from 194.117.26.69 port 50273 ssh2', failedLogin('ROOT', '194.117.26.69', 50273, { method: 'password', invalid_user: true })],
  ['failed publickey, invalid user, IPv6', 'Failed publickey for invalid user graysky from aaaa:bbbb:cccc:1234::1:1 port 37955 ssh2: RSA SHA256:v3dpapGleDaUKf$4V1vKyR9ZyUgjaJAmoCTcb2PLljI',
    failedLogin('graysky', 'aaaa:bbbb:cccc:1234::1:1', 37955, { method: 'publickey', invalid_user: true, signature: 'RSA SHA256:v3dpapGleDaUKf$4V1vKyR9ZyUgjaJAmoCTcb2PLljI' })],
  ['failed none', 'Failed none for root from 192.168.1.1 port 36942 ssh2', failedLogin('root', '192.168.1.1', 36942, { method: 'none' })],
  ['failed, old format without port', 'Failed password for invalid user ROOT from aaaa:bbbb:cccc:1234::1:1', failedLogin('ROOT', 'aaaa:bbbb:cccc:1234::1:1', undefined, { method: 'password', invalid_user: true })],
  ['CVE-2013-6890: "from IP port N" inside the user name', 'Failed password for invalid user root from 1.2.3.4 port 22 from 203.0.113.9 port 40000 ssh2',
    failedLogin('root from 1.2.3.4 port 22', '203.0.113.9', 40000, { method: 'password', invalid_user: true })],
  ['a whole "from IP port N ssh2" inside the user name', 'Failed password for invalid user test from 10.10.1.2 port 55555 ssh2 from 127.0.0.1 port 58946 ssh2',
    failedLogin('test from 10.10.1.2 port 55555 ssh2', '127.0.0.1', 58946, { method: 'password', invalid_user: true })],
  ['injection after "ssh1: " does not move the address', 'Failed password for user from 127.0.0.1 port 20000 ssh1: ruser from 1.2.3.4',
    failedLogin('user', '127.0.0.1', 20000, { method: 'password', signature: 'ruser from 1.2.3.4' })],
  ['Solaris message id and a user in angle brackets', '[ID 800047 auth.info] Failed keyboard-interactive for <invalid username> from 205.186.180.55 port 42742 ssh2',
    failedLogin('<invalid username>', '205.186.180.55', 42742, { method: 'keyboard-interactive' })],
  ['failed keyboard-interactive/pam: a companion of the `error: PAM:` line that stands for the attempt', 'Failed keyboard-interactive/pam for invalid user nosuch from 198.18.7.3 port 36785 ssh2',
    { action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', user: 'nosuch', ip: '198.18.7.3', address: '198.18.7.3', port: 36785, sshd: { method: 'keyboard-interactive/pam', invalid_user: true } }],
  ['postponed is informational', 'Postponed keyboard-interactive for invalid user warez from 192.241.237.101 port 54197 ssh2 [preauth]',
    { action: 'ssh_auth_postponed', category: AUTH, type: ['info'], user: 'warez', ip: '192.241.237.101', address: '192.241.237.101', port: 54197, sshd: { method: 'keyboard-interactive', invalid_user: true, preauth: true } }],
  ['invalid user', 'Invalid user pascal from 35.188.49.176 port 53502',
    { action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', user: 'pascal', ip: '35.188.49.176', address: '35.188.49.176', port: 53502, sshd: { invalid_user: true, message_kind: 'invalid_user' } }],
  ['invalid user, empty name', 'Invalid user  from 192.0.2.68 port 34916',
    { action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', ip: '192.0.2.68', address: '192.0.2.68', port: 34916, sshd: { invalid_user: true, message_kind: 'invalid_user' } }],
  ['invalid user with spaces, no port', 'Invalid user John Smith from 198.51.100.7',
    { action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', user: 'John Smith', ip: '198.51.100.7', address: '198.51.100.7', sshd: { invalid_user: true, message_kind: 'invalid_user' } }],
  ['input_userauth_request follows Invalid user: no tag', 'input_userauth_request: invalid user opcione [preauth]',
    { action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', user: 'opcione', sshd: { invalid_user: true, message_kind: 'invalid_user', preauth: true } }],
  ['user not allowed', 'User root from 46.45.128.3 not allowed because listed in DenyUsers',
    { action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', user: 'root', ip: '46.45.128.3', address: '46.45.128.3', sshd: { reason: 'not allowed because listed in DenyUsers', message_kind: 'user_not_allowed' } }],
  ['user not allowed, host name', 'User allena from example.com not allowed because not in any group',
    { action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', user: 'allena', domain: 'example.com', address: 'example.com', sshd: { reason: 'not allowed because not in any group', message_kind: 'user_not_allowed' } }],
  ['user not allowed, no address', 'User root not allowed because account is locked',
    { action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', user: 'root', sshd: { reason: 'not allowed because account is locked', message_kind: 'user_not_allowed' } }],
  ['root login refused', 'ROOT LOGIN REFUSED FROM 1.2.3.4 port 12345 [preauth]',
    { action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', user: 'root', ip: '1.2.3.4', address: '1.2.3.4', port: 12345, sshd: { message_kind: 'root_login_refused', preauth: true } }],
  ['TCP wrappers refusal, IPv4-mapped address', 'refused connect from _U2FsdGVkX19P3BCJmFBHhjLza8BcMH06WCUVwttMHpE=_@::ffff:218.249.210.161 (::ffff:218.249.210.161)',
    { action: 'ssh_connection_refused', category: NET, type: ['connection', 'denied'], outcome: 'failure', ip: '218.249.210.161', address: '::ffff:218.249.210.161' }],
  ['TCP wrappers refusal with a host name', 'refused connect from accsys.elink.net.au (203.31.101.11)',
    { action: 'ssh_connection_refused', category: NET, type: ['connection', 'denied'], outcome: 'failure', ip: '203.31.101.11', address: '203.31.101.11', domain: 'accsys.elink.net.au' }],
  ['closed before authentication', 'Connection closed by 118.27.24.104 port 33594 [preauth]',
    { action: 'ssh_connection_closed', category: NET, type: ['end'], outcome: 'failure', ip: '118.27.24.104', address: '118.27.24.104', port: 33594, sshd: { preauth: true } }],
  ['closed after a session', 'Connection closed by 192.0.2.1', { action: 'ssh_connection_closed', category: NET, type: ['end'], ip: '192.0.2.1', address: '192.0.2.1' }],
  ['closed while authenticating', 'Connection closed by authenticating user root 206.81.24.125 port 45362 [preauth]',
    { action: 'ssh_connection_closed', category: AUTH, type: ['end'], outcome: 'failure', user: 'root', ip: '206.81.24.125', address: '206.81.24.125', port: 45362, sshd: { preauth: true } }],
  ['closed, invalid empty user', 'Connection closed by invalid user  192.0.2.68 port 34916 [preauth]',
    { action: 'ssh_connection_closed', category: AUTH, type: ['end'], outcome: 'failure', ip: '192.0.2.68', address: '192.0.2.68', port: 34916, sshd: { preauth: true, invalid_user: true } }],
  ['closed, injected user', 'Connection closed by authenticating user test 127.0.0.1 port 12345 192.0.2.11 port 46039 [preauth]',
    { action: 'ssh_connection_closed', category: AUTH, type: ['end'], outcome: 'failure', user: 'test 127.0.0.1 port 12345', ip: '192.0.2.11', address: '192.0.2.11', port: 46039, sshd: { preauth: true } }],
  ['reset while authenticating', 'Connection reset by authenticating user root 80.94.92.63 port 49115 [preauth]',
    { action: 'ssh_connection_reset', category: AUTH, type: ['end'], outcome: 'failure', user: 'root', ip: '80.94.92.63', address: '80.94.92.63', port: 49115, sshd: { preauth: true } }],
  ['normal logout', 'Disconnected from user alice 203.0.113.5 port 50000',
    { action: 'ssh_disconnected', category: ['session'], type: ['end'], user: 'alice', ip: '203.0.113.5', address: '203.0.113.5', port: 50000 }],
  ['disconnected, invalid user', 'Disconnected from invalid user ftp 92.255.85.135 port 26138 [preauth]',
    { action: 'ssh_disconnected', category: AUTH, type: ['end'], outcome: 'failure', user: 'ftp', ip: '92.255.85.135', address: '92.255.85.135', port: 26138, sshd: { preauth: true, invalid_user: true } }],
  ['disconnected before authentication', 'Disconnected from 192.0.2.4 port 36985 [preauth]',
    { action: 'ssh_disconnected', category: NET, type: ['end'], outcome: 'failure', ip: '192.0.2.4', address: '192.0.2.4', port: 36985, sshd: { preauth: true } }],
  ['an unknown kind of user is not guessed', 'Disconnected from totobad user ftp 92.255.85.135 port 26138 [preauth]', {}],
  ['disconnecting with a reason', 'Disconnecting invalid user admin 192.0.2.117 port 44004: Change of username or service not allowed: (admin,ssh-connection) -> (user,ssh-connection) [preauth]',
    { action: 'ssh_disconnecting', category: AUTH, type: ['end'], outcome: 'failure', user: 'admin', ip: '192.0.2.117', address: '192.0.2.117', port: 44004, sshd: { reason: 'Change of username or service not allowed: (admin,ssh-connection) -> (user,ssh-connection)', invalid_user: true, preauth: true } }],
  ['too many failures (new format)', 'Disconnecting authenticating user root 1.2.3.4 port 22: Too many authentication failures [preauth]',
    { action: 'ssh_too_many_auth_failures', category: AUTH, type: ['end'], outcome: 'failure', user: 'root', ip: '1.2.3.4', address: '1.2.3.4', port: 22, sshd: { reason: 'Too many authentication failures', preauth: true } }],
  ['too many failures (old format)', 'Disconnecting: Too many authentication failures for git [preauth]',
    { action: 'ssh_too_many_auth_failures', category: AUTH, type: ['end'], outcome: 'failure', user: 'git', sshd: { reason: 'Too many authentication failures', preauth: true } }],
  ['maximum attempts exceeded', 'error: maximum authentication attempts exceeded for invalid user xxx from 192.0.2.7 port 49941 ssh2 [preauth]',
    { action: 'ssh_max_auth_attempts_exceeded', category: AUTH, type: ['info'], outcome: 'failure', user: 'xxx', ip: '192.0.2.7', address: '192.0.2.7', port: 49941, sshd: { invalid_user: true, preauth: true } }],
  ['maximum attempts, unusable address', 'error: maximum authentication attempts exceeded for root from 183.106.179.x port 34100 ssh2 [preauth]',
    { action: 'ssh_max_auth_attempts_exceeded', category: AUTH, type: ['info'], outcome: 'failure', user: 'root', address: '183.106.179.x', port: 34100, sshd: { preauth: true } }],
  ['received disconnect before authentication', 'Received disconnect from 198.51.100.76 port 58846:11: Bye Bye [preauth]',
    { action: 'ssh_received_disconnect', category: NET, type: ['end'], outcome: 'failure', ip: '198.51.100.76', address: '198.51.100.76', port: 58846, sshd: { disconnect_code: 11, reason: 'Bye Bye', preauth: true } }],
  ['received disconnect at logout', 'Received disconnect from 203.0.113.5 port 50000:11: disconnected by user',
    { action: 'ssh_received_disconnect', category: NET, type: ['end'], ip: '203.0.113.5', address: '203.0.113.5', port: 50000, sshd: { disconnect_code: 11, reason: 'disconnected by user' } }],
  ['received disconnect, old format, client text with colons', 'Received disconnect from 94.249.236.6: 3: Ha ha, suckers!: Auth fail [preauth]',
    { action: 'ssh_received_disconnect', category: NET, type: ['end'], outcome: 'failure', ip: '94.249.236.6', address: '94.249.236.6', sshd: { disconnect_code: 3, reason: 'Ha ha, suckers!: Auth fail', preauth: true } }],
  ['received disconnect, old format, IPv6', 'Received disconnect from 2001:db8::1: 14: No supported authentication methods available',
    { action: 'ssh_received_disconnect', category: NET, type: ['end'], outcome: 'failure', ip: '2001:db8::1', address: '2001:db8::1', sshd: { disconnect_code: 14, reason: 'No supported authentication methods available' } }],
  ['connection opened', 'Connection from 192.0.2.10 port 62004 on 192.0.2.20 port 22 rdomain ""',
    { action: 'ssh_connection_opened', category: NET, type: ['connection', 'start'], ip: '192.0.2.10', address: '192.0.2.10', port: 62004, destination: { ip: '192.0.2.20', address: '192.0.2.20', port: 22 } }],
  ['connection opened, old format', 'Connection from 115.249.163.77 port 51353',
    { action: 'ssh_connection_opened', category: NET, type: ['connection', 'start'], ip: '115.249.163.77', address: '115.249.163.77', port: 51353 }],
  ['kex negotiation', 'Unable to negotiate with 123.57.135.134 port 45626: no matching key exchange method found. Their offer: diffie-hellman-group14-sha1 [preauth]',
    { action: 'ssh_kex_negotiation_failed', category: NET, type: ['info'], outcome: 'failure', ip: '123.57.135.134', address: '123.57.135.134', port: 45626, sshd: { reason: 'no matching key exchange method found', preauth: true } }],
  ['kex negotiation without port', 'fatal: Unable to negotiate with 108.229.36.174: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]',
    { action: 'ssh_kex_negotiation_failed', category: NET, type: ['info'], outcome: 'failure', ip: '108.229.36.174', address: '108.229.36.174', sshd: { reason: 'no matching key exchange method found', preauth: true } }],
  ['kex identification', 'error: kex_exchange_identification: Connection closed by remote host',
    { action: 'ssh_kex_identification_failed', category: NET, type: ['info'], outcome: 'failure', sshd: { reason: 'Connection closed by remote host' } }],
  ['banner exchange', 'banner exchange: Connection from 59.91.122.57 port 34388: invalid format',
    { action: 'ssh_banner_exchange_failed', category: NET, type: ['info'], outcome: 'failure', ip: '59.91.122.57', address: '59.91.122.57', port: 34388, sshd: { reason: 'invalid format' } }],
  ['bad protocol version, injected identification', "Bad protocol version identification 'dummy string' from 192.0.2.1' from 69.61.56.115 port 31778",
    { action: 'ssh_bad_protocol_version', category: NET, type: ['info'], outcome: 'failure', ip: '69.61.56.115', address: '69.61.56.115', port: 31778, sshd: { reason: "'dummy string' from 192.0.2.1'" } }],
  ['no identification string', 'Did not receive identification string from 2.125.160.217',
    { action: 'ssh_no_identification', category: NET, type: ['info'], outcome: 'failure', ip: '2.125.160.217', address: '2.125.160.217', sshd: {} }],
  ['dispatch fatal', 'ssh_dispatch_run_fatal: Connection from 192.168.9.213 port 48680: message authentication code incorrect [preauth]',
    { action: 'ssh_protocol_error', category: NET, type: ['info'], outcome: 'failure', ip: '192.168.9.213', address: '192.168.9.213', port: 48680, sshd: { reason: 'message authentication code incorrect', preauth: true } }],
  ['dispatch fatal with a user', 'ssh_dispatch_run_fatal: Connection from authenticating user root 203.0.113.9 port 4000: Connection corrupted [preauth]',
    { action: 'ssh_protocol_error', category: NET, type: ['info'], outcome: 'failure', user: 'root', ip: '203.0.113.9', address: '203.0.113.9', port: 4000, sshd: { reason: 'Connection corrupted', preauth: true } }],
  ['timeout before authentication', 'fatal: Timeout before authentication for 192.168.9.212 port 47056',
    { action: 'ssh_auth_timeout', category: AUTH, type: ['end'], outcome: 'failure', ip: '192.168.9.212', address: '192.168.9.212', port: 47056, sshd: {} }],
  ['timeout, connection form', 'Timeout before authentication for connection from 192.0.2.17 to 127.0.0.1, pid = 29098',
    { action: 'ssh_auth_timeout', category: AUTH, type: ['end'], outcome: 'failure', ip: '192.0.2.17', address: '192.0.2.17', destination: { ip: '127.0.0.1', address: '127.0.0.1' }, sshd: {} }],
  ['reverse mapping', 'reverse mapping checking getaddrinfo for hostname [172.18.1.1] failed - POSSIBLE BREAK-IN ATTEMPT!',
    { action: 'ssh_reverse_mapping_failed', category: NET, type: ['info'], ip: '172.18.1.1', address: '172.18.1.1', domain: 'hostname', sshd: {} }],
  ['address does not map back', 'Address 192.168.18.54 maps to nmap.18.168.192.in-addr.arpa, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!',
    { action: 'ssh_reverse_mapping_failed', category: NET, type: ['info'], ip: '192.168.18.54', address: '192.168.18.54', domain: 'nmap.18.168.192.in-addr.arpa', sshd: {} }],
  ['obfuscated handshake', 'Magic value check failed (4289475479) on obfuscated handshake from 94.232.46.213 port 62730',
    { action: 'ssh_protocol_error', category: NET, type: ['info'], outcome: 'failure', ip: '94.232.46.213', address: '94.232.46.213', port: 62730, sshd: { reason: 'Magic value check failed (4289475479) on obfuscated handshake' } }],
  ['read error', 'Read error from remote host 192.168.1.1: Connection reset by peer',
    { action: 'ssh_connection_error', category: NET, type: ['info'], outcome: 'failure', ip: '192.168.1.1', address: '192.168.1.1', sshd: { reason: 'Connection reset by peer' } }],
  ['PAM failure, address that is no IP', 'error: PAM: Authentication failure for myhlj1374 from 192.030.0.6',
    { action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', user: 'myhlj1374', address: '192.030.0.6', tags: ['auth_failure'], sshd: { reason: 'Authentication failure' } }],
  ['PAM failure via a local address', 'error: PAM: authentication error for james from example.com via 192.168.1.201',
    { action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', user: 'james', domain: 'example.com', address: 'example.com', destination: { ip: '192.168.1.201', address: '192.168.1.201' }, tags: ['auth_failure'], sshd: { reason: 'authentication error' } }],
  ['PAM unknown user', 'error: PAM: User not known to the underlying authentication module for illegal user kernelitshell from 10.215.4.227 ',
    { action: 'ssh_login', category: AUTH, type: ['info'], outcome: 'failure', user: 'kernelitshell', ip: '10.215.4.227', address: '10.215.4.227', tags: ['auth_failure'], sshd: { reason: 'User not known to the underlying authentication module', invalid_user: true, message_kind: 'invalid_user' } }],
  ['close session', 'Close session: user ansible from 192.168.1.1 port 34928 id 0',
    { action: 'ssh_session_closed', category: ['session'], type: ['end'], user: 'ansible', ip: '192.168.1.1', address: '192.168.1.1', port: 34928 }],
  ['an unknown sshd message is an auth event with no claims', 'Server listening on 0.0.0.0 port 22.', {}],
];

describe('sshd decoder', () => {
  it.each(rows)('%s', (_name, message, want) => {
    const e = parse(`Nov 22 09:49:32 host sshd[4242]: ${message}`);
    expect(e.event?.dataset).toBe('auth');
    expect(observed(e)).toEqual(want);
  });

  it('fills related.ip and related.user', () => {
    const e = parse('Nov 22 09:49:32 host sshd[4242]: Connection from 192.0.2.10 port 62004 on 192.0.2.20 port 22');
    expect(e.related).toEqual({ ip: ['192.0.2.10', '192.0.2.20'] });
    expect(parse('Nov 22 09:49:32 host sshd[1]: Invalid user bob from 192.0.2.9').related).toEqual({ user: ['bob'], ip: ['192.0.2.9'] });
    expect(parse('Nov 22 09:49:32 host sshd[1]: User allena from example.com not allowed because not in any group').related).toEqual({ user: ['allena'], hosts: ['example.com'] });
  });

  // The user-enumeration probe of seed 000 and its later spellings (fixtures README): no address.
  it.each([
    'fatal: ssh_packet_get_string: incomplete message [preauth]',
    'fatal: userauth_pubkey: parse request failed: incomplete message [preauth]',
    'fatal: userauth_pubkey: parse packet: incomplete message [preauth]',
    'fatal: userauth_pubkey: parse publickey packet: incomplete message [preauth]',
  ])('user enumeration: %s', (message) => {
    const e = parse(`Aug 16 21:42:10 victim sshd-session[10680]: ${message}`);
    expect(observed(e)).toEqual({
      action: 'ssh_user_enumeration_probe', category: AUTH, type: ['info'], outcome: 'failure',
      sshd: { reason: message.slice('fatal: '.length, -' [preauth]'.length), preauth: true },
    });
    expect(e.source).toBeUndefined();
  });

  it('owns sshd, sshd-session, sshd-auth and sshd(pam_unix) lines', () => {
    expect(['sshd', 'sshd-session', 'sshd-auth', 'sshd(pam_unix)', 'sshdx', 'ssh'].map(isSshdProgram)).toEqual([true, true, true, true, false, false]);
    expect(decodeSshd('sshd', 'Received signal 15; terminating.')).toEqual({ event: { dataset: 'auth' } });
  });
});

describe('PAM decoder', () => {
  // [description, full line, action, user, source (ip or domain), vigil.pam, outcome, tags]
  const pamRows: [string, string, Want & { pam?: Record<string, unknown> }][] = [
    ['old sshd(pam_unix) tag, host name', 'Jun 15 02:04:59 combo sshd(pam_unix)[20882]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=220-135-151-1.hinet-ip.hinet.net  user=root',
      { action: 'pam_auth_failure', category: AUTH, type: ['info'], outcome: 'failure', user: 'root', domain: '220-135-151-1.hinet-ip.hinet.net', address: '220-135-151-1.hinet-ip.hinet.net', pam: { module: 'pam_unix', service: 'sshd', tty: 'NODEVssh' } }],
    ['old tag, trailing space, no user', 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 ',
      { action: 'pam_auth_failure', category: AUTH, type: ['info'], outcome: 'failure', ip: '218.188.2.4', address: '218.188.2.4', pam: { module: 'pam_unix', service: 'sshd', tty: 'NODEVssh' } }],
    ['module prefix in the message', 'Mar  7 18:53:20 bar sshd[1556]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.113  user=rda',
      { action: 'pam_auth_failure', category: AUTH, type: ['info'], outcome: 'failure', user: 'rda', ip: '192.0.2.113', address: '192.0.2.113', pam: { module: 'pam_unix', service: 'sshd', pam_type: 'auth', tty: 'ssh' } }],
    ['one space before user=', 'Nov 2 15:40:14 workshop sshd[28179]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.33.63.160 user=workshop',
      { action: 'pam_auth_failure', category: AUTH, type: ['info'], outcome: 'failure', user: 'workshop', ip: '5.33.63.160', address: '5.33.63.160', pam: { module: 'pam_unix', service: 'sshd', pam_type: 'auth', tty: 'ssh' } }],
    ['ruser and user both carry " rhost=": the one where they agree wins', 'Nov 22 09:49:32 h sshd[1]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=a rhost=6.6.6.6 rhost=203.0.113.50  user=a rhost=6.6.6.6',
      { action: 'pam_auth_failure', category: AUTH, type: ['info'], outcome: 'failure', user: 'a rhost=6.6.6.6', ip: '203.0.113.50', address: '203.0.113.50', pam: { module: 'pam_unix', service: 'sshd', pam_type: 'auth', tty: 'ssh', ruser: 'a rhost=6.6.6.6' } }],
    ['su: no remote host, ruser kept', 'Nov 11 22:46:29 localhost su(pam_unix)[23164]: authentication failure; logname= uid=1342 euid=0 tty= ruser=dcid rhost=  user=osaudit',
      { action: 'pam_auth_failure', category: AUTH, type: ['info'], outcome: 'failure', user: 'osaudit', tags: ['auth_failure'], pam: { module: 'pam_unix', service: 'su', ruser: 'dcid' } }],
    ['dovecot through an "auth" program', 'Jun 28 23:01:27 xxxx auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=lipjigaglgihgoeadcdaa.p.salmon@xxx.xxx.xxx.xxx rhost=91.195.103.44',
      { action: 'pam_auth_failure', category: AUTH, type: ['info'], outcome: 'failure', ip: '91.195.103.44', address: '91.195.103.44', tags: ['auth_failure'], pam: { module: 'pam_unix', service: 'dovecot', pam_type: 'auth', tty: 'dovecot', ruser: 'lipjigaglgihgoeadcdaa.p.salmon@xxx.xxx.xxx.xxx' } }],
    ['N more failures: a summary, no tag', 'Nov 11 22:46:29 localhost sshd(pam_unix)[15794]: 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.3.1  user=root',
      { action: 'pam_auth_failure', category: AUTH, type: ['info'], outcome: 'failure', user: 'root', ip: '10.0.3.1', address: '10.0.3.1', pam: { module: 'pam_unix', service: 'sshd', tty: 'ssh', more_failures: 2 } }],
    ['libpam\'s summary under the sshd tag', 'Dec  2 01:44:49 bastion-1 sshd[10803]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.18.7.3  user=vigiltest',
      { action: 'pam_auth_failure', category: AUTH, type: ['info'], outcome: 'failure', user: 'vigiltest', ip: '198.18.7.3', address: '198.18.7.3', pam: { tty: 'ssh', more_failures: 2 } }],
    ['libpam\'s summary, one more failure', 'Dec  2 01:46:12 bastion-1 sshd[11382]: PAM 1 more authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.18.7.3  user=denied',
      { action: 'pam_auth_failure', category: AUTH, type: ['info'], outcome: 'failure', user: 'denied', ip: '198.18.7.3', address: '198.18.7.3', pam: { tty: 'ssh', more_failures: 1 } }],
    ['check pass; user unknown', 'Jun 14 15:16:02 combo sshd(pam_unix)[19937]: check pass; user unknown',
      { action: 'pam_user_unknown', category: AUTH, type: ['info'], outcome: 'failure', pam: { module: 'pam_unix', service: 'sshd' } }],
    ['session opened (uid suffix dropped)', 'Mar  7 18:53:24 bar sshd[1558]: pam_unix(sshd:session): session opened for user known(uid=1000) by (uid=0)',
      { action: 'session_opened', category: ['session'], type: ['start'], outcome: 'success', user: 'known', pam: { module: 'pam_unix', service: 'sshd', pam_type: 'session' } }],
    ['sudo session opened by a user', 'Nov 22 09:49:32 h sudo: pam_unix(sudo:session): session opened for user root(uid=0) by vagrant(uid=1000)',
      { action: 'session_opened', category: ['session'], type: ['start'], outcome: 'success', user: 'root', pam: { module: 'pam_unix', service: 'sudo', pam_type: 'session', by: 'vagrant' } }],
    ['old su session closed', 'Nov 11 22:46:29 localhost su(pam_unix)[14592]: session closed for user news',
      { action: 'session_closed', category: ['session'], type: ['end'], user: 'news', pam: { module: 'pam_unix', service: 'su' } }],
    ['other PAM text: auth dataset, no claims', 'May  4 17:48:43 collectd sshd[15044]: pam_systemd(sshd:session): Failed to create session: Access denied',
      { pam: { module: 'pam_systemd', service: 'sshd', pam_type: 'session' } }],
  ];

  it.each(pamRows)('%s', (_name, line, want) => {
    const e = parse(line);
    expect(e.event?.dataset).toBe('auth');
    const { pam, ...rest } = want;
    expect(observed(e)).toEqual(rest);
    expect({ ...vigil(e, 'pam') }).toEqual(pam);
  });

  it('lists ruser in related.user', () => {
    expect(parse('Nov 11 22:46:29 localhost su(pam_unix)[23164]: authentication failure; logname= uid=1342 euid=0 tty= ruser=dcid rhost=  user=osaudit').related).toEqual({ user: ['osaudit', 'dcid'] });
  });
});
