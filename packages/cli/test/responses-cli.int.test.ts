import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { ResponseAuditDocument } from '@vigil/actions';
import { respondersKey, responderQueueName } from '@vigil/responder/protocol';
import { createElasticsearchClient, setupIndices } from '@vigil/store';
import { ResponseAudit } from '@vigil/watcher';
import { deleteRedisPrefix, dropPrefix, repoRoot, runVigil, serviceEnv, uniquePrefix, type VigilResult } from '@vigil/testkit';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('responses-cli');
const empty = uniquePrefix('responses-none');
const cwd = mkdtempSync(join(tmpdir(), 'vigil-responses-cli-'));
const es = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const redis = new Redis(env.VIGIL_REDIS_URL);
const audit = new ResponseAudit({ client: es, prefix });
const queues: Queue[] = [];
const MINUTE = 60_000;
const now = Date.now();
const at = (offsetMinutes: number) => new Date(now + offsetMinutes * MINUTE).toISOString();

function vigil(args: string[], options: { prefix?: string } = {}): Promise<VigilResult> {
  return runVigil(args, { cwd, prefix: options.prefix ?? prefix });
}

function queueOf(host: string): Queue {
  const queue = new Queue(responderQueueName(prefix, host), { connection: redis });
  queues.push(queue);
  return queue;
}

/** A responder's outcome, as the ResponseAuditWorker writes it. */
function outcome(request: string, host: string, ip: string, kind: ResponseAuditDocument['outcome'], minutes: number, extra: Partial<ResponseAuditDocument> = {}): ResponseAuditDocument {
  return { id: `${request}:${kind}`, '@timestamp': at(minutes), request_id: request, action: kind === 'unblocked' ? 'unblock' : 'block', outcome: kind, ip, host: { name: host }, backend: 'ipset', reason: 'test', origin: 'watch', ...extra };
}

const blocked = (request: string, host: string, ip: string, minutes: number, expiresIn: number) =>
  outcome(request, host, ip, 'blocked', minutes, { duration_ms: expiresIn * MINUTE, step: 1, expires: at(minutes + expiresIn), watch_id: 'auth.credential_access_brute_force' });

beforeAll(async () => {
  await setupIndices(es, prefix);
  for (const document of [
    // in force on web-1
    blocked('blk-aaaaaaaaaaaaaaaaaaaaaaaa-web-1', 'web-1', '198.51.100.23', -10, 120),
    // lifted on db-1 by a later unblock
    blocked('blk-aaaaaaaaaaaaaaaaaaaaaaaa-db-1', 'db-1', '198.51.100.23', -20, 120),
    outcome('unb-bbbbbbbbbbbbbbbbbbbbbbbb-db-1', 'db-1', '198.51.100.23', 'unblocked', -5, { origin: 'cli' }),
    // ran out
    blocked('blk-cccccccccccccccccccccccc-web-1', 'web-1', '203.0.113.5', -90, 60),
    // removed early by the responder
    blocked('blk-dddddddddddddddddddddddd-web-1', 'web-1', '203.0.113.6', -30, 60),
    outcome('blk-dddddddddddddddddddddddd-web-1', 'web-1', '203.0.113.6', 'expired', -1),
  ])
    await audit.record(document);
  await redis.hset(respondersKey(prefix), { 'web-2': JSON.stringify({ host: 'web-2', backend: 'nftables', seen: new Date().toISOString(), version: '0.1.0' }) });
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  for (const p of [prefix, empty]) {
    await deleteRedisPrefix(redis, p);
    await dropPrefix(es, p);
  }
  await redis.quit();
  await es.close();
});

describe('vigil responses list', () => {
  it('--active --json: the blocks in force, one per address and host, without those unblocked or expired', async () => {
    const result = await vigil(['responses', 'list', '--active', '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual([
      {
        ip: '198.51.100.23',
        host: 'web-1',
        request_id: 'blk-aaaaaaaaaaaaaaaaaaaaaaaa-web-1',
        blocked: at(-10),
        expires: at(110),
        duration_ms: 120 * MINUTE,
        step: 1,
        backend: 'ipset',
        watch_id: 'auth.credential_access_brute_force',
        reason: 'test',
        origin: 'watch',
      },
    ]);
    // the address is canonicalized before the search
    const mapped = await vigil(['responses', 'list', '--active', '--json', '--ip', '::ffff:198.51.100.23']);
    expect(JSON.parse(mapped.stdout)).toHaveLength(1);
    expect(JSON.parse((await vigil(['responses', 'list', '--active', '--json', '--host', 'db-1'])).stdout)).toEqual([]);
  });

  it('lists the audit newest first, says when --limit cut it, and prints a table without --json', async () => {
    const limited = await vigil(['responses', 'list', '--json', '--limit', '2']);
    expect(limited.code).toBe(0);
    expect((JSON.parse(limited.stdout) as ResponseAuditDocument[]).map((d) => [d.outcome, d.ip, d.host?.name])).toEqual([
      ['expired', '203.0.113.6', 'web-1'],
      ['unblocked', '198.51.100.23', 'db-1'],
    ]);
    expect(limited.stderr).toBe('vigil: 2 of 6 shown (--limit 2)\n');

    const table = await vigil(['responses', 'list', '--ip', '198.51.100.23']);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME +OUTCOME +ACTION +IP +HOST +STEP +DURATION +EXPIRES +ORIGIN +WATCH +REQUEST +ERROR$/);
    expect(lines.slice(1).map((l) => l.split(/ +/).slice(1, 5).join(' '))).toEqual(['unblocked unblock 198.51.100.23 db-1', 'blocked block 198.51.100.23 web-1', 'blocked block 198.51.100.23 db-1']);
  });

  it('refuses an --ip that is not one address (usage error)', async () => {
    const result = await vigil(['responses', 'list', '--ip', '1.2.3.4; rm -rf /']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--ip "1.2.3.4; rm -rf \/" is not an IP address: contains whitespace/);
  });
});

describe('vigil unblock', () => {
  it('asks every host with a block in force and every announced responder, records each request, and prints what it sent', async () => {
    const result = await vigil(['unblock', '::FFFF:198.51.100.23', '--reason', 'false positive: our scanner']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^sent unblock of 198\.51\.100\.23 to web-1 \(request unb-[0-9a-f]{24}-web-1\) \(it has not announced itself/), expect.stringMatching(/^sent unblock of 198\.51\.100\.23 to web-2 \(request unb-[0-9a-f]{24}-web-2\)$/)]);

    for (const host of ['web-1', 'web-2']) {
      const jobs = await queueOf(host).getJobs(['waiting']);
      expect(jobs.map((j) => j.data)).toEqual([{ id: jobs[0]!.id, action: 'unblock', ip: '198.51.100.23', reason: 'false positive: our scanner', requested: expect.any(String), origin: 'cli' }]);
    }
    const { documents } = await audit.list({ ip: '198.51.100.23' }, 100);
    expect(documents.filter((d) => d.outcome === 'requested').map((d) => [d.action, d.host?.name, d.origin]).sort()).toEqual([
      ['unblock', 'web-1', 'cli'],
      ['unblock', 'web-2', 'cli'],
    ]);
  });

  it('--host sends to that host only, and exits 1 for a host no one knows', async () => {
    const one = await vigil(['unblock', '203.0.113.6', '--host', 'web-2']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^sent unblock of 203\.0\.113\.6 to web-2 \(request unb-[0-9a-f]{24}-web-2\)\n$/);
    const unknown = await vigil(['unblock', '203.0.113.6', '--host', 'web-9']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/no responder "web-9" is known.*\(announced: web-2\)/);
  });

  it('exits 1 saying how to start a responder when none is known, and 2 for an address that is not one', async () => {
    const none = await vigil(['unblock', '192.0.2.1'], { prefix: empty });
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toMatch(/no responder is known.*`vigil responder`/);
    const hostile = await vigil(['unblock', '$(id)']);
    expect(hostile.code).toBe(2);
    expect(hostile.stderr).toMatch(/address "\$\(id\)" is not an IP address/);
    expect(await queueOf('web-2').getJobCountByTypes('waiting')).toBe(2);
  });
});
