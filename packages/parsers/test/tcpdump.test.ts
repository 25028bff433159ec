import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { fixtureLines, fixturesDir } from '@vigil/testkit';
import { tcpdumpParser } from '../src/tcpdump/index.ts';
import { toEvent } from '../src/index.ts';

const ctx = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };
const parse = (line: string, c = ctx) => tcpdumpParser.parse(line, c);

describe('tcpdump parser', () => {
  it.each([
    [
      'an IPv4 SYN (seed 001)',
      '2026-11-22 09:49:32.123456 IP 198.51.100.23.51234 > 10.0.0.8.22: Flags [S], seq 1, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0',
      {
        '@timestamp': '2026-11-22T09:49:32.123456Z',
        event: { category: ['network'], type: ['connection', 'start'], action: 'tcp_syn' },
        source: { ip: '198.51.100.23', port: 51234 },
        destination: { ip: '10.0.0.8', port: 22 },
        network: { transport: 'tcp', type: 'ipv4', iana_number: '6' },
        related: { ip: ['198.51.100.23', '10.0.0.8'] },
        tags: ['tcp_connection_started'],
        vigil: { tcpdump: { flags: 'S', seq: 1, win: 64240, length: 0 } },
      },
    ],
    [
      'an IPv6 segment: the port follows the last dot',
      '2025-10-03 16:27:33.363746 IP6 2604:1380:4091:ce00::b.36539 > 2604:1380:4091:ce00::d.45393: Flags [P.], seq 1110639583:1110646723, ack 3034762532, win 169, length 7140',
      {
        '@timestamp': '2025-10-03T16:27:33.363746Z',
        event: { category: ['network'], type: ['connection'], action: 'tcp_push_ack' },
        source: { ip: '2604:1380:4091:ce00::b', port: 36539 },
        destination: { ip: '2604:1380:4091:ce00::d', port: 45393 },
        network: { transport: 'tcp', type: 'ipv6', iana_number: '6' },
        related: { ip: ['2604:1380:4091:ce00::b', '2604:1380:4091:ce00::d'] },
        vigil: { tcpdump: { flags: 'P.', seq: 1110639583, win: 169, length: 7140 } },
      },
    ],
  ])('%s', (_label, line, expected) => {
    expect(parse(line)).toEqual(expected);
  });

  it('reads -tttt local time in the configured zone', () => {
    const line = '2026-07-01 12:00:00.000001 IP 192.0.2.1.1000 > 192.0.2.2.80: Flags [S], seq 9, win 1, length 0';
    expect(parse(line, { ...ctx, timezone: 'Europe/Paris' })).toMatchObject({ '@timestamp': '2026-07-01T10:00:00.000001Z' });
  });

  it('skips the packet counter of tcpdump -# and takes the date of now for a time-only line', () => {
    expect(parse('    1  2018-12-23 10:50:09.891237 IP 202.108.87.165.62146 > 223.132.53.222.22: Flags [S], seq 4082233688, win 65535, length 0')).toMatchObject({ '@timestamp': '2018-12-23T10:50:09.891237Z', source: { port: 62146 } });
    expect(parse('10:50:09.891237 IP 202.108.87.165.62146 > 223.132.53.222.22: Flags [S.], seq 1, ack 2, win 3, length 0')).toMatchObject({ '@timestamp': '2026-11-22T10:50:09.891237Z', event: { action: 'tcp_syn_ack' } });
  });

  it.each([
    ['', 'no tcpdump timestamp'],
    ['garbage', 'no tcpdump timestamp'],
    ['2026-11-22 09:49:32.1 ARP, Request who-has 10.0.0.1 tell 10.0.0.2, length 28', 'not an IP packet line'],
    ['2026-11-22 09:49:32.1 IP 10.0.0.1 > 10.0.0.2: ICMP echo request', 'source or destination is not an address.port'],
    ['2026-13-22 09:49:32.1 IP 10.0.0.1.1 > 10.0.0.2.2: Flags [S]', 'invalid date or time'],
    ['2026-11-22 09:49:32.1 IP 999.0.0.1.1 > 10.0.0.2.2: Flags [S]', 'source or destination is not an address.port'],
    ['2026-11-22 09:49:32.123456 IP 198.51.100.23.51234 > 10.0.0.8', 'no "src > dst:"'],
    ['\u0000\uFFFD binary', 'no tcpdump timestamp'],
  ])('refuses %j with a reason', (line, reason) => {
    expect(parse(line)).toEqual({ failure: expect.stringContaining(reason) });
  });

  it('stays linear on a pathological 64 KiB line', () => {
    const line = `2026-11-22 09:49:32.1 IP ${'1.'.repeat(32_000)} > ${'.'.repeat(1000)}: Flags [${'S'.repeat(1000)}`;
    expect(parse(line)).toEqual({ failure: 'source or destination is not an address.port' });
  });

  const derived = readdirSync(join(fixturesDir(), 'tcpdump-derived')).filter((f) => f.endsWith('.txt') && f !== 'TOOL_VERSION.txt');

  it('parses every line tcpdump 4.99 printed for the upstream test captures, each SYN tagged', () => {
    let syn = 0;
    let lines = 0;
    for (const file of derived) {
      for (const line of fixtureLines(`tcpdump-derived/${file}`)) {
        lines += 1;
        const event = toEvent(tcpdumpParser, line, ctx);
        expect(event.event.kind).toBe('event');
        expect(event.network?.transport).toBe('tcp');
        if (file.includes('.syn-')) {
          expect(event.tags).toEqual(['tcp_connection_started']);
          syn += 1;
        }
      }
    }
    expect(syn).toBe(48); // SOURCES.md: 48 SYN lines in the *.syn-tttt.txt files
    expect(lines).toBe(48 + 3 + 1 + 1 + 1 + 54);
  });

  it('tags only the client SYN of a whole ssh conversation', () => {
    const events = fixtureLines('tcpdump-derived/ssh.all-tttt.txt').map((l) => toEvent(tcpdumpParser, l, ctx));
    expect(events.every((e) => e.event.kind === 'event')).toBe(true);
    expect(events.filter((e) => e.tags?.includes('tcp_connection_started')).map((e) => [e.source?.ip, e.destination?.port])).toEqual([['202.108.87.165', 22]]);
  });

  it('reads the upstream .out files with their packet counters', () => {
    const events = fixtureLines('tcpdump/ssh.out').map((l) => parse(l));
    expect(events.filter((e) => 'failure' in e)).toEqual([]);
  });
});
