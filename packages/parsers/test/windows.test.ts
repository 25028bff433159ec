// The Windows parser on events written here (wevtutil text has no public fixture: the samples below
// follow Microsoft's documented 4625/4624 description layout); third-party samples: windows-fixtures.test.ts.
import { describe, expect, it } from '@jest/globals';
import { windowsParser } from '../src/windows/index.ts';
import { autoParser, isFailure, toEvent, type ParseContext, type ParsedFields } from '../src/index.ts';
import { linesOf, recordsOf } from './frame.ts';

const ctx: ParseContext = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };

function parse(record: string, c: ParseContext = ctx): ParsedFields {
  const result = windowsParser.parse(record, c);
  if (isFailure(result)) throw new Error(`expected ${JSON.stringify(record.slice(0, 80))} to parse, got: ${result.failure}`);
  return result;
}

const FAILED_NETWORK_LOGON = `Event[0]:
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

Process Information:
\tCaller Process ID:\t0x0
\tCaller Process Name:\t-

Network Information:
\tWorkstation Name:\tKALI
\tSource Network Address:\t203.0.113.50
\tSource Port:\t\t50123

Detailed Authentication Information:
\tLogon Process:\t\tNtLmSsp 
\tAuthentication Package:\tNTLM
\tTransited Services:\t-
\tPackage Name (NTLM only):\t-
\tKey Length:\t\t0

This event is generated when a logon request fails. It is generated on the computer where access was attempted.
`;

const REMOTE_DESKTOP_LOGON = `Event[1]:
  Log Name: Security
  Source: Microsoft-Windows-Security-Auditing
  Date: 2026-11-22T09:50:00.000
  Event ID: 4624
  Task: Logon
  Level: Information
  Opcode: Info
  Keyword: Audit Success
  User: N/A
  User Name: N/A
  Computer: DC01.corp.example
  Description: 
An account was successfully logged on.

Subject:
\tSecurity ID:\t\tS-1-5-18
\tAccount Name:\t\tDC01$
\tAccount Domain:\t\tCORP
\tLogon ID:\t\t0x3E7

Logon Information:
\tLogon Type:\t\t10
\tRestricted Admin Mode:\tNo
\tVirtual Account:\t\tNo
\tElevated Token:\t\tYes

Impersonation Level:\t\tImpersonation

New Logon:
\tSecurity ID:\t\tS-1-5-21-1004336348-1177238915-682003330-1104
\tAccount Name:\t\tjdoe
\tAccount Domain:\t\tCORP
\tLogon ID:\t\t0x8A5E4F
\tLinked Logon ID:\t\t0x0
\tNetwork Account Name:\t-
\tNetwork Account Domain:\t-
\tLogon GUID:\t\t{00000000-0000-0000-0000-000000000000}

Process Information:
\tProcess ID:\t\t0x1a8
\tProcess Name:\t\tC:\\Windows\\System32\\svchost.exe

Network Information:
\tWorkstation Name:\tDC01
\tSource Network Address:\t198.51.100.77
\tSource Port:\t\t0

Detailed Authentication Information:
\tLogon Process:\t\tUser32 
\tAuthentication Package:\tNegotiate
\tTransited Services:\t-
\tPackage Name (NTLM only):\t-
\tKey Length:\t\t0

This event is generated when a logon session is created. It is generated on the computer that was accessed.
`;

/** A console logon failure: no network address (`-`), the Windows Server 2008 layout. */
const FAILED_CONSOLE_LOGON = `Event[2]:
  Log Name: Security
  Source: Microsoft-Windows-Security-Auditing
  Date: 2026-11-22T09:51:10.500
  Event ID: 4625
  Task: Logon
  Level: Information
  Opcode: Info
  Keyword: Audit Failure
  User: N/A
  User Name: N/A
  Computer: WS-07.corp.example
  Description: 
An account failed to log on.

Subject:
\tSecurity ID:\t\tS-1-5-18
\tAccount Name:\t\tWS-07$
\tAccount Domain:\t\tCORP
\tLogon ID:\t\t0x3e7

Logon Type:\t\t\t2

Account For Which Logon Failed:
\tSecurity ID:\t\tS-1-0-0
\tAccount Name:\t\tjdoe
\tAccount Domain:\t\tCORP

Failure Information:
\tFailure Reason:\t\tAccount locked out.
\tStatus:\t\t\t0xc0000234
\tSub Status:\t\t0x0

Process Information:
\tCaller Process ID:\t0x2b8
\tCaller Process Name:\tC:\\Windows\\System32\\winlogon.exe

Network Information:
\tWorkstation Name:\tWS-07
\tSource Network Address:\t-
\tSource Port:\t\t-
`;

const LOCKOUT = `Event[3]:
  Log Name: Security
  Source: Microsoft-Windows-Security-Auditing
  Date: 2026-11-22T09:51:11.000
  Event ID: 4740
  Task: User Account Management
  Keyword: Audit Success
  Computer: DC01.corp.example
  Description: 
A user account was locked out.

Subject:
\tSecurity ID:\t\tS-1-5-18
\tAccount Name:\t\tDC01$

Account That Was Locked Out:
\tSecurity ID:\t\tS-1-5-21-1004336348-1177238915-682003330-1104
\tAccount Name:\t\tjdoe
`;

const WEVTUTIL = FAILED_NETWORK_LOGON + REMOTE_DESKTOP_LOGON + FAILED_CONSOLE_LOGON + LOCKOUT;

describe('windows parser: wevtutil text', () => {
  it('frames records at Event[N]: with byte offsets', () => {
    const records = recordsOf(windowsParser, WEVTUTIL);
    const starts = linesOf(WEVTUTIL).filter((l) => l.text.startsWith('Event[')).map((l) => l.offset);
    expect(records.map((r) => [r.offset, r.end])).toEqual([
      [starts[0], starts[1]],
      [starts[1], starts[2]],
      [starts[2], starts[3]],
      [starts[3], Buffer.byteLength(WEVTUTIL)],
    ]);
    expect(records.map((r) => r.text.split('\n', 1)[0])).toEqual(['Event[0]:', 'Event[1]:', 'Event[2]:', 'Event[3]:']);
  });

  it('reads a failed network logon into the fields of the Linux auth events', () => {
    expect(parse(recordsOf(windowsParser, WEVTUTIL)[0]?.text ?? '')).toEqual({
      '@timestamp': '2026-11-22T09:49:32.123Z',
      event: { code: '4625', module: 'security', action: 'logon-failed', provider: 'Microsoft-Windows-Security-Auditing', category: ['authentication'], type: ['start'], outcome: 'failure' },
      user: { name: 'administrator', domain: 'CORP', id: 'S-1-0-0' },
      source: { ip: '203.0.113.50', port: 50123 },
      host: { name: 'DC01.corp.example', os: { type: 'windows', family: 'windows' } },
      related: { ip: ['203.0.113.50'], user: ['administrator'] },
      tags: ['auth_failure'],
      winlog: {
        event_id: '4625',
        channel: 'Security',
        computer_name: 'DC01.corp.example',
        provider_name: 'Microsoft-Windows-Security-Auditing',
        event_data: {
          TargetUserSid: 'S-1-0-0', TargetUserName: 'administrator', TargetDomainName: 'CORP', SubjectUserSid: 'S-1-0-0', SubjectUserName: '-', SubjectDomainName: '-',
          LogonType: '3', FailureReason: 'Unknown user name or bad password.', Status: '0xc000006d', SubStatus: '0xc000006a', WorkstationName: 'KALI',
          IpAddress: '203.0.113.50', IpPort: '50123', LogonProcessName: 'NtLmSsp', AuthenticationPackageName: 'NTLM', ProcessName: '-',
        },
        logon: {
          type: 'Network',
          failure: { reason: 'Unknown user name or bad password.', status: 'bad user name or authentication information', sub_status: 'user name is correct but the password is wrong' },
        },
      },
      vigil: { windows: { format: 'wevtutil' } },
    });
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['a remote desktop logon: the New Logon account, port 0 is no port', REMOTE_DESKTOP_LOGON, { event: { code: '4624', action: 'logged-in', outcome: 'success' }, user: { name: 'jdoe', domain: 'CORP' }, source: { ip: '198.51.100.77' }, winlog: { logon: { type: 'RemoteInteractive' }, event_data: { SubjectUserName: 'DC01$' } }, tags: ['auth_success'] }],
    ['a console failure whose address is "-"', FAILED_CONSOLE_LOGON, { '@timestamp': '2026-11-22T09:51:10.500Z', user: { name: 'jdoe' }, winlog: { logon: { type: 'Interactive', failure: { reason: 'Account locked out.', status: 'user is currently locked out' } }, event_data: { Status: '0xc0000234', SubStatus: '0x0' } }, related: { user: ['jdoe'] } }],
    ['another event id: a minimal event named after its description', LOCKOUT, { event: { code: '4740', action: 'a-user-account-was-locked-out', outcome: 'success' }, host: { name: 'DC01.corp.example' }, winlog: { event_id: '4740' } }],
  ])('reads %s', (_label, record, expected) => {
    expect(parse(record)).toMatchObject(expected);
  });

  it('has no source for "-", and no user or tags on other event ids', () => {
    expect(parse(FAILED_CONSOLE_LOGON).source).toBeUndefined();
    const lockout = parse(LOCKOUT);
    expect([lockout.user, lockout.source, lockout.tags, lockout.event?.category]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reads the zoneless Date in the configured zone, and CRLF line ends', () => {
    const crlf = FAILED_NETWORK_LOGON.replace(/\n/g, '\r\n');
    const [record] = recordsOf(windowsParser, crlf);
    expect(parse(record?.text ?? '', { ...ctx, timezone: 'America/New_York' })).toMatchObject({ '@timestamp': '2026-11-22T14:49:32.123Z', user: { name: 'administrator' }, source: { ip: '203.0.113.50', port: 50123 } });
  });
});

describe('windows parser: JSON shippers', () => {
  it.each([
    ['Winlogbeat', '{"@timestamp":"2026-11-22T09:49:32.123Z","message":"An account failed to log on.\\n\\nSubject:","winlog":{"event_id":4625,"channel":"Security","computer_name":"WS1.corp.example","provider_name":"Microsoft-Windows-Security-Auditing","keywords":["Audit Failure"],"event_data":{"TargetUserName":"bob","TargetDomainName":"CORP","IpAddress":"198.51.100.7","IpPort":"51000","LogonType":"10","FailureReason":"%%2313","Status":"0xc000006d","SubStatus":"0xc0000064"}}}', 'winlogbeat', ctx],
    ['NXLog (zoneless EventTime, read in the zone)', '{"EventTime":"2026-11-22 10:49:32","Hostname":"WS1.corp.example","EventType":"AUDIT_FAILURE","EventID":4625,"SourceName":"Microsoft-Windows-Security-Auditing","Channel":"Security","TargetUserName":"bob","TargetDomainName":"CORP","IpAddress":"198.51.100.7","IpPort":"51000","LogonType":"10","FailureReason":"%%2313","Status":"0xC000006D","SubStatus":"0xC0000064","Message":"An account failed to log on.\\r\\n\\r\\nSubject:"}', 'nxlog', { ...ctx, timezone: 'Europe/Paris' }],
    ['Wazuh eventchannel', '{"win":{"system":{"providerName":"Microsoft-Windows-Security-Auditing","eventID":"4625","systemTime":"2026-11-22T09:49:32.1230000Z","channel":"Security","computer":"WS1.corp.example","severityValue":"AUDIT_FAILURE","message":"\\"An account failed to log on."},"eventdata":{"targetUserName":"bob","targetDomainName":"CORP","ipAddress":"198.51.100.7","ipPort":"51000","logonType":"10","failureReason":"%%2313","status":"0xc000006d","subStatus":"0xc0000064"}}}', 'wazuh', ctx],
  ])('reads %s into the same fields', (_shipper, line, format, c) => {
    const event = parse(line, c);
    expect(event).toMatchObject({
      '@timestamp': expect.stringMatching(/^2026-11-22T09:49:32(\.123)?/),
      event: { code: '4625', module: 'security', action: 'logon-failed', outcome: 'failure', category: ['authentication'], type: ['start'] },
      user: { name: 'bob', domain: 'CORP' },
      source: { ip: '198.51.100.7', port: 51000 },
      host: { name: 'WS1.corp.example', os: { type: 'windows' } },
      related: { ip: ['198.51.100.7'], user: ['bob'] },
      tags: ['auth_failure'],
      winlog: {
        event_id: '4625',
        channel: 'Security',
        event_data: { TargetUserName: 'bob', TargetDomainName: 'CORP', IpAddress: '198.51.100.7', IpPort: '51000', LogonType: '10', FailureReason: '%%2313', Status: '0xc000006d', SubStatus: '0xc0000064' },
        logon: { type: 'RemoteInteractive', failure: { reason: 'Unknown user name or bad password.', status: 'bad user name or authentication information', sub_status: 'user name does not exist' } },
      },
      vigil: { windows: { format } },
    });
  });

  it('gives other event ids a minimal event (Winlogbeat 4740)', () => {
    const line = '{"@timestamp":"2026-11-22T09:49:32Z","message":"A user account was locked out.","winlog":{"event_id":"4740","provider_name":"Microsoft-Windows-Security-Auditing","event_data":{"TargetUserName":"bob"}}}';
    expect(parse(line)).toEqual({
      '@timestamp': '2026-11-22T09:49:32.000Z',
      event: { code: '4740', module: 'security', action: 'a-user-account-was-locked-out', provider: 'Microsoft-Windows-Security-Auditing' },
      host: { os: { type: 'windows', family: 'windows' } },
      winlog: { event_id: '4740', provider_name: 'Microsoft-Windows-Security-Auditing', event_data: { TargetUserName: 'bob' } },
      vigil: { windows: { format: 'winlogbeat' } },
    });
  });

  it('does not take a 4624 of another provider for a logon', () => {
    const line = '{"@timestamp":"2026-11-22T09:49:32Z","winlog":{"event_id":4624,"provider_name":"Some-App","event_data":{"TargetUserName":"bob"}}}';
    expect(parse(line).event).toEqual({ code: '4624', module: 'security', action: 'windows-event-4624', provider: 'Some-App' });
  });
});

describe('windows parser: XML and WinEvtLog lines', () => {
  it('reads the XML rendering, entities decoded, audit keyword from the bit mask', () => {
    const xml = '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-Auditing" /><EventID>4625</EventID><Keywords>0x8010000000000000</Keywords><TimeCreated SystemTime="2026-11-22T09:49:32.1234567Z" /><Channel>Security</Channel><Computer>WS1</Computer></System><EventData><Data Name="TargetUserName">o&apos;brien&amp;co</Data><Data Name="TargetDomainName">CORP</Data><Data Name="IpAddress">::ffff:198.51.100.7</Data><Data Name="IpPort">0</Data><Data Name="LogonType">3</Data></EventData></Event>';
    expect(parse(xml)).toMatchObject({ '@timestamp': '2026-11-22T09:49:32.123456Z', user: { name: "o'brien&co" }, source: { ip: '::ffff:198.51.100.7' }, winlog: { logon: { type: 'Network' } } });
    expect(parse(xml).source?.port).toBeUndefined();
    expect(parse(xml.replace('4625', '4740')).event?.outcome).toBe('failure');
  });

  it('does not let an attacker-chosen account name fake the source address (WinEvtLog line)', () => {
    const line = '2017 Apr 18 17:30:52 WinEvtLog: Security: AUDIT_FAILURE(4625): Microsoft-Windows-Security-Auditing: (no user): no domain: WIN-1: An account failed to log on. Account For Which Logon Failed: Security ID: S-1-0-0 Account Name: x Source Network Address: 10.0.0.1 Account Domain: d Failure Information: Failure Reason: bad. Network Information: Workstation Name: W Source Network Address: 198.51.100.9 Source Port: 4444';
    expect(parse(line)).toMatchObject({ source: { ip: '198.51.100.9', port: 4444 }, user: { name: 'x', domain: 'd' } });
  });

  it('reads a WinEvtLog line without the agent date at the time of ingestion', () => {
    expect(parse('WinEvtLog: Security: AUDIT_SUCCESS(4624): Microsoft-Windows-Security-Auditing: bob: CORP: WS1: An account was successfully logged on. New Logon: Account Name: bob Account Domain: CORP')).toMatchObject({ '@timestamp': '2026-11-22T12:00:00.000Z', user: { name: 'bob' }, tags: ['auth_success'] });
  });
});

describe('windows parser: failures, detection, pathological input', () => {
  it.each([
    ['', 'not a Windows event'],
    ['Nov 22 09:49:32 host sshd[1]: Failed password for root from 1.2.3.4 port 22 ssh2', 'not a Windows event'],
    ['{"not":"windows"}', 'not a Windows event'],
    ['{"winlog":{"event_id":4625', 'invalid JSON'],
    ['{"EventID":"x4625","EventTime":"2026-11-22 09:49:32"}', 'without a numeric'],
    ['{"EventID":4625}', 'without a valid time'],
    ['{"EventID":4625,"EventTime":"22/11/2026 09:49"}', 'without a valid time'],
    ['Event[0]:\n  Log Name: Security', 'without a numeric "Event ID:"'],
    ['Event[0]:\n  Date: 27/11/2015 2:07:33 PM\n  Event ID: 4625', 'without a valid "Date:"'],
    ['Event[0]:\n  Date: 2026-02-30T09:49:32.123\n  Event ID: 4625', 'without a valid "Date:"'],
    ['<Event><System><EventID>abc</EventID></System></Event>', 'without a numeric <EventID>'],
    ['<Event><System><EventID>4625</EventID></System></Event>', 'without a valid <TimeCreated SystemTime>'],
    ['2017 Apr 18 17:30:52 WinEvtLog: Security: broken', 'not a "WinEvtLog: channel'],
  ])('refuses %j', (record, reason) => {
    expect(windowsParser.parse(record, ctx)).toEqual({ failure: expect.stringContaining(reason) });
  });

  it.each([
    [WEVTUTIL, true],
    ['{"winlog":{"event_id":4625}}', true],
    ['{"EventID":4625,"EventTime":"2026-11-22 09:49:32"}', true],
    ['<Event xmlns="x"><System><EventID>4625</EventID></System></Event>', true],
    ['2017 Apr 18 17:30:52 WinEvtLog: Security: AUDIT_FAILURE(4625): x', true],
    ['{"rule":{"level":3,"id":"1"},"timestamp":"2026-11-22T09:00:00Z"}', false],
    ['Event[x]: something', false],
    ['Nov 22 09:49:32 host sshd[1]: Failed password for root', false],
  ])('detect(%#) is %s', (record, expected) => {
    expect(windowsParser.detect(record)).toBe(expected);
  });

  it('does not take a syslog line whose attacker-chosen text spells a WinEvtLog event for one', () => {
    const line = 'Nov 22 09:49:32 web-01 sshd[4242]: Invalid user WinEvtLog: Security: AUDIT_SUCCESS(4624): Microsoft-Windows-Security-Auditing: a: b: c: New Logon: Account Name: admin Source Network Address: 10.9.9.9 from 203.0.113.5 port 4242';
    expect(windowsParser.detect(line)).toBe(false);
    expect(windowsParser.parse(line, ctx)).toEqual({ failure: expect.stringContaining('"WinEvtLog: " must come first') });
    expect(autoParser.parse(line, ctx)).not.toMatchObject({ event: { code: '4624' } });
  });

  it('starts records at Event[N]: only (trailing CR allowed)', () => {
    expect(['Event[0]:', 'Event[12]:\r', 'Event[0]: x', '  Event[0]:'].map((l) => windowsParser.startsRecord?.(l))).toEqual([true, true, false, false]);
  });

  it.each([
    ['a WinEvtLog line of labels', `2017 Apr 18 17:30:52 WinEvtLog: Security: AUDIT_FAILURE(4625): p: u: d: c: ${'Account Name: '.repeat(4000)}`],
    ['XML of unclosed tags', `<Event>${'<EventID '.repeat(7000)}`],
    ['XML of unclosed data', `<Event><EventID>4625</EventID>${'<Data Name="IpAddress">'.repeat(3000)}`],
    ['a wevtutil record of labels', `Event[0]:\n  Event ID: 4625\n  Date: 2026-11-22T09:49:32.123\n  Description:\n${'Source Network Address: Source Port: '.repeat(1700)}`],
  ])('returns on %s (64 KiB)', (_label, record) => {
    expect(typeof windowsParser.parse(record, ctx)).toBe('object');
  });

  it('becomes an event of the windows dataset through the runner', () => {
    expect(toEvent(windowsParser, FAILED_CONSOLE_LOGON, ctx).event).toMatchObject({ kind: 'event', dataset: 'windows', code: '4625', outcome: 'failure' });
  });
});
