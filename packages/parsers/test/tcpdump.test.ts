// The tcpdump parser on lines written here; the third-party captures are in tcpdump-fixtures.test.ts.
import { describe, expect, it } from '@jest/globals';
import { tcpdumpParser } from '../src/tcpdump/index.ts';
import { isFailure, isoWithFraction, toEvent, zonedToEpochMs, type ParseContext, type ParsedFields } from '../src/index.ts';

const ctx: ParseContext = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };
const paris = (now = ctx.now): ParseContext => ({ timezone: 'Europe/Paris', now });

function parse(line: string, c: ParseContext = ctx): ParsedFields {
  const result = tcpdumpParser.parse(line, c);
  if (isFailure(result)) throw new Error(`expected ${JSON.stringify(line)} to parse, got: ${result.failure}`);
  return result;
}

const SEED = '2026-11-22 09:49:32.123456 IP 198.51.100.23.51234 > 10.0.0.8.22: Flags [S], seq 1, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0';

describe('tcpdump parser: whole events', () => {
  it.each<[string, string, ParsedFields]>([
    [
      'an IPv4 SYN as seed 001 captures it',
      SEED,
      {
        '@timestamp': '2026-11-22T09:49:32.123456Z',
        event: { module: 'tcpdump', category: ['network'], type: ['connection', 'start'], action: 'tcp_syn' },
        source: { ip: '198.51.100.23', port: 51234 },
        destination: { ip: '10.0.0.8', port: 22 },
        network: { transport: 'tcp', type: 'ipv4', iana_number: '6' },
        related: { ip: ['198.51.100.23', '10.0.0.8'] },
        tags: ['tcp_connection_started'],
        vigil: { tcpdump: { flags: 'S', seq: 1, win: 64240, options: 'mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7', length: 0 } },
      },
    ],
    [
      'an IPv6 SYN: the port follows the last dot',
      '2026-11-22 09:49:32.000001 IP6 2001:db8::1.443 > 2001:db8::2.51000: Flags [S], seq 7, win 65535, options [mss 1440,sackOK], length 0',
      {
        '@timestamp': '2026-11-22T09:49:32.000001Z',
        event: { module: 'tcpdump', category: ['network'], type: ['connection', 'start'], action: 'tcp_syn' },
        source: { ip: '2001:db8::1', port: 443 },
        destination: { ip: '2001:db8::2', port: 51000 },
        network: { transport: 'tcp', type: 'ipv6', iana_number: '6' },
        related: { ip: ['2001:db8::1', '2001:db8::2'] },
        tags: ['tcp_connection_started'],
        vigil: { tcpdump: { flags: 'S', seq: 7, win: 65535, options: 'mss 1440,sackOK', length: 0 } },
      },
    ],
    [
      'a SYN-ACK: parsed, not a connection start',
      '2026-11-22 09:49:32.200000 IP 10.0.0.8.22 > 198.51.100.23.51234: Flags [S.], seq 99, ack 2, win 28960, options [mss 1460], length 0',
      {
        '@timestamp': '2026-11-22T09:49:32.200000Z',
        event: { module: 'tcpdump', category: ['network'], type: ['connection'], action: 'tcp_syn_ack' },
        source: { ip: '10.0.0.8', port: 22 },
        destination: { ip: '198.51.100.23', port: 51234 },
        network: { transport: 'tcp', type: 'ipv4', iana_number: '6' },
        related: { ip: ['10.0.0.8', '198.51.100.23'] },
        vigil: { tcpdump: { flags: 'S.', seq: 99, ack: 2, win: 28960, options: 'mss 1460', length: 0 } },
      },
    ],
    [
      'a push with a sequence range and the payload decoder output',
      '2026-11-22 09:49:33.000000 IP 198.51.100.23.51234 > 10.0.0.8.22: Flags [P.], seq 1:22, ack 1, win 4096, length 21: SSH: SSH-2.0-OpenSSH_9.6',
      {
        '@timestamp': '2026-11-22T09:49:33.000000Z',
        event: { module: 'tcpdump', category: ['network'], type: ['connection'], action: 'tcp_push_ack' },
        source: { ip: '198.51.100.23', port: 51234 },
        destination: { ip: '10.0.0.8', port: 22 },
        network: { transport: 'tcp', type: 'ipv4', iana_number: '6' },
        related: { ip: ['198.51.100.23', '10.0.0.8'] },
        vigil: { tcpdump: { flags: 'P.', seq: 1, seq_end: 22, ack: 1, win: 4096, length: 21, info: 'SSH: SSH-2.0-OpenSSH_9.6' } },
      },
    ],
    [
      'an ICMP packet: addresses without ports, a minimal network event',
      '2026-11-22 09:49:34.5 IP 203.0.113.9 > 10.0.0.8: ICMP echo request, id 7, seq 1, length 64',
      {
        '@timestamp': '2026-11-22T09:49:34.500Z',
        event: { module: 'tcpdump', category: ['network'], type: ['info'], action: 'icmp_packet' },
        source: { ip: '203.0.113.9' },
        destination: { ip: '10.0.0.8' },
        network: { type: 'ipv4', transport: 'icmp', iana_number: '1' },
        related: { ip: ['203.0.113.9', '10.0.0.8'] },
        vigil: { tcpdump: { info: 'ICMP echo request, id 7, seq 1, length 64' } },
      },
    ],
  ])('%s', (_label, line, expected) => {
    expect(parse(line)).toEqual(expected);
  });
});

describe('tcpdump parser: flags', () => {
  const line = (flags: string) => `2026-11-22 09:49:32.123456 IP 198.51.100.23.51234 > 10.0.0.8.22: Flags [${flags}], seq 1, win 512, length 0`;
  it.each([
    ['S', 'tcp_syn', ['connection', 'start'], ['tcp_connection_started']],
    ['SEW', 'tcp_syn_ece_cwr', ['connection', 'start'], ['tcp_connection_started']],
    ['S.', 'tcp_syn_ack', ['connection'], undefined],
    ['.', 'tcp_ack', ['connection'], undefined],
    ['P.', 'tcp_push_ack', ['connection'], undefined],
    ['FP.', 'tcp_fin_push_ack', ['connection', 'end'], undefined],
    ['R', 'tcp_rst', ['connection', 'end'], undefined],
    ['R.', 'tcp_rst_ack', ['connection', 'end'], undefined],
    ['.Ue', 'tcp_ack_urg_ae', ['connection'], undefined],
    ['none', 'tcp_none', ['connection'], undefined],
  ])('[%s] → %s', (flags, action, type, tags) => {
    const event = parse(line(flags));
    expect([event.event?.action, event.event?.type, event.tags, event.vigil?.tcpdump]).toEqual([action, type, tags, { flags, seq: 1, win: 512, length: 0 }]);
  });
});

describe('tcpdump parser: time', () => {
  it('reads -tttt as local time of the configured zone (summer and winter offsets)', () => {
    expect(parse('2026-07-01 12:00:00.000001 IP 192.0.2.1.1000 > 192.0.2.2.80: Flags [S], seq 9, win 1, length 0', paris())['@timestamp']).toBe('2026-07-01T10:00:00.000001Z');
    expect(parse('2026-12-01 12:00:00.000001 IP 192.0.2.1.1000 > 192.0.2.2.80: Flags [S], seq 9, win 1, length 0', paris())['@timestamp']).toBe('2026-12-01T11:00:00.000001Z');
  });

  it('keeps the cached second per zone: the same line in two zones, alternately', () => {
    const times = [ctx, paris(), ctx, paris()].map((c) => parse(SEED, c)['@timestamp']);
    expect(times).toEqual(['2026-11-22T09:49:32.123456Z', '2026-11-22T08:49:32.123456Z', '2026-11-22T09:49:32.123456Z', '2026-11-22T08:49:32.123456Z']);
  });

  it.each([
    ['Europe/Paris', ['2026-03-29 01:59:59', '2026-03-29 02:30:00', '2026-03-29 03:00:00', '2026-10-25 02:30:00', '2026-10-25 03:00:01']],
    ['Australia/Lord_Howe', ['2026-10-04 01:59:59', '2026-10-04 02:15:00', '2026-10-04 02:45:00', '2026-04-05 01:45:00']],
    ['Asia/Kolkata', ['2026-11-22 09:49:32', '2026-11-22 09:49:33']],
    ['Africa/Monrovia', ['1971-06-01 12:00:07', '1972-01-07 00:00:00', '1972-01-07 00:44:31']],
  ])('agrees with zonedToEpochMs second by second in %s (DST changes, odd offsets)', (zone, times) => {
    for (const t of times) {
      const [date, clock] = t.split(' ') as [string, string];
      const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
      const [h, mi, sec] = clock.split(':').map(Number) as [number, number, number];
      const expected = isoWithFraction(zonedToEpochMs(y, mo, d, h, mi, sec, 0, zone), '250000');
      expect([t, parse(`${t}.250000 IP 192.0.2.1.1 > 192.0.2.2.22: Flags [S], seq 1, win 2, length 0`, { ...ctx, timezone: zone })['@timestamp']]).toEqual([t, expected]);
    }
  });

  it('cuts nanoseconds (tcpdump --nano) to microseconds', () => {
    expect(parse('2026-11-22 09:49:32.123456789 IP 192.0.2.1.1000 > 192.0.2.2.80: Flags [S], seq 9, win 1, length 0')['@timestamp']).toBe('2026-11-22T09:49:32.123456Z');
  });

  it.each([
    ['a time of day only: the date of now in the zone', '10:50:09.891237 IP 192.0.2.1.1 > 192.0.2.2.22: Flags [S], seq 1, win 2, length 0', ctx, '2026-11-22T10:50:09.891237Z'],
    ['a time of day just before midnight, read just after it: the day before', '23:59:59.999999 IP 192.0.2.1.1 > 192.0.2.2.22: Flags [S], seq 1, win 2, length 0', paris(new Date('2026-11-22T23:05:00Z')), '2026-11-22T22:59:59.999999Z'],
    ['a time of day a few minutes after now (clock skew): today', '00:10:00.000000 IP 192.0.2.1.1 > 192.0.2.2.22: Flags [S], seq 1, win 2, length 0', paris(new Date('2026-11-22T23:05:00Z')), '2026-11-22T23:10:00.000000Z'],
    ['no time at all (tcpdump -t): now', 'IP 192.0.2.1.1 > 192.0.2.2.22: Flags [S], seq 1, win 2, length 0', ctx, '2026-11-22T12:00:00.000Z'],
    ['a packet counter (tcpdump -#) before the time', '   12  2026-11-22 09:49:32.123456 IP 192.0.2.1.1 > 192.0.2.2.22: Flags [S], seq 1, win 2, length 0', ctx, '2026-11-22T09:49:32.123456Z'],
  ])('%s', (_label, line, c, timestamp) => {
    expect(parse(line, c)['@timestamp']).toBe(timestamp);
  });
});

describe('tcpdump parser: failures and detection', () => {
  it.each([
    ['', 'no tcpdump timestamp'],
    ['garbage', 'no tcpdump timestamp'],
    ['\u0000\uFFFD binary', 'no tcpdump timestamp'],
    ['2026-11-22 09:49:32.123456 ARP, Request who-has 10.0.0.1 tell 10.0.0.2, length 28', 'not an IP packet line'],
    ['2026-11-22 09:49:32.123456 IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 60)', 'no "src > dst:" addresses in the IP packet line'],
    ['2026-11-22 09:49:32.123456 IP6  [version 3 != 6] (invalid)', 'no "src > dst:" addresses in the IP6 packet line'],
    ['2026-11-22 09:49:32.123456 IP 999.0.0.1.1 > 10.0.0.2.2: Flags [S]', 'no "src > dst:" addresses'],
    ['2026-11-22 09:49:32.123456 IP 10.0.0.1.70000 > 10.0.0.2.2: Flags [S]', 'no "src > dst:" addresses'],
    ['2026-11-22 09:49:32.123456 IP 010.0.0.1.1 > 10.0.0.2.2: Flags [S]', 'no "src > dst:" addresses'],
    ['2026-11-22 09:49:32.123456 IP6 2001:db8:::1.1 > 2001:db8::2.2: Flags [S]', 'no "src > dst:" addresses'],
    ['2026-11-22 09:49:32.123456 IP 198.51.100.23.51234 > 10.0.0.8', 'no "src > dst:" addresses'],
    ['2026-13-22 09:49:32.123456 IP 10.0.0.1.1 > 10.0.0.2.2: Flags [S]', 'invalid tcpdump -tttt time'],
    ['2026-02-30 09:49:32.123456 IP 10.0.0.1.1 > 10.0.0.2.2: Flags [S]', 'invalid tcpdump -tttt time'],
    ['2026-11-22 09:49:32 IP 10.0.0.1.1 > 10.0.0.2.2: Flags [S]', 'invalid tcpdump -tttt time'],
    ['25:00:00.000000 IP 10.0.0.1.1 > 10.0.0.2.2: Flags [S]', 'invalid tcpdump time'],
  ])('refuses %j', (line, reason) => {
    expect(tcpdumpParser.parse(line, ctx)).toEqual({ failure: expect.stringContaining(reason) });
  });

  it('turns an unknown zone into a failure, not a throw', () => {
    expect(tcpdumpParser.parse(SEED, { ...ctx, timezone: 'Mars/Olympus' })).toEqual({ failure: expect.stringContaining('invalid tcpdump -tttt time') });
  });

  it.each([
    [SEED, true],
    ['    1  2018-12-23 10:50:09.891237 IP 202.108.87.165.62146 > 223.132.53.222.22: Flags [S], seq 1, win 2, length 0', true],
    ['10:50:09.891237 IP6 2001:db8::1.1 > 2001:db8::2.2: Flags [S], seq 1, win 2, length 0', true],
    ['IP 192.0.2.1.1 > 192.0.2.2.22: Flags [S], seq 1, win 2, length 0', true],
    ['Nov 22 09:49:32 host kernel: IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP SYN', false],
    ['2026-11-22T09:49:32.123456+00:00 IP sshd[1]: a > b', false],
    ['2026-11-22 09:49:32.123456 ARP, Request who-has 10.0.0.1 tell 10.0.0.2, length 28', false],
    ['** Alert 1540000000.12345: - syslog,sshd,', false],
    ['', false],
  ])('detect(%j) is %s', (line, expected) => {
    expect(tcpdumpParser.detect(line)).toBe(expected);
  });

  it.each([
    ['addresses of dots', `2026-11-22 09:49:32.123456 IP ${'1.'.repeat(32_000)} > ${'.'.repeat(1000)}: Flags [${'S'.repeat(1000)}`],
    ['nested option brackets never closed', `2026-11-22 09:49:32.123456 IP 10.0.0.1.1 > 10.0.0.2.2: Flags [S], options [${'['.repeat(30_000)}`],
    ['items without end', `2026-11-22 09:49:32.123456 IP 10.0.0.1.1 > 10.0.0.2.2: Flags [S]${', seq '.repeat(10_000)}`],
    ['digits', `${'9'.repeat(60_000)}  2026-11-22 09:49:32.${'1'.repeat(5000)} IP`],
  ])('returns on a pathological 64 KiB line (%s)', (_label, line) => {
    expect(typeof tcpdumpParser.parse(line, ctx)).toBe('object');
  });

  it('becomes an event of the tcpdump dataset through the runner', () => {
    expect(toEvent(tcpdumpParser, SEED, ctx).event).toEqual({ kind: 'event', module: 'tcpdump', category: ['network'], type: ['connection', 'start'], action: 'tcp_syn', dataset: 'tcpdump', original: SEED, ingested: '2026-11-22T12:00:00.000Z' });
  });
});
