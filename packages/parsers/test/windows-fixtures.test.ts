// The Windows parser over third-party samples (../shared/fixtures): OSSEC/Wazuh WinEvtLog lines and
// eventchannel JSON from their rule tests, crowdsec's XML events and their expectations.
import { describe, expect, it } from '@jest/globals';
import { fixtureLines } from '@vigil/testkit';
import { windowsParser } from '../src/windows/index.ts';
import type { EcsEvent } from '@vigil/core';
import { toEvent, type ParseContext } from '../src/index.ts';

const ctx: ParseContext = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };
const events = (records: string[]): EcsEvent[] => records.map((r) => toEvent(windowsParser, r, ctx));

/** The `log N pass|fail = <line>` test lines of an OSSEC/Wazuh `.ini` rule test. */
const iniLogs = (path: string): string[] => fixtureLines(path).flatMap((l) => /^log \d+ (?:pass|fail) = (.*)$/.exec(l)?.[1] ?? []);

/** crowdsec's `GetMeta("key") == "value"` expectations of a scenario.assert, per event index. */
function crowdsecMeta(path: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const line of fixtureLines(path)) {
    const m = /Events\[(\d+)\]\.GetMeta\("(\w+)"\) == "([^"]*)"/.exec(line);
    if (m !== null) (out[Number(m[1])] ??= {})[m[2] as string] = m[3] as string;
  }
  return out;
}

describe('windows fixtures: OSSEC/Wazuh WinEvtLog lines', () => {
  it('excerpts/windows-4625-winevtlog-legacy.log: a failed RDP logon', () => {
    const [event] = events(fixtureLines('excerpts/windows-4625-winevtlog-legacy.log'));
    expect(event).toMatchObject({
      '@timestamp': '2017-04-18T17:30:52.000Z',
      event: { kind: 'event', dataset: 'windows', module: 'security', code: '4625', action: 'logon-failed', outcome: 'failure', category: ['authentication'], type: ['start'] },
      user: { name: 'Santiago', domain: 'test2', id: 'S-1-0-0' },
      source: { ip: '17.217.25.247' },
      host: { name: 'WIN-1', os: { type: 'windows' } },
      related: { ip: ['17.217.25.247'], user: ['Santiago'] },
      tags: ['auth_failure'],
      winlog: {
        channel: 'Security',
        logon: { type: 'RemoteInteractive', failure: { reason: 'Unknown user name or bad password.', sub_status: 'user name does not exist' } },
        event_data: { LogonType: '10', TargetUserSid: 'S-1-0-0', SubjectUserSid: 'S-1-5-10', Status: '0xc000006d', SubStatus: '0xc0000064', SubjectUserName: 'WIN-1$', WorkstationName: 'WIN-1', ProcessName: 'C:\\Windows\\System32\\winlogon.exe' },
      },
      vigil: { windows: { format: 'winevtlog' } },
    });
    expect(event?.source?.port).toBeUndefined(); // "Source Port: 0"
  });

  it('ossec-hids/msauth.ini: 3 successful logons behind ossec-logtest\'s location prefix', () => {
    const logs = iniLogs('ossec-hids/msauth.ini');
    expect(logs).toHaveLength(3);
    expect(events(logs).map((e) => [e['@timestamp'], e.event.code, e.event.outcome, e.user?.name, e.user?.domain, e.source?.ip, e.winlog?.logon?.type, e.host?.name, e.tags])).toEqual([
      ['2015-01-26T10:32:29.000Z', '4624', 'success', 'Administrator', 'WIN-2MFFK74V479', '127.0.0.1', 'Interactive', 'WIN-2MFFK74V479', ['auth_success']],
      ['2015-01-26T10:32:29.000Z', '4624', 'success', 'Administrator', 'WIN-2MFFK74V479', undefined, 'Interactive', 'WIN-2MFFK74V479', ['auth_success']],
      ['2015-01-26T10:32:29.000Z', '4624', 'success', 'user1', 'HOST1', '192.168.1.10', 'Network', 'HOST1', ['auth_success']],
    ]);
  });
});

describe('windows fixtures: Wazuh eventchannel JSON', () => {
  it('wazuh/malicious-ioc.ini: its 2 Windows events of 18 lines (the others are not detected as Windows)', () => {
    const logs = iniLogs('wazuh/malicious-ioc.ini');
    const windows = logs.filter((l) => windowsParser.detect(l));
    expect([logs.length, windows.length]).toEqual([18, 2]);
    // Cloudflare/Suricata JSON, sshd, IIS, Apache, SQL Server lines: failures if fed to this parser, never Windows events
    expect(events(logs.filter((l) => !windowsParser.detect(l))).map((e) => e.event.kind)).toEqual(Array.from({ length: 16 }, () => 'pipeline_error'));
    expect(events(windows).map((e) => [e['@timestamp'], e.event.code, e.event.action, e.user?.name, e.user?.domain, e.source?.ip, e.source?.port, e.winlog?.logon?.type, e.host?.name])).toEqual([
      ['2025-05-13T08:23:15.123456Z', '4625', 'logon-failed', 'administrator', 'CONTOSO', '218.92.0.222', 58921, 'Network', 'WINSERVER2022'],
      ['2021-05-07T21:36:19.887424Z', '4624', 'logged-in', 'Administrator', 'EXCHANGETEST.COM', '218.92.0.222', 49791, 'Network', 'bankdc.ExchangeTest.com'],
    ]);
  });

  it('wazuh/win_security.ini: 9 other Security events, each a minimal event named after its description', () => {
    const all = events(iniLogs('wazuh/win_security.ini'));
    expect(all.map((e) => [e.event.kind, e.event.code, e.event.action, e.event.outcome, e.event.category, e.user])).toEqual([
      ['event', '4722', 'a-user-account-was-enabled', 'success', undefined, undefined],
      ['event', '4738', 'a-user-account-was-changed', 'success', undefined, undefined],
      ['event', '4719', 'system-audit-policy-was-changed', 'success', undefined, undefined],
      ['event', '4728', 'a-member-was-added-to-a-security-enabled-global-group', 'success', undefined, undefined],
      ['event', '6416', 'a-new-external-device-was-recognized-by-the-system', 'success', undefined, undefined],
      ['event', '4698', 'a-scheduled-task-was-created', 'success', undefined, undefined],
      ['event', '5136', 'a-directory-service-object-was-modified', 'success', undefined, undefined],
      ['event', '5137', 'a-directory-service-object-was-created', 'success', undefined, undefined],
      ['event', '5141', 'a-directory-service-object-was-deleted', 'success', undefined, undefined],
    ]);
    expect(all[0]).toMatchObject({ '@timestamp': '2021-11-08T18:09:47.436795Z', host: { name: 'apt29w1.xrisbarney.local' }, winlog: { event_data: { SubjectUserName: 'itadmin' } }, vigil: { windows: { format: 'wazuh' } } });
  });
});

describe('windows fixtures: crowdsec XML events', () => {
  it('windows-logs: the fields crowdsec\'s parser.assert expects, and %%2313 mapped', () => {
    const [event] = events(fixtureLines('crowdsec-hub/windows-logs/windows-logs.log'));
    expect(event).toMatchObject({
      '@timestamp': '2022-04-28T16:09:28.944354Z', // crowdsec: 2022-04-28T16:09:28.9443547Z
      event: { code: '4625', outcome: 'failure', provider: 'Microsoft-Windows-Security-Auditing' },
      user: { name: 'testuser@mydomain.test', domain: 'EXCHANGE-1' },
      source: { ip: '192.168.9.212', port: 1628 },
      host: { name: 'exchange-1.mydomain.test' },
      winlog: { channel: 'Security', logon: { type: 'NetworkCleartext', failure: { reason: 'Unknown user name or bad password.' } }, event_data: { FailureReason: '%%2313', LogonType: '8' } },
      vigil: { windows: { format: 'xml' } },
    });
  });

  it('windows-bf: 6 failed logons with the values of crowdsec\'s scenario.assert', () => {
    const lines = fixtureLines('crowdsec-hub/windows-bf/windows-bf.log').filter((l) => l.trim() !== '');
    const expected = crowdsecMeta('crowdsec-hub/windows-bf/scenario.assert');
    expect([lines.length, expected.length]).toEqual([6, 6]);
    const got = events(lines).map((e) => ({
      timestamp: e['@timestamp'],
      username: e.user?.name,
      source_ip: e.source?.ip,
      logon_type: e.winlog?.event_data?.LogonType,
      status: e.winlog?.event_data?.Status,
      sub_status: e.winlog?.event_data?.SubStatus,
    }));
    // crowdsec keeps 7 fraction digits; ECS @timestamp here keeps microseconds
    const want = expected.map((m) => ({ timestamp: m.timestamp?.replace(/(\.\d{6})\d+Z$/, '$1Z'), username: m.username, source_ip: m.source_ip, logon_type: m.logon_type, status: m.status, sub_status: m.sub_status }));
    expect(got).toEqual(want);
    expect(events(lines).every((e) => e.tags?.[0] === 'auth_failure' && e.source?.port === undefined)).toBe(true); // IpPort 0
  });

  it('windows-bf: each failure carries every field the event filter of Elastic\'s Windows brute-force rules reads', () => {
    // credential_access_bruteforce_*.toml: event.category, host.os.type, event.action, winlog.logon.type,
    // source.ip, winlog.computer_name, user.id, winlog.event_data.{TargetUserName,TargetUserSid,Status}
    const got = events(fixtureLines('crowdsec-hub/windows-bf/windows-bf.log').filter((l) => l.trim() !== ''));
    for (const e of got) {
      expect([e.event.category, e.host?.os?.type, e.event.action, e.event.module, typeof e.winlog?.logon?.type, typeof e.source?.ip, typeof e.winlog?.computer_name]).toEqual([
        ['authentication'], 'windows', 'logon-failed', 'security', 'string', 'string', 'string',
      ]);
      const data = e.winlog?.event_data ?? {};
      expect([typeof data.TargetUserName, typeof data.TargetUserSid, data.Status, e.user?.id]).toEqual(['string', 'string', data.Status?.toLowerCase(), data.TargetUserSid]);
    }
  });
});
