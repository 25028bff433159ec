// The tcpdump parser over real tcpdump output (../shared/fixtures: tcpdump-derived/ is tcpdump 4.99's
// own -tttt output of its test captures; tcpdump/*.out its expected outputs, with -# packet counters).
import { describe, expect, it } from '@jest/globals';
import { fixtureLines } from '@vigil/testkit';
import { tcpdumpParser } from '../src/tcpdump/index.ts';
import { isFailure, toEvent, type ParseContext, type ParsedFields, type ParseFailure } from '../src/index.ts';

const ctx: ParseContext = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };
const results = (file: string): Array<ParsedFields | ParseFailure> => fixtureLines(file).map((l) => tcpdumpParser.parse(l, ctx));
const parsed = (file: string): ParsedFields[] => results(file).filter((r): r is ParsedFields => !isFailure(r));

/** How many events carry each value of `pick`. */
function countBy(events: ParsedFields[], pick: (e: ParsedFields) => string | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) {
    const k = pick(e) ?? '(none)';
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

describe('tcpdump fixtures: SYN captures (tcp[13] == 2, -tttt)', () => {
  it.each([
    ['bgp-4byte-asn', 6],
    ['mptcp-v0', 2],
    ['resp_1_benchmark', 15],
    ['resp_3_malicious', 17],
    ['scps_invalid', 2],
    ['ssh', 1],
    ['tcp-handshake-nano', 1],
    ['tfo-5c1fa7f9ae91', 3],
    ['whois', 1],
  ])('%s: every one of its %i lines is a tagged connection start', (name, count) => {
    const events = results(`tcpdump-derived/${name}.syn-tttt.txt`);
    expect(events).toHaveLength(count);
    for (const e of events) {
      expect(e).toMatchObject({ event: { category: ['network'], type: ['connection', 'start'], action: 'tcp_syn' }, network: { transport: 'tcp', type: 'ipv4' }, tags: ['tcp_connection_started'], vigil: { tcpdump: { flags: 'S' } } });
      expect((e as ParsedFields).destination?.port).toEqual(expect.any(Number));
    }
  });

  it('reads a SYN that carries data (TCP Fast Open): sequence range and length', () => {
    expect(parsed('tcpdump-derived/tfo-5c1fa7f9ae91.syn-tttt.txt')[2]).toEqual({
      '@timestamp': '2012-10-04T16:26:20.586342Z',
      event: { module: 'tcpdump', category: ['network'], type: ['connection', 'start'], action: 'tcp_syn' },
      source: { ip: '192.168.0.100', port: 13048 },
      destination: { ip: '3.3.3.3', port: 13054 },
      network: { transport: 'tcp', type: 'ipv4', iana_number: '6' },
      related: { ip: ['192.168.0.100', '3.3.3.3'] },
      tags: ['tcp_connection_started'],
      vigil: { tcpdump: { flags: 'S', seq: 936732547, seq_end: 936732551, win: 1400, options: 'exp-tfo cookie 090909090000,nop,nop', length: 4 } },
    });
  });

  it('keeps an options list with a bracket inside it, and a line without a length (scps_invalid)', () => {
    expect(parsed('tcpdump-derived/scps_invalid.syn-tttt.txt')[0]?.vigil?.tcpdump).toEqual({ flags: 'S', seq: 3757264999, win: 8192, options: 'mss 1452,nop,wscale 2,nop,nop,scps[bad opt]' });
  });

  it('resp_1_benchmark: fifteen connections from fifteen client ports to one server port', () => {
    const events = parsed('tcpdump-derived/resp_1_benchmark.syn-tttt.txt');
    expect(countBy(events, (e) => `${e.source?.ip} > ${e.destination?.ip}:${e.destination?.port}`)).toEqual({ '127.0.0.1 > 127.0.0.1:6379': 15 });
    expect(new Set(events.map((e) => e.source?.port)).size).toBe(15);
    expect(events[0]?.related).toEqual({ ip: ['127.0.0.1'] });
  });
});

describe('tcpdump fixtures: IPv6 and a whole conversation', () => {
  it.each([
    ['bgp-enhanced-route-refresh-subtype', 3],
    ['bgp-extended-optional-parameters-length', 1],
    ['bgp-orf', 1],
    ['gso-ipv6', 1],
  ])('%s: %i IPv6 push segments, none a connection start', (name, count) => {
    const events = parsed(`tcpdump-derived/${name}.ip6-tcp-tttt.txt`);
    expect(events).toHaveLength(count);
    expect(events.map((e) => [e.network?.type, e.event?.action, e.tags])).toEqual(Array.from({ length: count }, () => ['ipv6', 'tcp_push_ack', undefined]));
  });

  it('splits an IPv6 address from its port at the last dot (gso-ipv6)', () => {
    expect(parsed('tcpdump-derived/gso-ipv6.ip6-tcp-tttt.txt')[0]).toMatchObject({
      '@timestamp': '2025-10-03T16:27:33.363746Z',
      source: { ip: '2604:1380:4091:ce00::b', port: 36539 },
      destination: { ip: '2604:1380:4091:ce00::d', port: 45393 },
      vigil: { tcpdump: { flags: 'P.', seq: 1110639583, seq_end: 1110646723, ack: 3034762532, win: 169, options: 'nop,nop,TS val 3655207884 ecr 3954243053', length: 7140 } },
    });
    expect(parsed('tcpdump-derived/bgp-orf.ip6-tcp-tttt.txt')[0]).toMatchObject({ source: { ip: 'fe80::a00:27ff:fe5e:d19e', port: 34394 }, vigil: { tcpdump: { length: 79, info: 'BGP' } } });
  });

  it('tags only the client SYN of a full ssh conversation (54 packets)', () => {
    const events = results('tcpdump-derived/ssh.all-tttt.txt').map((r) => r as ParsedFields);
    expect(events.filter(isFailure)).toEqual([]);
    expect(countBy(events, (e) => e.event?.action)).toEqual({ tcp_syn: 1, tcp_syn_ack: 1, tcp_ack: 25, tcp_push_ack: 24, tcp_fin_ack: 2, tcp_fin_push_ack: 1 });
    expect(events.filter((e) => e.tags !== undefined).map((e) => [e.tags, e.source?.ip, e.destination?.ip, e.destination?.port])).toEqual([[['tcp_connection_started'], '202.108.87.165', '223.132.53.222', 22]]);
  });
});

describe('tcpdump fixtures: upstream .out files (packet counters, every kind of packet)', () => {
  // [file, lines, events, failures, connection starts, non-TCP events]
  it.each([
    ['beep-oobr', 2, 1, 1, 0, 0],
    ['dns_tcp', 11, 11, 0, 1, 0],
    ['geneve-tcp', 33, 33, 0, 0, 33],
    ['mptcp-aa-v1', 24, 24, 0, 1, 2],
    ['mptcp-v0', 264, 264, 0, 2, 0],
    ['mptcp-v1', 20, 20, 0, 1, 0],
    ['resp_1', 150, 150, 0, 15, 0],
    ['ssh', 54, 54, 0, 1, 0],
    ['tfo', 14, 14, 0, 3, 0],
  ])('%s.out: %i lines → %i events, %i failures, %i SYN, %i non-TCP', (name, lines, events, failures, syn, other) => {
    const all = results(`tcpdump/${name}.out`);
    const ok = all.filter((r): r is ParsedFields => !isFailure(r));
    expect([all.length, ok.length, all.length - ok.length]).toEqual([lines, events, failures]);
    expect(ok.filter((e) => e.tags?.includes('tcp_connection_started')).length).toBe(syn);
    expect(ok.filter((e) => e.network?.transport !== 'tcp').length).toBe(other);
  });

  it('reads the counter-prefixed -tttt lines with their own dates', () => {
    expect(parsed('tcpdump/ssh.out')[0]).toMatchObject({ '@timestamp': '2018-12-23T10:50:09.891237Z', source: { ip: '202.108.87.165', port: 62146 }, tags: ['tcp_connection_started'] });
  });

  it('fails the invalid IPv6 header of beep-oobr, and reads its truncated segment', () => {
    const [invalid, truncated] = results('tcpdump/beep-oobr.out');
    expect(invalid).toEqual({ failure: 'no "src > dst:" addresses in the IP6 packet line' });
    expect(truncated).toMatchObject({ event: { action: 'tcp_ack_urg_ae' }, vigil: { tcpdump: { flags: '.Ue', urg: 12336, options: 'eol', length: 12308, info: '[remaining caplen(24) < header length(28)] [|tcp]' } } });
  });

  it('keeps option lists that nest brackets (mptcp "flags [AH]")', () => {
    expect(parsed('tcpdump/mptcp-v0.out')[0]?.vigil?.tcpdump).toMatchObject({ options: 'mss 1460,sackOK,TS val 4294943152 ecr 0,nop,wscale 6,mptcp 12 capable v0 flags [AH] csum {0x9c9eabd1e46a33b2}', length: 0 });
  });

  it('reports tunnelled packets (Geneve) from their outer header, DNS over UDP without a transport', () => {
    expect(parsed('tcpdump/geneve-tcp.out')[0]).toMatchObject({ event: { type: ['info'], action: 'ip_packet' }, source: { ip: '20.0.0.2', port: 43443 }, destination: { ip: '20.0.0.1', port: 6081 }, network: { type: 'ipv4' } });
    expect(parsed('tcpdump/mptcp-aa-v1.out')[0]).toMatchObject({ destination: { port: 53 }, vigil: { tcpdump: { info: '61359+ A? proxy-chain.intel.com.network2. (48)' } } });
  });

  it('detects every line it parses and no tool-version line', () => {
    for (const name of ['ssh', 'geneve-tcp', 'resp_1']) expect(fixtureLines(`tcpdump/${name}.out`).every((l) => tcpdumpParser.detect(l))).toBe(true);
    expect(fixtureLines('tcpdump-derived/TOOL_VERSION.txt').some((l) => tcpdumpParser.detect(l))).toBe(false);
  });

  it('keeps every line through the runner: events, or pipeline errors with the original text', () => {
    const kinds = fixtureLines('tcpdump/beep-oobr.out').map((l) => toEvent(tcpdumpParser, l, ctx).event.kind);
    expect(kinds).toEqual(['pipeline_error', 'event']);
  });
});
