import { describe, expect, it } from '@jest/globals';
import { decodeNetfilter, netfilterParser } from '../src/netfilter/index.ts';
import { prefixInfo } from '../src/netfilter/prefix.ts';
import { isHostname, parseIp } from '../src/netfilter/ip.ts';
import { ctx, parse, vigil } from './syslog-helpers.ts';

describe('netfilter decoder', () => {
  it('seed 000: a [netfilter]-prefixed SSH SYN, end to end', () => {
    // Written from seed 000's rsyslog setup (`--log-prefix='[netfilter] '`) and its SpectX pattern;
    // the seed itself quotes no literal LOG line.
    const line = 'Aug 16 21:42:10 victim kernel: [ 7923.123456] [netfilter] IN=eth0 OUT= MAC=08:00:27:8a:1b:2c:52:54:00:12:35:02:08:00 SRC=203.0.113.7 DST=10.0.2.15 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51514 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0';
    expect(parse(line)).toEqual({
      '@timestamp': '2026-08-16T21:42:10.000Z',
      message: '[ 7923.123456] [netfilter] IN=eth0 OUT= MAC=08:00:27:8a:1b:2c:52:54:00:12:35:02:08:00 SRC=203.0.113.7 DST=10.0.2.15 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51514 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0',
      host: { hostname: 'victim' },
      process: { name: 'kernel' },
      event: { dataset: 'netfilter', module: 'iptables', category: ['network'], type: ['connection'] },
      source: { ip: '203.0.113.7', port: 51514, mac: '52-54-00-12-35-02' },
      destination: { ip: '10.0.2.15', port: 22, mac: '08-00-27-8A-1B-2C' },
      network: { type: 'ipv4', transport: 'tcp', iana_number: '6' },
      observer: { name: 'victim', ingress: { interface: { name: 'eth0' } } },
      related: { ip: ['203.0.113.7', '10.0.2.15'] },
      vigil: {
        netfilter: { prefix: '[netfilter]', uptime: 7923.123456, len: 60, tos: 0, prec: 0, ttl: 52, id: 54321, fragment_flags: ['DF'], flags: ['SYN'], window: 29200, res: 0, urgp: 0, ether_type: 2048 },
      },
    });
  });

  // [description, kernel message, action, event.type, rule]
  const prefixes: [string, string, string | undefined, string[], { name: string; id: string } | undefined][] = [
    ['prefix glued with a colon', 'DROP:IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=23', 'drop', ['connection', 'denied'], undefined],
    ['bracketed prefix then a space', '[UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=23', 'drop', ['connection', 'denied'], undefined],
    ['prefix with parentheses, glued', 'DROP(src wan)IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=23', 'drop', ['connection', 'denied'], undefined],
    ['one word after iptables: the word, as Elastic', 'iptables DROP_INPUT: IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=23', 'drop_input', ['connection', 'denied'], undefined],
    ['allow verdict', '[UFW ALLOW] IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=23', 'accept', ['connection', 'allowed'], undefined],
    ['SuSE ACC', 'SFW2-INext-ACC-TCP IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=23', 'accept', ['connection', 'allowed'], undefined],
    ['EdgeOS rule, glued: -D means drop', '[WAN_IN-10-D]IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=23', 'drop', ['connection', 'denied'], { name: 'WAN_IN', id: '10' }],
    ['EdgeOS -R means reject', '[LAN_IN-20-R]IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=23', 'reject', ['connection', 'denied'], { name: 'LAN_IN', id: '20' }],
    ['same shape with a space: no verdict guessed', '[SOMETHING-1234-A] IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=23', undefined, ['connection'], undefined],
    ['a prefix naming no verdict', '[UFW AUDIT] IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=23', undefined, ['connection'], undefined],
    ['no prefix', 'IN=eth0 OUT= SRC=198.51.100.1 DST=192.0.2.1 LEN=40 PROTO=TCP SPT=1 DPT=23', undefined, ['connection'], undefined],
  ];

  it.each(prefixes)('%s', (_name, message, action, type, rule) => {
    const f = decodeNetfilter(message);
    expect([f?.event.action, f?.event.type, f?.rule, f?.source, f?.destination]).toEqual([action, type, rule, { ip: '198.51.100.1', port: 1 }, { ip: '192.0.2.1', port: 23 }]);
    expect(f?.event.module).toBe('iptables');
  });

  it('Ubiquiti zone rule sets name the zones; the firewall is the host of a kernel-tagged line', () => {
    const e = parse('Jan  5 20:17:01 MainFirewall kernel: [source-dest-default-D]IN=eth0 OUT=eth2 SRC=192.168.110.116 DST=192.168.2.25 LEN=52 PROTO=TCP SPT=50093 DPT=1443');
    expect([e.event?.action, e.observer, vigil(e, 'netfilter')?.prefix]).toEqual([
      'drop',
      { name: 'MainFirewall', ingress: { interface: { name: 'eth0' }, zone: 'source' }, egress: { interface: { name: 'eth2' }, zone: 'dest' } },
      '[source-dest-default-D]',
    ]);
  });

  it.each([
    ['no kernel tag', 'Jun 28 04:35:30 Abc-A1 [SOMETHING-1234-A] IN=abc.123 OUT= SRC=10.251.1.1 DST=10.251.1.1 LEN=32 PROTO=UDP SPT=9000 DPT=9000'],
    ['no host before the kernel tag', 'Jan  8 03:37:09 kernel: DROP: IN=eth0 OUT= SRC=192.168.2.71 DST=192.168.2.83 LEN=88 PROTO=ICMP TYPE=3 CODE=3'],
  ])('%s: no observer.name', (_name, line) => {
    expect(parse(line).observer?.name).toBeUndefined();
  });

  it('reads the second LEN= as the UDP length', () => {
    const f = decodeNetfilter('[  203.842973] IPTABLES-DROP: IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.1 DST=127.0.0.53 LEN=76 TOS=0x00 PREC=0x00 TTL=64 ID=25029 DF PROTO=UDP SPT=49007 DPT=53 LEN=56 ');
    expect([f?.network?.transport, f?.vigil.netfilter.len, f?.vigil.netfilter.udp_len, f?.vigil.netfilter.uptime, f?.source.mac]).toEqual(['udp', 76, 56, 203.842973, '00-00-00-00-00-00']);
  });

  it('reads the ID= and SEQ= after PROTO=ICMP as the echo id and sequence', () => {
    const f = decodeNetfilter('SFW2-INext-DROP-DEFLT IN=eth0 OUT= MAC=00:08:02:da:c8:51:00:0f:f7:74:31:8a:08:00 SRC=1.2.3.36 DST=1.2.3.194 LEN=28 TOS=0x00 PREC=0x00 TTL=44 ID=60200 PROTO=ICMP TYPE=8 CODE=0 ID=10466 SEQ=21229');
    expect(f?.vigil.netfilter).toMatchObject({ id: 60200, icmp_type: 8, icmp_code: 0, icmp_id: 10466, icmp_seq: 21229 });
    expect([f?.network, f?.source.port]).toEqual([{ type: 'ipv4', transport: 'icmp', iana_number: '1' }, undefined]);
  });

  it('keeps the packet quoted in an ICMP error apart from the outer addresses', () => {
    const f = decodeNetfilter('DENY: IN=eth0 OUT= SRC=192.168.2.71 DST=192.168.2.83 LEN=88 TOS=0x00 PREC=0x00 TTL=118 ID=21684 PROTO=ICMP TYPE=3 CODE=3 [SRC=192.168.2.83 DST=192.168.173.191 LEN=60 TOS=0x00 PREC=0x00 TTL=54 ID=0 DF PROTO=UDP SPT=21458 DPT=62936 LEN=40 ] MARK=0x1c');
    expect([f?.source, f?.destination, f?.network?.transport]).toEqual([{ ip: '192.168.2.71' }, { ip: '192.168.2.83' }, 'icmp']);
    expect(f?.vigil.netfilter).toMatchObject({ len: 88, ttl: 118, id: 21684, mark: 28, inner: { src_ip: '192.168.2.83', dst_ip: '192.168.173.191', transport: 'udp', src_port: 21458, dst_port: 62936 } });
    expect(f?.vigil.netfilter.fragment_flags).toBeUndefined(); // the DF inside the brackets belongs to the quoted packet
  });

  it('reads IPv6 lines (TC, HOPLIMIT, FLOWLBL) and ICMPv6', () => {
    const f = decodeNetfilter('[16571.459614] IN= OUT=lo SRC=2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6 DST=2a02:cf40:add:4002:91f2:a9b2:e09a:6fc7 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=868225 PROTO=ICMPv6 TYPE=128 CODE=0 ID=3427 SEQ=1 ');
    expect([f?.network, f?.observer, f?.related]).toEqual([
      { type: 'ipv6', transport: 'ipv6-icmp', iana_number: '58' },
      { egress: { interface: { name: 'lo' } } },
      { ip: ['2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6', '2a02:cf40:add:4002:91f2:a9b2:e09a:6fc7'] },
    ]);
    expect(f?.vigil.netfilter).toEqual({ uptime: 16571.459614, len: 104, tc: 0, hoplimit: 64, flowlbl: 868225, icmp_type: 128, icmp_code: 0, icmp_id: 3427, icmp_seq: 1 });
  });

  it('reads Proxmox/bridge fields, TCP sequence numbers, flags, options and owner', () => {
    const f = decodeNetfilter('REJECT: IN=fwbr101i0 OUT=fwbr101i0 PHYSIN=tap101i0 PHYSOUT=fwln101i0 SRC=10.3.95.200 DST=10.3.95.10 LEN=60 TOS=0x10 PREC=0x00 TTL=64 ID=15974 DF PROTO=TCP SPT=51348 DPT=22 SEQ=3194692351 ACK=0 WINDOW=64240 RES=0x00 CWR ECE SYN URGP=0 OPT (020405B40402080A) UID=1000 GID=1000');
    expect(f?.vigil.netfilter).toEqual({
      prefix: 'REJECT:', len: 60, tos: 16, prec: 0, ttl: 64, id: 15974, fragment_flags: ['DF'], flags: ['CWR', 'ECE', 'SYN'], window: 64240, res: 0, urgp: 0,
      seq: 3194692351, ack: 0, physin: 'tap101i0', physout: 'fwln101i0', uid: 1000, gid: 1000,
    });
  });

  it('names protocols by number and keeps unknown ones', () => {
    expect(decodeNetfilter('IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=100 PROTO=47')?.network).toEqual({ type: 'ipv4', transport: 'gre', iana_number: '47' });
    expect(decodeNetfilter('IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=100 PROTO=253')?.network).toEqual({ type: 'ipv4', transport: '253', iana_number: '253' });
    expect(decodeNetfilter('IN=eno1 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=120 PROTO=ESP SPI=0xcb886522')?.vigil.netfilter.spi).toBe(0xcb886522);
  });

  // Not LOG lines: no decode, so a syslog line stays a plain syslog event.
  it.each([
    ['no key list', 'hello world SRC=1.2.3.4'],
    ['SRC is not an address', 'IN=eth0 OUT= SRC=1.2.3.999 DST=10.0.0.2 PROTO=TCP'],
    ['no DST', 'IN=eth0 OUT= SRC=10.0.0.1 PROTO=TCP'],
    ['damaged key list (crowdsec negative case)', '[50028442.088484] XX=enp1s0 OUT= SRC=195.54.160.107 DST=51.15.166.67 LEN=40 PROTO=TCP SPT=8080 DPT=8123'],
  ])('%s → undefined', (_name, message) => {
    expect(decodeNetfilter(message)).toBeUndefined();
  });

  it('a host-less "DENY:" line: the tag is the prefix, not a program', () => {
    const e = parse('Jan  8 03:37:09 DENY: IN=eth0 OUT= SRC=192.168.2.71 DST=192.168.2.83 LEN=88 PROTO=ICMP TYPE=3 CODE=3');
    expect([e.process, e.event?.action, e.event?.type, vigil(e, 'netfilter')?.prefix]).toEqual([undefined, 'deny', ['connection', 'denied'], 'DENY:']);
  });

  it('a kernel line that is not LOG output stays syslog', () => {
    expect(parse('Nov 22 09:49:32 h kernel: martian source 10.0.0.1 from 10.0.0.2, on dev eth0').event).toEqual({ module: 'system' });
  });
});

describe('netfilterParser (bare lines)', () => {
  it('parses a bare dmesg line with ctx.now and timestamp_missing', () => {
    const line = '[  307.757925] IN= OUT=enp0s3 SRC=fe80::84:88ff:feae:790a DST=ff02::16 LEN=96 TC=0 HOPLIMIT=1 FLOWLBL=0 PROTO=ICMPv6 TYPE=143 CODE=0 MARK=0xd4';
    const r = netfilterParser.parse(line, ctx);
    expect(r).toMatchObject({ '@timestamp': '2026-11-22T12:00:00.000Z', message: line, tags: ['timestamp_missing'], event: { dataset: 'netfilter', module: 'iptables', category: ['network'], type: ['connection'] }, source: { ip: 'fe80::84:88ff:feae:790a' } });
    expect(netfilterParser.detect(line)).toBe(true);
  });

  it('hands lines with a syslog header to the syslog parser', () => {
    const r = netfilterParser.parse('<6>2021-03-12T14:10:18Z Hostname kernel: [wan-lan-default-D]IN=eth0 OUT= SRC=67.43.156.15 DST=10.4.0.5 LEN=52 PROTO=TCP SPT=38842 DPT=443 ACK URGP=0', ctx);
    expect(r).toMatchObject({ '@timestamp': '2021-03-12T14:10:18.000Z', host: { hostname: 'Hostname' }, event: { action: 'drop', type: ['connection', 'denied'] }, rule: { name: 'wan-lan', id: 'default' }, observer: { name: 'Hostname' }, log: { syslog: { priority: 6 } } });
  });

  it('fails on anything else', () => {
    expect(netfilterParser.parse('Nov 22 09:49:32 h sshd[1]: Accepted password for a from 10.0.0.1 port 1 ssh2', ctx)).toEqual({ failure: 'not a netfilter LOG line: no IN=/OUT= key list with valid SRC= and DST= addresses' });
    expect(netfilterParser.detect('hello')).toBe(false);
  });
});

describe('netfilter helpers', () => {
  it.each([
    ['[UFW BLOCK]', 'drop', 'denied'],
    ['[UFW LIMIT BLOCK]', 'drop', 'denied'],
    ['IPTABLES-DROP:', 'drop', 'denied'],
    ['PVEFW-reject:', 'reject', 'denied'],
    ['policy DROP:', 'drop', 'denied'],
    ['DENY:', 'deny', 'denied'],
    ['REJECTED', 'rejected', 'denied'],
    ['ip6tables ACCEPT_SSH:', 'accept_ssh', 'allowed'],
    ['ALLOW then DROP', 'drop', 'denied'],
    ['FIREWALL_OUT', undefined, undefined],
    ['[netfilter]', undefined, undefined],
    ['---', undefined, undefined],
  ])('prefix %j → %s / %s', (prefix, action, verdict) => {
    expect(prefixInfo(prefix)).toEqual({ action, verdict });
  });

  it('reads the Ubiquiti form only glued to IN=, with D/A/R as the verdict', () => {
    expect(prefixInfo('[wan-lan-default-D]', true)).toEqual({ action: 'drop', verdict: 'denied', rule: { name: 'wan-lan', id: 'default' }, zones: { ingress: 'wan', egress: 'lan' } });
    expect(prefixInfo('[WAN_OUT-2000-A]', true)).toEqual({ action: 'accept', verdict: 'allowed', rule: { name: 'WAN_OUT', id: '2000' } });
    expect(prefixInfo('[a-b-c-10-R]', true)).toEqual({ action: 'reject', verdict: 'denied', rule: { name: 'a-b-c', id: '10' } });
    expect(prefixInfo('[WAN_OUT-2000-X]', true)).toEqual({ action: undefined, verdict: undefined });
    expect(prefixInfo('[-D]', true)).toEqual({ action: undefined, verdict: undefined });
    expect(prefixInfo('[WAN_OUT-2000-A]', false)).toEqual({ action: undefined, verdict: undefined });
  });

  it('a one-word prefix longer than 64 characters names the target, not itself', () => {
    expect(prefixInfo(`DROP_${'X'.repeat(100)}:`)).toEqual({ action: 'drop', verdict: 'denied' });
  });

  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['2001:DB8::1', '2001:db8::1'],
    ['192.030.0.6', undefined],
    ['256.1.1.1', undefined],
    ['1.2.3', undefined],
    ['fe80::1%eth0', undefined],
    ['example.com', undefined],
    ['', undefined],
  ])('parseIp(%j) → %j', (text, ip) => {
    expect(parseIp(text)).toBe(ip);
  });

  it.each([
    ['example.com', true],
    ['localhost', true],
    ['220-135-151-1.hinet-ip.hinet.net', true],
    ['192.030.0.6', false],
    ['183.106.179.x', false],
    ['a..b', false],
    ['_U2Fsd=_@::ffff:1.2.3.4', false],
  ])('isHostname(%j) → %s', (text, ok) => {
    expect(isHostname(text)).toBe(ok);
  });
});
