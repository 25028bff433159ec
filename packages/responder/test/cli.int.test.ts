// `vigil responder` as a real process: configured by its own file and VIGIL_REDIS_URL /
// VIGIL_INDEX_PREFIX only, it announces itself, applies a request, and on SIGTERM stops cleanly
// (exit 0) and removes its announcement. A bad file stops it at start with file:line: key.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { repoRoot, uniquePrefix, until } from '@vigil/testkit';
import { respondersKey } from '../src/index.ts';
import { blockRequest, redisUrl, VigilSide } from './support/redis.ts';
import { tempDir } from './support/responder.ts';

const root = repoRoot();
const prefix = uniquePrefix('cli');
const vigil = new VigilSide(prefix);
const dir = tempDir('cli');
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await vigil.close();
});

function responder(args: string[], env: Record<string, string> = {}): ChildProcess & { output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(root, 'packages/cli/bin/vigil.js'), 'responder', ...args], {
    cwd: dir,
    // no VIGIL_ELASTICSEARCH_URL: a protected host has no Elasticsearch credentials
    env: { PATH: process.env.PATH ?? '', VIGIL_REDIS_URL: redisUrl(), VIGIL_INDEX_PREFIX: prefix, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return Object.assign(child, { output: () => output, exited });
}

describe('vigil responder', () => {
  it('announces itself, applies requests, and on SIGTERM stops with exit 0 and withdraws its announcement', async () => {
    const denyFile = join(dir, 'hosts.deny');
    const config = join(dir, 'responder.yaml');
    writeFileSync(config, `# web-1's responder\nstate_dir: ${join(dir, 'state')}\nbackend:\n  type: hosts.deny\n  file: ${denyFile}\n`);
    const child = responder(['--config', config, '--host', 'WEB-1']);
    await until('the announcement', async () => (await vigil.redis.hget(respondersKey(prefix), 'web-1')) !== null, 15_000, 100);
    expect(JSON.parse((await vigil.redis.hget(respondersKey(prefix), 'web-1')) as string)).toEqual({ host: 'web-1', backend: 'hosts.deny', seen: expect.any(String), version: '0.1.0' });
    expect(child.output()).toContain(`vigil responder: host "web-1", backend hosts.deny, queue ${prefix}-responder-web-1`);

    await vigil.send('web-1', blockRequest('cli-1', '198.51.100.7', 60_000));
    await vigil.outcome('cli-1:blocked');
    expect(readFileSync(denyFile, 'utf8')).toContain('ALL: 198.51.100.7\n');
    expect(JSON.parse(readFileSync(join(dir, 'state', 'web-1.blocks.json'), 'utf8')).blocks).toMatchObject([{ ip: '198.51.100.7', rule_request_id: 'cli-1' }]);

    child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(child.output()).toContain('vigil responder: stopping');
    expect(await vigil.redis.hget(respondersKey(prefix), 'web-1')).toBeNull();
  }, 30_000);

  it('refuses a configuration with an unknown key, naming file, line and key (exit 2)', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'backend:\n  type: iptables\n  netns: server\n');
    const child = responder(['--config', config]);
    expect(await child.exited).toBe(2);
    expect(child.output()).toContain(`${config}:3: backend.netns: unknown key`);
  });

  it('says what is missing when its backend cannot be prepared (exit 1)', async () => {
    const config = join(dir, 'ipset.yaml');
    writeFileSync(config, `state_dir: ${join(dir, 'state-ipset')}\nbackend: { type: ipset }\n`);
    // no PATH: the ipset tool cannot be found, so nothing is touched on this machine
    const child = responder(['--config', config, '--host', 'db-1'], { PATH: '/nonexistent' });
    expect(await child.exited).toBe(1);
    expect(child.output()).toMatch(/vigil responder: the ipset backend could not be prepared: ipset list -t vigil failed \(ENOENT\)/);
    expect(await vigil.redis.hget(respondersKey(prefix), 'db-1')).toBeNull();
  });
});
