// Redis with a password (compose runs it with requirepass): a `redis://:password@host` URL logs in
// through Vigil's connection factory and the doctor, a wrong or missing password is refused, and the
// password is never printed. Against a second redis-server this test starts on a free loopback port.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig, redactUrl } from '@vigil/core';
import { freePort, until } from '@vigil/testkit';
import { createRedisConnection } from '@vigil/watcher';
import { checkRedis } from '../src/doctor/redis.ts';

const password = `pw-${randomBytes(12).toString('hex')}`;
let port: number;
let server: ChildProcess | undefined;
const dir = mkdtempSync(join(tmpdir(), 'vigil-redis-auth-'));

beforeAll(async () => {
  port = await freePort();
  server = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--requirepass', password, '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await until('redis-server with requirepass', async () => {
    const probe = createRedisConnection(`redis://:${password}@127.0.0.1:${port}`, { lazyConnect: true });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }, 15_000, 100);
}, 30_000);

afterAll(async () => {
  if (server !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function configWith(url: string) {
  return loadConfig({ env: { VIGIL_REDIS_URL: url }, cwd: dir });
}

describe('Redis URL with a password', () => {
  it('the configuration keeps redis://:password@host and rediss:// URLs as given', () => {
    expect(configWith(`redis://:${password}@127.0.0.1:${port}`).redis.url).toBe(`redis://:${password}@127.0.0.1:${port}`);
    expect(configWith('rediss://vigil:secret@redis.example.org:6380/0').redis.url).toBe('rediss://vigil:secret@redis.example.org:6380/0');
  });

  it('logs in with the password from the URL, and the server refuses a connection without it', async () => {
    const good = createRedisConnection(`redis://:${password}@127.0.0.1:${port}`);
    try {
      await good.set('vigil-auth-test', 'ok');
      expect(await good.get('vigil-auth-test')).toBe('ok');
    } finally {
      good.disconnect();
    }
    // without the password: the server's own answer, on a plain socket
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        resolve(data.toString());
        socket.destroy();
      });
      socket.once('error', reject);
    });
    expect(reply).toMatch(/^-NOAUTH/);
  });

  it('gives rediss:// a TLS connection (and its password) without connecting', () => {
    const tls = createRedisConnection('rediss://:tls-secret@redis.example.org:6380', { lazyConnect: true });
    try {
      expect(tls.options.tls).toBeDefined();
      expect(tls.options.password).toBe('tls-secret');
      expect(tls.options.port).toBe(6380);
    } finally {
      tls.disconnect();
    }
  });

  it('doctor reports the server with the password redacted, and a wrong password as a failure without it', async () => {
    const okResults = await checkRedis(configWith(`redis://:${password}@127.0.0.1:${port}`));
    expect(okResults[0]).toEqual({ name: 'redis', status: 'ok', summary: expect.stringContaining(`redis://:***@127.0.0.1:${port}`) });
    expect(JSON.stringify(okResults)).not.toContain(password);

    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const failed = await checkRedis(configWith(`redis://:${wrong}@127.0.0.1:${port}`));
    expect(failed[0]?.status).toBe('fail');
    expect(JSON.stringify(failed)).not.toContain(wrong);
    expect(redactUrl(`rediss://vigil:${wrong}@redis.example.org:6380`)).toBe('rediss://vigil:***@redis.example.org:6380');
  });
});
