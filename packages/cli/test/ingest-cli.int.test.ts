import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createElasticsearchClient } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';

const root = repoRoot();
const env = serviceEnv(root);
const prefix = uniquePrefix('ingest-cli');
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const dir = mkdtempSync(join(tmpdir(), 'vigil-ingest-cli-'));

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

function runIngest(args: string[]) {
  const child = spawn(process.execPath, [join(root, 'packages', 'cli', 'bin', 'vigil.js'), 'ingest', ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', VIGIL_ELASTICSEARCH_URL: env.VIGIL_ELASTICSEARCH_URL, VIGIL_INDEX_PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

async function eventCount(): Promise<number> {
  await client.indices.refresh({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  const res = await client.count({ index: `${prefix}-*,-${prefix}-watches,-${prefix}-alerts`, allow_no_indices: true, ignore_unavailable: true });
  return res.count;
}

describe('vigil ingest FILE', () => {
  it('killed with SIGKILL in the middle of a large file and run again, leaves exactly one document per line', async () => {
    const lines = 150_000;
    const file = join(dir, 'big.log');
    const text = Array.from({ length: lines }, (_, i) => `Nov 22 09:${String(Math.floor(i / 6000) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} web${i % 7} sshd[${1000 + (i % 5000)}]: line ${i} of the SIGKILL test\n`).join('');
    writeFileSync(file, text);
    const state = join(dir, 'state');

    const first = runIngest(['--source', 'auto', '--state', state, file]);
    // kill once a part of the file is stored, well before the end
    const deadline = Date.now() + 60_000;
    let seen = 0;
    while (Date.now() < deadline) {
      seen = await eventCount();
      if (seen >= lines * 0.3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(lines);

    const second = await runIngest(['--source', 'auto', '--state', state, file]).done;
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/resumed at byte [1-9]\d*/);
    expect(await eventCount()).toBe(lines);

    // a third run finds nothing left to do
    const third = await runIngest(['--source', 'auto', '--state', state, file]).done;
    expect(third.stdout).toMatch(/big\.log: 0 records \(resumed at byte \d+\)/);
    expect(await eventCount()).toBe(lines);
  });
});

describe('vigil ingest serve', () => {
  it('runs the inputs of an ingest folder until SIGTERM, then exits 0 with everything stored', async () => {
    const before = await eventCount();
    const ingestDir = join(dir, 'serve-ingest');
    mkdirSync(ingestDir, { recursive: true });
    const log = join(dir, 'serve.log');
    writeFileSync(log, '');
    writeFileSync(join(ingestDir, 'auth.yaml'), `type: file\nparser: auto\ndataset: auth\npaths: [${log}]\n`);
    const serve = runIngest(['serve', '--dir', ingestDir, '--state', join(dir, 'serve-state'), '--metrics', 'off']);
    // a new file is read from its start, so lines written before the input is up are read too
    appendFileSync(log, Array.from({ length: 500 }, (_, i) => `Nov 22 11:00:00 web1 sshd[7]: serve line ${i}\n`).join(''));
    const deadline = Date.now() + 30_000;
    while ((await eventCount()) < before + 500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    serve.child.kill('SIGTERM');
    const result = await serve.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/input auth: file, parser auto/);
    expect(await eventCount()).toBe(before + 500);
  });

  it('refuses an invalid input definition at start, naming file, line and key', async () => {
    const ingestDir = join(dir, 'bad-ingest');
    mkdirSync(ingestDir, { recursive: true });
    writeFileSync(join(ingestDir, 'udp.yaml'), 'type: syslog_udp\nparser: syslog\nlisten: 127.0.0.1\nbuffer: 10\n');
    const result = await runIngest(['serve', '--dir', ingestDir, '--metrics', 'off']).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(ingestDir, 'udp.yaml')}:3: listen: must be host:port`);
    expect(result.stderr).toContain(`${join(ingestDir, 'udp.yaml')}:4: buffer: unknown key`);
  });
});
