import { describe, expect, it } from '@jest/globals';
import { toEvent, MAX_RECORD_BYTES } from '../src/record.ts';
import { inferYear, isoWithFraction } from '../src/time.ts';
import { syslogParser } from '../src/syslog/index.ts';
import { ctx, failureOf, parse, vigil } from './syslog-helpers.ts';

describe('syslog headers', () => {
  // [name, line, @timestamp, host.hostname, process, message]
  const cases: [string, string, string, string | undefined, { name: string; pid?: number } | undefined, string][] = [
    ['RFC 3164', 'Nov 22 09:49:32 host prog[123]: hello world', '2026-11-22T09:49:32.000Z', 'host', { name: 'prog', pid: 123 }, 'hello world'],
    ['day padded with a space', 'Nov  2 09:49:32 host prog: msg', '2026-11-02T09:49:32.000Z', 'host', { name: 'prog' }, 'msg'],
    ['single-digit day, one space', 'Feb 7 16:01:07 linux-m899 sshd[5106]: x', '2026-02-07T16:01:07.000Z', 'linux-m899', { name: 'sshd', pid: 5106 }, 'x'],
    ['zero-padded day', 'Jul 05 18:22:44 mercury cron: y', '2026-07-05T18:22:44.000Z', 'mercury', { name: 'cron' }, 'y'],
    ['December read in November: last year', 'Dec 31 23:59:59 host p: m', '2025-12-31T23:59:59.000Z', 'host', { name: 'p' }, 'm'],
    ['less than a day ahead: this year', 'Nov 23 11:00:00 host p: m', '2026-11-23T11:00:00.000Z', 'host', { name: 'p' }, 'm'],
    ['Feb 29: the last leap year', 'Feb 29 12:00:00 host p: m', '2024-02-29T12:00:00.000Z', 'host', { name: 'p' }, 'm'],
    ['RFC 3164 with a fraction', 'Nov 22 09:49:32.123456 host p: m', '2026-11-22T09:49:32.123456Z', 'host', { name: 'p' }, 'm'],
    ['RFC 3339 (rsyslog)', '2026-11-22T09:49:32.123456+00:00 host sshd[1]: m', '2026-11-22T09:49:32.123456Z', 'host', { name: 'sshd', pid: 1 }, 'm'],
    ['RFC 3339 with an offset', '2023-11-14T00:20:42.738197+01:00 myserver sshd[1112652]: m', '2023-11-13T23:20:42.738197Z', 'myserver', { name: 'sshd', pid: 1112652 }, 'm'],
    ['RFC 3339 Z, no fraction', '2021-03-12T14:10:18Z Hostname kernel: x', '2021-03-12T14:10:18.000Z', 'Hostname', { name: 'kernel' }, 'x'],
    ['space between date and time, -0700', '2020-03-23 06:47:42.801612-0700  localhost sshd[3186]: x', '2020-03-23T13:47:42.801612Z', 'localhost', { name: 'sshd', pid: 3186 }, 'x'],
    ['one fraction digit', '2026-11-22T09:49:32.5Z h p: m', '2026-11-22T09:49:32.500Z', 'h', { name: 'p' }, 'm'],
    ['nine fraction digits', '2026-11-22T09:49:32.123456789Z h p: m', '2026-11-22T09:49:32.123456Z', 'h', { name: 'p' }, 'm'],
    ['no host', 'Feb 17 17:40:17 sshd[19725]: Connection from 192.0.2.10 port 62004', '2026-02-17T17:40:17.000Z', undefined, { name: 'sshd', pid: 19725 }, 'Connection from 192.0.2.10 port 62004'],
    ['no host, bracketed tag', 'Mar  3 00:17:22 [sshd]: hello', '2026-03-03T00:17:22.000Z', undefined, { name: 'sshd' }, 'hello'],
    ['no host, program only', "Jan 11 22:33:44 su: 'su root' failed for luser on /dev/pts/8", '2026-01-11T22:33:44.000Z', undefined, { name: 'su' }, "'su root' failed for luser on /dev/pts/8"],
    ['no tag', 'Jul 27 14:41:57 combo syslogd 1.4.1: restart.', '2026-07-27T14:41:57.000Z', 'combo', undefined, 'syslogd 1.4.1: restart.'],
    ['tag with parentheses', 'Jun 14 15:16:02 combo sshd(pam_unix)[19937]: check pass; user unknown', '2026-06-14T15:16:02.000Z', 'combo', { name: 'sshd(pam_unix)', pid: 19937 }, 'check pass; user unknown'],
    ['tag with a slash', 'Mar 16 00:01:25 evita postfix/smtpd[1713]: connect from camomile.cloud9.net[168.100.1.3]', '2026-03-16T00:01:25.000Z', 'evita', { name: 'postfix/smtpd', pid: 1713 }, 'connect from camomile.cloud9.net[168.100.1.3]'],
    ['tag with <>', 'May 11 15:40:51 meow.soy.se ansible-<stdin>: Invoked with filter=*', '2026-05-11T15:40:51.000Z', 'meow.soy.se', { name: 'ansible-<stdin>' }, 'Invoked with filter=*'],
    ['OpenSSH >= 9.8 tag', 'Jul  3 14:59:17 host sshd-session[1571]: hi', '2026-07-03T14:59:17.000Z', 'host', { name: 'sshd-session', pid: 1571 }, 'hi'],
    ['kernel message keeps its indentation', 'Jul 27 14:41:57 combo kernel:   HighMem zone: 0 pages', '2026-07-27T14:41:57.000Z', 'combo', { name: 'kernel' }, '  HighMem zone: 0 pages'],
    ['PRI and no tag', '<14>Jun 24 10:32:02 win-host WinFileService Event: read, Path: /.DS_Store', '2026-06-24T10:32:02.000Z', 'win-host', undefined, 'WinFileService Event: read, Path: /.DS_Store'],
  ];

  it.each(cases)('%s', (_name, line, timestamp, hostname, proc, message) => {
    const e = parse(line);
    expect(e['@timestamp']).toBe(timestamp);
    expect(e.host?.hostname).toBe(hostname);
    expect(e.process).toEqual(proc);
    expect(e.message).toBe(message);
  });

  it('reads <PRI> into priority, facility and severity', () => {
    const e = parse('<161>Oct 10 07:25:12 Hostname kernel: x');
    expect(e.log).toEqual({ syslog: { priority: 161, facility: { code: 20 }, severity: { code: 1 } } });
    expect(parse('<6>2021-03-12T14:10:18Z Hostname kernel: x').log).toEqual({ syslog: { priority: 6, facility: { code: 0 }, severity: { code: 6 } } });
  });

  it('reads RFC 5424 with NILVALUE fields', () => {
    const e = parse('<34>1 2026-11-22T09:49:32.003Z mymachine.example.com su - ID47 - \uFEFF\'su root\' failed for lonvick on /dev/pts/8');
    expect(e).toEqual({
      '@timestamp': '2026-11-22T09:49:32.003Z',
      message: "'su root' failed for lonvick on /dev/pts/8",
      host: { hostname: 'mymachine.example.com' },
      process: { name: 'su' },
      event: { module: 'system' },
      log: { syslog: { priority: 34, facility: { code: 4 }, severity: { code: 2 } } },
      vigil: { syslog: { version: 1, msgid: 'ID47' } },
    });
  });

  it('reads RFC 5424 structured data with escapes', () => {
    const e = parse(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 8710 ID47 [exampleSDID@32473 iut="3" eventSource="Application"][examplePriority@32473 class="high" x="a\\"b\\]c\\\\d"] An application event',
    );
    expect(e.process).toEqual({ name: 'evntslog', pid: 8710 });
    expect(e.message).toBe('An application event');
    expect({ ...vigil(e, 'syslog') }).toEqual({
      version: 1,
      msgid: 'ID47',
      structured_data: { 'exampleSDID@32473': { iut: '3', eventSource: 'Application' }, 'examplePriority@32473': { class: 'high', x: 'a"b]c\\d' } },
    });
  });

  it('keeps a non-numeric RFC 5424 PROCID and an IPv6 host, and trims the MSG', () => {
    const e = parse('<174>1 1995-04-12T23:20:50.52Z 2000:6a0:b:315:10:23:4:13 named worker-7 - -  info: client 10.23.56.9#63295');
    expect(e['@timestamp']).toBe('1995-04-12T23:20:50.520Z');
    expect(e.host).toEqual({ hostname: '2000:6a0:b:315:10:23:4:13' });
    expect(e.process).toEqual({ name: 'named' });
    expect(vigil(e, 'syslog')).toEqual({ version: 1, procid: 'worker-7' });
    expect(e.message).toBe('info: client 10.23.56.9#63295');
  });

  it('uses ctx.now and tags timestamp_missing when there is no time (RFC 5424 "-", journal-style)', () => {
    const r5424 = parse('<34>1 - host app 12 - - msg');
    expect([r5424['@timestamp'], r5424.tags, r5424.process?.pid]).toEqual(['2026-11-22T12:00:00.000Z', ['timestamp_missing'], 12]);
    const journal = parse('srv sshd[13709]: hello there');
    expect(journal).toEqual({
      '@timestamp': '2026-11-22T12:00:00.000Z',
      message: 'hello there',
      host: { hostname: 'srv' },
      process: { name: 'sshd', pid: 13709 },
      event: { dataset: 'auth', module: 'system' },
      tags: ['timestamp_missing'],
    });
  });

  it('reads the Proxmox firewall log header', () => {
    const e = parse('0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 policy DROP: IN=vmbr0.94 MAC=24:8a:07:9a:2a:f2:24:8a:07:50:2c:9e:08:00 SRC=10.3.94.11 DST=10.3.94.12 LEN=52 TOS=0x00 PREC=0xC0 TTL=255 ID=64317 DF PROTO=UDP SPT=49152 DPT=3784 LEN=32');
    expect(e['@timestamp']).toBe('2022-06-20T11:09:14.000Z');
    expect(e.process).toEqual({ name: 'pve-firewall' });
    expect(vigil(e, 'netfilter')).toMatchObject({ vmid: 0, log_level: 3, chain: 'PVEFW-HOST-IN', prefix: 'policy DROP:' });
  });
});

describe('syslog timestamps', () => {
  it('converts zone-less times from ctx.timezone (DST aware)', () => {
    const paris = { timezone: 'Europe/Paris', now: ctx.now };
    expect(parse('Jul  1 12:00:00 h p: m', paris)['@timestamp']).toBe('2026-07-01T10:00:00.000Z');
    expect(parse('Jan  1 12:00:00 h p: m', paris)['@timestamp']).toBe('2026-01-01T11:00:00.000Z');
    expect(parse('2026-07-01T12:00:00.250 h p: m', paris)['@timestamp']).toBe('2026-07-01T10:00:00.250Z');
    // an explicit offset wins over ctx.timezone
    expect(parse('2026-07-01T12:00:00+00:00 h p: m', paris)['@timestamp']).toBe('2026-07-01T12:00:00.000Z');
  });

  it('does not reuse a cached conversion across zones or "now"s', () => {
    const line = 'Dec 31 23:00:00 h p: m';
    expect(parse(line)['@timestamp']).toBe('2025-12-31T23:00:00.000Z');
    expect(parse(line, { timezone: 'Asia/Tokyo', now: ctx.now })['@timestamp']).toBe('2025-12-31T14:00:00.000Z');
    expect(parse(line, { timezone: 'UTC', now: new Date('2027-01-02T00:00:00Z') })['@timestamp']).toBe('2026-12-31T23:00:00.000Z');
    expect(parse(line)['@timestamp']).toBe('2025-12-31T23:00:00.000Z');
  });

  it('infers the year as inferYear does while "now" moves across the turn and the year end', () => {
    // the parser remembers a year per month/day with the span of "now" it holds for: walk "now" in
    // hourly steps across both edges of that span and compare each answer with inferYear itself
    const days: [number, number][] = [[1, 1], [12, 31], [1, 2], [2, 29], [3, 1]];
    for (let now = Date.UTC(2026, 11, 29); now <= Date.UTC(2027, 0, 4); now += 3_600_000) {
      const context = { timezone: 'UTC', now: new Date(now) };
      for (const [month, day] of days) {
        const line = `${['', 'Jan', 'Feb', 'Mar', '', '', '', '', '', '', '', '', 'Dec'][month]} ${day} 06:00:00 h p: m`;
        let year = inferYear(month, day, context.now);
        if (month === 2 && day === 29) while (new Date(Date.UTC(year, 1, 29)).getUTCMonth() !== 1) year -= 1;
        const expected = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T06:00:00.000Z`;
        expect([new Date(now).toISOString(), line, parse(line, context)['@timestamp']]).toEqual([new Date(now).toISOString(), line, expected]);
      }
    }
  });

  it.each(['', '1', '12', '123', '1234', '12345', '123456'])('writes fraction "%s" as isoWithFraction does', (fraction) => {
    const dot = fraction === '' ? '' : `.${fraction}`;
    const ms = fraction === '' ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
    const expected = isoWithFraction(Date.UTC(2026, 10, 22, 9, 49, 32, ms), fraction);
    expect(parse(`2026-11-22T09:49:32${dot}Z h p: m`)['@timestamp']).toBe(expected);
    expect(parse(`Nov 22 09:49:32${dot} h p: m`)['@timestamp']).toBe(expected);
  });
});

describe('syslog failures', () => {
  const failures: [string, string, string][] = [
    ['empty', '', 'empty line'],
    ['free text', 'garbage here', 'not a syslog line'],
    ['binary', '\u0000\uFFFD\u0001\u0002abc', 'not a syslog line'],
    ['PRI out of range', '<999>Nov 22 09:49:32 h p: m', 'invalid syslog PRI'],
    ['PRI not closed', '<12', 'invalid syslog PRI'],
    ['cut in the time', 'Nov 22 09:4', 'not a syslog line'],
    ['nothing after the time', 'Nov 22 09:49:32', 'nothing after the timestamp'],
    ['no such date', 'Feb 30 10:00:00 host p: m', 'invalid RFC 3164 timestamp'],
    ['no such hour', 'Nov 22 25:00:00 host p: m', 'invalid RFC 3164 timestamp'],
    ['no such month', '2026-13-01T00:00:00Z host p: m', 'invalid RFC 3339 timestamp'],
    ['bad offset', '2026-11-22T09:49:32+25:00 h p: m', 'invalid RFC 3339 zone'],
    ['RFC 5424 cut after the host', '<34>1 2026-11-22T09:49:32Z host', 'truncated RFC 5424 header'],
    ['RFC 5424 broken structured data', '<34>1 2026-11-22T09:49:32Z host app - - [bad x="y', 'invalid RFC 5424 STRUCTURED-DATA'],
    ['RFC 5424 bad timestamp', '<34>1 yesterday host app - - - m', 'invalid RFC 5424 timestamp'],
  ];

  it.each(failures)('%s', (_name, line, reason) => {
    expect(failureOf(line)).toContain(reason);
  });

  it('fails (does not throw) on an unknown ctx.timezone', () => {
    expect(failureOf('Nov 22 09:49:32 h p: m', { timezone: 'Mars/Olympus', now: ctx.now })).toContain('unknown timezone Mars/Olympus');
  });

  it('keeps binary bytes in the message of a valid header', () => {
    expect(parse('Nov 22 09:49:32 host app: \u0000\uFFFD\u0007 end').message).toBe('\u0000\uFFFD\u0007 end');
  });

  it('turns a 64 KiB+ line into one truncated event', () => {
    const line = `Nov 22 09:49:32 host app: ${'x'.repeat(70_000)}`;
    expect(parse(line).message).toHaveLength(70_000);
    const event = toEvent(syslogParser, line, ctx);
    expect(event.event.original).toHaveLength(MAX_RECORD_BYTES);
    expect(event.tags).toEqual(['truncated']);
    expect(event.process).toEqual({ name: 'app' });
  });
});

describe('syslog on hostile input', () => {
  // Repeated patterns that would make a backtracking parser explode; each must simply return.
  const patterns = ['a ', '[', '=', ' from 1.2.3.4 port 22', ' rhost=1.2.3.4  user=', 'IN= SRC=1.1.1.1 ', ' port 1: ', ' ssh2: ', '"', '\\', '[SRC=', ' invalid user ', '] failed', ': '];
  const heads = ['Nov 22 09:49:32 host sshd[1]: Failed password for ', 'Nov 22 09:49:32 host kernel: [1.0] DROP ', 'Nov 22 09:49:32 host su(pam_unix)[2]: authentication failure; logname= uid=0 euid=0 tty= ruser=', 'Nov 22 09:49:32 host sudo: alice : ', '<13>1 2026-11-22T09:49:32Z host app - - [id a="'];
  const rows = heads.flatMap((head) => patterns.map((p) => [head, p] as const));

  it.each(rows)('%j + %j repeated to 64 KiB returns', (head, pattern) => {
    const line = head + pattern.repeat(Math.ceil(65_536 / pattern.length));
    const result = syslogParser.parse(line, ctx);
    // the RFC 5424 head never closes its structured data: a failure; the others are events
    if (head.startsWith('<')) expect(result).toEqual({ failure: 'invalid RFC 5424 STRUCTURED-DATA' });
    else expect('failure' in result ? result.failure : result['@timestamp']).toBe('2026-11-22T09:49:32.000Z');
  });
});

describe('syslog detect', () => {
  const rows: [string, boolean][] = [
    ['<13>Nov 22 09:49:32 h p: m', true],
    ['Nov 22 09:49:32 h p: m', true],
    ['2026-11-22T09:49:32Z h p: m', true],
    ['101 1 tap101i0-IN 20/Jun/2022:13:12:46 +0200 REJECT: IN=x', true],
    ['srv sshd[1]: journal lines need --source syslog', false],
    ['{"rule":{"level":5}}', false],
    ['** Alert 1540000000.123: - syslog,sshd,', false],
    ['    1  2016-02-09 13:51:09.625253 IP 1.2.3.4.1 > 5.6.7.8.80', false],
    ['Novel ideas', false],
    ['', false],
  ];
  it.each(rows)('%j → %s', (line, expected) => {
    expect(syslogParser.detect(line)).toBe(expected);
  });
});
