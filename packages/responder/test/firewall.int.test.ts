// The three kernel backends for real: a responder whose commands run in the "server" network
// namespace blocks the "attacker" namespace's address, a TCP connection from it is then dropped,
// and it connects again once the block's time has run out.
import { afterEach, describe, expect, it } from '@jest/globals';
import { uniquePrefix, until } from '@vigil/testkit';
import type { BackendConfig, Responder } from '../src/index.ts';
import { createFirewallLab, netnsRunner, requireTools, type FirewallLab } from './support/netns.ts';
import { blockRequest, VigilSide } from './support/redis.ts';
import { startResponder, tempStateDir, testConfig } from './support/responder.ts';

const BACKENDS: { name: string; backend: BackendConfig; tools: string[]; present: (lab: FirewallLab, ip: string) => Promise<boolean> }[] = [
  {
    name: 'ipset',
    backend: { type: 'ipset', set: 'vigil', set6: 'vigil6', chain: 'INPUT', ipv6: true },
    tools: ['ip', 'ipset', 'iptables', 'ip6tables'],
    present: async (lab, ip) => (await lab.server(['ipset', 'list', 'vigil'])).split('\n').some((l) => l.startsWith(`${ip} `)),
  },
  {
    name: 'nftables',
    backend: { type: 'nftables', table: 'vigil' },
    tools: ['ip', 'nft'],
    present: async (lab, ip) => (await lab.server(['nft', 'list', 'set', 'inet', 'vigil', 'ipv4_addr'])).includes(`${ip} `),
  },
  {
    name: 'iptables',
    backend: { type: 'iptables', chain: 'INPUT', ipv6: true },
    tools: ['ip', 'iptables', 'ip6tables'],
    present: async (lab, ip) => (await lab.server(['iptables', '-S', 'INPUT'])).includes(`-s ${ip}/32`),
  },
];

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function setUp(name: string, backend: BackendConfig, tools: string[]) {
  requireTools(tools);
  const prefix = uniquePrefix(`fw-${name}`);
  const vigil = new VigilSide(prefix);
  cleanups.push(() => vigil.close());
  const lab = await createFirewallLab();
  cleanups.push(() => lab.destroy());
  const responder: Responder & { lines: string[] } = await startResponder(testConfig(prefix, 'server', backend, tempStateDir(name)), netnsRunner(lab.pair.b));
  cleanups.push(() => responder.stop());
  return { vigil, lab, responder, attacker: lab.pair.a.address };
}

describe.each(BACKENDS)('the $name backend in a network namespace', ({ name, backend, tools, present }) => {
  it('drops the attacker\'s connections while blocked, lets them through once the block expires, and reports both', async () => {
    const { vigil, lab, attacker } = await setUp(name, backend, tools);
    expect(await lab.probe()).toBe('open');

    await vigil.send('server', blockRequest(`${name}-b1`, attacker, 3_000));
    const blocked = await vigil.outcome(`${name}-b1:blocked`);
    expect(blocked).toMatchObject({ outcome: 'blocked', action: 'block', ip: attacker, backend: name, host: { name: 'server' }, duration_ms: 3_000, watch_id: 'test.watch', reason: 'test block' });
    expect(Date.parse(blocked.expires ?? '') - Date.parse(blocked['@timestamp'])).toBe(3_000);
    expect(await present(lab, attacker)).toBe(true);
    expect(await lab.probe()).toBe('timeout');

    await until('the attacker to connect again', async () => (await lab.probe(undefined, 400)) === 'open', 8_000, 100);
    const expiredAt = Date.now();
    expect(expiredAt).toBeGreaterThanOrEqual(Date.parse(blocked.expires ?? '') - 50);
    expect(await vigil.outcome(`${name}-b1:expired`, 5_000)).toMatchObject({ outcome: 'expired', action: 'block', ip: attacker, expires: blocked.expires });
    expect(await present(lab, attacker)).toBe(false);
  }, 30_000);

  it('extends a block when a second request comes while it lasts: one entry, the later expiry wins', async () => {
    const { vigil, lab, attacker, responder } = await setUp(name, backend, tools);
    await vigil.send('server', blockRequest(`${name}-e1`, attacker, 2_500));
    const first = await vigil.outcome(`${name}-e1:blocked`);
    await vigil.send('server', blockRequest(`${name}-e2`, attacker, 5_000));
    const second = await vigil.outcome(`${name}-e2:blocked`);
    expect(second).toMatchObject({ extends_request_id: `${name}-e1` });
    expect(Date.parse(second.expires ?? '')).toBeGreaterThan(Date.parse(first.expires ?? ''));
    // a shorter request while it lasts leaves the later expiry in place
    await vigil.send('server', blockRequest(`${name}-e3`, attacker, 1_000));
    expect((await vigil.outcome(`${name}-e3:blocked`)).expires).toBe(second.expires);
    expect(responder.blocks).toHaveLength(1);
    if (name === 'iptables') expect((await lab.server(['iptables', '-S', 'INPUT'])).split('\n').filter((l) => l.includes(attacker))).toHaveLength(1);

    // past the first request's expiry, still dropped
    await until('the first expiry to pass', () => Date.now() > Date.parse(first.expires ?? '') + 700, 6_000, 50);
    expect(await lab.probe()).toBe('timeout');
    await until('the attacker to connect again', async () => (await lab.probe(undefined, 400)) === 'open', 8_000, 100);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(second.expires ?? '') - 50);
    const expired = await vigil.outcome(`${name}-e2:expired`, 5_000);
    expect(expired.expires).toBe(second.expires);
    // every request that blocked the address gets its expiry in the audit
    for (const id of ['e1', 'e3']) expect((await vigil.outcome(`${name}-${id}:expired`)).expires).toBe(second.expires);
  }, 30_000);
});
