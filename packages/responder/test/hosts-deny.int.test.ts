// The hosts.deny backend on a file of the test's own: the lines it writes are what TCP Wrappers
// (tcpdmatch, libwrap's own oracle) reads as "deny this address and only it"; an extension updates
// them in place; the expiry removes them, leaving the rest of the file as it was.
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { findTool, uniquePrefix, until } from '@vigil/testkit';
import { execFileRunner, type Responder } from '../src/index.ts';
import { requireTools } from './support/netns.ts';
import { blockRequest, unblockRequest, VigilSide } from './support/redis.ts';
import { startResponder, tempDir, tempStateDir, testConfig } from './support/responder.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const ORIGINAL = '# /etc/hosts.deny: list of hosts that are _not_ allowed to access the system.\n#\nALL: 192.0.2.66\n';

/** What libwrap decides for `client` connecting to sshd, with the hosts.allow and hosts.deny of `dir`. */
function tcpdmatch(dir: string, client: string): string {
  const out = execFileSync(findTool('tcpdmatch'), ['-d', 'sshd', client], { cwd: dir, encoding: 'utf8' });
  return /access:\s+(\w+)/.exec(out)?.[1] ?? out;
}

async function setUp(label: string) {
  requireTools(['tcpdmatch']);
  const dir = tempDir('hosts-deny');
  const file = join(dir, 'hosts.deny');
  writeFileSync(file, ORIGINAL);
  chmodSync(file, 0o644);
  writeFileSync(join(dir, 'hosts.allow'), '');
  const prefix = uniquePrefix(label);
  const vigil = new VigilSide(prefix);
  cleanups.push(() => vigil.close());
  const responder: Responder = await startResponder(testConfig(prefix, 'web-1', { type: 'hosts.deny', file, daemons: 'ALL' }, tempStateDir(label)), execFileRunner());
  cleanups.push(() => responder.stop());
  return { dir, file, vigil, responder };
}

describe('the hosts.deny backend', () => {
  it('denies exactly the blocked addresses (IPv4 and IPv6) until the block expires, then restores the file', async () => {
    const { dir, file, vigil } = await setUp('hd-expire');
    expect(tcpdmatch(dir, '198.51.100.7')).toBe('granted');

    await vigil.send('web-1', blockRequest('hd-1', '198.51.100.7', 2_500));
    await vigil.send('web-1', blockRequest('hd-2', '2001:DB8::7', 2_500));
    const v4 = await vigil.outcome('hd-1:blocked');
    const v6 = await vigil.outcome('hd-2:blocked');
    expect(v6.ip).toBe('2001:db8::7');
    expect(readFileSync(file, 'utf8')).toBe(`${ORIGINAL}# vigil hd-1 until ${v4.expires}\nALL: 198.51.100.7\n# vigil hd-2 until ${v6.expires}\nALL: [2001:db8::7]\n`);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(tcpdmatch(dir, '198.51.100.7')).toBe('denied');
    expect(tcpdmatch(dir, '2001:db8::7')).toBe('denied');
    expect(tcpdmatch(dir, '198.51.100.8')).toBe('granted');
    expect(tcpdmatch(dir, '2001:db8::8')).toBe('granted');

    await vigil.outcome('hd-1:expired', 6_000);
    await vigil.outcome('hd-2:expired', 6_000);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
    expect(tcpdmatch(dir, '198.51.100.7')).toBe('granted');
    // written atomically: no temporary file left beside it
    expect(readdirSync(dir).sort()).toEqual(['hosts.allow', 'hosts.deny']);
  }, 30_000);

  it('extends a block in place (one pair of lines, the later time) and an unblock removes it at once', async () => {
    const { dir, file, vigil } = await setUp('hd-extend');
    await vigil.send('web-1', blockRequest('hd-e1', '198.51.100.9', 60_000));
    await vigil.outcome('hd-e1:blocked');
    await vigil.send('web-1', blockRequest('hd-e2', '198.51.100.9', 120_000));
    const second = await vigil.outcome('hd-e2:blocked');
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.filter((l) => l.includes('198.51.100.9'))).toEqual(['ALL: 198.51.100.9']);
    expect(lines).toContain(`# vigil hd-e1 until ${second.expires}`);
    expect(tcpdmatch(dir, '198.51.100.9')).toBe('denied');

    await vigil.send('web-1', unblockRequest('hd-u', '198.51.100.9'));
    expect(await vigil.outcome('hd-u:unblocked')).toMatchObject({ outcome: 'unblocked', action: 'unblock', ip: '198.51.100.9' });
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
    expect(tcpdmatch(dir, '198.51.100.9')).toBe('granted');
    // the lifted block's expiry job is gone with it
    await until('the expiry job removed', async () => (await vigil.hostJobs('web-1')).every((j) => j.name !== 'expire'), 5_000);
  }, 30_000);
});
