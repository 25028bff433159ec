// The join input's two modes: pairs, and naming the one source of each left hit from the strongest
// evidence (seed 000: sshd's enumeration probe has no address; the lines around it do).
import { describe, expect, it } from '@jest/globals';
import { joinHits, type JoinSpec } from '../src/input/join.ts';

const HOST = 'bastion-1';
const at = (ms: number) => new Date(Date.parse('2026-11-22T09:49:30.000Z') + ms).toISOString();

const probe = (ms: number, pid: number, host = HOST) => ({ '@timestamp': at(ms), host: { hostname: host }, process: { pid }, event: { action: 'ssh_user_enumeration_probe' } });
/** An sshd line that names its connection (`Invalid user x from IP port P`, `Accepted password ...`). */
const sshd = (ms: number, pid: number, ip: string, port: number, host = HOST) => ({ '@timestamp': at(ms), host: { hostname: host }, process: { pid }, source: { ip, port } });
/** The firewall's LOG line of a new connection to port 22: no pid. */
const firewall = (ms: number, ip: string, port: number, host = HOST) => ({ '@timestamp': at(ms), host: { hostname: host }, source: { ip, port }, destination: { port: 22 } });

const attributing: JoinSpec = {
  leftName: 'probe',
  rightName: 'connection',
  on: [{ left: 'host.hostname', right: 'host.hostname' }],
  origin: [{ left: 'process.pid', right: 'process.pid' }],
  within: 2_000,
  timeField: '@timestamp',
};

const named = (joined: Record<string, unknown>[]) => joined.map((j) => j.attribution);

describe('a join without origin fields', () => {
  it('pairs every left hit with every right hit within the tolerance and equal on the join keys', () => {
    const joined = joinHits([probe(2_100, 7)], [firewall(1_900, '203.0.113.9', 1), firewall(2_200, '198.51.100.1', 2, 'web2'), firewall(5_000, '192.0.2.1', 3)], { ...attributing, origin: undefined });
    expect(joined).toEqual([{ probe: probe(2_100, 7), connection: firewall(1_900, '203.0.113.9', 1) }]);
  });
});

describe('a join with origin fields names one source per left hit', () => {
  it('from the probing process\'s own line first, whatever the firewall saw', () => {
    const joined = joinHits([probe(1_050, 812)], [firewall(1_000, '198.51.100.7', 40_000), firewall(1_010, '203.0.113.66', 51_000), sshd(1_040, 812, '203.0.113.66', 51_000)], attributing);
    expect(named(joined)).toEqual([{ source: '203.0.113.66', ambiguous: false, candidates: ['203.0.113.66'], evidence: 'process' }]);
    expect(joined[0]?.connection).toEqual(sshd(1_040, 812, '203.0.113.66', 51_000));
  });

  it('else from the firewall line nearest before, leaving out connections sshd logged under another pid', () => {
    const right = [
      firewall(900, '198.51.100.7', 40_000), // a user who then logged in (pid 901)
      sshd(1_600, 901, '198.51.100.7', 40_000),
      firewall(950, '203.0.113.66', 51_000), // the prober: sshd never logs its address
      firewall(1_020, '192.0.2.44', 33_000), // a plain TCP connection sshd logged as closed (pid 902)
      sshd(1_030, 902, '192.0.2.44', 33_000),
    ];
    const joined = joinHits([probe(1_050, 812)], right, attributing);
    expect(named(joined)).toEqual([{ source: '203.0.113.66', ambiguous: false, candidates: ['203.0.113.66'], evidence: 'connection' }]);
    expect(joined[0]?.connection).toEqual(firewall(950, '203.0.113.66', 51_000));
  });

  it('several candidates: no source, the candidates nearest before first, and says it is ambiguous', () => {
    const joined = joinHits([probe(1_050, 812)], [firewall(1_500, '192.0.2.1', 1), firewall(1_000, '203.0.113.66', 2), firewall(800, '198.51.100.7', 3)], attributing);
    expect(joined).toEqual([{ probe: probe(1_050, 812), attribution: { source: null, ambiguous: true, candidates: ['203.0.113.66', '198.51.100.7', '192.0.2.1'], evidence: 'connection' } }]);
  });

  it('no candidate: the probe is still reported, with no source', () => {
    const joined = joinHits([probe(1_050, 812)], [firewall(9_000, '203.0.113.66', 2), firewall(1_000, '198.51.100.7', 3, 'web2')], attributing);
    expect(named(joined)).toEqual([{ source: null, ambiguous: true, candidates: [], evidence: 'none' }]);
  });

  it('one candidate address with several connections is certain; other hosts and the window edge do not count', () => {
    const right = [firewall(200, '203.0.113.66', 1), firewall(900, '203.0.113.66', 2), firewall(1_000, '198.51.100.7', 3, 'web2'), firewall(3_100, '192.0.2.1', 4)];
    expect(named(joinHits([probe(1_050, 812)], right, attributing))).toEqual([{ source: '203.0.113.66', ambiguous: false, candidates: ['203.0.113.66'], evidence: 'connection' }]);
  });

  it('a line of another process without a port claims nothing, and is no evidence for the probe', () => {
    const pamChild = { '@timestamp': at(1_000), host: { hostname: HOST }, process: { pid: 905 }, source: { ip: '198.51.100.7' } };
    expect(named(joinHits([probe(1_050, 812)], [pamChild, firewall(990, '203.0.113.66', 2)], attributing))).toEqual([{ source: '203.0.113.66', ambiguous: false, candidates: ['203.0.113.66'], evidence: 'connection' }]);
  });
});
