import { describe, expect, it } from '@jest/globals';
import { fixtureLines, readFixture } from '@vigil/testkit';
import { ossecParser } from '../src/ossec/index.ts';
import { toEvent } from '../src/index.ts';
import { recordsOf } from './frame.ts';

const ctx = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };

const records = (text: string) => recordsOf(ossecParser, text);

describe('ossec parser: alerts.log', () => {
  it('makes one record per alert block and reads every field (perl-ossec-log-parse, real OSSEC 2.8)', () => {
    const recs = records(readFixture('perl-ossec-log-parse/alerts.log'));
    expect(recs).toHaveLength(3);
    const first = toEvent(ossecParser, recs[0]!.text, ctx);
    expect(first).toMatchObject({
      '@timestamp': '2015-09-25T06:07:07.000Z',
      event: { kind: 'alert', dataset: 'ossec', severity: 4, outcome: 'success', module: 'ossec' },
      rule: { id: '10100', name: 'First time user logged in.' },
      source: { ip: '10.0.0.2' },
      user: { name: 'phirelight' },
      agent: { name: 'i7dev' },
      tags: ['auth_success'],
      message: expect.stringMatching(/^Sep 25 06:07:06 i7dev sshd\[17673\]: Accepted publickey for phirelight/),
      vigil: { ossec: { level: 4, groups: ['syslog', 'fts', 'authentication_success'], alert_id: '1443175627.1028', location: '(i7dev) 10.0.0.4->/var/log/auth.log' } },
    });
    const third = toEvent(ossecParser, recs[2]!.text, ctx);
    expect(third).toMatchObject({ rule: { id: '531' }, event: { severity: 7 }, host: { hostname: 'devG8-1' } });
    expect(third.source).toBeUndefined();
  });

  it('reads the Wazuh alerts.log twin of a brute force (excerpts)', () => {
    const recs = records(readFixture('excerpts/ossec-alerts-log.log'));
    expect(recs.map((r) => toEvent(ossecParser, r.text, ctx)).map((e) => [e.rule?.id, e.source?.ip, e.tags])).toEqual([
      ['5710', '10.0.0.3', ['auth_failure']],
      ['5710', '18.18.18.18', ['auth_failure']],
    ]);
  });

  it('reads alerts.log dates in the configured zone', () => {
    const rec = records(readFixture('excerpts/ossec-alerts-log.log'))[0]!;
    expect(toEvent(ossecParser, rec.text, { ...ctx, timezone: 'America/New_York' })['@timestamp']).toBe('2014-08-17T15:13:38.000Z');
  });
});

describe('ossec parser: syslog_output', () => {
  it('anchors on the keys, so a ";" inside the description or the log line does no harm', () => {
    const [first, second] = fixtureLines('excerpts/ossec-syslog-output-default.log').map((l) => toEvent(ossecParser, l, ctx));
    expect(first).toMatchObject({
      event: { kind: 'alert', severity: 3 },
      rule: { id: '5715', description: 'SSHD authentication success.' },
      source: { ip: '192.168.2.190' },
      user: { name: 'root' },
      agent: { name: 'jul' },
      message: 'Jul 25 13:26:24 slacker sshd[20440]: Accepted password for root from 192.168.2.190 port 49737 ssh2',
    });
    expect(second).toMatchObject({ rule: { id: '5710' }, source: { ip: '10.0.0.3' }, host: { hostname: 'localhost' } });
    const line = 'Jul 25 12:17:41 enigma ossec: Alert Level: 3; Rule: 1 - a; b; Location: h->/x; srcip: 10.1.1.1; msg; with; semis';
    expect(toEvent(ossecParser, line, ctx)).toMatchObject({ rule: { description: 'a; b' }, source: { ip: '10.1.1.1' }, message: 'msg; with; semis' });
  });

  it('reads the <PRI> and classification form (using-morphlines sample)', () => {
    const events = fixtureLines('vichargrave-using-morphlines/ossec.syslog').map((l) => toEvent(ossecParser, l, ctx));
    expect(events.map((e) => [e.rule?.id, e.vigil?.ossec])).toEqual([
      ['5501', expect.objectContaining({ level: 3, groups: ['pam', 'syslog', 'authentication_success'] })],
      ['1002', expect.objectContaining({ level: 2, groups: ['syslog', 'errors'] })],
    ]);
  });
});

describe('ossec parser: JSON', () => {
  it('reads every OSSEC-native alerts.json sample', () => {
    const events = fixtureLines('excerpts/ossec-alerts.jsonl').map((l) => toEvent(ossecParser, l, ctx));
    expect(events.filter((e) => e.event.kind !== 'alert')).toEqual([]);
    expect(events[0]).toMatchObject({ '@timestamp': '2017-11-11T05:00:01.000Z', rule: { id: '1005', name: 'Syslogd restarted.' }, event: { severity: 5 }, host: { hostname: 'ix' }, observer: { product: 'ossec' } });
  });

  it('reads Wazuh alerts: dstuser is the target account, srcuser is kept', () => {
    const [first] = fixtureLines('excerpts/wazuh-alerts.jsonl').map((l) => toEvent(ossecParser, l, ctx));
    expect(first).toMatchObject({
      '@timestamp': '2022-05-11T12:29:19.905Z',
      rule: { id: '5712' },
      event: { severity: 10, outcome: 'failure', module: 'wazuh' },
      source: { ip: '172.17.1.1' },
      agent: { id: '000', name: 'localhost.localdomain' },
      tags: ['auth_failure'],
      observer: { product: 'wazuh' },
    });
  });

  it('turns broken and non-alert JSON into failures, never a crash', () => {
    expect(ossecParser.parse('{"rule": {"level": 3', ctx)).toEqual({ failure: expect.stringContaining('invalid JSON alert') });
    expect(ossecParser.parse('{"hello": "world"}', ctx)).toEqual({ failure: expect.stringContaining('not an OSSEC/Wazuh alert') });
    expect(ossecParser.parse('Nov 22 09:00:00 host sshd[1]: nothing to do with ossec', ctx)).toEqual({ failure: expect.stringContaining('not an OSSEC/Wazuh alert') });
  });

  it('stays linear on a pathological 64 KiB record', () => {
    const text = `** Alert 1.2: - ${'a,'.repeat(20_000)}\n2015 Sep 25 06:07:07 ${'(x) '.repeat(5000)}\nRule: 1 (level 1) -> '${"'".repeat(10_000)}'`;
    expect(ossecParser.parse(text, ctx)).toMatchObject({ rule: { id: '1' } });
  });
});
