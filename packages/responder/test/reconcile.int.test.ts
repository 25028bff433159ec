// A responder killed mid-block (SIGKILL: no cleanup, as a crash) and started again reconciles its
// state file with the firewall: a block still due is applied again after the firewall was wiped (as a
// reboot wipes ipset and iptables), an expired one is lifted and reported, and a flushed Redis loses
// no expiry.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { findTool, uniquePrefix, until } from '@vigil/testkit';
import type { BackendConfig } from '../src/index.ts';
import { createFirewallLab, requireTools, type FirewallLab } from './support/netns.ts';
import { blockRequest, unblockRequest, VigilSide } from './support/redis.ts';
import { tempStateDir, testConfig } from './support/responder.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

interface ResponderProcess {
  child: ChildProcess;
  output: string[];
}

/** Starts the responder process for `lab`'s server namespace; resolves once it has started (reconciled). */
async function startProcess(config: ReturnType<typeof testConfig>, lab: FirewallLab): Promise<ResponderProcess> {
  const script = join(__dirname, 'support', 'responder-process.ts');
  const child = spawn(process.execPath, [script, JSON.stringify({ config, netns: lab.pair.b.namespace, ip: findTool('ip') })], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`the responder process exited (${code}): ${output.join('')}`)));
  });
  return { child, output };
}

async function crash(p: ResponderProcess): Promise<void> {
  const exited = new Promise((resolve) => p.child.once('exit', resolve));
  p.child.kill('SIGKILL');
  await exited;
}

async function setUp(name: string, backend: BackendConfig, tools: string[]) {
  requireTools(tools);
  const prefix = uniquePrefix(`rc-${name}`);
  const vigil = new VigilSide(prefix);
  cleanups.push(() => vigil.close());
  const lab = await createFirewallLab({ secondary: 1 });
  cleanups.push(() => lab.destroy());
  const config = testConfig(prefix, 'server', backend, tempStateDir(`rc-${name}`));
  return { vigil, lab, config, attacker: lab.pair.a.address, second: lab.pair.a.secondary[0] as string };
}

describe('a responder restarted after a crash', () => {
  /** How a reboot leaves each native-timeout backend, and the timeout its entry has now (seconds). */
  const NATIVE: { name: string; backend: BackendConfig; tools: string[]; wipe: string[][]; timeoutOf: (lab: FirewallLab, ip: string) => Promise<number>; rules: (lab: FirewallLab) => Promise<number> }[] = [
    {
      name: 'ipset',
      backend: { type: 'ipset', set: 'vigil', set6: 'vigil6', chain: 'INPUT', ipv6: true },
      tools: ['ip', 'ipset', 'iptables', 'ip6tables'],
      wipe: [['iptables', '-F', 'INPUT'], ['ip6tables', '-F', 'INPUT'], ['ipset', 'destroy']],
      timeoutOf: async (lab, ip) => Number(/timeout (\d+)/.exec((await lab.server(['ipset', 'list', 'vigil'])).split('\n').find((l) => l.startsWith(`${ip} `)) ?? '')?.[1]),
      rules: async (lab) => (await lab.server(['iptables', '-S', 'INPUT'])).split('\n').filter((l) => l.includes('--match-set vigil src')).length,
    },
    {
      name: 'nftables',
      backend: { type: 'nftables', table: 'vigil' },
      tools: ['ip', 'nft'],
      wipe: [['nft', 'flush', 'ruleset']],
      timeoutOf: async (lab, ip) => {
        const element = new RegExp(`${ip.replaceAll('.', '\\.')} timeout (?:(\\d+)m)?(?:(\\d+)s)?`).exec(await lab.server(['nft', 'list', 'set', 'inet', 'vigil', 'ipv4_addr']));
        return Number(element?.[1] ?? 0) * 60 + Number(element?.[2] ?? 0);
      },
      rules: async (lab) => (await lab.server(['nft', 'list', 'chain', 'inet', 'vigil', 'input'])).split('\n').filter((l) => l.includes('saddr @ipv4_addr drop')).length,
    },
  ];

  it.each(NATIVE)('$name: re-applies a block still due, with its remaining time, after a reboot wiped the firewall', async ({ name, backend, tools, wipe, timeoutOf, rules }) => {
    const { vigil, lab, config, attacker } = await setUp(name, backend, tools);
    const first = await startProcess(config, lab);
    await vigil.send('server', blockRequest(`rc-${name}-1`, attacker, 20_000));
    const blocked = await vigil.outcome(`rc-${name}-1:blocked`);
    expect(await lab.probe()).toBe('timeout');

    await crash(first);
    for (const argv of wipe) await lab.server(argv); // what a reboot leaves: no rule, no set
    expect(await lab.probe()).toBe('open');

    await startProcess(config, lab);
    expect(await lab.probe()).toBe('timeout');
    const timeout = await timeoutOf(lab, attacker);
    const remaining = (Date.parse(blocked.expires ?? '') - Date.now()) / 1000;
    expect(timeout).toBeLessThanOrEqual(Math.ceil(remaining) + 1);
    expect(timeout).toBeGreaterThanOrEqual(Math.floor(remaining) - 1);
    expect(timeout).toBeLessThan(20);
    expect(await rules(lab)).toBe(1);

    // an unblock lifts it at once
    await vigil.send('server', unblockRequest(`rc-${name}-u`, attacker));
    expect(await vigil.outcome(`rc-${name}-u:unblocked`)).toMatchObject({ action: 'unblock', outcome: 'unblocked', ip: attacker, origin: 'cli' });
    expect(await lab.probe()).toBe('open');
  }, 30_000);

  it('iptables: lifts and reports a block that expired while it was down, keeps the one still due (one rule), and still expires it after Redis was flushed', async () => {
    const { vigil, lab, config, attacker, second } = await setUp('iptables', { type: 'iptables', chain: 'INPUT', ipv6: true }, ['ip', 'iptables', 'ip6tables']);
    const first = await startProcess(config, lab);
    await vigil.send('server', blockRequest('rc-ipt-short', second, 3_000));
    await vigil.send('server', blockRequest('rc-ipt-long', attacker, 8_000));
    const short = await vigil.outcome('rc-ipt-short:blocked');
    const long = await vigil.outcome('rc-ipt-long:blocked');
    expect(await lab.probe(second)).toBe('timeout');

    await crash(first);
    const before = await vigil.outcomes();
    await vigil.flush(); // Redis emptied: the delayed expiry jobs are gone
    await until('the short block to be due', () => Date.now() > Date.parse(short.expires ?? '') + 200, 5_000, 50);
    // the responder is down: nothing lifted the expired rule
    expect(await lab.probe(second)).toBe('timeout');

    await startProcess(config, lab);
    expect(await vigil.outcome('rc-ipt-short:expired')).toMatchObject({ outcome: 'expired', ip: second, expires: short.expires });
    expect(await lab.probe(second)).toBe('open');
    expect(await lab.probe()).toBe('timeout');
    const rules = (await lab.server(['iptables', '-S', 'INPUT'])).split('\n').filter((l) => l.includes('vigil:'));
    expect(rules).toEqual([expect.stringContaining(`-s ${attacker}/32`)]);
    expect(before.map((o) => o.id).sort()).toEqual(['rc-ipt-long:blocked', 'rc-ipt-short:blocked']);

    // the expiry job was scheduled again from the state file
    expect((await vigil.hostJobs('server')).map((j) => j.name)).toEqual(['expire']);
    await until('the long block to expire', async () => (await lab.probe(undefined, 400)) === 'open', 10_000, 100);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(long.expires ?? '') - 50);
    expect(await vigil.outcome('rc-ipt-long:expired')).toMatchObject({ outcome: 'expired', ip: attacker });
    expect((await lab.server(['iptables', '-S', 'INPUT'])).includes('vigil:')).toBe(false);
  }, 30_000);
});
