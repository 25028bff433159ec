import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createElasticsearchClient } from '@vigil/store';
import { dropPrefix, freePort, repoRoot, serviceEnv, uniquePrefix, runVigil, type VigilResult } from '@vigil/testkit';

const root = repoRoot();
const env = serviceEnv(root);
const prefix = uniquePrefix('cli');
// A working directory without vigil.yaml, so only the environment given here configures the CLI.
const cwd = mkdtempSync(join(tmpdir(), 'vigil-cli-'));

/** Runs the real `vigil` binary with the test services' environment plus `extra`. */
function vigil(args: string[], extra: Record<string, string> = {}): Promise<VigilResult> {
  return runVigil(args, { cwd, prefix, extra });
}

function statusOf(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => /^(ok|WARN|FAIL)\s+(\S+(?: \S+)?)\s{2,}/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[2], m[1]]),
  );
}

afterAll(async () => {
  const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  await dropPrefix(client, prefix);
  await client.close();
});

describe('vigil setup', () => {
  it('creates the templates and system indices, and a second run leaves them as they are', async () => {
    const first = await vigil(['setup']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain(`indices created:     ${prefix}-watches, ${prefix}-alerts`);
    const second = await vigil(['setup']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`indices present:     ${prefix}-watches, ${prefix}-alerts`);
    expect(second.stdout).not.toContain('indices created');
  });
});

describe('vigil doctor', () => {
  beforeAll(async () => {
    await vigil(['setup']);
  });

  it('passes every required check against the real services', async () => {
    const result = await vigil(['doctor']);
    expect(result.code).toBe(0);
    const status = statusOf(result.stdout);
    expect(status).toMatchObject({ elasticsearch: 'ok', indices: 'ok', redis: 'ok', 'redis policy': 'ok', smtp: 'ok' });
    // persistence depends on how the Redis found running was started: ok or a warning, never a failure
    expect(['ok', 'WARN']).toContain(status['redis persist']);
    expect(result.stdout).not.toContain(new URL(env.VIGIL_ELASTICSEARCH_URL).password);
  });

  it('fails with a clear line and exit 1 when Elasticsearch is stopped', async () => {
    const port = await freePort();
    const result = await vigil(['doctor'], { VIGIL_ELASTICSEARCH_URL: `http://vigil:secret@127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`^FAIL elasticsearch  http://vigil:\\*\\*\\*@127\\.0\\.0\\.1:${port} unreachable: .*ECONNREFUSED.* -- fix: start it`, 'm'),
    );
    expect(statusOf(result.stdout)).toMatchObject({ redis: 'ok', smtp: 'ok' });
  });

  it('fails with exit 1 when Elasticsearch rejects the credentials', async () => {
    const url = new URL(env.VIGIL_ELASTICSEARCH_URL);
    url.password = 'not-the-password';
    const result = await vigil(['doctor'], { VIGIL_ELASTICSEARCH_URL: url.toString() });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL elasticsearch .* rejected the credentials \(HTTP 401\) -- fix: /m);
  });

  describe('against a Redis with an evicting policy', () => {
    let redis: ChildProcess;
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      redis = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'allkeys-lru'], { stdio: 'ignore' });
      await new Promise<void>((resolve, reject) => {
        redis.once('error', (err) => reject(new Error(`cannot start redis-server (Debian package redis-server): ${err.message}`)));
        const deadline = Date.now() + 10_000;
        const poll = () =>
          void listening(port).then((taken) => (taken ? resolve() : Date.now() > deadline ? reject(new Error('redis-server did not listen')) : setTimeout(poll, 50)));
        poll();
      });
    });

    afterAll(() => {
      redis.kill();
    });

    it('fails the policy check with exit 1 and names the fix', async () => {
      const result = await vigil(['doctor'], { VIGIL_REDIS_URL: `redis://127.0.0.1:${port}` });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^FAIL redis policy   maxmemory-policy allkeys-lru may evict queue keys .* -- fix: CONFIG SET maxmemory-policy noeviction/m);
      expect(result.stdout).toMatch(/^WARN redis persist  persistence off/m);
    });
  });

  it('rejects invalid configuration at start, naming the variable, with exit 2', async () => {
    const result = await vigil(['doctor'], { VIGIL_SMTP_URL: 'mail.example.org:25' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toBe(
      'vigil: environment variable VIGIL_SMTP_URL: smtp.url: must be a smtp:// or smtps:// URL, for example smtp://127.0.0.1:1025',
    );
  });
});

describe('vigil --help', () => {
  it('lists the commands', async () => {
    const result = await vigil(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\s+doctor .*\n(.*\n)*\s+setup /m);
  });
});

async function listening(port: number): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

