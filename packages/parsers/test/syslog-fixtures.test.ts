// Whole third-party syslog files through the syslog parser (see ../shared/fixtures/SOURCES.md).
import { describe, expect, it } from '@jest/globals';
import { fixtureLines, readFixture } from '@vigil/testkit';
import type { ParsedFields } from '../src/types.ts';
import { countBy, parse, summary, vigil } from './syslog-helpers.ts';

describe('loghub Linux_2k.log', () => {
  const lines = fixtureLines('loghub/Linux/Linux_2k.log');
  const events = lines.map((l) => parse(l)); // every line yields an event: parse() throws on a failure

  it('parses all 2000 lines, from June 14 to July 27 of the inferred year', () => {
    expect(events).toHaveLength(2000);
    expect([events[0]?.['@timestamp'], events[1999]?.['@timestamp']]).toEqual(['2026-06-14T15:16:01.000Z', '2026-07-27T14:42:00.000Z']);
    expect(events.every((e) => e.host?.hostname === 'combo')).toBe(true);
  });

  it('puts the 853 PAM lines (677 of them sshd(pam_unix)) in the auth dataset, the rest in syslog', () => {
    expect(countBy(events, summary)).toEqual({
      'auth:pam_auth_failure:failure': 490,
      'auth:pam_user_unknown:failure': 117,
      'auth:session_closed:-': 123,
      'auth:session_opened:success': 123,
      'syslog:-:-': 1147,
    });
    const sshd = events.filter((e) => e.process?.name === 'sshd(pam_unix)');
    expect(sshd).toHaveLength(677);
    expect(sshd.every((e) => e.event?.dataset === 'auth')).toBe(true);
  });

  it('reads rhost as an address or a host name, and user= when present', () => {
    const sshd = events.filter((e) => e.process?.name === 'sshd(pam_unix)');
    const shape = (e: ParsedFields) => `${e.event?.action}:${e.source?.ip !== undefined ? 'ip' : e.source?.domain !== undefined ? 'domain' : 'none'}:${e.user?.name !== undefined ? 'user' : '-'}`;
    expect(countBy(sshd, shape)).toEqual({
      'pam_auth_failure:ip:user': 260,
      'pam_auth_failure:ip:-': 40,
      'pam_auth_failure:domain:user': 112,
      'pam_auth_failure:domain:-': 77,
      'pam_user_unknown:none:-': 116,
      'session_opened:none:user': 36,
      'session_closed:none:user': 36,
    });
    const byIp = countBy(sshd.filter((e) => e.source?.ip !== undefined), (e) => e.source?.ip as string);
    expect(Object.keys(byIp)).toHaveLength(27);
    expect(byIp['150.183.249.110']).toBe(80);
  });

  it('leaves the 76 kernel lines (no netfilter among them) as plain syslog', () => {
    const kernel = events.filter((e) => e.process?.name === 'kernel');
    expect(kernel).toHaveLength(76);
    expect(kernel.map((e) => e.event)).toEqual(Array(76).fill({ module: 'system' }));
  });
});

describe('Elastic system/auth test logs', () => {
  // Our reading of each line: [source.ip, user.name, event.outcome, event.action].
  const ours: [string | undefined, string | undefined, string | undefined, string | undefined][] = [
    ['10.0.2.2', 'vagrant', 'success', 'ssh_login'],
    ['192.168.33.1', 'vagrant', 'success', 'ssh_login'],
    ['10.0.2.2', 'test', 'failure', 'ssh_login'],
    ['89.160.20.156', 'root', 'failure', 'ssh_login'],
    [undefined, 'vagrant', 'success', 'sudo_command'],
    ['89.160.20.156', undefined, 'failure', 'ssh_no_identification'],
    [undefined, 'vagrant', 'success', 'sudo_command'],
    [undefined, 'tsg', 'failure', 'sudo_command'],
    [undefined, undefined, 'success', 'added-group-account'],
    [undefined, 'apache', 'success', 'added-user-account'],
    [undefined, 'test', 'failure', 'ssh_login'],
  ];

  /**
   * Where the Elastic pipeline's opinion differs (doc index → field → why). Elastic records no
   * outcome for sudo and for a scanner that sent no identification (elastic-system-auth.test.ts
   * compares every field).
   */
  const differences: Record<number, { outcome?: string; user?: string }> = {
    4: { outcome: 'sudo ran the command: success' },
    5: { outcome: 'a connection that never identified itself is a failed connection' },
    6: { outcome: 'sudo ran the command: success' },
    7: { outcome: '"user NOT in sudoers": failure' },
  };

  it('elastic-integrations test-auth.log: our fields, and agreement with the expected JSON for the first 10 docs', () => {
    const events = fixtureLines('elastic-integrations/system-auth/test-auth.log').map((l) => parse(l));
    expect(events.map((e) => [e.source?.ip, e.user?.name, e.event?.outcome, e.event?.action])).toEqual(ours);
    const expected = (JSON.parse(readFixture('elastic-integrations/system-auth/test-auth.log-expected.json')) as { expected: { source?: { ip?: string }; user?: { name?: string }; event?: { outcome?: string } }[] }).expected;
    expect(expected).toHaveLength(10);
    expected.forEach((doc, i) => {
      const e = events[i] as ParsedFields;
      expect({ i, ip: e.source?.ip }).toEqual({ i, ip: doc.source?.ip });
      if (differences[i]?.user === undefined) expect({ i, user: e.user?.name }).toEqual({ i, user: doc.user?.name });
      if (differences[i]?.outcome === undefined) expect({ i, outcome: e.event?.outcome }).toEqual({ i, outcome: doc.event?.outcome });
      else expect({ i, outcome: e.event?.outcome }).not.toEqual({ i, outcome: doc.event?.outcome });
    });
  });

  it('elastic-beats test.log: the same shapes with the original addresses', () => {
    const events = fixtureLines('elastic-beats/system-auth/test.log').map((l) => parse(l));
    expect(events.map((e) => [e.source?.ip, e.user?.name, e.event?.outcome, e.event?.action])).toEqual([
      ['10.0.2.2', 'vagrant', 'success', 'ssh_login'],
      ['192.168.33.1', 'vagrant', 'success', 'ssh_login'],
      ['10.0.2.2', 'test', 'failure', 'ssh_login'],
      ['216.160.83.57', 'root', 'failure', 'ssh_login'],
      [undefined, 'vagrant', 'success', 'sudo_command'],
      ['2.125.160.217', undefined, 'failure', 'ssh_no_identification'],
      [undefined, 'vagrant', 'success', 'sudo_command'],
      [undefined, 'tsg', 'failure', 'sudo_command'],
      [undefined, undefined, 'success', 'added-group-account'],
      [undefined, 'apache', 'success', 'added-user-account'],
    ]);
  });
});

describe('sudo decoder', () => {
  const rows: [string, string, string | undefined, Record<string, unknown>, string[]][] = [ // [name, line, outcome, vigil.sudo, related.user = [user.name, user.effective.name]]
    ['command run', 'Feb 21 23:35:33 localhost sudo: vagrant : TTY=pts/0 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls', 'success',
      { tty: 'pts/0', pwd: '/home/vagrant', command: '/bin/ls' }, ['vagrant', 'root']],
    ['refused, padded user', 'Feb 24 00:13:02 precise32 sudo:      tsg : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls', 'failure',
      { error: 'user NOT in sudoers', tty: 'pts/1', pwd: '/home/vagrant', command: '/bin/ls' }, ['tsg', 'root']],
    ['command containing " ; "', 'Nov 22 09:49:32 h sudo: alice : TTY=pts/2 ; PWD=/tmp ; USER=bob ; GROUP=wheel ; COMMAND=/bin/sh -c echo a ; echo b', 'success',
      { tty: 'pts/2', pwd: '/tmp', group: 'wheel', command: '/bin/sh -c echo a ; echo b' }, ['alice', 'bob']],
  ];

  it.each(rows)('%s', (_name, line, outcome, fields, related) => {
    const e = parse(line);
    expect([e.event?.dataset, e.event?.action, e.event?.outcome, e.related?.user]).toEqual(['auth', 'sudo_command', outcome, related]);
    expect({ ...vigil(e, 'sudo') }).toEqual(fields);
    expect([e.user?.name, e.user?.effective?.name]).toEqual(related);
  });

  it('leaves other sudo messages as syslog', () => {
    expect(parse('Nov 22 09:49:32 h sudo: unable to resolve host h: Name or service not known').event).toEqual({ module: 'system' });
  });
});
