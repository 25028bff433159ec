import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CommandFailedError, backendType, BACKENDS, RESPONDER_VERSION, type BlockTarget } from '../src/index.ts';
import { hostsDenyLines, withBlock, withoutBlock } from '../src/backends/hosts-deny/index.ts';
import { ipsetTimeout } from '../src/backends/ipset/index.ts';
import { nftablesApplyScript } from '../src/backends/nftables/index.ts';
import { recordingRunner } from './support/recording-runner.ts';

const v4: BlockTarget = { ip: '198.51.100.7', family: 4, ruleId: 'n0123-web-1', expires: new Date('2026-01-05T10:10:00.000Z') };
const v6: BlockTarget = { ip: '2001:db8::7', family: 6, ruleId: 'n4567-web-1', expires: new Date('2026-01-05T11:00:00.000Z') };

function backend(options: Record<string, unknown>, answer?: Parameters<typeof recordingRunner>[0]) {
  const run = recordingRunner(answer);
  const type = backendType(options.type as string);
  if (type === undefined) throw new Error(`no backend ${String(options.type)}`);
  return { backend: type.create(type.schema.parse(options), { run, log: () => undefined }), calls: run.calls };
}

/** `-C` answers "no such rule" (exit 1), as iptables does for a rule not yet there; `ipset list` "no such set". */
const noRuleYet = (argv: readonly string[]) => {
  if (argv.includes('-C')) throw new CommandFailedError(argv, 1, 'iptables: Bad rule (does a matching rule exist in that chain?).', 'exit 1');
  if (argv[1] === 'list') throw new CommandFailedError(argv, 1, 'ipset v7.17: The set with the given name does not exist', 'exit 1');
  return { stdout: '', stderr: '' };
};

/** What `ipset list -t` prints for a set (ipset 7.17). */
const setHeader = (header: string) => (argv: readonly string[]) => ({
  stdout: argv[1] === 'list' ? `Name: ${argv[3]}\nType: hash:ip\nRevision: 6\nHeader: ${header} bucketsize 12 initval 0xaa12032a\nSize in memory: 216\nReferences: 0\nNumber of entries: 0\n` : '',
  stderr: '',
});

describe('the backend registry', () => {
  it('has one backend per folder, keyed by its type', () => {
    expect(Object.keys(BACKENDS).sort()).toEqual(['command', 'hosts.deny', 'ipset', 'iptables', 'nftables']);
    for (const [type, b] of Object.entries(BACKENDS)) expect(b.type).toBe(type);
    expect(backendType('constructor')).toBeUndefined();
  });

  it("announces the package's version", () => {
    expect(RESPONDER_VERSION).toBe(JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version);
  });
});

describe('ipset', () => {
  it('creates both sets with per-entry timeouts and one DROP rule each, only when missing', async () => {
    const { backend: b, calls } = backend({ type: 'ipset' }, noRuleYet);
    await b.prepare();
    expect(calls).toEqual([
      ['ipset', 'list', '-t', 'vigil'],
      ['ipset', '-exist', 'create', 'vigil', 'hash:ip', 'family', 'inet', 'timeout', '0'],
      ['iptables', '-w', '-C', 'INPUT', '-m', 'set', '--match-set', 'vigil', 'src', '-j', 'DROP'],
      ['iptables', '-w', '-I', 'INPUT', '1', '-m', 'set', '--match-set', 'vigil', 'src', '-j', 'DROP'],
      ['ipset', 'list', '-t', 'vigil6'],
      ['ipset', '-exist', 'create', 'vigil6', 'hash:ip', 'family', 'inet6', 'timeout', '0'],
      ['ip6tables', '-w', '-C', 'INPUT', '-m', 'set', '--match-set', 'vigil6', 'src', '-j', 'DROP'],
      ['ip6tables', '-w', '-I', 'INPUT', '1', '-m', 'set', '--match-set', 'vigil6', 'src', '-j', 'DROP'],
    ]);
    const again = backend({ type: 'ipset', ipv6: false }, setHeader('family inet hashsize 1024 maxelem 65536 timeout 0'));
    await again.backend.prepare();
    expect(again.calls).toEqual([
      ['ipset', 'list', '-t', 'vigil'],
      ['iptables', '-w', '-C', 'INPUT', '-m', 'set', '--match-set', 'vigil', 'src', '-j', 'DROP'],
    ]);
  });

  it("uses seed 000's own set as it is (ipset create ssh_ban hash:ip timeout 600)", async () => {
    const { backend: b, calls } = backend({ type: 'ipset', set: 'ssh_ban', ipv6: false }, setHeader('family inet hashsize 1024 maxelem 65536 timeout 600'));
    await b.prepare();
    expect(calls.filter((c) => c[0] === 'ipset')).toEqual([['ipset', 'list', '-t', 'ssh_ban']]);
  });

  it.each([
    ['without timeouts', 'family inet hashsize 1024 maxelem 65536', /ssh_ban exists but was created without timeout support: .*ipset create ssh_ban hash:ip family inet timeout 0/],
    ['of the other family', 'family inet6 hashsize 1024 maxelem 65536 timeout 0', /ssh_ban exists but is not of family inet:/],
  ])('stops at start, saying what to do, on an existing set %s', async (_what, header, message) => {
    const { backend: b } = backend({ type: 'ipset', set: 'ssh_ban', ipv6: false }, setHeader(header));
    await expect(b.prepare()).rejects.toThrow(message);
  });

  it("adds with ipset's own timeout (whole seconds up), resets it with -exist, and deletes", async () => {
    const { backend: b, calls } = backend({ type: 'ipset', set: 'ssh_ban', set6: 'ssh_ban6' });
    await b.apply(v4, 4_200, 'new');
    await b.apply(v6, 60_000, 'extend');
    await b.remove(v4);
    expect(calls).toEqual([
      ['ipset', '-exist', 'add', 'ssh_ban', '198.51.100.7', 'timeout', '5'],
      ['ipset', '-exist', 'add', 'ssh_ban6', '2001:db8::7', 'timeout', '60'],
      ['ipset', '-exist', 'del', 'ssh_ban', '198.51.100.7'],
    ]);
  });

  it("adds a block longer than ipset's maximum timeout without one (the responder lifts it)", () => {
    expect(ipsetTimeout(2_147_483_000)).toBe('2147483');
    expect(ipsetTimeout(30 * 86_400_000)).toBe('0');
  });
});

describe('nftables', () => {
  it('builds its table in one transaction, and sets an element timeout by re-adding it', async () => {
    const { backend: b, calls } = backend({ type: 'nftables' });
    await b.prepare();
    await b.apply(v6, 3_000, 'new');
    await b.remove(v4);
    expect(calls[0]).toEqual([
      'nft',
      'add table inet vigil; add set inet vigil ipv4_addr { type ipv4_addr; flags timeout; }; add set inet vigil ipv6_addr { type ipv6_addr; flags timeout; }; ' +
        'add chain inet vigil input { type filter hook input priority filter; policy accept; }; flush chain inet vigil input; ' +
        'add rule inet vigil input ip saddr @ipv4_addr drop; add rule inet vigil input ip6 saddr @ipv6_addr drop',
    ]);
    expect(calls[1]).toEqual(['nft', 'add element inet vigil ipv6_addr { 2001:db8::7 }; delete element inet vigil ipv6_addr { 2001:db8::7 }; add element inet vigil ipv6_addr { 2001:db8::7 timeout 3000ms }']);
    expect(calls[2]).toEqual(['nft', 'add element inet vigil ipv4_addr { 198.51.100.7 }; delete element inet vigil ipv4_addr { 198.51.100.7 }']);
    expect(nftablesApplyScript('t', v4, 0.2)).toContain('timeout 1ms');
  });
});

describe('iptables', () => {
  it('inserts one marked DROP rule per address, only when it is not there, and deletes it', async () => {
    const { backend: b, calls } = backend({ type: 'iptables' }, noRuleYet);
    await b.apply(v4, 1000, 'new');
    await b.apply(v6, 1000, 'new');
    expect(calls).toEqual([
      ['iptables', '-w', '-C', 'INPUT', '-s', '198.51.100.7', '-m', 'comment', '--comment', 'vigil:n0123-web-1', '-j', 'DROP'],
      ['iptables', '-w', '-I', 'INPUT', '1', '-s', '198.51.100.7', '-m', 'comment', '--comment', 'vigil:n0123-web-1', '-j', 'DROP'],
      ['ip6tables', '-w', '-C', 'INPUT', '-s', '2001:db8::7', '-m', 'comment', '--comment', 'vigil:n4567-web-1', '-j', 'DROP'],
      ['ip6tables', '-w', '-I', 'INPUT', '1', '-s', '2001:db8::7', '-m', 'comment', '--comment', 'vigil:n4567-web-1', '-j', 'DROP'],
    ]);
    const present = backend({ type: 'iptables', chain: 'FORWARD' });
    await present.backend.apply(v4, 1000, 'extend');
    await present.backend.remove(v4);
    expect(present.calls).toEqual([
      ['iptables', '-w', '-C', 'FORWARD', '-s', '198.51.100.7', '-m', 'comment', '--comment', 'vigil:n0123-web-1', '-j', 'DROP'],
      ['iptables', '-w', '-C', 'FORWARD', '-s', '198.51.100.7', '-m', 'comment', '--comment', 'vigil:n0123-web-1', '-j', 'DROP'],
      ['iptables', '-w', '-D', 'FORWARD', '-s', '198.51.100.7', '-m', 'comment', '--comment', 'vigil:n0123-web-1', '-j', 'DROP'],
    ]);
  });

  it("without the rule's marker, lifts every rule of the address marked as the responder's (quoted or not)", async () => {
    const listing = [
      '-P INPUT ACCEPT',
      '-A INPUT -s 198.51.100.7/32 -m comment --comment "vigil:req-1" -j DROP',
      '-A INPUT -s 198.51.100.7/32 -m comment --comment vigil:req-2 -j DROP',
      '-A INPUT -s 198.51.100.70/32 -m comment --comment "vigil:req-3" -j DROP',
      '-A INPUT -s 198.51.100.7/32 -j DROP',
    ].join('\n');
    const { backend: b, calls } = backend({ type: 'iptables', ipv6: false }, (argv) => ({ stdout: argv.includes('-S') ? listing : '', stderr: '' }));
    await b.remove({ ip: '198.51.100.7', family: 4 });
    expect(calls.filter((c) => c.includes('-D'))).toEqual([
      ['iptables', '-w', '-D', 'INPUT', '-s', '198.51.100.7', '-m', 'comment', '--comment', 'vigil:req-1', '-j', 'DROP'],
      ['iptables', '-w', '-D', 'INPUT', '-s', '198.51.100.7', '-m', 'comment', '--comment', 'vigil:req-2', '-j', 'DROP'],
    ]);
  });
});

describe('hosts.deny', () => {
  it('writes the marker on a comment line of its own: tcpd reads only lines starting with # as comments', () => {
    expect(hostsDenyLines({ daemons: 'ALL' }, v4)).toEqual(['# vigil n0123-web-1 until 2026-01-05T10:10:00.000Z', 'ALL: 198.51.100.7']);
    expect(hostsDenyLines({ daemons: 'sshd, vsftpd' }, v6)).toEqual(['# vigil n4567-web-1 until 2026-01-05T11:00:00.000Z', 'sshd, vsftpd: [2001:db8::7]']);
  });

  it('adds, extends in place and removes its own lines, leaving the rest of the file as it was', () => {
    const original = '# /etc/hosts.deny: list of hosts that are _not_ allowed to access the system.\nALL: 203.0.113.9\n';
    const blocked = withBlock(withBlock(original, { daemons: 'ALL' }, v4), { daemons: 'ALL' }, v6);
    expect(blocked).toBe(`${original}# vigil n0123-web-1 until 2026-01-05T10:10:00.000Z\nALL: 198.51.100.7\n# vigil n4567-web-1 until 2026-01-05T11:00:00.000Z\nALL: [2001:db8::7]\n`);
    const extended = withBlock(blocked, { daemons: 'ALL' }, { ...v4, expires: new Date('2026-01-05T12:00:00.000Z') });
    expect(extended.split('\n').filter((l) => l.includes('198.51.100.7'))).toEqual(['ALL: 198.51.100.7']);
    expect(extended).toContain('# vigil n0123-web-1 until 2026-01-05T12:00:00.000Z\nALL: 198.51.100.7\n');
    expect(withoutBlock(withoutBlock(extended, v4), { ip: v6.ip, family: 6 })).toBe(original);
    // a line that merely looks like the rule, without the responder's marker, is not the responder's
    expect(withoutBlock(original, { ip: '203.0.113.9', family: 4 })).toBe(original);
  });
});

describe('command', () => {
  it('runs block once for a new block, with the placeholders filled, and unblock to lift it; nothing on extension or reconcile', async () => {
    const { backend: b, calls } = backend({
      type: 'command',
      block: ['ansible-playbook', 'pf-block.yml', '-e', 'ip={ip}', '-e', 'minutes={duration_minutes}', '-e', 'seconds={duration}'],
      unblock: ['ansible-playbook', 'pf-unblock.yml', '-e', 'ip={ip}'],
    });
    await b.prepare();
    await b.apply(v4, 600_000, 'new');
    await b.apply(v4, 900_000, 'extend');
    await b.apply(v4, 800_000, 'reconcile');
    await b.remove(v4);
    expect(calls).toEqual([
      ['ansible-playbook', 'pf-block.yml', '-e', 'ip=198.51.100.7', '-e', 'minutes=10', '-e', 'seconds=600'],
      ['ansible-playbook', 'pf-unblock.yml', '-e', 'ip=198.51.100.7'],
    ]);
  });
});
