// Third-party sshd/PAM sample logs (see ../shared/fixtures/SOURCES.md) through the syslog parser.
// Their expectations are other projects' opinions: where Vigil follows ECS instead, the difference is
// listed below with the reason.
import { describe, expect, it } from '@jest/globals';
import { fixtureLines } from '@vigil/testkit';
import type { ParsedFields } from '../src/types.ts';
import { parseIp } from '../src/netfilter/ip.ts';
import { countBy, crowdsecResults, failJsonCases, iniLogLines, parse, summary as plainSummary, vigil, type FailJsonCase } from './syslog-helpers.ts';

/**
 * `dataset:action[/message_kind]:outcome`: Elastic's `ssh_login` covers `Invalid user`, `User ... not
 * allowed` and `ROOT LOGIN REFUSED` too; `vigil.sshd.message_kind` keeps them apart in these counts.
 */
function summary(e: ParsedFields): string {
  const kind = vigil(e, 'sshd')?.message_kind;
  return kind === undefined ? plainSummary(e) : plainSummary(e).replace(':ssh_login:', `:ssh_login/${String(kind)}:`);
}

/** Actions that report a probe or protocol abuse without a failed login. */
const PROBES = new Set(['ssh_user_enumeration_probe', 'ssh_kex_negotiation_failed', 'ssh_kex_identification_failed', 'ssh_banner_exchange_failed', 'ssh_no_identification', 'ssh_bad_protocol_version', 'ssh_protocol_error']);

/**
 * fail2ban `match: true` lines where Vigil deliberately disagrees (line text → reason). Everything
 * else that fail2ban flags must be an ECS failure (or a probe action) from the host it names.
 */
const FAIL2BAN_DIFFERENCES: Record<string, string> = {
  'Accepted password for known from 192.0.2.114 port 52100 ssh2': 'a successful login (fail2ban counts it against earlier failures of other users from that host)',
  'Accepted password for known from 192.0.2.116 port 52100 ssh2': 'a successful login (fail2ban counts it against earlier failures of other users from that host)',
  'Connection closed by 192.0.2.15 port 35352': 'a normal close; the failure is the kex_exchange_identification line before it (same pid)',
  'Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from 10.10.1.2 port 55555 ssh2':
    'OpenSSH never writes a suffix after "ssh2" for password logins, so the address is read from the end of the line, as for CVE-2013-6890 user names',
  'kernel:[  970.699396]: Failed keyboard-interactive for <invalid username> from 205.186.180.55 port 42742 ssh2': 'a "kernel:" stamp inside an sshd message is not an sshd message (fail2ban strips it)',
  'kernel: [  970.699397] Failed password for user admin from 192.0.2.10 port 42745 ssh2': 'a "kernel:" stamp inside an sshd message is not an sshd message (fail2ban strips it)',
  'kernel:[12970.699398] Failed password for user admin from 2001:db8::1 port 42746 ssh2': 'a "kernel:" stamp inside an sshd message is not an sshd message (fail2ban strips it)',
};

/** The pid of an sshd line (`sshd[1234]:`), for correlating address-less lines as fail2ban does. */
function pidOf(line: string): string | undefined {
  return /sshd(?:-session)?\[(\d+)\]/.exec(line)?.[1];
}

function checkFail2ban(path: string): { checked: number; differences: string[] } {
  const cases = failJsonCases(path);
  const seen: { pid: string | undefined; event: ParsedFields }[] = [];
  const differences: string[] = [];
  let checked = 0;
  for (const c of cases) {
    const event = parse(c.line);
    seen.push({ pid: pidOf(c.line), event });
    if (!c.expect.match) continue;
    const reason = Object.entries(FAIL2BAN_DIFFERENCES).find(([text]) => event.message === text)?.[1];
    if (reason !== undefined) {
      differences.push(event.message as string);
      continue;
    }
    checked += 1;
    expect({ line: c.lineNo, failure: event.event?.outcome === 'failure' || PROBES.has(event.event?.action ?? '') }).toEqual({ line: c.lineNo, failure: true });
    if (c.expect.host !== undefined) expect({ line: c.lineNo, host: hostOf(event, c, seen) }).toEqual({ line: c.lineNo, host: parseIp(c.expect.host) ?? c.expect.host });
    if (c.expect.user !== undefined && c.expect.user !== '') expect(event.user?.name).toBe(c.expect.user);
    if (c.expect.time !== undefined && /^[A-Z][a-z]{2} /.test(c.line)) expect(event['@timestamp'].slice(5, 19)).toBe(c.expect.time.slice(5, 19));
  }
  return { checked, differences };
}

/**
 * The host fail2ban expects: the event's own address, or, for a line without one, the address of an
 * earlier line of the same sshd pid (fail2ban's multi-line matching).
 */
function hostOf(event: ParsedFields, c: FailJsonCase, seen: { pid: string | undefined; event: ParsedFields }[]): string | undefined {
  const own = event.source?.ip ?? event.source?.address;
  if (own !== undefined) return own;
  const pid = pidOf(c.line);
  const earlier = seen.findLast((s) => s.pid === pid && s.event.source !== undefined)?.event.source;
  return earlier?.ip ?? earlier?.address;
}

describe('fail2ban sshd fixtures', () => {
  it('sshd: all 155 lines parse; every match:true line is a failure or probe from the expected host', () => {
    expect(failJsonCases('fail2ban/sshd')).toHaveLength(155);
    const { checked, differences } = checkFail2ban('fail2ban/sshd');
    expect(checked).toBe(105); // 109 match:true lines minus the 4 differences
    expect(differences).toEqual([
      'Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from 10.10.1.2 port 55555 ssh2',
      'Accepted password for known from 192.0.2.114 port 52100 ssh2',
      'Accepted password for known from 192.0.2.116 port 52100 ssh2',
      'Connection closed by 192.0.2.15 port 35352',
    ]);
  });

  it('sshd-journal: all 129 lines parse without a timestamp; match:true lines as above', () => {
    const cases = failJsonCases('fail2ban/sshd-journal');
    expect(cases).toHaveLength(129);
    expect(cases.every((c) => parse(c.line).tags?.includes('timestamp_missing') === true)).toBe(true);
    const { checked, differences } = checkFail2ban('fail2ban/sshd-journal');
    expect(checked).toBe(83); // 89 match:true lines minus the 6 differences
    expect(differences).toEqual([
      'kernel:[  970.699396]: Failed keyboard-interactive for <invalid username> from 205.186.180.55 port 42742 ssh2',
      'kernel: [  970.699397] Failed password for user admin from 192.0.2.10 port 42745 ssh2',
      'kernel:[12970.699398] Failed password for user admin from 2001:db8::1 port 42746 ssh2',
      'Failed password for invalid user test from 127.0.0.1 port 58946 ssh2: from 10.10.1.2 port 55555 ssh2',
      'Accepted password for known from 192.0.2.114 port 52100 ssh2',
      'Accepted password for known from 192.0.2.116 port 52100 ssh2',
    ]);
  });

  it('RFC 5424 lines in the fail2ban file carry the same ECS fields', () => {
    const line = failJsonCases('fail2ban/sshd').find((c) => c.line.startsWith('<38>1 2019-07-08T17:40:17'))?.line as string;
    const e = parse(line);
    expect([e['@timestamp'], e.host?.hostname, e.process?.pid, e.source?.ip, e.user?.name, e.event?.outcome]).toEqual(['2019-07-08T21:40:17.954167Z', 'hostname.example.com', 55555, '192.0.2.2', 'redmond', 'failure']);
  });
});

describe('crowdsec sshd fixtures', () => {
  // [fixture dir, log file, s01 parser, outcome crowdsec's success means]
  const suites: [string, string, string, 'failure' | 'success'][] = [
    ['sshd-logs', 'sshd-logs.log', 'crowdsecurity/sshd-logs', 'failure'],
    ['sshd-logs-fp', 'sshd-logs.log', 'crowdsecurity/sshd-logs', 'failure'],
    ['sshd-invalid-bf', 'sshd-invalid-bf.log', 'crowdsecurity/sshd-logs', 'failure'],
    ['sshd-success-logs', 'sshd-success-logs.log', 'crowdsecurity/sshd-success-logs', 'success'],
  ];

  it.each(suites)('%s agrees with parser.assert (program, pid, host, outcome, source_ip, target_user)', (dir, log, parserName, meaning) => {
    const lines = fixtureLines(`crowdsec-hub/${dir}/${log}`);
    const raw = crowdsecResults(`crowdsec-hub/${dir}/parser.assert`, 's00-raw', 'crowdsecurity/syslog-logs');
    const parsed = crowdsecResults(`crowdsec-hub/${dir}/parser.assert`, 's01-parse', parserName);
    expect(parsed).toHaveLength(lines.length);
    lines.forEach((line, i) => {
      const e = parse(line);
      const r = raw[i];
      if (r?.parsed.program !== undefined) expect([e.process?.name, String(e.process?.pid), e.host?.hostname]).toEqual([r.parsed.program === 'sshd' && e.process?.name === 'sshd-session' ? 'sshd-session' : r.parsed.program, r.parsed.pid, r.meta.machine]);
      const p = parsed[i] as (typeof parsed)[number];
      expect({ i, outcome: e.event?.outcome === meaning }).toEqual({ i, outcome: p.success });
      if (p.meta.source_ip !== undefined) expect(e.source?.ip).toBe(p.meta.source_ip);
      if (p.meta.target_user !== undefined) expect(e.user?.name).toBe(p.meta.target_user);
    });
  });

  it('ssh-bf and sshd_banner_exchange (scenario fixtures)', () => {
    const bf = fixtureLines('crowdsec-hub/ssh-bf/ssh-bf.log').filter((l) => l !== '').map((l) => parse(l));
    expect(countBy(bf, (e) => `${summary(e)}:${e.source?.ip}`)).toEqual({ 'auth:ssh_login/invalid_user:failure:35.188.49.176': 6 });
    const banner = fixtureLines('crowdsec-hub/sshd_banner_exchange/sshd_banner_exchange.log').filter((l) => l !== '').map((l) => parse(l));
    expect(countBy(banner, (e) => `${summary(e)}:${e.source?.ip}`)).toEqual({
      'auth:ssh_banner_exchange_failed:failure:59.91.122.57': 6,
      'auth:ssh_kex_identification_failed:failure:undefined': 6,
    });
  });
});

describe('Wazuh and OSSEC sshd/PAM fixtures', () => {
  it('wazuh-ruleset/sshd: a brute force of 345 invalid users from two addresses', () => {
    const events = fixtureLines('wazuh-ruleset/sshd').map((l) => parse(l));
    // `Invalid user` opens each connection; the guesses themselves are the `Failed password for
    // invalid user` lines this excerpt left out, so these lines are companions (no auth_failure tag)
    expect(countBy(events, (e) => `${summary(e)}:${e.source?.ip}:${e.event?.type?.join()}:${e.tags?.join() ?? '-'}`)).toEqual({
      'auth:ssh_login/invalid_user:failure:83.15.231.75:info:-': 267,
      'auth:ssh_login/invalid_user:failure:200.94.18.3:info:-': 78,
    });
    expect(new Set(events.map((e) => e.user?.name)).size).toBe(175);
  });

  it('wazuh/sshd.ini: 71 lines, by action', () => {
    expect(countBy(iniLogLines('wazuh/sshd.ini').map((l) => parse(l)), summary)).toEqual({
      'auth:-:-': 10,
      'auth:ssh_auth_postponed:-': 1,
      'auth:ssh_bad_protocol_version:failure': 1,
      'auth:ssh_connection_closed:failure': 1,
      'auth:ssh_connection_error:failure': 1,
      'auth:ssh_connection_reset:failure': 1,
      'auth:ssh_disconnected:-': 1,
      'auth:ssh_disconnected:failure': 1,
      'auth:ssh_disconnecting:failure': 3,
      'auth:ssh_login/invalid_user:failure': 13,
      'auth:ssh_kex_negotiation_failed:failure': 3,
      'auth:ssh_login:failure': 14,
      'auth:ssh_max_auth_attempts_exceeded:failure': 3,
      'auth:ssh_no_identification:failure': 1,
      'auth:ssh_protocol_error:failure': 4,
      'auth:ssh_reverse_mapping_failed:-': 3,
      'auth:ssh_login/user_not_allowed:failure': 10,
    });
  });

  it('ossec-hids/sshd.ini and pam.ini, by action', () => {
    expect(countBy(iniLogLines('ossec-hids/sshd.ini').map((l) => parse(l)), summary)).toEqual({
      'auth:-:-': 10,
      'auth:ssh_auth_postponed:-': 1,
      'auth:ssh_bad_protocol_version:failure': 1,
      'auth:ssh_connection_error:failure': 1,
      'auth:ssh_connection_refused:failure': 1,
      'auth:ssh_disconnecting:failure': 2,
      'auth:ssh_login/invalid_user:failure': 3,
      'auth:ssh_kex_negotiation_failed:failure': 3,
      'auth:ssh_login:failure': 2,
      'auth:ssh_max_auth_attempts_exceeded:failure': 2,
      'auth:ssh_protocol_error:failure': 4,
      'auth:ssh_reverse_mapping_failed:-': 1,
    });
    expect(countBy(iniLogLines('ossec-hids/pam.ini').map((l) => parse(l)), summary)).toEqual({
      'auth:pam_auth_failure:failure': 3,
      'auth:pam_user_unknown:failure': 1,
      'auth:session_closed:-': 1,
      'auth:session_opened:success': 1,
    });
  });

  it('ossec-hids logtesting samples', () => {
    const events = ['39', '40', '41'].map((n) => parse(fixtureLines(`ossec-hids/logtesting/${n}/log`)[0] as string));
    expect(events.map((e) => [e.event?.action, e.source?.ip, e.source?.domain, e.user?.name])).toEqual([
      ['ssh_connection_refused', '203.31.101.11', 'accsys.elink.net.au', undefined],
      ['ssh_login', '65.202.215.2', undefined, 'ss7'],
      ['ssh_login', '65.202.215.2', undefined, 'ss7'],
    ]);
  });
});

describe('seed lines', () => {
  it('000: the user enumeration probe has no address', () => {
    const e = parse('Aug 16 21:42:10 victim sshd[10680]: fatal: ssh_packet_get_string: incomplete message [preauth]');
    expect([e['@timestamp'], e.host?.hostname, e.process?.pid, e.event?.action, e.event?.outcome, e.source]).toEqual(['2026-08-16T21:42:10.000Z', 'victim', 10680, 'ssh_user_enumeration_probe', 'failure', undefined]);
  });

  it('001: a failed login is tagged auth_failure with the normalised fields', () => {
    const e = parse('Nov 26 12:15:04 zeus sshd[19571]: Failed password for ciro from 10.0.4.23 port 57961 ssh2');
    expect([e['@timestamp'], e.user?.name, e.source?.ip, e.source?.port, e.tags]).toEqual(['2025-11-26T12:15:04.000Z', 'ciro', '10.0.4.23', 57961, ['auth_failure']]);
  });
});
