// Third-party iptables/nftables LOG samples through the syslog parser (../shared/fixtures/SOURCES.md).
import { describe, expect, it } from '@jest/globals';
import { fixtureLines, readFixture } from '@vigil/testkit';
import type { ParsedFields } from '../src/types.ts';
import { countBy, crowdsecResults, iniLogLines, parse, summary, vigil } from './syslog-helpers.ts';

/** `<event.action>:<vigil.netfilter.prefix>` (`-` for none): what a prefix became. */
function byPrefix(e: ParsedFields): string {
  return `${e.event?.action ?? '-'}:${(vigil(e, 'netfilter')?.prefix as string | undefined) ?? '-'}`;
}

/** A MAC as crowdsec/the kernel write it (`24:8a:07:9a:2a:f2`) from ECS form (`24-8A-07-9A-2A-F2`). */

function kernelMac(ecs: string | undefined): string | undefined {
  return ecs?.toLowerCase().replaceAll('-', ':');
}

describe('Elastic iptables test log', () => {
  interface ExpectedDoc {
    '@timestamp': string;
    source?: { ip?: string; port?: number };
    destination?: { ip?: string; port?: number };
    network?: { transport?: string };
    event?: { type?: string[] };
    iptables?: { input_device?: string; output_device?: string };
  }
  const lines = fixtureLines('elastic-integrations/iptables/test-iptables-raw.log');
  const expected = (JSON.parse(readFixture('elastic-integrations/iptables/test-iptables-raw.log-expected.json')) as { expected: ExpectedDoc[] }).expected;
  const events = lines.map((l) => parse(l));

  it('decodes all 24 lines as netfilter events', () => {
    expect(expected).toHaveLength(24);
    expect(events.map((e) => e.event?.dataset)).toEqual(Array(24).fill('netfilter'));
  });

  it.each(expected.map((doc, i) => [i + 1, doc] as const))('line %i: addresses, ports, transport, interfaces and verdict match the expected JSON', (n, doc) => {
    const e = events[n - 1] as ParsedFields;
    expect({
      source: [e.source?.ip, e.source?.port],
      destination: [e.destination?.ip, e.destination?.port],
      transport: e.network?.transport,
      in: e.observer?.ingress?.interface?.name ?? '',
      out: e.observer?.egress?.interface?.name ?? '',
      type: [...(e.event?.type ?? [])].sort(),
    }).toEqual({
      source: [doc.source?.ip, doc.source?.port],
      destination: [doc.destination?.ip, doc.destination?.port],
      transport: doc.network?.transport,
      in: doc.iptables?.input_device,
      out: doc.iptables?.output_device,
      type: [...(doc.event?.type ?? [])].sort(),
    });
  });

  it('keeps the timestamps that carry a year (ISO and RFC 5424-less PRI lines)', () => {
    expect([events[1]?.['@timestamp'], events[2]?.['@timestamp']]).toEqual([expected[1]?.['@timestamp'], expected[2]?.['@timestamp']]);
    expect([events[0]?.log?.syslog?.priority, events[1]?.log?.syslog?.priority]).toEqual([161, 6]);
  });
});

describe('crowdsec iptables fixtures', () => {
  it('iptables-logs agrees with parser.assert (src/dst ip and port, proto, IN=, last LEN=, failure on the damaged line)', () => {
    const lines = fixtureLines('crowdsec-hub/iptables-logs/iptables-logs.log');
    const results = crowdsecResults('crowdsec-hub/iptables-logs/parser.assert', 's01-parse', 'crowdsecurity/iptables-logs');
    expect(results).toHaveLength(4);
    lines.forEach((line, i) => {
      const e = parse(line);
      const r = results[i] as (typeof results)[number];
      expect({ i, netfilter: e.event?.dataset === 'netfilter' }).toEqual({ i, netfilter: r.success });
      if (!r.success) return;
      // crowdsec's key=value map keeps the last LEN= (the UDP length on UDP lines); Vigil keeps both
      const nf = vigil(e, 'netfilter');
      expect([e.source?.ip, String(e.source?.port), e.destination?.ip, String(e.destination?.port), e.network?.transport, e.observer?.ingress?.interface?.name, String(nf?.udp_len ?? nf?.len)]).toEqual([
        r.parsed.src_ip, r.parsed.src_port, r.parsed.dst_ip, r.parsed.dst_port, r.parsed.proto?.toLowerCase(), r.parsed.int_eth, r.parsed.length,
      ]);
    });
  });

  it('iptables-scan-multi-port: 49 SYNs from one scanner', () => {
    const events = fixtureLines('crowdsec-hub/iptables-scan-multi-port/iptables-scan-multi-port.log').map((l) => parse(l));
    expect(countBy(events, byPrefix)).toEqual({ '-:-': 17, '-:[UFW AUDIT]': 16, 'drop:[UFW BLOCK]': 16 });
    const scan = events.filter((e) => e.source?.ip === '62.34.17.168');
    expect([scan.length, new Set(scan.map((e) => e.destination?.port)).size, scan.every((e) => (vigil(e, 'netfilter')?.flags as string[]).join() === 'SYN')]).toEqual([17, 17, true]);
  });

  it('proxmox-iptables-logs: every line decodes; the drops/rejects crowdsec keeps match its fields', () => {
    const lines = fixtureLines('crowdsec-hub/proxmox-iptables-logs/proxmox-iptables.log');
    const results = crowdsecResults('crowdsec-hub/proxmox-iptables-logs/parser.assert', 's01-parse', 'aderumier/proxmox-iptables-logs');
    const events = lines.map((l) => parse(l));
    expect(events.map((e) => [e.event?.action, e.event?.type?.[1]])).toEqual([
      ['drop', 'denied'],
      ['accept', 'allowed'],
      ['reject', 'denied'],
      ['reject', 'denied'],
      ['accept', 'allowed'],
      ['reject', 'denied'],
      ['reject', 'denied'],
      ['reject', 'denied'],
      [undefined, undefined],
      ['drop', 'denied'],
    ]);
    expect(results.map((r) => r.success)).toEqual([true, false, true, true, false, true, false, false, false, true]);
    results.forEach((r, i) => {
      if (!r.success) return; // crowdsec's parser keeps inbound drops and rejects only
      const e = events[i] as ParsedFields;
      expect([e.source?.ip, String(e.source?.port), e.destination?.ip, String(e.destination?.port), e.network?.transport, e.observer?.ingress?.interface?.name, kernelMac(e.destination?.mac), String(vigil(e, 'netfilter')?.vmid)]).toEqual([
        r.parsed.src_ip, r.parsed.src_port, r.parsed.dst_ip, r.parsed.dst_port, r.parsed.proto?.toLowerCase(), r.parsed.iface, r.parsed.dst_mac, r.parsed.vmid,
      ]);
    });
  });
});

describe('Wazuh iptables.ini', () => {
  it('decodes all 43 lines, by action', () => {
    const events = iniLogLines('wazuh/iptables.ini').map((l) => parse(l));
    expect(events).toHaveLength(43);
    expect(countBy(events, summary)).toEqual({ 'netfilter:drop:-': 40, 'netfilter:-:-': 3 });
    expect(countBy(events, byPrefix)).toEqual({
      'drop:DROP': 19,
      'drop:DROP(src wan)': 18,
      '-:FIREWALL_OUT': 1,
      '-:IPTABLE': 1,
      '-:-': 1,
      'drop:SFW2-INext-DROP-DEFLT': 1,
      'drop:[UFW BLOCK]': 2,
    });
    const ufw = events.filter((e) => vigil(e, 'netfilter')?.prefix === '[UFW BLOCK]');
    expect(ufw.map((e) => [e.source?.ip, e.destination?.port, (vigil(e, 'netfilter')?.flags as string[] | undefined)?.join()])).toEqual([
      ['254.253.252.251', 36427, undefined],
      ['254.253.252.251', 22, 'CWR,ECE,SYN'],
    ]);
  });
});
