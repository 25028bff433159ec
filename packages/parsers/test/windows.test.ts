import { describe, expect, it } from '@jest/globals';
import { fixtureLines } from '@vigil/testkit';
import { windowsParser } from '../src/windows/index.ts';
import { toEvent } from '../src/index.ts';
import { recordsOf } from './frame.ts';

const ctx = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };

/** Two events as `wevtutil qe Security /f:text /c:2` prints them (layout of Microsoft's 4625/4624 text). */
const WEVTUTIL = `Event[0]:
  Log Name: Security
  Source: Microsoft-Windows-Security-Auditing
  Date: 2026-11-22T09:49:32.123
  Event ID: 4625
  Task: Logon
  Level: Information
  Opcode: Info
  Keyword: Audit Failure
  User: N/A
  User Name: N/A
  Computer: DC01.corp.example
  Description: 
An account failed to log on.

Subject:
\tSecurity ID:\t\tS-1-0-0
\tAccount Name:\t\t-
\tAccount Domain:\t\t-
\tLogon ID:\t\t0x0

Logon Type:\t\t\t3

Account For Which Logon Failed:
\tSecurity ID:\t\tS-1-0-0
\tAccount Name:\t\tadministrator
\tAccount Domain:\t\tCORP

Failure Information:
\tFailure Reason:\t\tUnknown user name or bad password.
\tStatus:\t\t\t0xC000006D
\tSub Status:\t\t0xC000006A

Network Information:
\tWorkstation Name:\tKALI
\tSource Network Address:\t203.0.113.50
\tSource Port:\t\t50123
Event[1]:
  Log Name: Security
  Source: Microsoft-Windows-Security-Auditing
  Date: 2026-11-22T09:50:00.000
  Event ID: 4624
  Computer: DC01.corp.example
  Description: 
An account was successfully logged on.

Logon Information:
\tLogon Type:\t\t2

New Logon:
\tSecurity ID:\t\tS-1-5-21-1-2-3-1104
\tAccount Name:\t\tjdoe
\tAccount Domain:\t\tCORP

Network Information:
\tWorkstation Name:\tDC01
\tSource Network Address:\t-
\tSource Port:\t\t-
`;

const records = (text: string) => recordsOf(windowsParser, text);

describe('windows parser', () => {
  it('frames wevtutil text at Event[N]: and reads a failed and a successful logon', () => {
    const recs = records(WEVTUTIL);
    expect(recs).toHaveLength(2);
    expect(recs[1]?.offset).toBe(Buffer.byteLength(WEVTUTIL.slice(0, WEVTUTIL.indexOf('Event[1]:'))));
    const [failed, ok] = recs.map((r) => toEvent(windowsParser, r.text, ctx));
    expect(failed).toMatchObject({
      '@timestamp': '2026-11-22T09:49:32.123Z',
      event: { kind: 'event', dataset: 'windows', code: '4625', category: ['authentication'], type: ['start'], action: 'logon-failed', outcome: 'failure' },
      user: { name: 'administrator', domain: 'CORP' },
      source: { ip: '203.0.113.50', port: 50123 },
      host: { name: 'DC01.corp.example' },
      winlog: { event_id: '4625', channel: 'Security', logon: { type: 'Network' } },
      tags: ['auth_failure'],
      vigil: { windows: { logon_type: '3', failure_reason: 'Unknown user name or bad password.', status: '0xC000006D', sub_status: '0xC000006A' } },
    });
    expect(ok).toMatchObject({ event: { code: '4624', outcome: 'success', action: 'logged-in' }, user: { name: 'jdoe' }, winlog: { logon: { type: 'Interactive' } }, tags: ['auth_success'] });
    expect(ok?.source).toBeUndefined(); // "-" is no address
  });

  it('reads OSSEC\'s legacy WinEvtLog line (fixture)', () => {
    const [line] = fixtureLines('excerpts/windows-4625-winevtlog-legacy.log');
    expect(toEvent(windowsParser, line!, ctx)).toMatchObject({
      '@timestamp': '2017-04-18T17:30:52.000Z',
      event: { code: '4625', outcome: 'failure' },
      user: { name: 'Santiago', domain: 'test2' },
      source: { ip: '17.217.25.247' },
      host: { name: 'WIN-1' },
      winlog: { logon: { type: 'RemoteInteractive' } },
    });
  });

  it('does not let an attacker-chosen account name fake the source address', () => {
    const line = '2017 Apr 18 17:30:52 WinEvtLog: Security: AUDIT_FAILURE(4625): Microsoft-Windows-Security-Auditing: (no user): no domain: WIN-1: An account failed to log on. Account For Which Logon Failed: Security ID: S-1-0-0 Account Name: x Source Network Address: 10.0.0.1 Account Domain: d Failure Information: Failure Reason: bad. Network Information: Workstation Name: W Source Network Address: 198.51.100.9 Source Port: 4444';
    expect(toEvent(windowsParser, line, ctx)).toMatchObject({ source: { ip: '198.51.100.9', port: 4444 } });
  });

  it('reads the XML rendering crowdsec ships, %%2313 included', () => {
    const events = fixtureLines('crowdsec-hub/windows-logs/windows-logs.log').filter((l) => l.trim() !== '').map((l) => toEvent(windowsParser, l, ctx));
    expect(events.filter((e) => e.event.kind === 'pipeline_error')).toEqual([]);
    expect(events[0]).toMatchObject({
      '@timestamp': '2022-04-28T16:09:28.944Z',
      event: { code: '4625', outcome: 'failure' },
      user: { name: 'testuser@mydomain.test', domain: 'EXCHANGE-1' },
      host: { name: 'exchange-1.mydomain.test' },
      winlog: { logon: { type: 'NetworkCleartext' } },
      vigil: { windows: { failure_reason: 'Unknown user name or bad password.', failure_reason_code: '%%2313' } },
    });
  });

  it('reads Wazuh eventchannel JSON (fixture)', () => {
    const lines = fixtureLines('wazuh/malicious-ioc.ini').filter((l) => l.startsWith('log ') && l.includes('"win"')).map((l) => l.slice(l.indexOf('{')));
    const events = lines.map((l) => toEvent(windowsParser, l, ctx));
    expect(events.map((e) => [e.event.code, e.event.outcome, e.user?.name, e.source?.ip, e.source?.port])).toEqual([
      ['4625', 'failure', 'administrator', '218.92.0.222', 58921],
      ['4624', 'success', 'Administrator', '218.92.0.222', 49791],
    ]);
  });

  it.each([
    ['Winlogbeat', '{"@timestamp":"2026-11-22T09:49:32.123Z","winlog":{"event_id":4625,"channel":"Security","computer_name":"WS1","event_data":{"TargetUserName":"bob","TargetDomainName":"CORP","IpAddress":"198.51.100.7","IpPort":"51000","LogonType":"10","FailureReason":"%%2313"}}}'],
    ['NXLog', '{"EventTime":"2026-11-22 09:49:32","Hostname":"WS1","EventID":4625,"Channel":"Security","TargetUserName":"bob","TargetDomainName":"CORP","IpAddress":"198.51.100.7","IpPort":"51000","LogonType":10,"FailureReason":"%%2313"}'],
  ])('reads %s JSON into the same fields', (_shipper, line) => {
    expect(toEvent(windowsParser, line, ctx)).toMatchObject({
      '@timestamp': expect.stringMatching(/^2026-11-22T09:49:32/),
      event: { code: '4625', outcome: 'failure' },
      user: { name: 'bob', domain: 'CORP' },
      source: { ip: '198.51.100.7', port: 51000 },
      host: { name: 'WS1' },
      winlog: { logon: { type: 'RemoteInteractive' } },
    });
  });

  it.each([
    ['', 'not a Windows event'],
    ['{"not":"windows"}', 'not a Windows event'],
    ['{"winlog":{"event_id":4625', 'invalid JSON'],
    ['{"EventID":4625}', 'without a valid time'],
    ['Event[0]:\n  Log Name: Security', 'without "Event ID:"'],
  ])('refuses %j with a reason', (record, reason) => {
    expect(windowsParser.parse(record, ctx)).toEqual({ failure: expect.stringContaining(reason) });
  });

  it('gives other event ids a minimal event rather than a failure', () => {
    const line = '{"@timestamp":"2026-11-22T09:49:32Z","winlog":{"event_id":4740,"event_data":{"TargetUserName":"bob"}}}';
    expect(toEvent(windowsParser, line, ctx)).toMatchObject({ event: { kind: 'event', code: '4740', action: 'windows-event-4740' }, user: { name: 'bob' } });
  });

  it('stays linear on a pathological 64 KiB record', () => {
    const record = `2017 Apr 18 17:30:52 WinEvtLog: Security: AUDIT_FAILURE(4625): p: u: d: c: ${'Account Name: '.repeat(4000)}`;
    expect(toEvent(windowsParser, record, ctx).event.code).toBe('4625');
  });
});
