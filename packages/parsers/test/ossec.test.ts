// The OSSEC/Wazuh parser on alerts written here; the third-party samples are in ossec-fixtures.test.ts.
import { describe, expect, it } from '@jest/globals';
import { ossecParser } from '../src/ossec/index.ts';
import { autoParser, isFailure, toEvent, type ParseContext, type ParsedFields } from '../src/index.ts';
import { linesOf, recordsOf } from './frame.ts';

const ctx: ParseContext = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };

function parse(record: string, c: ParseContext = ctx): ParsedFields {
  const result = ossecParser.parse(record, c);
  if (isFailure(result)) throw new Error(`expected ${JSON.stringify(record)} to parse, got: ${result.failure}`);
  return result;
}

/** A Wazuh alerts.log block with agent labels, every key line, and the log followed by previous events. */
const FULL_BLOCK = [
  '** Alert 1795341000.4242: mail  - syslog,sshd,authentication_failures,',
  '2026 Nov 22 09:50:00 (web-01) 10.0.0.4->/var/log/auth.log',
  'aws.instance: i-0abc',
  'Rule: 5712 (level 10) -> \'sshd: brute force trying to get access to the system; non existent user.\'',
  'Src IP: 198.51.100.23',
  'Src Port: 51234',
  'Dst IP: 10.0.0.4',
  'Dst Port: 22',
  'User: admin',
  'Nov 22 09:49:59 web-01 sshd[4242]: Invalid user admin from 198.51.100.23 port 51234',
  'Nov 22 09:49:57 web-01 sshd[4240]: Invalid user admin from 198.51.100.23 port 51230',
].join('\n');

describe('ossec parser: alerts.log blocks', () => {
  it('reads every line of a block: labels, keys, the log and previous events', () => {
    expect(parse(FULL_BLOCK)).toEqual({
      '@timestamp': '2026-11-22T09:50:00.000Z',
      event: { kind: 'alert', category: ['intrusion_detection', 'authentication'], type: ['info'], severity: 10, module: 'ossec', outcome: 'failure' },
      rule: { id: '5712', name: 'sshd: brute force trying to get access to the system; non existent user.', description: 'sshd: brute force trying to get access to the system; non existent user.' },
      observer: { product: 'ossec', type: 'ids' },
      agent: { type: 'ossec', name: 'web-01' },
      host: { name: 'web-01', ip: ['10.0.0.4'] },
      source: { address: '198.51.100.23', ip: '198.51.100.23', port: 51234 },
      destination: { address: '10.0.0.4', ip: '10.0.0.4', port: 22 },
      user: { name: 'admin' },
      related: { ip: ['198.51.100.23', '10.0.0.4'], user: ['admin'] },
      tags: ['auth_failure'],
      message: 'Nov 22 09:49:59 web-01 sshd[4242]: Invalid user admin from 198.51.100.23 port 51234\nNov 22 09:49:57 web-01 sshd[4240]: Invalid user admin from 198.51.100.23 port 51230',
      vigil: {
        ossec: {
          format: 'alerts_log',
          level: 10,
          groups: ['syslog', 'sshd', 'authentication_failures'],
          alert_id: '1795341000.4242',
          location: '(web-01) 10.0.0.4->/var/log/auth.log',
          dstuser: 'admin',
          labels: ['aws.instance: i-0abc'],
        },
      },
    });
  });

  it.each([
    ['a header without "mail" and groups without a trailing comma', '** Alert 1.2: - syslog,sudo\n2017 Nov 11 00:00:28 ubnt->/var/log/messages\nRule: 5402 (level 3) -> \'Successful sudo to ROOT executed\'\nUser: root\nlog', { rule: { id: '5402' }, host: { name: 'ubnt' }, user: { name: 'root' }, vigil: { ossec: { groups: ['syslog', 'sudo'], alert_id: '1.2' } } }],
    ['a source that is a name, not an address: kept as source.address only', '** Alert 1.2: - web,\n2017 Nov 11 00:00:28 srv->/var/log/httpd\nRule: 31101 (level 5) -> \'Web error\'\nSrc IP: crawler.example.net\nGET /x', { source: { address: 'crawler.example.net' }, vigil: { ossec: { srcip: 'crawler.example.net' } } }],
    ['a log line that looks like a key after the real keys stays the message', '** Alert 1.2: - syslog,\n2017 Nov 11 00:00:28 srv->/var/log/app\nRule: 1 (level 2) -> \'x\'\nUser: bob\nSrc IP: 6.6.6.6 (a log line)', { user: { name: 'bob' }, message: 'Src IP: 6.6.6.6 (a log line)' }],
    ['a day written with one digit', '** Alert 1.2: - syslog,\n2017 Nov  5 00:00:28 srv->/var/log/app\nRule: 1 (level 2) -> \'x\'\nlog', { '@timestamp': '2017-11-05T00:00:28.000Z' }],
  ])('reads %s', (_label, block, expected) => {
    const event = parse(block);
    expect(event).toMatchObject(expected);
    expect(event.source?.ip).toBeUndefined();
  });

  it('reads the date line in the configured zone', () => {
    expect(parse(FULL_BLOCK, { ...ctx, timezone: 'Asia/Tokyo' })['@timestamp']).toBe('2026-11-22T00:50:00.000Z');
  });

  it.each([
    ['** Alert x: - syslog,\n2017 Nov 11 00:00:28 srv->/x\nRule: 1 (level 2) -> \'x\'', 'without a valid "** Alert'],
    ['** Alert 1.2: something - syslog,\n2017 Nov 11 00:00:28 srv->/x\nRule: 1 (level 2) -> \'x\'', 'without a valid "** Alert'],
    ['** Alert 1.2: - syslog,', 'without its "YYYY Mon DD HH:MM:SS location" line'],
    ['** Alert 1.2: - syslog,\n2017 Foo 11 00:00:28 srv->/x\nRule: 1 (level 2) -> \'x\'', 'without its "YYYY Mon DD HH:MM:SS location" line'],
    ['** Alert 1.2: - syslog,\n2017 Feb 30 00:00:28 srv->/x\nRule: 1 (level 2) -> \'x\'', 'without its "YYYY Mon DD HH:MM:SS location" line'],
    ['** Alert 1.2: - syslog,\n2017 Nov 11 00:00:28 srv->/x\nRule: one (level 2) -> \'x\'', 'without its "Rule: N (level L)'],
    ['** Alert 1.2: - syslog,\n2017 Nov 11 00:00:28 srv->/x\nSrc IP: 1.2.3.4', 'without its "Rule: N (level L)'],
  ])('refuses a broken block (%#)', (block, reason) => {
    expect(ossecParser.parse(block, ctx)).toEqual({ failure: expect.stringContaining(reason) });
  });
});

describe('ossec parser: framing alerts.log', () => {
  const text = 'stray line\n** Alert 1.1: - a,\n2017 Nov 11 00:00:01 h->/x\nRule: 1 (level 2) -> \'one\'\nlog one\n\n\n** Alert 2.2: - b,\n2017 Nov 11 00:00:02 h->/x\nRule: 2 (level 3) -> \'two\'\nlog two\n';

  it('makes one record per block, with byte offsets, dropping the blank separators', () => {
    const lines = linesOf(text);
    expect(recordsOf(ossecParser, text)).toEqual([
      { text: 'stray line', offset: 0, end: 11 },
      { text: '** Alert 1.1: - a,\n2017 Nov 11 00:00:01 h->/x\nRule: 1 (level 2) -> \'one\'\nlog one', offset: lines[1]?.offset, end: lines[6]?.end },
      { text: '** Alert 2.2: - b,\n2017 Nov 11 00:00:02 h->/x\nRule: 2 (level 3) -> \'two\'\nlog two', offset: lines[7]?.offset, end: Buffer.byteLength(text) },
    ]);
  });

  it('counts bytes, not characters, in the offsets', () => {
    const accented = '** Alert 1.1: - a,\n2017 Nov 11 00:00:01 h->/x\nRule: 1 (level 2) -> \'é\'\nlog é\n\n** Alert 2.2: - b,\n2017 Nov 11 00:00:02 h->/x\nRule: 2 (level 3) -> \'x\'\nx\n';
    const [first, second] = recordsOf(ossecParser, accented);
    expect([first?.end, second?.offset]).toEqual([Buffer.byteLength(accented.slice(0, accented.indexOf('** Alert 2.2'))), Buffer.byteLength(accented.slice(0, accented.indexOf('** Alert 2.2')))]);
    expect(parse(first?.text ?? '').message).toBe('log é');
  });

  it('starts records at "** Alert " only', () => {
    expect([ossecParser.startsRecord?.('** Alert 1.1: - a,'), ossecParser.startsRecord?.('Rule: 1 (level 2)'), ossecParser.startsRecord?.(' ** Alert 1.1')]).toEqual([true, false, false]);
  });
});

describe('ossec parser: syslog_output', () => {
  it.each<[string, string, Record<string, unknown>]>([
    [
      'a ";" inside the description and the log line',
      'Jul 25 12:17:41 enigma ossec: Alert Level: 3; Rule: 1 - a; b; Location: h->/x; srcip: 10.1.1.1; msg; with; semis',
      { rule: { id: '1', description: 'a; b' }, source: { ip: '10.1.1.1' }, message: 'msg; with; semis', observer: { hostname: 'enigma' } },
    ],
    [
      'PRI, classification, srcip, user, in the zone of the server',
      '<132>Nov 22 09:49:40 ossec-srv ossec: Alert Level: 10; Rule: 5712 - SSHD brute force; Location: (web-01) 10.0.0.4->/var/log/auth.log; classification:  syslog,sshd,authentication_failures,; srcip: 198.51.100.23; user: admin; Nov 22 09:49:39 web-01 sshd[1]: Invalid user admin from 198.51.100.23',
      {
        '@timestamp': '2026-11-22T08:49:40.000Z',
        event: { kind: 'alert', severity: 10, outcome: 'failure' },
        agent: { name: 'web-01' },
        source: { ip: '198.51.100.23' },
        user: { name: 'admin' },
        tags: ['auth_failure'],
        vigil: { ossec: { format: 'syslog_output', level: 10, groups: ['syslog', 'sshd', 'authentication_failures'], dstuser: 'admin' } },
      },
    ],
    [
      'an RFC 3339 header (a relay that rewrote it)',
      '2026-11-22T09:49:40+01:00 ossec-srv ossec: Alert Level: 3; Rule: 5501 - Login session opened.; Location: srv->/var/log/secure; log',
      { '@timestamp': '2026-11-22T08:49:40.000Z', observer: { hostname: 'ossec-srv' }, host: { name: 'srv' }, message: 'log' },
    ],
    [
      'no header at all: the time of ingestion',
      'ossec: Alert Level: 3; Rule: 5501 - Login session opened.; Location: srv->/var/log/secure; log',
      { '@timestamp': '2026-11-22T12:00:00.000Z', observer: { product: 'ossec', type: 'ids' } },
    ],
    [
      'syscheck hashes and a log cut by OSSEC at the end of a value',
      'Nov 22 09:00:00 srv ossec: Alert Level: 7; Rule: 550 - Integrity checksum changed.; Location: srv->syscheck; Previous MD5: aaa; Current MD5: bbb; Integrity checksum changed for: \'/etc/passwd\'',
      { vigil: { ossec: { previous_md5: 'aaa', current_md5: 'bbb' } }, message: "Integrity checksum changed for: '/etc/passwd'" },
    ],
  ])('reads %s', (_label, line, expected) => {
    expect(parse(line, { ...ctx, timezone: 'Europe/Paris' })).toMatchObject(expected);
  });

  it.each([
    ['x ossec: Alert Level: high; Rule: 1 - a; Location: h->/x; log', 'without "Alert Level: N; Rule: "'],
    ['x ossec: Alert Level: 3; Rule: abc - a; Location: h->/x; log', 'without "Rule: N - description"'],
    ['x ossec: Alert Level: 3; Rule: 1 - a; log', 'without "; Location: "'],
  ])('refuses %j', (line, reason) => {
    expect(ossecParser.parse(line, ctx)).toEqual({ failure: expect.stringContaining(reason) });
  });
});

describe('ossec parser: JSON', () => {
  it('reads a Wazuh alert about a Windows logon: account and address from data.win.eventdata', () => {
    const line = JSON.stringify({
      timestamp: '2026-11-22T09:49:32.123+0100',
      rule: { level: 5, description: 'Logon Failure - Unknown user or bad password', id: '60122', groups: ['windows', 'windows_security', 'authentication_failed'] },
      agent: { id: '007', name: 'dc01', ip: '10.0.0.9' },
      manager: { name: 'wazuh-manager' },
      id: '1795337372.5000',
      data: { win: { system: { eventID: '4625' }, eventdata: { targetUserName: 'administrator', ipAddress: '203.0.113.50', ipPort: '50123' } } },
      location: 'EventChannel',
    });
    expect(parse(line)).toEqual({
      '@timestamp': '2026-11-22T08:49:32.123Z',
      event: { kind: 'alert', category: ['intrusion_detection', 'authentication'], type: ['info'], severity: 5, module: 'wazuh', outcome: 'failure' },
      rule: { id: '60122', name: 'Logon Failure - Unknown user or bad password', description: 'Logon Failure - Unknown user or bad password' },
      observer: { product: 'wazuh', type: 'ids', hostname: 'wazuh-manager' },
      agent: { type: 'wazuh', name: 'dc01', id: '007' },
      host: { name: 'dc01', ip: ['10.0.0.9'] },
      source: { address: '203.0.113.50', ip: '203.0.113.50', port: 50123 },
      user: { name: 'administrator' },
      related: { ip: ['203.0.113.50'], user: ['administrator'] },
      tags: ['auth_failure'],
      vigil: { ossec: { format: 'json', level: 5, groups: ['windows', 'windows_security', 'authentication_failed'], alert_id: '1795337372.5000', location: 'EventChannel', dstuser: 'administrator' } },
    });
  });

  it('prefers dstuser (the target account) over srcuser, and keeps both', () => {
    const line = '{"TimeStamp":1795341000000,"rule":{"level":3,"comment":"Successful sudo to ROOT executed","sidid":5402,"group":"syslog,sudo"},"id":"1.1","srcuser":"alice","dstuser":"root","hostname":"srv","location":"/var/log/secure","full_log":"sudo: alice : COMMAND=/bin/sh"}';
    expect(parse(line)).toMatchObject({ '@timestamp': '2026-11-22T09:50:00.000Z', user: { name: 'root' }, related: { user: ['root', 'alice'] }, host: { name: 'srv' }, vigil: { ossec: { srcuser: 'alice', dstuser: 'root' } } });
  });

  it.each([
    ['{"rule": {"level": 3', 'invalid JSON alert'],
    ['{"hello": "world"}', 'not an OSSEC/Wazuh alert'],
    ['[1, 2, 3]', 'not an OSSEC/Wazuh alert'],
    ['{"rule": {"level": "high", "id": "1"}, "timestamp": "2026-11-22T09:00:00Z"}', 'not an OSSEC/Wazuh alert'],
    ['{"rule": {"level": 3, "id": "1"}}', 'without a valid "timestamp"'],
    ['{"rule": {"level": 3, "id": "1"}, "timestamp": "yesterday"}', 'without a valid "timestamp"'],
    ['Nov 22 09:00:00 host sshd[1]: nothing to do with ossec', 'not an OSSEC/Wazuh alert'],
    ['', 'not an OSSEC/Wazuh alert'],
  ])('refuses %j', (record, reason) => {
    expect(ossecParser.parse(record, ctx)).toEqual({ failure: expect.stringContaining(reason) });
  });
});

describe('ossec parser: detection and pathological input', () => {
  it.each([
    ['** Alert 1.1: - syslog,\n2017 Nov 11 00:00:01 h->/x', true],
    ['<132>Jul  8 10:58:09 srv ossec: Alert Level: 3; Rule: 5501 - x; Location: y; z', true],
    ['{"rule":{"level":3,"id":"1"},"timestamp":"2026-11-22T09:00:00Z"}', true],
    ['{"winlog":{"event_id":4625}}', false],
    ['Nov 22 09:49:32 host sshd[1]: Alert Level: 3 is just text', false],
    ['2026-11-22 09:49:32.123456 IP 1.2.3.4.5 > 6.7.8.9.22: Flags [S]', false],
  ])('detect(%j) is %s', (record, expected) => {
    expect(ossecParser.detect(record)).toBe(expected);
  });

  it('does not take an sshd line whose attacker-chosen user name spells an alert for one', () => {
    const line = 'Nov 22 09:49:32 web-01 sshd[4242]: Invalid user Alert Level: 15; Rule: 1 - x; Location: y; srcip: 10.9.9.9; from 203.0.113.5 port 4242';
    expect(ossecParser.detect(line)).toBe(false);
    expect(ossecParser.parse(line, ctx)).toEqual({ failure: expect.stringContaining('is not a syslog header') });
    expect(autoParser.parse(line, ctx)).not.toMatchObject({ event: { kind: 'alert' } });
  });

  it.each([
    ['an alerts.log block of quotes and commas', `** Alert 1.2: - ${'a,'.repeat(20_000)}\n2015 Sep 25 06:07:07 ${'(x) '.repeat(5000)}\nRule: 1 (level 1) -> '${"'".repeat(10_000)}'`],
    ['a block of label-like lines', `** Alert 1.2: - a,\n2015 Sep 25 06:07:07 h->/x\n${'k: v\n'.repeat(12_000)}`],
    ['a syslog_output line of semicolons', `x ossec: Alert Level: 3; Rule: 1 - ${'; '.repeat(30_000)}`],
    ['deeply nested JSON', `{"rule":${'['.repeat(30_000)}`],
  ])('returns on %s', (_label, record) => {
    expect(typeof ossecParser.parse(record, ctx)).toBe('object');
  });

  it('becomes an alert of the ossec dataset through the runner', () => {
    expect(toEvent(ossecParser, FULL_BLOCK, ctx).event).toMatchObject({ kind: 'alert', dataset: 'ossec', original: FULL_BLOCK });
  });
});
