import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { actionType, type BlockDecision } from '@vigil/actions';
import { ManualClock, createSecretResolver } from '@vigil/core';
import { queueJobId, respondersKey, responderQueueName, responsesQueueName, type BlockRequest, type ResponseOutcome } from '@vigil/responder/protocol';
import { createElasticsearchClient, setupIndices } from '@vigil/store';
import { deleteRedisPrefix, dropPrefix, repoRoot, serviceEnv, TcpProxy, uniquePrefix, until } from '@vigil/testkit';
import { BullResponderDispatch, createRedisConnection, ResponseAudit, ResponseAuditWorker } from '../src/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('respond');
const es = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const redis = createRedisConnection(env.VIGIL_REDIS_URL);
const dispatch = new BullResponderDispatch({ prefix, connection: redis, elasticsearch: es });
const audit = new ResponseAudit({ client: es, prefix });
const closers: Array<() => Promise<unknown>> = [];
const MINUTE = 60_000;

function queueOf(host: string): Queue {
  const queue = new Queue(responderQueueName(prefix, host), { connection: redis });
  closers.push(() => queue.close());
  return queue;
}

async function auditDocuments(query: Record<string, unknown>): Promise<{ _id: string; _index: string; _source: Record<string, unknown> }[]> {
  await es.indices.refresh({ index: `${prefix}-responses-*`, ignore_unavailable: true, allow_no_indices: true });
  const found = await es.search({ index: `${prefix}-responses-*`, query, size: 100, ignore_unavailable: true, allow_no_indices: true });
  return found.hits.hits as unknown as { _id: string; _index: string; _source: Record<string, unknown> }[];
}

/** Runs block_ip for real (execute mode) against the dispatcher, for the alert of `window`. */
function blockAction(notificationId: string, windowEnd: string, ip = '203.0.113.7') {
  const blockIpAction = actionType('block_ip')!;
  const clock = new ManualClock(new Date(Date.parse(windowEnd) + 2000));
  return blockIpAction.execute(blockIpAction.options.parse({}), {
    watch: { id: 'auth.credential_access_brute_force', name: 'Brute force', description: '', severity: 'high', tags: [], metadata: {} },
    alert: {
      id: 'auth.credential_access_brute_force:e1',
      entity: { 'source.ip': ip },
      entity_key: JSON.stringify({ 'source.ip': ip }),
      state: 'new',
      episode: 1,
      count: 1,
      first_seen: windowEnd,
      last_seen: windowEnd,
      payload: {},
      window: { from: new Date(Date.parse(windowEnd) - 300_000).toISOString(), to: windowEnd },
    },
    name: 'block',
    mode: 'execute',
    notificationId,
    kind: 'notify',
    attempt: 1,
    clock,
    indexPrefix: prefix,
    secrets: createSecretResolver({ env: {}, reveal: true }),
    elasticsearch: es,
    responders: dispatch,
    log: () => undefined,
  });
}

function request(overrides: Partial<BlockRequest> = {}): BlockRequest {
  return { id: 'blk-0123456789abcdef01234567-web-1', action: 'block', ip: '198.51.100.23', duration_ms: 60 * MINUTE, step: 0, watch_id: 'w', alert_id: 'w:a', reason: 'test', requested: '2026-11-22T09:49:32.000Z', origin: 'watch', ...overrides };
}

function outcome(overrides: Partial<ResponseOutcome> = {}): ResponseOutcome {
  return {
    id: 'blk-0123456789abcdef01234567-web-1:blocked',
    '@timestamp': '2026-11-22T23:59:59.500Z',
    request_id: 'blk-0123456789abcdef01234567-web-1',
    action: 'block',
    outcome: 'blocked',
    ip: '198.51.100.23',
    host: { name: 'web-1' },
    backend: 'ipset',
    duration_ms: 60 * MINUTE,
    step: 0,
    expires: '2026-11-23T00:59:59.500Z',
    reason: 'test',
    origin: 'watch',
    ...overrides,
  };
}

beforeAll(async () => {
  await setupIndices(es, prefix);
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await dispatch.close();
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
  await dropPrefix(es, prefix);
  await es.close();
});

describe('BullResponderDispatch', () => {
  it('lists every announced responder, recently seen or not, and ignores fields that are no host id', async () => {
    await redis.hset(respondersKey(prefix), {
      'web-1': JSON.stringify({ host: 'web-1', backend: 'ipset', seen: new Date().toISOString(), version: '0.1.0' }),
      'db-1': JSON.stringify({ host: 'db-1', backend: 'hosts.deny', seen: '2026-01-01T00:00:00.000Z', version: '0.1.0' }),
      'bad host:x': '{}',
    });
    expect(await dispatch.hosts()).toEqual(['db-1', 'web-1']);
    expect((await dispatch.announcements()).find((a) => a.host === 'db-1')).toEqual({ host: 'db-1', backend: 'hosts.deny', seen: '2026-01-01T00:00:00.000Z', version: '0.1.0' });
  });

  it("puts a request on the host's queue as a job with the request's id and data, once, and records it once", async () => {
    const sent = request({ id: 'blk-aaaaaaaaaaaaaaaaaaaaaaaa-web-1' });
    await dispatch.send('web-1', sent);
    await dispatch.send('web-1', sent);
    const queue = queueOf('web-1');
    const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
    expect(jobs.map((j) => ({ id: j.id, name: j.name, data: j.data }))).toEqual([{ id: sent.id, name: 'block', data: sent }]);
    expect(await queue.getJobCountByTypes('waiting')).toBe(1);

    const recorded = await auditDocuments({ term: { request_id: sent.id } });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      _id: `${sent.id}:requested`,
      _index: `${prefix}-responses-2026.11.22`,
      _source: { outcome: 'requested', action: 'block', ip: '198.51.100.23', host: { name: 'web-1' }, step: 0, duration_ms: 60 * MINUTE, decision_id: 'blk-aaaaaaaaaaaaaaaaaaaaaaaa', '@timestamp': sent.requested, origin: 'watch' },
    });
  });

  it('refuses a host id that cannot name a queue and an address that is not canonical, sending nothing', async () => {
    await expect(dispatch.send('Web 1', request())).rejects.toMatchObject({ code: 'SERVICE_REJECTED' });
    await expect(dispatch.send('web-1', request({ id: 'blk-bbbbbbbbbbbbbbbbbbbbbbbb-web-1', ip: '::FFFF:198.51.100.23' }))).rejects.toThrow(/not a canonical IP address/);
    expect(await auditDocuments({ term: { request_id: 'blk-bbbbbbbbbbbbbbbbbbbbbbbb-web-1' } })).toEqual([]);
  });
});

describe('block_ip through the dispatcher', () => {
  it('escalates the second decision for an address to 120 minutes, reading the real audit, counting a decision to two hosts once', async () => {
    const first = await blockAction('n-first', '2026-11-20T08:00:00.000Z');
    expect(first).toMatchObject({ status: 'executed', detail: { ip: '203.0.113.7', step: 0, duration_ms: 60 * MINUTE, hosts: ['db-1', 'web-1'] } });
    const firstIds = (first.detail as BlockDecision).requests;
    expect((await auditDocuments({ bool: { filter: [{ term: { ip: '203.0.113.7' } }, { term: { outcome: 'requested' } }] } })).map((d) => d._id).sort()).toEqual(firstIds.map((id) => `${id}:requested`).sort());
    for (const [i, host] of ['db-1', 'web-1'].entries()) expect((await queueOf(host).getJob(firstIds[i]!))?.data).toMatchObject({ action: 'block', ip: '203.0.113.7', step: 0 });

    await es.indices.refresh({ index: `${prefix}-responses-*` });
    const second = await blockAction('n-second', '2026-11-21T08:00:00.000Z');
    expect(second).toMatchObject({ status: 'executed', detail: { step: 1, duration_ms: 120 * MINUTE, previous_blocks: 1 } });

    // a retried delivery of the first decision, after the second: same requests, same step, nothing new
    const retry = await blockAction('n-first', '2026-11-20T08:00:00.000Z');
    expect(retry.detail).toMatchObject({ requests: firstIds, step: 0 });
    expect(await auditDocuments({ bool: { filter: [{ term: { ip: '203.0.113.7' } }, { term: { outcome: 'requested' } }] } })).toHaveLength(4);
    expect(await audit.previousBlocks('203.0.113.7', '2026-11-01T00:00:00.000Z')).toEqual([
      { requested: '2026-11-21T08:00:02.000Z', duration_ms: 120 * MINUTE, step: 1 },
      { requested: '2026-11-20T08:00:02.000Z', duration_ms: 60 * MINUTE, step: 0 },
    ]);
  });

  it('records a refused address in the audit and fails for good', async () => {
    await expect(blockAction('n-hostile', '2026-11-22T08:00:00.000Z', '1.2.3.4; rm -rf /')).rejects.toMatchObject({ code: 'SERVICE_REJECTED' });
    const refused = await auditDocuments({ term: { outcome: 'refused' } });
    expect(refused).toHaveLength(1);
    expect(refused[0]?._source).toMatchObject({ ip: '1.2.3.4; rm -rf /', action: 'block', watch_id: 'auth.credential_access_brute_force', error: { message: expect.stringContaining('whitespace') } });
  });
});

describe('ResponseAuditWorker', () => {
  const outcomes = () => new Queue(responsesQueueName(prefix), { connection: redis });

  it("writes each outcome to the daily index of its own timestamp, once however often it is delivered, and leaves malformed ones failed", async () => {
    const lines: string[] = [];
    const worker = new ResponseAuditWorker({ prefix, connect: () => createRedisConnection(env.VIGIL_REDIS_URL), elasticsearch: es, log: (l) => lines.push(l) });
    await worker.start();
    const queue = outcomes();
    closers.push(() => queue.close());

    // an extension of a block in force: the audit keeps which request's rule it extended
    const blocked = outcome({ extends_request_id: 'blk-0123456789abcdef01234566-web-1' });
    // as a responder sends it, twice; then once more under another job id (a resend after the first job was removed)
    await queue.add('outcome', blocked, { jobId: queueJobId(blocked.id) });
    await queue.add('outcome', blocked, { jobId: queueJobId(blocked.id) });
    await queue.add('outcome', blocked, { jobId: 'o-web-1-blocked-again' });
    await queue.add('outcome', { id: 'x', outcome: 'pwned' }, { jobId: 'o-malformed' });
    await until('the outcomes processed', async () => (await queue.getJobCounts('completed')).completed === 2 && (await queue.getJobCounts('failed')).failed === 1);

    const written = await auditDocuments({ term: { request_id: blocked.request_id } });
    expect(written.filter((d) => d._source.outcome === 'blocked')).toEqual([expect.objectContaining({ _id: blocked.id, _index: `${prefix}-responses-2026.11.22`, _source: { ...blocked } })]);
    await worker.close();
    expect(lines.join('\n')).toMatch(/o-malformed not recorded: not a response outcome: bad or missing @timestamp, request_id, action, outcome, ip, host.name/);
  });

  it('keeps an outcome through an Elasticsearch outage and writes it when Elasticsearch is back', async () => {
    const proxy = await new TcpProxy(Number(new URL(env.VIGIL_ELASTICSEARCH_URL).port)).start();
    const url = new URL(env.VIGIL_ELASTICSEARCH_URL);
    url.port = String(proxy.port);
    const viaProxy = createElasticsearchClient({ url: url.toString() }, { maxRetries: 0, requestTimeoutMs: 2000 });
    const lines: string[] = [];
    const worker = new ResponseAuditWorker({ prefix, connect: () => createRedisConnection(env.VIGIL_REDIS_URL), elasticsearch: viaProxy, retryDelayMs: { first: 100, max: 400 }, log: (l) => lines.push(l) });
    closers.push(() => viaProxy.close(), () => worker.close(), () => proxy.cut());
    const queue = outcomes();
    closers.push(() => queue.close());
    await proxy.cut();
    await worker.start();

    const expired = outcome({ id: 'blk-cccccccccccccccccccccccc-web-1:expired', request_id: 'blk-cccccccccccccccccccccccc-web-1', outcome: 'expired', '@timestamp': '2026-11-23T00:00:01.000Z' });
    await queue.add('outcome', expired, { jobId: queueJobId(expired.id) });
    await until('three retries while Elasticsearch is away', () => lines.filter((l) => l.includes('trying again')).length >= 3, 20_000);
    expect(await auditDocuments({ ids: { values: [expired.id] } })).toEqual([]);

    await proxy.restore();
    await until('the outcome written after the outage', async () => (await auditDocuments({ ids: { values: [expired.id] } })).length === 1, 20_000);
    expect((await auditDocuments({ ids: { values: [expired.id] } }))[0]?._index).toBe(`${prefix}-responses-2026.11.23`);
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 1 }); // the malformed one of the previous test only
  });
});
