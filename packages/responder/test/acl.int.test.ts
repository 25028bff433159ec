// The least-privilege Redis ACL user of docs/drafts/responder.md, for real: a throwaway redis-server
// with an aclfile holding it, a responder logged in as that user doing all it does (consume, add its
// expiry jobs, report, announce, leave), with no denial in the ACL log, and everything else denied.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { findTool, freePort, uniquePrefix, until } from '@vigil/testkit';
import { createRedisConnection, respondersKey, responderAclRules, type Responder } from '../src/index.ts';
import { recordingRunner } from './support/recording-runner.ts';
import { blockRequest, unblockRequest, VigilSide } from './support/redis.ts';
import { startResponder, tempDir, tempStateDir, testConfig } from './support/responder.ts';

const prefix = uniquePrefix('acl');
const host = 'web1';
const user = `vigil-responder-${host}`;
const password = 'responder-secret';
let server: ChildProcess | undefined;
let port = 0;
let admin: Redis;

function redisServer(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || findTool('redis-server');
  } catch {
    throw new Error("redis-server is not installed: this test starts a throwaway Redis 7 with an aclfile (apt-get install redis-server; scripts/services installs it when no Redis is listening)");
  }
}

beforeAll(async () => {
  const binary = redisServer();
  const dir = tempDir('acl');
  writeFileSync(join(dir, 'users.acl'), [`user default on nopass ~* &* +@all`, `user ${user} on >${password} ${responderAclRules(prefix, host).join(' ')}`, ''].join('\n'));
  port = await freePort();
  server = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--aclfile', join(dir, 'users.acl'), '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  admin = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  await until('the throwaway redis-server', async () => {
    try {
      if (admin.status !== 'ready') await admin.connect();
      return (await admin.ping()) === 'PONG';
    } catch {
      return false;
    }
  }, 10_000, 100);
});

afterAll(async () => {
  await admin?.quit().catch(() => undefined);
  server?.kill('SIGKILL');
});

describe('the responder ACL user', () => {
  let responder: (Responder & { lines: string[] }) | undefined;
  const url = () => `redis://${user}:${password}@127.0.0.1:${port}`;

  afterAll(async () => {
    await responder?.stop().catch(() => undefined);
  });

  it('is all a responder needs: it consumes, expires, reports, announces and leaves without one denial', async () => {
    const vigil = new VigilSide(prefix, `redis://127.0.0.1:${port}`);
    const run = recordingRunner();
    const config = testConfig(prefix, host, { type: 'command', block: ['/usr/local/sbin/pf-block', '{ip}', '{duration}'], unblock: ['/usr/local/sbin/pf-unblock', '{ip}'] }, tempStateDir('acl'), { redisUrl: url() });
    await admin.acl('LOG', 'RESET');
    responder = await startResponder(config, run, { connect: () => createRedisConnection(url()) });

    await vigil.send(host, blockRequest('acl-1', '198.51.100.7', 1_500));
    await vigil.send(host, blockRequest('acl-2', '10.1.2.3', 1_500));
    await vigil.send(host, blockRequest('acl-3', '203.0.113.9', 60_000));
    expect((await vigil.outcome('acl-1:blocked')).expires).toBeDefined();
    expect((await vigil.outcome('acl-2:refused')).error?.message).toContain('10.0.0.0/8');
    await vigil.outcome('acl-3:blocked');
    await vigil.send(host, unblockRequest('acl-4', '203.0.113.9'));
    await vigil.outcome('acl-4:unblocked');
    await vigil.outcome('acl-1:expired', 8_000);
    expect(JSON.parse((await admin.hget(respondersKey(prefix), host)) ?? '{}')).toMatchObject({ host, backend: 'command' });
    expect(run.calls).toEqual([
      ['/usr/local/sbin/pf-block', '198.51.100.7', '2'],
      ['/usr/local/sbin/pf-block', '203.0.113.9', '60'],
      ['/usr/local/sbin/pf-unblock', '203.0.113.9'],
      ['/usr/local/sbin/pf-unblock', '198.51.100.7'],
    ]);

    await responder.stop();
    responder = undefined;
    expect(await admin.hget(respondersKey(prefix), host)).toBeNull();
    const denials = (await admin.acl('LOG')) as unknown[];
    expect(denials).toEqual([]);
    await vigil.close();
  }, 30_000);

  it('is denied everything else: other hosts, other keys, dangerous commands, pub/sub, key listings', async () => {
    const as = new Redis(url(), { maxRetriesPerRequest: 1 });
    try {
      const denied = async (...command: [string, ...(string | number)[]]) => {
        const [name, ...args] = command;
        await expect(as.call(name, ...args)).rejects.toThrow(/NOPERM|can't access/);
      };
      // its own queue and the hash are readable
      await as.call('HGETALL', `bull:${prefix}-responder-${host}:meta`);
      await as.call('HGET', respondersKey(prefix), host);
      await denied('HGETALL', `bull:${prefix}-responder-${host}0:meta`); // web10's queue
      await denied('HGETALL', `bull:${prefix}-responder-db1:meta`);
      await denied('GET', `${prefix}:watch-lock:any`);
      await denied('HGETALL', `bull:${prefix}-watches:meta`);
      await denied('EVAL', "return redis.call('GET', KEYS[1])", 1, 'anything');
      await denied('EVAL', "return redis.call('GET', 'anything')", 0);
      // ACL DRYRUN: what the user may run, without running it (SHUTDOWN would stop the server)
      for (const command of [['FLUSHALL'], ['FLUSHDB'], ['KEYS', '*'], ['SCAN', '0'], ['RANDOMKEY'], ['CONFIG', 'GET', '*'], ['CONFIG', 'SET', 'dir', '/tmp'], ['ACL', 'LIST'], ['MONITOR'], ['SCRIPT', 'FLUSH'], ['FUNCTION', 'FLUSH'], ['FUNCTION', 'DELETE', 'x'], ['FCALL', 'x', '0'], ['CLIENT', 'LIST'], ['CLIENT', 'KILL', 'ID', '1'], ['DEBUG', 'SLEEP', '0'], ['SHUTDOWN'], ['SAVE'], ['REPLICAOF', '127.0.0.1', '1'], ['PUBLISH', 'x', 'y'], ['SUBSCRIBE', 'x'], ['MIGRATE', 'h', '1', 'k', '0', '1'], ['SWAPDB', '0', '1']]) {
        expect([command.join(' '), await admin.call('ACL', 'DRYRUN', user, ...command)]).toEqual([command.join(' '), expect.stringMatching(/no permissions/)]);
      }
      for (const command of [['EVALSHA', 'abc', '1', `bull:${prefix}-responses:id`], ['HSET', respondersKey(prefix), host, '{}'], ['BZPOPMIN', `bull:${prefix}-responder-${host}:marker`, '1'], ['INFO'], ['CLIENT', 'SETNAME', 'x'], ['SCRIPT', 'LOAD', 'return 1'], ['MULTI']]) {
        expect([command.join(' '), await admin.call('ACL', 'DRYRUN', user, ...command)]).toEqual([command.join(' '), 'OK']);
      }
    } finally {
      as.disconnect();
    }
  });
});
