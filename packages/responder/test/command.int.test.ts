// The command backend running a real script (as an Ansible playbook for a pfSense firewall would
// be run): block with the placeholders filled, unblock at expiry or on request, a failing command
// reported with its stderr; and every hostile request refused with nothing run at all.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { uniquePrefix } from '@vigil/testkit';
import { execFileRunner, type BackendConfig, type Responder } from '../src/index.ts';
import { INJECTION_PAYLOADS } from './support/payloads.ts';
import { recordingRunner } from './support/recording-runner.ts';
import { blockRequest, unblockRequest, VigilSide } from './support/redis.ts';
import { startResponder, tempDir, tempStateDir, testConfig } from './support/responder.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** A script that appends its argv, one `[arg]` per argument, to `log`; exits 3 when its first argument is `fail`. */
function recordingScript(dir: string): { script: string; log: string; calls: () => string[] } {
  const script = join(dir, 'pf.sh');
  const log = join(dir, 'calls.log');
  writeFileSync(script, `#!/bin/sh\n[ "$2" = "ip=198.51.100.99" ] && { echo "pfSense refused the rule" >&2; exit 3; }\n{ printf '%s' "$(basename "$0")"; for a in "$@"; do printf ' [%s]' "$a"; done; printf '\\n'; } >> '${log}'\n`);
  chmodSync(script, 0o755);
  return { script, log, calls: () => readFileSync(log, 'utf8').trim().split('\n') };
}

async function setUp(label: string, backend: BackendConfig, run = execFileRunner(), overrides: Parameters<typeof testConfig>[4] = {}) {
  const prefix = uniquePrefix(label);
  const vigil = new VigilSide(prefix);
  cleanups.push(() => vigil.close());
  const responder: Responder = await startResponder(testConfig(prefix, 'fw-1', backend, tempStateDir(label), overrides), run, { localAddresses: () => [{ iface: 'eth0', address: '198.51.100.1' }] });
  cleanups.push(() => responder.stop());
  return { vigil, responder };
}

describe('the command backend', () => {
  it('runs block with the placeholders, unblock at expiry and on request, with no shell; a failure is reported with its stderr', async () => {
    const dir = tempDir('command');
    const { script, calls } = recordingScript(dir);
    const { vigil, responder } = await setUp('cmd', { type: 'command', block: [script, 'block', 'ip={ip}', '-e', 'minutes={duration_minutes}', '{duration}'], unblock: [script, 'unblock', 'ip={ip}'] });

    await vigil.send('fw-1', blockRequest('cmd-1', '198.51.100.7', 1_500, { reason: 'user "$(id)" from `hostname`; rm -rf /' }));
    await vigil.send('fw-1', blockRequest('cmd-2', '2001:db8::7', 90_000));
    await vigil.outcome('cmd-1:blocked');
    await vigil.outcome('cmd-2:blocked');
    await vigil.send('fw-1', unblockRequest('cmd-3', '2001:db8::7'));
    await vigil.outcome('cmd-3:unblocked');
    await vigil.outcome('cmd-1:expired', 6_000);
    expect(calls()).toEqual([
      'pf.sh [block] [ip=198.51.100.7] [-e] [minutes=1] [2]',
      'pf.sh [block] [ip=2001:db8::7] [-e] [minutes=2] [90]',
      'pf.sh [unblock] [ip=2001:db8::7]',
      'pf.sh [unblock] [ip=198.51.100.7]',
    ]);

    await vigil.send('fw-1', blockRequest('cmd-4', '198.51.100.99', 60_000));
    expect(await vigil.outcome('cmd-4:failed')).toMatchObject({ outcome: 'failed', ip: '198.51.100.99', error: { message: expect.stringContaining('pfSense refused the rule') } });
    expect(responder.blocks).toEqual([]);
  }, 30_000);

  it('refuses every hostile or malformed request with a reason and runs nothing, and keeps consuming', async () => {
    const run = recordingRunner();
    const { vigil } = await setUp('cmd-refuse', { type: 'command', block: ['/usr/local/sbin/pf-block', '{ip}'], unblock: ['/usr/local/sbin/pf-unblock', '{ip}'] }, run, { allowlist: ['203.0.113.0/24'], maxDurationMs: 86_400_000 });
    const refused: [id: string, data: unknown, reason: RegExp][] = [
      ...INJECTION_PAYLOADS.map((ip, i): [string, unknown, RegExp] => [`inj-${i}`, blockRequest(`inj-${i}`, ip, 60_000), /not an IP address|is empty/]),
      ...INJECTION_PAYLOADS.slice(0, 5).map((ip, i): [string, unknown, RegExp] => [`inj-u-${i}`, unblockRequest(`inj-u-${i}`, ip), /not an IP address/]),
      ['map-private', blockRequest('map-private', '::ffff:10.0.0.1', 60_000), /10\.0\.0\.1 is allowlisted: it is in 10\.0\.0\.0\/8 \(private \(RFC 1918\), a default entry\)/],
      ['loopback', blockRequest('loopback', '127.0.0.1', 60_000), /127\.0\.0\.0\/8 \(loopback/],
      ['ula', blockRequest('ula', 'fd00::1', 60_000), /fc00::\/7/],
      ['configured', blockRequest('configured', '203.0.113.50', 60_000), /203\.0\.113\.0\/24 \(from the configuration\)/],
      ['own', blockRequest('own', '198.51.100.1', 60_000), /an address of this host \(eth0\)/],
      ['too-long', blockRequest('too-long', '198.51.100.7', 86_400_001), /at most 86400000 ms/],
      ['fraction', blockRequest('fraction', '198.51.100.7', 1.5), /whole number/],
      ['extra-key', { ...blockRequest('extra-key', '198.51.100.7', 60_000), argv: ['sh', '-c', 'id'] }, /unknown key "argv"/],
      ['no-object', 'block 198.51.100.7', /must be an object/],
      ['bad-id', blockRequest('x y', '198.51.100.7', 60_000), /id: must be/],
    ];
    for (const [id, data] of refused) await vigil.send('fw-1', data as Record<string, unknown>, id);
    await vigil.send('fw-1', blockRequest('valid', '198.51.100.7', 60_000));
    await vigil.outcome('valid:blocked');

    const outcomes = await vigil.outcomes();
    for (const [id, data, reason] of refused) {
      const requestId = typeof data === 'object' && data !== null && 'id' in data && (data as { id: string }).id === 'x y' ? 'x y' : id;
      const outcome = outcomes.find((o) => o.request_id === requestId);
      expect([id, outcome?.outcome, outcome?.error?.message]).toEqual([id, 'refused', expect.stringMatching(reason)]);
      expect(outcome?.ip.length).toBeLessThan(300);
    }
    // the mapped address is reported in its canonical form
    expect(outcomes.find((o) => o.request_id === 'map-private')?.ip).toBe('10.0.0.1');
    // nothing ran but the one valid block
    expect(run.calls).toEqual([['/usr/local/sbin/pf-block', '198.51.100.7']]);
  }, 30_000);

  it('moves the blocks in force when the host changes backend: lifted from the old one, applied with the new one', async () => {
    const dir = tempDir('migrate');
    const file = join(dir, 'hosts.deny');
    const prefix = uniquePrefix('cmd-migrate');
    const vigil = new VigilSide(prefix);
    cleanups.push(() => vigil.close());
    const stateDir = tempStateDir('migrate');
    const before = await startResponder(testConfig(prefix, 'fw-2', { type: 'hosts.deny', file, daemons: 'ALL' }, stateDir), execFileRunner());
    await vigil.send('fw-2', blockRequest('mig-1', '198.51.100.7', 60_000));
    await vigil.outcome('mig-1:blocked');
    expect(readFileSync(file, 'utf8')).toContain('ALL: 198.51.100.7');
    await before.stop();

    const run = recordingRunner();
    // one responder per host and state folder: a second is refused while the first runs
    const running = await startResponder(testConfig(prefix, 'fw-2', { type: 'hosts.deny', file, daemons: 'ALL' }, stateDir), execFileRunner());
    await expect(startResponder(testConfig(prefix, 'fw-2', { type: 'hosts.deny', file, daemons: 'ALL' }, stateDir), execFileRunner())).rejects.toThrow(`another responder (pid ${process.pid}) runs for host "fw-2"`);
    await running.stop();
    const after = await startResponder(testConfig(prefix, 'fw-2', { type: 'command', block: ['/usr/local/sbin/pf-block', '{ip}', '{duration}'], unblock: ['/usr/local/sbin/pf-unblock', '{ip}'] }, stateDir), run);
    cleanups.push(() => after.stop());
    expect(readFileSync(file, 'utf8')).toBe('');
    expect(run.calls).toEqual([['/usr/local/sbin/pf-block', '198.51.100.7', expect.stringMatching(/^(59|60)$/)]]);
    expect(after.blocks).toMatchObject([{ ip: '198.51.100.7', rule_request_id: 'mig-1' }]);
  });
});
