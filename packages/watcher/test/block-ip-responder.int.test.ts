// block_ip end to end, as root: a watch over real events in Elasticsearch decides to block the
// "attacker" namespace's address; the notification goes through the delivery queue to the
// dispatcher, the responder of the "server" namespace applies it with nftables (Debian's firewall),
// a TCP connection from the attacker is dropped, and connects again after the block's time; the
// responder's outcomes reach the audit through the worker. The next alert for the same address is
// blocked for the next step of the ladder, read back from that audit. Each block in place is mailed
// once (the watch's `on_response`), from the responder's own report.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { Queue } from 'bullmq';
import { createMailTransport, watchSchema } from '@vigil/actions';
import { systemClock } from '@vigil/core';
import { execFileRunner, Responder, createRedisConnection as responderRedis } from '@vigil/responder';
import { createElasticsearchClient, ElasticsearchAlertStore, ElasticsearchDeliveryLedger, ElasticsearchHistoryStore, ElasticsearchWatchRegistry, eventIndex, setupIndices } from '@vigil/store';
import { createFirewallLab, listMessages, deleteRedisPrefix, dropPrefix, findTool, repoRoot, requireTools, SBIN_PATH, serviceEnv, uniquePrefix, until, type FirewallLab } from '@vigil/testkit';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BullResponderDispatch, createRedisConnection, DeliveryWorker, deliveryQueueName, QueuedSink, ResponseAudit, ResponseAuditWorker, runScheduled, type RunDeps } from '../src/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('block-e2e');
const connect = () => createRedisConnection(env.VIGIL_REDIS_URL);
const closers: Array<() => Promise<unknown>> = [];
let client: Client;
let lab: FirewallLab;
let deps: RunDeps;
let audit: ResponseAudit;

const WATCH_ID = 'test.block_attacker';
/** Where the watch's on_response mail goes: this run's own address, so its mails are told apart. */
const RESPONSE_TO = `${prefix.replace(/[^a-z0-9-]/g, '-')}@example.org`;

beforeAll(async () => {
  requireTools(['ip', 'nft']);
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  await setupIndices(client, prefix);
  lab = await createFirewallLab();
  closers.push(() => lab.destroy());
  const store = { client, prefix };
  const ledger = new ElasticsearchDeliveryLedger(store);
  const history = new ElasticsearchHistoryStore(store);
  audit = new ResponseAudit({ client, prefix });

  // Vigil's side: the dispatcher, the delivery worker and the audit worker
  const dispatchRedis = connect();
  const responders = new BullResponderDispatch({ prefix, connection: dispatchRedis, elasticsearch: client });
  closers.push(() => dispatchRedis.quit());
  closers.push(() => responders.close());
  const transport = createMailTransport(env.VIGIL_SMTP_URL);
  closers.push(async () => transport.close());
  const services = { elasticsearch: client, responders, mail: { transport, from: 'vigil@example.org' } };
  const queueRedis = connect();
  const queue = new Queue(deliveryQueueName(prefix), { connection: queueRedis });
  closers.push(() => queueRedis.quit());
  closers.push(() => queue.close());
  deps = {
    registry: new ElasticsearchWatchRegistry({ ...store, clock: systemClock }),
    alerts: new ElasticsearchAlertStore(store),
    history,
    deliveries: ledger,
    elasticsearch: client,
    indexPrefix: prefix,
    clock: systemClock,
    log: () => undefined,
    services,
    notifications: new QueuedSink({ ledger, queue, clock: systemClock }),
  };
  const sink = deps.notifications as QueuedSink;
  const delivery = new DeliveryWorker({ prefix, connect, deps: { ledger, history, clock: systemClock, indexPrefix: prefix, services, log: () => undefined } });
  await delivery.start();
  closers.push(() => delivery.close());
  const auditWorker = new ResponseAuditWorker({ prefix, connect, elasticsearch: client, followUp: { registry: deps.registry, alerts: deps.alerts, sink, clock: systemClock } });
  await auditWorker.start();
  closers.push(() => auditWorker.close());

  // the protected host's side: a responder whose firewall is the server namespace's
  const responder = new Responder({
    config: { host: 'server', redisUrl: env.VIGIL_REDIS_URL, indexPrefix: prefix, stateDir: mkdtempSync(join(tmpdir(), 'vigil-block-e2e-')), maxDurationMs: 86_400_000, allowlist: [], defaultAllowlist: true, backend: { type: 'nftables', table: 'vigil' } },
    run: execFileRunner({ prefix: [findTool('ip'), 'netns', 'exec', lab.pair.b.namespace], env: { ...process.env, PATH: SBIN_PATH }, timeoutMs: 20_000 }),
    connect: () => responderRedis(env.VIGIL_REDIS_URL),
    localAddresses: () => [],
    announceIntervalMs: 500,
  });
  await responder.start();
  closers.push(() => responder.stop());

  // failed SSH logins from the attacker's address, a minute ago
  const at = new Date(Date.now() - 60_000).toISOString();
  const events = Array.from({ length: 5 }, (_, i) => ({ '@timestamp': at, event: { outcome: 'failure', category: ['authentication'] }, source: { ip: lab.pair.a.address }, user: { name: `u${i}` } }));
  const operations = events.flatMap((doc) => [{ create: { _index: eventIndex(prefix, 'auth', at) } }, doc]);
  expect((await client.bulk({ operations, refresh: 'wait_for' })).errors).toBe(false);
  await deps.registry.put(
    watchSchema().parse({
      id: WATCH_ID,
      name: 'Block the attacker',
      schedule: { every: '1h' },
      input: { search: { indices: ['auth-*'], window: { size: '1h' }, query: { term: { 'event.outcome': 'failure' } }, aggs: { by_source: { terms: { field: 'source.ip', size: 10 } } } } },
      condition: { buckets: { path: 'aggregations.by_source.buckets[]', key: { 'source.ip': 'key' }, where: 'doc_count >= 3' } },
      actions: { block: { type: 'block_ip', duration: '3s', repeated_offenders: ['5s'], responders: ['server'] } },
      on_response: {
        confirmed: {
          type: 'email',
          condition: 'response.outcome == "blocked"',
          to: [RESPONSE_TO],
          subject: '{{response.ip}} {{response.outcome}} on {{response.host}} (step {{response.step}}) until {{response.expires}}',
        },
        not_blocked: { type: 'email', condition: 'response.outcome != "blocked"', to: [RESPONSE_TO], subject: 'NOT blocked: {{response.ip}}' },
      },
    }),
  );
}, 60_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  const redis = connect();
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
  await dropPrefix(client, prefix);
  await client.close();
});

/** Runs the watch at `time`; the responder's `blocked` outcome of the block it decided, once in the audit. */
async function blockedBy(time: Date): Promise<{ duration_ms?: number; step?: number; expires?: string }> {
  const since = Date.now();
  await runScheduled(deps, WATCH_ID, time, `run-${time.getTime()}`);
  let found: { duration_ms?: number; step?: number; expires?: string; '@timestamp': string } | undefined;
  await until(
    `the responder's blocked outcome of the run at ${time.toISOString()}`,
    async () => {
      const page = await audit.list({ ip: lab.pair.a.address }, 100);
      found = page.documents.filter((d) => d.outcome === 'blocked' && Date.parse(d['@timestamp']) >= since).at(-1);
      return found !== undefined;
    },
    20_000,
    200,
  );
  return found!;
}

describe('block_ip from a watch to the protected host (real nftables in network namespaces)', () => {
  it('drops the attacker while blocked, lets it through after the timeout, and blocks a repeat offender for the next step', async () => {
    expect(await lab.probe()).toBe('open');
    const first = await blockedBy(new Date());
    expect(first).toMatchObject({ duration_ms: 3_000, step: 0 });
    expect(await lab.probe()).toBe('timeout');
    await until('the first block expired', async () => (await lab.probe()) === 'open', 15_000, 300);

    // the attack goes on: the next run alerts again, and the audit makes it the second step
    const second = await blockedBy(new Date(Date.now() + 1_000));
    expect(second).toMatchObject({ duration_ms: 5_000, step: 1 });
    expect(await lab.probe()).toBe('timeout');
    const blockedAt = Date.now();
    await until('the second block expired', async () => (await lab.probe()) === 'open', 20_000, 300);
    // it lasted the second step's 5 s, not the first's 3 s
    expect(Date.now() - blockedAt).toBeGreaterThan(3_500);

    // each block the responder reported in place was mailed once, with what it reported; no "not blocked" mail
    const subjects = async () => (await listMessages(env.VIGIL_MAIL_API_URL)).filter((m) => m.To.some((t) => t.Address === RESPONSE_TO)).map((m) => m.Subject);
    await until('both on_response mails', async () => (await subjects()).length >= 2, 20_000, 300);
    const ip = lab.pair.a.address;
    expect((await subjects()).sort()).toEqual([`${ip} blocked on server (step 0) until ${first.expires}`, `${ip} blocked on server (step 1) until ${second.expires}`]);
  }, 90_000);
});
