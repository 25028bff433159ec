// Elastic's prebuilt detection rules on Vigil's events. Each rule of ../shared/fixtures/elastic-detection-rules
// is run in the real Elasticsearch over the events Vigil's parsers make of the real sample logs (and of
// the few lines below), its query compiled by Vigil's KQL compiler: the `query` itself for `kuery`
// rules, the event-level filter written out as KQL here for `eql` / `esql` ones (their sequences,
// thresholds and statistics are Elastic's engine, not the filter). Which events each rule must match
// is decided from the raw lines by `expect`, written from the rule's own text, so a field Vigil fails
// to set (or sets differently from Elastic's integrations) shows as a missing or extra line.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { BlockList, isIP, isIPv6 } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compileKql, ManualClock } from '@vigil/core';
import { commitFinal, ingestFileOnce, OffsetStore, RecordSink, recordId } from '@vigil/ingest';
import { parserFor } from '@vigil/parsers';
import { BulkWriter, createElasticsearchClient, setupIndices } from '@vigil/store';
import { dropPrefix, fixturesDir, readFixture, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { parse as parseToml } from 'smol-toml';

const RULES_DIR = 'elastic-detection-rules';

/** The sample logs the rules run over, with the parser ingest would use for each. */
const LOGS: Array<{ path: string; parser: string }> = [
  { path: 'elastic-integrations/system-auth/test-auth.log', parser: 'syslog' },
  { path: 'elastic-beats/system-auth/test.log', parser: 'syslog' },
  { path: 'loghub/Linux/Linux_2k.log', parser: 'syslog' },
  { path: 'crowdsec-hub/sshd-logs/sshd-logs.log', parser: 'syslog' },
  { path: 'crowdsec-hub/ssh-bf/ssh-bf.log', parser: 'syslog' },
  { path: 'crowdsec-hub/sshd-invalid-bf/sshd-invalid-bf.log', parser: 'syslog' },
  { path: 'crowdsec-hub/sshd-success-logs/sshd-success-logs.log', parser: 'syslog' },
  { path: 'elastic-integrations/iptables/test-iptables-raw.log', parser: 'syslog' },
  { path: 'crowdsec-hub/iptables-logs/iptables-logs.log', parser: 'syslog' },
  { path: 'crowdsec-hub/iptables-scan-multi-port/iptables-scan-multi-port.log', parser: 'syslog' },
  { path: 'tcpdump-derived/ssh.syn-tttt.txt', parser: 'tcpdump' },
  { path: 'crowdsec-hub/windows-bf/windows-bf.log', parser: 'windows' },
  { path: 'crowdsec-hub/windows-logs/windows-logs.log', parser: 'windows' },
  { path: 'excerpts/windows-4625-winevtlog-legacy.log', parser: 'windows' },
];

/**
 * Lines written for this test: the samples hold no connection from the internet to telnet, RDP,
 * VNC, RPC or SMB, so these give the network rules something to match (and to refuse: a dropped
 * telnet attempt, an internal RDP client).
 */
const OWN_LINES: Array<{ parser: string; lines: string[] }> = [
  {
    parser: 'tcpdump',
    lines: [
      '2026-11-30 10:00:01.000001 IP 45.155.205.233.51000 > 10.0.0.5.3389: Flags [S], seq 1, win 64240, length 0',
      '2026-11-30 10:00:02.000001 IP 45.155.205.233.51001 > 10.0.0.5.5900: Flags [S], seq 1, win 64240, length 0',
      '2026-11-30 10:00:03.000001 IP 45.155.205.233.51002 > 10.0.0.5.5801: Flags [S], seq 1, win 64240, length 0',
      '2026-11-30 10:00:04.000001 IP 45.155.205.233.51003 > 10.0.0.5.135: Flags [S], seq 1, win 64240, length 0',
      '2026-11-30 10:00:05.000001 IP 45.155.205.233.51004 > 10.0.0.5.445: Flags [S], seq 1, win 64240, length 0',
      '2026-11-30 10:00:06.000001 IP 45.155.205.233.51005 > 10.0.0.5.23: Flags [S], seq 1, win 64240, length 0',
      '2026-11-30 10:00:07.000001 IP 10.0.0.7.51006 > 10.0.0.5.3389: Flags [S], seq 1, win 64240, length 0',
    ],
  },
  {
    parser: 'syslog',
    lines: [
      'Nov 30 10:00:08 gw kernel: [12.345678] ACCEPT IN=eth0 OUT=eth1 MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=45.155.205.233 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=1 DF PROTO=TCP SPT=51007 DPT=23 WINDOW=64240 RES=0x00 SYN URGP=0',
      'Nov 30 10:00:09 gw kernel: [12.345679] DROP IN=eth0 OUT=eth1 MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=45.155.205.233 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=2 DF PROTO=TCP SPT=51008 DPT=23 WINDOW=64240 RES=0x00 SYN URGP=0',
      'Nov 30 10:00:10 web1 useradd[4242]: new user: name=backup2, UID=1002, GID=1002, home=/home/backup2, shell=/bin/bash, from=/dev/pts/0',
      'Nov 30 10:00:11 web1 groupadd[4241]: new group: name=backup2, GID=1002',
      // a system account that logs in over SSH (the backdoored-system-user rule), and one that fails to
      'Nov 30 10:00:12 web1 sshd[4300]: Accepted password for backup from 45.155.205.233 port 51010 ssh2',
      'Nov 30 10:00:13 web1 sshd[4301]: Failed password for games from 45.155.205.233 port 51011 ssh2',
    ],
  },
  {
    // the Windows samples' failures are all for unknown users (TargetUserSid S-1-0-0): these add failed
    // network logons of admin accounts with real SIDs, the logon that follows, and what the rules leave out
    parser: 'windows',
    lines: [
      windowsLogon(4625, '10:00:20', { TargetUserSid: 'S-1-5-21-1004336348-1177238915-682003330-500', TargetUserName: 'Administrator', Status: '0xc000006d', SubStatus: '0xc000006a', LogonType: '3', IpAddress: '45.155.205.233' }),
      windowsLogon(4625, '10:00:21', { TargetUserSid: 'S-1-5-21-1004336348-1177238915-682003330-1104', TargetUserName: 'svc-admin', Status: '0xc000006d', SubStatus: '0xc000006a', LogonType: '3', IpAddress: '45.155.205.233' }),
      windowsLogon(4625, '10:00:22', { TargetUserSid: 'S-1-0-0', TargetUserName: 'admin', Status: '0xc000006d', SubStatus: '0xc0000064', LogonType: '3', IpAddress: '45.155.205.233' }),
      windowsLogon(4625, '10:00:23', { TargetUserSid: 'S-1-5-21-1004336348-1177238915-682003330-500', TargetUserName: 'Administrator', Status: '0xc000015b', SubStatus: '0x0', LogonType: '3', IpAddress: '45.155.205.233' }),
      windowsLogon(4625, '10:00:24', { TargetUserSid: 'S-1-5-21-1004336348-1177238915-682003330-1105', TargetUserName: 'WS01$', Status: '0xc000006d', SubStatus: '0xc000006a', LogonType: '3', IpAddress: '10.0.0.7' }),
      windowsLogon(4625, '10:00:25', { TargetUserSid: 'S-1-5-21-1004336348-1177238915-682003330-500', TargetUserName: 'Administrator', Status: '0xc000006d', SubStatus: '0xc000006a', LogonType: '10', IpAddress: '45.155.205.233' }),
      windowsLogon(4624, '10:00:26', { TargetUserSid: 'S-1-5-21-1004336348-1177238915-682003330-500', TargetUserName: 'Administrator', LogonType: '3', IpAddress: '45.155.205.233' }),
      windowsLogon(4624, '10:00:27', { TargetUserSid: 'S-1-5-18', TargetUserName: 'SYSTEM', TargetDomainName: 'NT AUTHORITY', LogonType: '3', IpAddress: '10.0.0.7' }),
    ],
  },
];

/** A one-line Security log record as Windows writes it (the crowdsec-hub samples' form), event data abridged. */
function windowsLogon(id: 4624 | 4625, time: string, data: Record<string, string>): string {
  const entries = { SubjectUserSid: 'S-1-0-0', TargetDomainName: 'CORP', IpPort: '0', ...data };
  const eventData = Object.entries(entries).map(([k, v]) => `<Data Name="${k}">${v}</Data>`).join(' ');
  return (
    '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-a5ba-3e3b0328c30d}" />' +
    `<EventID>${id}</EventID><Version>0</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode><Keywords>${id === 4625 ? '0x8010000000000000' : '0x8020000000000000'}</Keywords>` +
    `<TimeCreated SystemTime="2026-11-30T${time}.0000000Z" /><EventRecordID>${id}${time.replace(/:/g, '')}</EventRecordID><Channel>Security</Channel><Computer>dc1.corp.test</Computer><Security /></System>` +
    `<EventData>${eventData}</EventData></Event>`
  );
}

// ---- the oracle: what a raw line says, read from the text alone ---------------------------------

/** Elastic's private, loopback, link-local and documentation ranges, as the rules list them. */
const NON_PUBLIC = ['10.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24', '192.31.196.0/24', '192.52.193.0/24', '192.168.0.0/16', '192.88.99.0/24', '224.0.0.0/4', '100.64.0.0/10', '192.175.48.0/24', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '240.0.0.0/4'];
const nonPublic = new BlockList();
for (const cidr of NON_PUBLIC) nonPublic.addSubnet(cidr.split('/')[0] as string, Number(cidr.split('/')[1]));
nonPublic.addAddress('::1', 'ipv6');
nonPublic.addSubnet('fe80::', 10, 'ipv6');
nonPublic.addSubnet('ff00::', 8, 'ipv6');
const PRIVATE = new BlockList();
for (const cidr of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']) PRIVATE.addSubnet(cidr.split('/')[0] as string, Number(cidr.split('/')[1]));
const isNonPublic = (ip: string) => nonPublic.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
const isPrivate = (ip: string) => !isIPv6(ip) && PRIVATE.check(ip, 'ipv4');

/**
 * An sshd login attempt: Accepted / Failed / Invalid user, as Elastic's system.auth pipeline names them
 * (`ssh_login`), and two refusals Vigil counts as failed `ssh_login` too where Elastic's pipeline makes
 * no login event: `User x from ip not allowed because ...` (AllowUsers/DenyUsers: the attempt was made
 * and refused) and PAM's `User not known ... for illegal user x from host`. `ip` is set only when the
 * line names an address (`from test.example.com` gives no `source.ip`).
 */
interface SshLogin {
  outcome: 'success' | 'failure';
  method?: string;
  user: string;
  ip: string | undefined;
}
const SSHD = /\bsshd(?:-session)?\[\d+\]: /;
function sshLogin(line: string): SshLogin | undefined {
  const at = line.search(SSHD);
  if (at === -1) return undefined;
  const m = line.slice(at).replace(SSHD, '');
  const address = (from: string) => (isIP(from) === 0 ? undefined : from);
  const attempt = /^(Accepted|Failed) (\S+) for (?:invalid user )?(.*) from (\S+) port \d+(?: ssh2)?(?:: .*)?$/.exec(m);
  if (attempt !== null) return { outcome: attempt[1] === 'Accepted' ? 'success' : 'failure', method: attempt[2] as string, user: attempt[3] as string, ip: address(attempt[4] as string) };
  const refused =
    /^Invalid user (.*) from (\S+)(?: port \d+)?$/.exec(m) ??
    /^User (\S+) from (\S+) not allowed because .*$/.exec(m) ??
    /^error: PAM: User not known to the underlying authentication module for illegal user (.*) from (\S+)$/.exec(m);
  return refused === null ? undefined : { outcome: 'failure', user: refused[1] as string, ip: address(refused[2] as string) };
}

/** A Windows logon (4624) or failed logon (4625) as its XML or WinEvtLog text gives it. */
interface WindowsLogon {
  failed: boolean;
  logonType: string;
  ip: string | undefined;
  targetUser: string;
  targetDomain: string;
  targetSid: string;
  status: string;
}
function windowsLogonOf(line: string): WindowsLogon | undefined {
  const id = /<EventID>(4624|4625)<\/EventID>/.exec(line)?.[1];
  if (id !== undefined) {
    const data = (name: string) => new RegExp(`Name="${name}">([^<]*)<`).exec(line)?.[1] ?? '';
    const ip = data('IpAddress');
    return {
      failed: id === '4625', logonType: data('LogonType'), ip: ip === '-' || ip === '' ? undefined : ip,
      targetUser: data('TargetUserName'), targetDomain: data('TargetDomainName'), targetSid: data('TargetUserSid'), status: data('Status').toLowerCase(),
    };
  }
  if (line.includes('AUDIT_FAILURE(4625)')) {
    const after = (label: string, from = 0) => new RegExp(`${label}: (\\S+)`).exec(line.slice(from))?.[1] ?? '';
    const target = line.indexOf('Account For Which Logon Failed:');
    const ip = after('Source Network Address');
    const user = /Account Name: (.*?) Account Domain:/.exec(line.slice(target))?.[1] ?? '';
    const domain = /Account Domain: (.*?) Failure Information:/.exec(line.slice(target))?.[1] ?? '';
    return { failed: true, logonType: after('Logon Type'), ip: ip === '-' ? undefined : ip, targetUser: user, targetDomain: domain, targetSid: after('Security ID', target), status: after('Status').toLowerCase() };
  }
  return undefined;
}

/** A TCP connection attempt seen by netfilter or tcpdump, with the firewall's verdict if any. */
interface Connection {
  src: string;
  dst: string;
  dport: number;
  denied: boolean;
}
function connection(line: string): Connection | undefined {
  const nf = /SRC=(\S+) DST=(\S+) .*PROTO=TCP SPT=\d+ DPT=(\d+)/.exec(line);
  if (nf !== null) return { src: nf[1] as string, dst: nf[2] as string, dport: Number(nf[3]), denied: /DROP|DENY|REJECT|BLOCK|-D\]|-R\]/i.test(line.slice(0, line.indexOf('SRC='))) };
  const td = /\bIP6? (\S+)\.\d+ > (\S+)\.(\d+): Flags \[S\]/.exec(line);
  return td === null ? undefined : { src: td[1] as string, dst: td[2] as string, dport: Number(td[3]), denied: false };
}

const newGroup = (line: string) => /\bgroupadd\[\d+\]: new group: /.test(line);
const newUser = (line: string) => /\buseradd\[\d+\]: new user: /.test(line);

// ---- the rules ----------------------------------------------------------------------------------

/** The user names of the backdoored-system-user rule, read from its own query. */
function ruleUserList(query: string): Set<string> {
  const list = /user\.name:\(([^)]*)\)/.exec(query)?.[1] ?? '';
  return new Set([...list.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string));
}

const NON_PUBLIC_KQL = `(${[...NON_PUBLIC, '"::1"', '"FE80::/10"', '"FF00::/8"'].join(' or ')})`;
const WINDOWS_NETWORK_FAILURE = 'event.category:authentication and host.os.type:windows and event.action:logon-failed and winlog.logon.type:Network and source.ip:* and winlog.computer_name:* and not source.ip:("127.0.0.0/8" or "::1")';
/** The ES|QL rules' noisy-status filter: `in` is case-sensitive, and Status is lower case in EventData (and in Vigil's events). */
const NOISY_STATUS_ESQL = ['0xc000015b', '0xc000005e', '0xc0000133', '0xc0000192', '0xc00000dc'];
/** The EQL rule's: `:` ignores case there; KQL on a keyword does not, so the list is written as Vigil stores it. */
const NOISY_STATUS_EQL = ['0xc000015b', '0xc000005e', '0xc0000133', '0xc0000192'];
const notStatus = (codes: string[]) => `not winlog.event_data.Status:(${codes.map((c) => `"${c}"`).join(' or ')})`;
const windowsNetwork = (w: WindowsLogon | undefined): w is WindowsLogon => w !== undefined && w.logonType === '3' && w.ip !== undefined && !/^127\.|^::1$/.test(w.ip);
const windowsNetworkFailure = (w: WindowsLogon | undefined, noisy: string[]): w is WindowsLogon => windowsNetwork(w) && w.failed && !noisy.includes(w.status);
/** Not an anonymous, absent or machine account, nor a service logon of NT AUTHORITY. */
const personAccount = (w: WindowsLogon) => !['ANONYMOUS LOGON', '-'].includes(w.targetUser) && !w.targetUser.endsWith('$') && w.targetDomain !== 'NT AUTHORITY';
const NOT_PERSON_KQL = 'not user.name:("ANONYMOUS LOGON" or "-" or *$) and not user.domain:"NT AUTHORITY"';
const LINUX_SSH_FAILURE = 'event.category:authentication and host.os.type:linux and event.action:(ssh_login or user_login) and event.outcome:failure';

/**
 * What each rule is checked with. `kql` replaces the rule's query for eql/esql rules (their event
 * filter, transcribed); `expect` says from a raw line whether Vigil's event of it must match;
 * `cannotMatch` says why no Vigil event can (the query still runs, and must match nothing).
 */
type RuleCheck = { kql?: string; expect: (line: string, query: string) => boolean } | { kql?: string; cannotMatch: string };

const CHECKS: Record<string, RuleCheck> = {
  command_and_control_accepted_default_telnet_port_connection: {
    expect: (l) => {
      const c = connection(l);
      return c !== undefined && c.dport === 23 && !c.denied;
    },
  },
  command_and_control_rdp_remote_desktop_protocol_from_the_internet: {
    expect: (l) => {
      const c = connection(l);
      return c !== undefined && c.dport === 3389 && !isNonPublic(c.src);
    },
  },
  command_and_control_vnc_virtual_network_computing_from_the_internet: {
    expect: (l) => {
      const c = connection(l);
      return c !== undefined && c.dport >= 5800 && c.dport <= 5810 && !isNonPublic(c.src) && isPrivate(c.dst);
    },
  },
  initial_access_rpc_remote_procedure_call_from_the_internet: {
    expect: (l) => {
      const c = connection(l);
      return c !== undefined && c.dport === 135 && !c.denied && !isNonPublic(c.src) && isPrivate(c.dst);
    },
  },
  initial_access_smb_windows_file_sharing_activity_from_the_internet: {
    expect: (l) => {
      const c = connection(l);
      return c !== undefined && (c.dport === 139 || c.dport === 445) && isPrivate(c.dst) && !isNonPublic(c.src);
    },
  },
  credential_access_bruteforce_admin_account: {
    // to_lower(...) like "*admin*": KQL wildcards on a keyword keep case, so the usual spellings are listed
    kql: `${WINDOWS_NETWORK_FAILURE} and winlog.event_data.TargetUserName:(*admin* or *Admin* or *ADMIN*) and ${notStatus(NOISY_STATUS_ESQL)}`,
    expect: (l) => {
      const w = windowsLogonOf(l);
      return windowsNetworkFailure(w, NOISY_STATUS_ESQL) && w.targetUser.toLowerCase().includes('admin');
    },
  },
  credential_access_bruteforce_multiple_logon_failure_followed_by_success: {
    // the sequence's two steps as one filter: the failures of known accounts, and the logon that follows
    kql:
      `(${WINDOWS_NETWORK_FAILURE} and user.id:* and not winlog.event_data.TargetUserSid:"S-1-0-0" and not user.id:"S-1-0-0" and ${NOT_PERSON_KQL} and ${notStatus(NOISY_STATUS_EQL)})` +
      ` or (event.category:authentication and host.os.type:windows and event.action:logged-in and winlog.logon.type:Network and source.ip:* and not source.ip:("127.0.0.1" or "::1") and ${NOT_PERSON_KQL})`,
    expect: (l) => {
      const w = windowsLogonOf(l);
      if (!windowsNetwork(w) || !personAccount(w)) return false;
      return w.failed ? windowsNetworkFailure(w, NOISY_STATUS_EQL) && /^S-1-/.test(w.targetSid) && w.targetSid !== 'S-1-0-0' : true;
    },
  },
  credential_access_bruteforce_multiple_logon_failure_same_srcip: {
    kql: `${WINDOWS_NETWORK_FAILURE} and ${NOT_PERSON_KQL} and ${notStatus(NOISY_STATUS_ESQL)}`,
    expect: (l) => {
      const w = windowsLogonOf(l);
      return windowsNetworkFailure(w, NOISY_STATUS_ESQL) && personAccount(w);
    },
  },
  credential_access_potential_linux_ssh_bruteforce_external: {
    // cidrmatch() of a missing source.ip is null, so EQL's `not cidrmatch(...)` needs an address
    kql: `${LINUX_SSH_FAILURE} and source.ip:* and not source.ip:${NON_PUBLIC_KQL}`,
    expect: (l) => {
      const s = sshLogin(l);
      return s?.outcome === 'failure' && s.ip !== undefined && !isNonPublic(s.ip);
    },
  },
  credential_access_potential_linux_ssh_bruteforce_internal: {
    kql: `${LINUX_SSH_FAILURE} and source.ip:${NON_PUBLIC_KQL}`,
    expect: (l) => {
      const s = sshLogin(l);
      return s?.outcome === 'failure' && s.ip !== undefined && isNonPublic(s.ip);
    },
  },
  credential_access_potential_password_spraying_attack: {
    kql: 'event.category:authentication and event.action:(ssh_login or user_login) and event.outcome:failure and source.ip:*',
    expect: (l) => {
      const s = sshLogin(l);
      return s?.outcome === 'failure' && s.ip !== undefined;
    },
  },
  credential_access_potential_successful_linux_ssh_bruteforce: {
    // the sequence's two steps, as one filter: the failures and the success that follows them
    kql: 'event.category:authentication and host.os.type:linux and event.action:(ssh_login or user_login) and event.outcome:(failure or success) and source.ip:* and not source.ip:("0.0.0.0" or "::")',
    expect: (l) => {
      const s = sshLogin(l);
      return s !== undefined && s.ip !== undefined && s.ip !== '0.0.0.0' && s.ip !== '::';
    },
  },
  discovery_potential_network_sweep_detected: {
    cannotMatch: 'it counts flow records (event.action network_flow / flow_started from Packetbeat or a firewall); Vigil records packets (netfilter LOG lines, tcpdump SYNs), never flows. Vigil\'s discovery_horizontal_sweep watch covers it.',
  },
  discovery_potential_port_scan_detected: {
    kql: 'event.action:(network_flow or flow_started) and destination.port:* and source.ip:* and destination.ip:* and source.ip:(10.0.0.0/8 or 172.16.0.0/12 or 192.168.0.0/16)',
    cannotMatch: 'flow records again (see the sweep rule); Vigil\'s discovery_portscan watch counts distinct ports of SYN captures and firewall drops instead.',
  },
  discovery_potential_syn_port_scan_detected: {
    cannotMatch: 'flow records with network.packets <= 2: a per-packet capture has no packet count per flow.',
  },
  initial_access_first_time_public_key_authentication: {
    expect: (l) => {
      const s = sshLogin(l);
      return s?.outcome === 'success' && s.method === 'publickey';
    },
  },
  initial_access_successful_ssh_authentication_by_unusual_ip: { expect: (l) => sshLogin(l)?.outcome === 'success' },
  initial_access_successful_ssh_authentication_by_unusual_user: { expect: (l) => sshLogin(l)?.outcome === 'success' },
  persistence_linux_group_creation: {
    kql: 'event.category:iam and host.os.type:linux and event.type:group and event.type:creation and event.outcome:success',
    expect: newGroup,
  },
  persistence_linux_user_account_creation: {
    kql: 'event.category:iam and host.os.type:linux and event.type:user and event.type:creation and event.outcome:success',
    expect: newUser,
  },
  persistence_ssh_via_backdoored_system_user: {
    expect: (l, query) => {
      const s = sshLogin(l);
      return s?.outcome === 'success' && ruleUserList(query).has(s.user);
    },
  },
};

// ---- the run ------------------------------------------------------------------------------------

interface Rule {
  file: string;
  name: string;
  language: string;
  query: string;
}

function loadRules(): Rule[] {
  const dir = join(fixturesDir(), RULES_DIR);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.toml'))
    .sort()
    .map((file) => {
      const doc = parseToml(readFileSync(join(dir, file), 'utf8')) as { rule: { name: string; language: string; query: string } };
      return { file: file.replace(/\.toml$/, ''), name: doc.rule.name, language: doc.rule.language, query: doc.rule.query };
    });
}

const env = serviceEnv(repoRoot());
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const prefix = uniquePrefix('rules');
const clock = new ManualClock('2026-12-01T00:00:00Z');
/** Every raw line indexed, as the events' `event.original`. */
const indexedLines: string[] = [];

async function ingestAll(): Promise<void> {
  await setupIndices(client, prefix);
  const writer = new BulkWriter({ client, prefix });
  for (const log of LOGS) {
    const parser = parserFor(log.parser)!;
    const sink = new RecordSink({ parser, writer, prefix, clock });
    const offsets = new OffsetStore(join(mkdtempSync(join(tmpdir(), 'vigil-rules-')), 'offsets.json'));
    const result = await ingestFileOnce(join(fixturesDir(), log.path), { sink, parser, offsets, now: () => clock.now() });
    commitFinal(offsets, result, clock.now());
  }
  for (const [n, own] of OWN_LINES.entries()) {
    const sink = new RecordSink({ parser: parserFor(own.parser)!, writer, prefix, clock });
    for (const [i, line] of own.lines.entries()) await sink.write(line, recordId(`own:${n}`, i, line), {});
  }
  await writer.close();
  await client.indices.refresh({ index: `${prefix}-*` });
  const all = await matching({ match_all: {} });
  indexedLines.push(...all);
}

/** The `event.original` of every event (not pipeline errors) the query matches, sorted. */
async function matching(query: Record<string, unknown>): Promise<string[]> {
  const res = await client.search<{ event: { original: string } }>({
    index: `${prefix}-*,-${prefix}-watches,-${prefix}-alerts`,
    size: 10_000,
    _source: ['event.original'],
    query: { bool: { filter: [query], must_not: [{ term: { 'event.kind': 'pipeline_error' } }] } },
  });
  return res.hits.hits.map((h) => h._source!.event.original).sort();
}

describe("Elastic's prebuilt detection rules on Vigil's events", () => {
  let rules: Rule[] = [];
  beforeAll(async () => {
    readFixture('README.md'); // fails plainly, naming the folder, when ../shared/fixtures is absent
    rules = loadRules();
    await ingestAll();
  }, 120_000);
  afterAll(async () => {
    await dropPrefix(client, prefix);
    await client.close();
  });

  it('has a check for every rule of the folder and a rule for every check', () => {
    expect(rules.map((r) => r.file)).toEqual(Object.keys(CHECKS).sort());
    expect(indexedLines.length).toBeGreaterThan(2000);
  });

  it.each(Object.keys(CHECKS).sort())('%s', async (file) => {
    const rule = rules.find((r) => r.file === file)!;
    const check = CHECKS[file]!;
    if (rule.language === 'kuery') expect(check.kql).toBeUndefined(); // a kuery rule runs its own query
    else expect(check.kql).toBeDefined();
    const got = await matching(compileKql(check.kql ?? rule.query));
    if ('cannotMatch' in check) {
      expect({ rule: rule.name, matched: got }).toEqual({ rule: rule.name, matched: [] });
      return;
    }
    const want = indexedLines.filter((line) => check.expect(line, rule.query)).sort();
    expect(want.length).toBeGreaterThan(0); // a rule checked against no event proves nothing
    const gotSet = new Set(got);
    const wantSet = new Set(want);
    // missing: lines the rule should match and does not; extra: matched lines the rule's text excludes
    expect({ rule: rule.name, missing: want.filter((l) => !gotSet.has(l)), extra: got.filter((l) => !wantSet.has(l)) }).toEqual({ rule: rule.name, missing: [], extra: [] });
  });
});
