// `vigil up` as a user runs it, against the running services (found running, so never started or
// stopped by it): one tcp_lines input and one watch of its own, SYN lines through the port into
// Elasticsearch, prefixed output, and SIGINT stopping every child with exit code 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@vigil/core';
import { createElasticsearchClient } from '@vigil/store';
import { createRedisConnection } from '@vigil/watcher';
import { deleteRedisPrefix, dropPrefix, freePort, repoRoot, serviceEnv, uniquePrefix, until } from '@vigil/testkit';
import { probesFrom } from '../src/commands/up/services.ts';
import { runChecks } from '../src/doctor/index.ts';

const root = repoRoot();
const env = serviceEnv(root);
const prefix = uniquePrefix('up');
const cwd = mkdtempSync(join(tmpdir(), 'vigil-up-'));
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
let up: Up | undefined;

/** A running `vigil up`, its output so far, and its end. */
interface Up {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnUp(args: readonly string[]): Up {
  const child = spawn(process.execPath, [join(root, 'packages/cli/bin/vigil.js'), 'up', ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      XDG_STATE_HOME: join(cwd, 'state'),
      VIGIL_ELASTICSEARCH_URL: env.VIGIL_ELASTICSEARCH_URL,
      VIGIL_REDIS_URL: env.VIGIL_REDIS_URL,
      VIGIL_SMTP_URL: env.VIGIL_SMTP_URL,
      VIGIL_MAIL_API_URL: env.VIGIL_MAIL_API_URL,
      VIGIL_INDEX_PREFIX: prefix,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started: Up = { child, stdout: '', stderr: '', exited: new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal }))) };
  child.stdout.on('data', (d: Buffer) => (started.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (started.stderr += d.toString()));
  return started;
}

/** The children `vigil up` says it started, with their pids. */
function startedPids(stdout: string): Array<readonly [string | undefined, number]> {
  const listed = /^vigil up: started (.*)$/m.exec(stdout)?.[1] ?? '';
  return [...listed.matchAll(/(\w+) \(pid (\d+)\)/g)].map((m) => [m[1], Number(m[2])] as const);
}

afterAll(async () => {
  if (up !== undefined && up.child.exitCode === null && up.child.signalCode === null) up.child.kill('SIGKILL');
  const redis = createRedisConnection(env.VIGIL_REDIS_URL);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
  await dropPrefix(client, prefix);
  await client.close();
});

/** A SYN as `tcpdump -n -tttt` prints it, stamped now (UTC: the input's default zone). */
function synLine(source: string, port: number): string {
  const now = new Date();
  const stamp = `${now.toISOString().slice(0, 10)} ${now.toISOString().slice(11, 23)}000`;
  return `${stamp} IP ${source}.${port} > 10.0.0.8.22: Flags [S], seq ${port}, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0`;
}

function send(port: number, lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.end(lines.map((l) => `${l}\n`).join('')));
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
}

/** The source addresses stored in `<prefix>-tcpdump-*`, sorted. */
async function storedSources(): Promise<string[]> {
  await client.indices.refresh({ index: `${prefix}-tcpdump-*`, ignore_unavailable: true, allow_no_indices: true });
  const index = `${prefix}-tcpdump-*`;
  const found = await client.search<{ source?: { ip?: string } }>({ index, ignore_unavailable: true, allow_no_indices: true, size: 100 });
  return found.hits.hits.map((h) => h._source?.source?.ip ?? '').sort();
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
};

describe('vigil up', () => {
  it('runs ingest, scheduler and worker with prefixed output, ingests what reaches its port, and stops all on SIGINT', async () => {
    const port = await freePort();
    const ingestDir = join(cwd, 'ingest');
    const watchesDir = join(cwd, 'watches', 'network');
    mkdirSync(ingestDir, { recursive: true });
    mkdirSync(watchesDir, { recursive: true });
    writeFileSync(join(ingestDir, 'syn.yaml'), `type: tcp_lines\nlisten: 127.0.0.1:${port}\nparser: tcpdump\n`);
    writeFileSync(
      join(watchesDir, 'discovery_syn_seen.yaml'),
      [
        'id: network.discovery_syn_seen',
        'name: SYN seen',
        'schedule:\n  every: 1m',
        'input:\n  search:\n    indices: [tcpdump-*]\n    window:\n      size: 1m',
        'condition:\n  never: true',
        '',
      ].join('\n'),
    );

    up = spawnUp(['--no-responder', '--ingest-dir', ingestDir, '--watches', join(cwd, 'watches'), '--metrics', 'off']);
    const { exited } = up;
    const stdout = () => up!.stdout;
    const stderr = () => up!.stderr;
    await until('the ready summary of vigil up', () => stdout().includes('Ctrl-C stops everything.') || up?.child.exitCode !== null, 90_000, 100);
    expect({ stdout: stdout(), stderr: stderr(), exit: up.child.exitCode }).toMatchObject({ exit: null });
    const pids = startedPids(stdout());
    expect(pids.map(([role]) => role)).toEqual(['ingest', 'scheduler', 'worker']);
    expect(stdout()).toContain(`  processes  ${pids.map(([role, pid]) => `${role} (pid ${pid})`).join(', ')}\n`);
    expect(pids.every(([, pid]) => alive(pid))).toBe(true);
    expect(stdout()).toContain(`  logs       tcp_lines  127.0.0.1:${port} (tcpdump): tcpdump -n -tttt -l 'tcp[13]==2' | nc 127.0.0.1 ${port}\n`);
    expect(stdout()).toContain('  watches    1 registered, 1 enabled (vigil watch list)\n');
    expect(stdout()).toContain('  responder  not started: --no-responder\n');
    expect(stdout()).toContain(`read it: ${env.VIGIL_MAIL_API_URL.replace(/\/+$/, '')}/api/v1/messages, or scripts/services mail`);

    await send(port, [synLine('198.51.100.23', 51234), synLine('198.51.100.24', 51235), synLine('203.0.113.9', 40000)]);
    await until(`three SYN events in ${prefix}-tcpdump-*`, async () => (await storedSources()).length >= 3, 30_000, 200);
    expect(await storedSources()).toEqual(['198.51.100.23', '198.51.100.24', '203.0.113.9']);

    up.child.kill('SIGINT');
    const result = await exited;
    expect({ result, stderr: stderr() }).toEqual({ result: { code: 0, signal: null }, stderr: '' });
    for (const [role, pid] of pids) expect([role, alive(pid)]).toEqual([role, false]);

    const lines = stdout().trimEnd().split('\n');
    // every line is a child's, an in-process step's, vigil up's own, or the summary: nothing unprefixed
    const known = /^(\[(ingest|scheduler|worker|setup|watches|doctor)\] |vigil up: | {2}\S| {13}\S|Ctrl-C stops everything\.$)/;
    const unexplained = lines.filter((l) => !known.test(l));
    expect(unexplained).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/^\[ingest\] .*input syn: tcp_lines, parser tcpdump$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[scheduler\] .*vigil scheduler: watches of .* 1 scheduled$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[worker\] .*vigil worker: runs and deliveries from /));
    expect(lines).toContainEqual(expect.stringMatching(/^\[watches\] created {3}network\.discovery_syn_seen \(version 1\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[worker\] .*vigil worker: stopping/));
    expect(lines).toContainEqual('vigil up: SIGINT received: stopping ingest, scheduler, worker (Ctrl-C again kills them)');
    for (const role of ['ingest', 'scheduler', 'worker']) expect(lines).toContain(`vigil up: ${role} stopped (exit code 0)`);
    expect(lines.at(-1)).toBe('vigil up: stopped');
    expect(stdout()).not.toMatch(/scripts\/services (up|down)|^\[services\] /m);

    // it found the services running, so it left them running
    const { VIGIL_ELASTICSEARCH_URL, VIGIL_REDIS_URL, VIGIL_SMTP_URL } = env;
    const config = loadConfig({ env: { VIGIL_ELASTICSEARCH_URL, VIGIL_REDIS_URL, VIGIL_SMTP_URL }, cwd });
    expect(probesFrom(config, await runChecks(config)).map((p) => [p.name, p.up])).toEqual([['elasticsearch', true], ['redis', true], ['smtp', true]]);
  }, 150_000);

  it('stops the others and exits 1 when a child ends on its own (here ingest, its port taken)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const ingestDir = join(cwd, 'ingest-taken');
      mkdirSync(ingestDir, { recursive: true });
      writeFileSync(join(ingestDir, 'syn.yaml'), `type: tcp_lines\nlisten: 127.0.0.1:${port}\nparser: tcpdump\n`);
      up = spawnUp(['--no-responder', '--ingest-dir', ingestDir, '--watches', join(cwd, 'watches'), '--metrics', 'off']);
      const result = await up.exited;
      expect({ code: result.code, stdout: up.stdout }).toMatchObject({ code: 1 });
      const pids = startedPids(up.stdout);
      expect(pids.map(([role]) => role)).toEqual(['ingest', 'scheduler', 'worker']);
      for (const [role, pid] of pids) expect([role, alive(pid)]).toEqual([role, false]);
      expect(up.stderr).toMatch(/^vigil up: ingest ended on its own \(exit code [1-9]\d*\): stopping scheduler, worker$/m);
      expect(up.stdout).toMatch(/^\[ingest\] .*EADDRINUSE/m);
      expect(up.stdout).not.toContain('vigil up: ready');
      for (const role of ['scheduler', 'worker']) expect(up.stdout).toMatch(new RegExp(`^vigil up: ${role} stopped (while it was starting )?\\(`, 'm'));
      expect(up.stdout.trimEnd().split('\n').at(-1)).toBe('vigil up: stopped');
    } finally {
      taken.close();
    }
  }, 150_000);
});
