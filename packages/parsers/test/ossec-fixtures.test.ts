// The OSSEC/Wazuh parser over third-party alerts (../shared/fixtures): every alerts.log block is one
// record and one event; JSON and syslog_output lines one each; broken records become failures.
import { describe, expect, it } from '@jest/globals';
import { fixtureLines, readFixture } from '@vigil/testkit';
import { ossecParser } from '../src/ossec/index.ts';
import type { EcsEvent } from '@vigil/core';
import { isFailure, MAX_RECORD_BYTES, toEvent, type ParseContext, type ParsedFields } from '../src/index.ts';
import { linesOf, recordsOf } from './frame.ts';

const ctx: ParseContext = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };

const events = (texts: string[], c: ParseContext = ctx): EcsEvent[] => texts.map((t) => toEvent(ossecParser, t, c));
const blocks = (text: string): string[] => recordsOf(ossecParser, text).map((r) => r.text);
const alertCount = (text: string): number => text.split('\n').filter((l) => l.startsWith('** Alert ')).length;

/** The indented lines of each `.. code-block:: <language>` of a reStructuredText file, dedented. */
function rstCodeBlocks(rst: string, language: string): string[] {
  const out: string[] = [];
  const lines = rst.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i]?.trim() !== `.. code-block:: ${language}`) continue;
    const body: string[] = [];
    for (i += 1; i < lines.length && (lines[i] === '' || lines[i]?.startsWith('   ') === true); i += 1) body.push((lines[i] as string).slice(3));
    out.push(body.join('\n').trim());
    i -= 1;
  }
  return out;
}

/** JSON lines of a documentation block: a line that does not start an object continues the one before (a wrapped line). */
function jsonLines(block: string): string[] {
  const out: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('{') || out.length === 0) out.push(line);
    else out[out.length - 1] += line;
  }
  return out;
}

/** The `alert_sample: '...'` values of a Wazuh integratord test-case YAML: single-quoted scalars, folded. */
function yamlAlertSamples(yaml: string): string[] {
  const out: string[] = [];
  const lines = yaml.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const at = lines[i]?.indexOf("alert_sample: '") ?? -1;
    if (at === -1) continue;
    const parts = [(lines[i] as string).slice(at + 15)];
    while (!(parts[parts.length - 1] as string).trimEnd().endsWith("'") && i + 1 < lines.length) parts.push((lines[(i += 1)] as string).trim());
    out.push(parts.map((p) => p.trimEnd()).join(' ').replace(/'$/, '').replace(/''/g, "'"));
  }
  return out;
}

describe('ossec fixtures: alerts.log', () => {
  it.each(['perl-ossec-log-parse/alerts.log', 'excerpts/ossec-alerts-log.log'])('%s: one record per "** Alert" line, starting at its byte offset', (path) => {
    const text = readFixture(path);
    const starts = linesOf(text).filter((l) => l.text.startsWith('** Alert ')).map((l) => l.offset);
    const records = recordsOf(ossecParser, text);
    expect(records.map((r) => r.offset)).toEqual(starts);
    expect(records.map((r) => r.end)).toEqual([...starts.slice(1), Buffer.byteLength(text)]);
    expect(records.every((r) => !r.text.endsWith('\n'))).toBe(true);
  });

  it('perl-ossec-log-parse/alerts.log (real OSSEC 2.8): 3 blocks, 3 alerts', () => {
    const text = readFixture('perl-ossec-log-parse/alerts.log');
    const [first, second, third] = events(blocks(text));
    expect(alertCount(text)).toBe(3);
    expect(blocks(text)).toHaveLength(3);
    expect(first).toMatchObject({
      '@timestamp': '2015-09-25T06:07:07.000Z',
      event: { kind: 'alert', dataset: 'ossec', severity: 4, outcome: 'success', category: ['intrusion_detection', 'authentication'] },
      rule: { id: '10100', name: 'First time user logged in.', description: 'First time user logged in.' },
      source: { ip: '10.0.0.2' },
      user: { name: 'phirelight' },
      agent: { name: 'i7dev' },
      host: { name: 'i7dev', ip: ['10.0.0.4'] },
      related: { ip: ['10.0.0.2'], user: ['phirelight'] },
      tags: ['auth_success'],
      message: 'Sep 25 06:07:06 i7dev sshd[17673]: Accepted publickey for phirelight from 10.0.0.2 port 44857 ssh2: RSA 00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00',
      vigil: { ossec: { format: 'alerts_log', level: 4, groups: ['syslog', 'fts', 'authentication_success'], alert_id: '1443175627.1028', location: '(i7dev) 10.0.0.4->/var/log/auth.log', dstuser: 'phirelight' } },
    });
    expect(second).toMatchObject({ rule: { id: '5303' }, event: { severity: 3 }, user: { name: 'root' }, host: { name: 'server' }, vigil: { ossec: { groups: ['syslog', 'su', 'authentication_success'] } } });
    expect(third).toMatchObject({ rule: { id: '531', name: 'Partition usage reached 100% (disk space monitor).' }, event: { severity: 7 }, host: { name: 'devG8-1' }, message: "ossec: output: 'df -h': /dev/mapper/devG8--1--vg-root  521G  490G  4.5G 100% /", vigil: { ossec: { location: 'devG8-1->df -h', groups: ['ossec', 'low_diskspace'] } } });
    expect([second?.agent, third?.source, third?.tags]).toEqual([undefined, undefined, undefined]);
  });

  it('excerpts/ossec-alerts-log.log: an OSSEC and a Wazuh brute-force block', () => {
    const text = readFixture('excerpts/ossec-alerts-log.log');
    expect(alertCount(text)).toBe(2);
    expect(events(blocks(text)).map((e) => [e['@timestamp'], e.rule?.id, e.source?.ip, e.host?.name, e.tags, e.event.outcome])).toEqual([
      ['2014-08-17T11:13:38.000Z', '5710', '10.0.0.3', 'localhost', ['auth_failure'], 'failure'],
      ['2019-10-15T21:09:56.000Z', '5710', '18.18.18.18', 'agent', ['auth_failure'], 'failure'],
    ]);
  });

  it('ossec-docs/alerts.rst: 4 alerts.log blocks that are the JSON samples beside them (server in US Eastern time)', () => {
    const rst = readFixture('ossec-docs/alerts.rst');
    const [console_] = rstCodeBlocks(rst, 'console');
    const [json] = rstCodeBlocks(rst, 'json');
    const eastern = { ...ctx, timezone: 'America/New_York' };
    const fromLog = events(blocks(console_ ?? ''), eastern);
    const fromJson = events(jsonLines(json ?? ''));
    expect([fromLog.length, fromJson.length]).toEqual([4, 9]);
    expect(fromLog.filter((e) => e.event.kind !== 'alert')).toEqual([]);
    expect(fromJson.filter((e) => e.event.kind !== 'alert')).toEqual([]);
    const key = (e: EcsEvent) => [e['@timestamp'], e.rule?.id, e.rule?.name, e.event.severity, (e.vigil?.ossec as Record<string, unknown>).alert_id, e.message];
    expect(fromLog.map(key)).toEqual(fromJson.slice(0, 4).map(key));
    expect(fromLog.map((e) => [e.host?.name, e.agent?.name, e.user?.name])).toEqual([
      ['ix', undefined, undefined],
      ['junction', 'junction', undefined],
      ['ubnt', undefined, 'root'],
      ['ubnt', undefined, undefined],
    ]);
  });
});

describe('ossec fixtures: syslog_output', () => {
  it('excerpts/ossec-syslog-output-default.log: anchored on the keys', () => {
    const [first, second] = events(fixtureLines('excerpts/ossec-syslog-output-default.log'));
    expect(first).toMatchObject({
      '@timestamp': '2026-07-25T12:17:41.000Z',
      event: { kind: 'alert', severity: 3 },
      rule: { id: '5715', description: 'SSHD authentication success.' },
      source: { ip: '192.168.2.190' },
      user: { name: 'root' },
      agent: { name: 'jul' },
      host: { name: 'jul', ip: ['192.168.2.0'] },
      observer: { hostname: 'enigma' },
      message: 'Jul 25 13:26:24 slacker sshd[20440]: Accepted password for root from 192.168.2.190 port 49737 ssh2',
    });
    expect(second).toMatchObject({ rule: { id: '5710', name: 'Attempt to login using a non-existent user' }, source: { ip: '10.0.0.3' }, host: { name: 'localhost' }, observer: { hostname: 'ossec' }, message: 'Aug 17 11:13:38 localhost sshd[3029]: Failed none for invalid user vic from 10.0.0.3 port 8400 ssh2' });
  });

  it('vichargrave-using-morphlines/ossec.syslog: <PRI> and classification', () => {
    const lines = fixtureLines('vichargrave-using-morphlines/ossec.syslog');
    expect(events(lines).map((e) => [e['@timestamp'], e.rule?.id, e.event.severity, (e.vigil?.ossec as Record<string, unknown>).groups, e.tags])).toEqual([
      ['2026-07-08T10:58:09.000Z', '5501', 3, ['pam', 'syslog', 'authentication_success'], ['auth_success']],
      ['2026-07-08T10:58:55.000Z', '1002', 2, ['syslog', 'errors'], undefined],
    ]);
    expect(events(lines)[1]?.message).toMatch(/^Jul {2}8 10:58:54 ossec-server firefox\.desktop: .*Loading extension '\{cd7e22de-.*WebExtension manifest\.$/);
  });
});

describe('ossec fixtures: JSON', () => {
  it('excerpts/ossec-alerts.jsonl: 9 OSSEC-native alerts', () => {
    const all = events(fixtureLines('excerpts/ossec-alerts.jsonl'));
    expect(all.map((e) => [e.event.kind, e.rule?.id, e.event.module])).toEqual(
      ['1005', '53508', '5402', '5501', '5502', '5402', '5501', '5502', '5402'].map((id) => ['alert', id, 'ossec']),
    );
    expect(all[0]).toMatchObject({ '@timestamp': '2017-11-11T05:00:01.000Z', rule: { name: 'Syslogd restarted.' }, event: { severity: 5 }, host: { name: 'ix' }, observer: { product: 'ossec' }, message: 'Nov 11 00:00:01 ix syslogd[72090]: restart' });
    expect(all[1]).toMatchObject({ agent: { name: 'junction' }, host: { name: 'junction', ip: ['192.168.17.17'] } });
    expect(all[2]).toMatchObject({ user: { name: 'root' }, vigil: { ossec: { srcuser: 'root', dstuser: 'root', decoder: 'sudo' } } });
  });

  it('excerpts/wazuh-alerts.jsonl: Wazuh alerts, srcuser is the attempted account when there is no dstuser', () => {
    const [brute, invalid] = events(fixtureLines('excerpts/wazuh-alerts.jsonl'));
    expect(brute).toMatchObject({
      '@timestamp': '2022-05-11T12:29:19.905Z',
      rule: { id: '5712', name: 'sshd: brute force trying to get access to the system. Non existent user.' },
      event: { kind: 'alert', severity: 10, outcome: 'failure', module: 'wazuh' },
      source: { ip: '172.17.1.1', port: 56404 },
      user: { name: 'paco' },
      agent: { id: '000', name: 'localhost.localdomain' },
      observer: { product: 'wazuh', hostname: 'localhost.localdomain' },
      tags: ['auth_failure'],
      message: 'May 11 12:29:18 localhost sshd[17584]: Invalid user paco from 172.17.1.1 port 56404',
      vigil: { ossec: { srcuser: 'paco', decoder: 'sshd', mitre: { id: ['T1110'], tactic: ['Credential Access'], technique: ['Brute Force'] } } },
    });
    expect((brute?.vigil?.ossec as Record<string, unknown>).previous_output).toMatch(/^May 11 12:29:16 localhost sshd\[17582\]: Invalid user paco/);
    expect(invalid).toMatchObject({ '@timestamp': '2019-10-15T19:07:57.741Z', agent: { id: '001', name: 'linux-agent' }, source: { ip: '18.18.18.18', port: 48928 }, user: { name: 'blimey' } });
  });

  it('the Wazuh alerts.log block and its JSON twin give the same alert', () => {
    const [, logBlock] = events(blocks(readFixture('excerpts/ossec-alerts-log.log')));
    const [, json] = events(fixtureLines('excerpts/wazuh-alerts.jsonl'));
    const key = (e: EcsEvent | undefined) => [e?.rule?.id, e?.rule?.name, e?.event.severity, e?.source?.ip, (e?.vigil?.ossec as Record<string, unknown>).alert_id, e?.message, e?.tags];
    expect(key(logBlock)).toEqual(key(json));
  });

  it('ossec-docs/json.rst: the documented (pretty-printed) alert, compacted', () => {
    const [example] = rstCodeBlocks(readFixture('ossec-docs/json.rst'), 'json');
    const line = JSON.stringify(JSON.parse(example ?? ''));
    expect(toEvent(ossecParser, line, ctx)).toMatchObject({ '@timestamp': '2026-06-28T12:00:00.000Z', rule: { id: '5715' }, agent: { id: '001', name: 'agent01' }, observer: { hostname: 'ossec-manager' }, tags: ['auth_success'], vigil: { ossec: { decoder: 'sshd' } } });
  });

  it('wazuh integratord cases: the valid sample (YAML-folded) is the alert of excerpts/wazuh-alerts.jsonl', () => {
    const [valid] = yamlAlertSamples(readFixture('wazuh/cases_integratord_read_valid_json_alerts.yaml'));
    const [inode] = yamlAlertSamples(readFixture('wazuh/cases_integratord_change_inode_alert.yaml'));
    const [twin] = fixtureLines('excerpts/wazuh-alerts.jsonl');
    expect(JSON.parse(valid ?? '')).toEqual(JSON.parse(twin ?? ''));
    expect(ossecParser.parse(valid ?? '', ctx)).toEqual(ossecParser.parse(twin ?? '', ctx));
    expect(ossecParser.parse(inode ?? '', ctx)).toEqual(ossecParser.parse(twin ?? '', ctx));
  });

  it('wazuh integratord cases: the broken and the overlong samples become failures, not crashes', () => {
    const [broken, overlong] = yamlAlertSamples(readFixture('wazuh/cases_integratord_read_invalid_json_alerts.yaml'));
    expect(toEvent(ossecParser, broken ?? '', ctx)).toMatchObject({ event: { kind: 'pipeline_error', dataset: 'ossec', original: broken }, error: { message: expect.stringContaining('invalid JSON alert'), type: 'ossec_parse_failure' } });
    // integratord pads agent.name past 64 KiB: the runner cuts the record, the JSON no longer closes
    const padded = (overlong ?? '').replace('"padding_input"', `"${'x'.repeat(MAX_RECORD_BYTES)}"`);
    const event = toEvent(ossecParser, padded, ctx);
    expect(event).toMatchObject({ event: { kind: 'pipeline_error' }, error: { message: expect.stringContaining('invalid JSON alert') }, tags: ['_parse_failure', 'truncated'] });
    expect(Buffer.byteLength(event.event.original)).toBe(MAX_RECORD_BYTES);
    const parsedOverlong = ossecParser.parse(overlong ?? '', ctx);
    expect(isFailure(parsedOverlong) ? parsedOverlong.failure : (parsedOverlong as ParsedFields).agent?.name).toBe('padding_input'); // unpadded, it is a valid alert
  });
});
