// The durable delivery path against the real Elasticsearch and Redis: a scheduled run queues its
// notifications after the alert write, a delivery worker sends each once, and the next run repairs
// what a crash or a Redis loss left undone. (Crashes of real worker processes: packages/cli/test.)
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@elastic/elasticsearch';
import { Queue } from 'bullmq';
import { systemClock, WATCH_ENTITY, entityKey, type Watch } from '@vigil/core';
import { watchSchema, type Notification } from '@vigil/actions';
import { createElasticsearchClient, ElasticsearchAlertStore, ElasticsearchDeliveryLedger, ElasticsearchHistoryStore, ElasticsearchWatchRegistry, setupIndices } from '@vigil/store';
import { deleteRedisPrefix, dropPrefix, repoRoot, serviceEnv, uniquePrefix, until } from '@vigil/testkit';
import { createRedisConnection, DeliveryWorker, deliveryQueueName, QueuedSink, runScheduled, type RunDeps } from '../src/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('delivery');
const admin = createRedisConnection(env.VIGIL_REDIS_URL);
const connect = () => createRedisConnection(env.VIGIL_REDIS_URL);
let client: Client;
let ledger: ElasticsearchDeliveryLedger;
let queue: Queue;
let deps: RunDeps & { notifications: QueuedSink };
const logged: string[] = [];
const closers: Array<() => Promise<unknown>> = [];

/** A watch that fires every window for the watch as a whole, indexing the alert and writing a log line. */
function firingWatch(id: string): Watch {
  return watchSchema().parse({
    id,
    name: `always firing ${id}`,
    schedule: { every: '10s' },
    input: { search: { indices: ['nothing-*'], window: { size: '10s' } } },
    condition: { always: true },
    actions: { notable: { type: 'index', index: 'notable-{date}' }, line: { type: 'log', message: 'fired {{watch.id}} {{alert.window.to}}' } },
  });
}

beforeAll(async () => {
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  await setupIndices(client, prefix);
  const store = { client, prefix };
  ledger = new ElasticsearchDeliveryLedger(store);
  const queueConnection = connect();
  queue = new Queue(deliveryQueueName(prefix), { connection: queueConnection });
  closers.push(() => queueConnection.quit());
  closers.push(() => queue.close());
  const history = new ElasticsearchHistoryStore(store);
  deps = {
    registry: new ElasticsearchWatchRegistry({ ...store, clock: systemClock }),
    alerts: new ElasticsearchAlertStore(store),
    history,
    deliveries: ledger,
    elasticsearch: client,
    indexPrefix: prefix,
    clock: systemClock,
    log: (line) => logged.push(line),
    services: { elasticsearch: client },
    notifications: new QueuedSink({ ledger, queue, clock: systemClock }),
  };
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await deleteRedisPrefix(admin, prefix);
  await admin.quit();
  await dropPrefix(client, prefix);
  await client.close();
});

function startDeliveryWorker(): DeliveryWorker {
  const worker = new DeliveryWorker({ prefix, connect, backoff: { baseMs: 200, maxMs: 1_000 }, deps: { ledger, history: deps.history, clock: systemClock, indexPrefix: prefix, services: { ...deps.services, fetch }, log: (l) => logged.push(l) } });
  closers.push(() => worker.close());
  return worker;
}

async function notableDocs(): Promise<number> {
  await client.indices.refresh({ index: `${prefix}-notable-*`, ignore_unavailable: true, allow_no_indices: true });
  return (await client.count({ index: `${prefix}-notable-*`, ignore_unavailable: true, allow_no_indices: true })).count;
}

const at = (iso: string) => new Date(iso);

describe('durable delivery', () => {
  it('a scheduled run queues each notification after the alert write; the delivery worker sends each once', async () => {
    const watch = firingWatch('test.delivery_once');
    await deps.registry.put(watch);
    await startDeliveryWorker().start();
    const summary = await runScheduled(deps, watch.id, at('2026-11-22T09:50:00Z'), 'run-1');
    expect(summary.windows[0]?.actions.map((a) => [a.id, a.status])).toEqual([
      ['notable', 'queued'],
      ['line', 'queued'],
    ]);
    const ids = summary.windows[0]!.actions.map((a) => (a.detail as { notification_id: string }).notification_id);
    await until('both notifications delivered', async () => [...(await ledger.getMany(ids)).values()].filter((r) => r.status === 'delivered').length === 2, 15_000);
    // the same job again (a retried watch job) neither re-evaluates nor re-sends
    expect((await runScheduled(deps, watch.id, at('2026-11-22T09:50:00Z'), 'run-1b')).state).toBe('already_evaluated');
    expect(await notableDocs()).toBe(1);
    expect(logged.filter((l) => l.includes(`fired ${watch.id}`))).toHaveLength(1);
    let attempts = await deps.history.listAttempts(watch.id);
    await until('both attempts in history', async () => (attempts = await deps.history.listAttempts(watch.id)).length === 2);
    expect(attempts.map((a) => [a.action.id, a.status, a.attempt]).sort()).toEqual([
      ['line', 'delivered', 1],
      ['notable', 'delivered', 1],
    ]);
    // the alert's pending list is emptied by the next run's sweep, once the ledger shows them final
    await runScheduled(deps, watch.id, at('2026-11-22T09:50:10Z'), 'run-2');
    await until('the second window delivered', async () => (await notableDocs()) === 2, 15_000);
    const alert = await deps.alerts.get(watch.id, entityKey(WATCH_ENTITY));
    expect(alert?.value.pending_notifications?.map((p) => p.window.to)).toEqual(['2026-11-22T09:50:10.000Z', '2026-11-22T09:50:10.000Z']);
  }, 40_000);

  it('a crash between the alert write and the queue: the next run queues what the ledger lacks', async () => {
    const watch = firingWatch('test.delivery_crash');
    await deps.registry.put(watch);
    // the run "dies" after writing the alert state: the sink is never reached
    const crashing = { ...deps, notifications: Object.assign(Object.create(QueuedSink.prototype) as QueuedSink, { submit: () => Promise.reject(new Error('killed after the state write')) }) };
    Object.defineProperty(crashing.notifications, 'durable', { value: true });
    const crashed = await runScheduled(crashing, watch.id, at('2026-11-22T10:00:00Z'), 'run-1');
    expect(crashed.windows[0]).toMatchObject({ state: 'failed', error: 'killed after the state write' });
    const pending = (await deps.alerts.get(watch.id, entityKey(WATCH_ENTITY)))?.value.pending_notifications ?? [];
    expect(pending.map((p) => p.action)).toEqual(['notable', 'line']);
    expect((await ledger.getMany(pending.map((p) => p.id))).size).toBe(0);

    const before = await notableDocs();
    await runScheduled(deps, watch.id, at('2026-11-22T10:00:10Z'), 'run-2');
    expect(logged.some((l) => l.includes(`watch ${watch.id}: queued 2 notification(s) a crash left unqueued`))).toBe(true);
    await until('the lost and the new notifications delivered', async () => [...(await ledger.getMany(pending.map((p) => p.id))).values()].every((r) => r.status === 'delivered') && (await notableDocs()) === before + 2, 15_000);
    const lines = logged.filter((l) => l.includes(`fired ${watch.id}`));
    // the crashed window's notification and the next window's, each once
    expect(lines.filter((l) => l.includes('2026-11-22T10:00:00.000Z'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('2026-11-22T10:00:10.000Z'))).toHaveLength(1);
  }, 40_000);

  it('a notification whose job Redis lost is queued again by the next run, and delivered once', async () => {
    const watch = firingWatch('test.delivery_redis_lost');
    await deps.registry.put(watch);
    const summary = await runScheduled(deps, watch.id, at('2026-11-22T11:00:00Z'), 'run-1');
    const ids = summary.windows[0]!.actions.map((a) => (a.detail as { notification_id: string }).notification_id);
    // a worker is running (from the first test): wait until both are delivered, then lose a queued one
    await until('delivered', async () => [...(await ledger.getMany(ids)).values()].every((r) => r.status === 'delivered'), 15_000);
    const lost: Notification = (await ledger.get(ids[0]!))!.notification as unknown as Notification;
    const replayed = { ...lost, id: `${lost.id}x` };
    await ledger.open({ ...(await ledger.get(ids[0]!))!, id: replayed.id, status: 'queued', attempts: 0, notification: replayed as unknown as Record<string, unknown> });
    // an alert that names it as pending, as the run would have written it; Redis never got the job
    const alert = (await deps.alerts.get(watch.id, entityKey(WATCH_ENTITY)))!;
    await deps.alerts.write({ ...alert.value, pending_notifications: [{ id: replayed.id, action: 'notable', kind: 'notify', window: lost.alert.window }] }, alert.revision);
    expect(await queue.getJob(replayed.id)).toBeUndefined();
    await runScheduled(deps, watch.id, at('2026-11-22T11:00:10Z'), 'run-2');
    expect(logged.some((l) => l.includes(`watch ${watch.id}: queued 0 notification(s) a crash left unqueued, re-queued 1 Redis had lost`))).toBe(true);
    await until('the re-queued notification delivered', async () => (await ledger.get(replayed.id))?.status === 'delivered', 15_000);
    // and a delivered notification is never sent again, even if its job is replayed
    await queue.add('deliver', lost, { jobId: `${lost.id}-replay` });
    await until('the replay skipped', async () => (await deps.history.listAttempts(watch.id, { notificationId: lost.id })).some((a) => a.status === 'skipped'), 15_000);
    expect((await deps.history.listAttempts(watch.id, { notificationId: lost.id })).filter((a) => a.status === 'delivered')).toHaveLength(1);
  }, 40_000);

  describe('webhooks through the queue, against a real local HTTP server', () => {
    /** Requests per path; each path answers with the statuses listed for it, in turn (then 200). */
    const received = new Map<string, { headers: IncomingMessage['headers']; body: string }[]>();
    const answers = new Map<string, number[]>();
    let server: Server;
    let base: string;

    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          const path = req.url ?? '/';
          received.set(path, [...(received.get(path) ?? []), { headers: req.headers, body }]);
          if (path === '/hang') return; // never answers: the action's timeout ends it
          const status = answers.get(path)?.shift() ?? 200;
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      closers.push(() => new Promise((resolve) => server.closeAllConnections() === undefined && server.close(resolve)));
    });

    function webhookWatch(id: string, path: string, timeout = '10s'): Watch {
      return watchSchema().parse({
        id,
        name: id,
        schedule: { every: '10s' },
        input: { search: { indices: ['nothing-*'], window: { size: '10s' } } },
        condition: { always: true },
        actions: { hook: { type: 'webhook', url: `${base}${path}`, body: '{"watch": "{{watch.id}}", "to": "{{alert.window.to}}"}', timeout } },
      });
    }

    async function fire(watch: Watch, time: string): Promise<string> {
      await deps.registry.put(watch);
      const summary = await runScheduled(deps, watch.id, at(time), `run-${watch.id}`);
      return (summary.windows[0]!.actions[0]!.detail as { notification_id: string }).notification_id;
    }

    it('a 500 is retried with backoff and then delivered, with every attempt in history', async () => {
      answers.set('/flaky', [500, 500]);
      const id = await fire(webhookWatch('test.hook_flaky', '/flaky'), '2026-11-22T12:00:00Z');
      await until('delivered after two 500s', async () => (await ledger.get(id))?.status === 'delivered', 20_000);
      const requests = received.get('/flaky') ?? [];
      expect(requests).toHaveLength(3);
      // the same Idempotency-Key on every attempt, and the JSON body as rendered
      expect(new Set(requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set([id]));
      expect(JSON.parse(requests[2]!.body)).toEqual({ watch: 'test.hook_flaky', to: '2026-11-22T12:00:00.000Z' });
      let attempts = await deps.history.listAttempts('test.hook_flaky', { notificationId: id });
      await until('three attempts in history', async () => (attempts = await deps.history.listAttempts('test.hook_flaky', { notificationId: id })).length === 3);
      expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
        [3, 'delivered'],
        [2, 'retrying'],
        [1, 'retrying'],
      ]);
      expect(attempts[1]?.error).toMatch(/HTTP 500/);
    }, 30_000);

    it('a 400 is not retried: the notification fails at once, with the reason', async () => {
      answers.set('/reject', [400]);
      const id = await fire(webhookWatch('test.hook_reject', '/reject'), '2026-11-22T12:00:00Z');
      await until('failed', async () => (await ledger.get(id))?.status === 'failed', 20_000);
      await new Promise((r) => setTimeout(r, 1_500)); // longer than the backoff: a retry would have come
      expect(received.get('/reject')).toHaveLength(1);
      expect((await ledger.get(id))?.last_error).toMatch(/HTTP 400/);
      expect((await ledger.list({ statuses: ['failed'], watchId: 'test.hook_reject' })).map((r) => r.id)).toEqual([id]);
    }, 30_000);

    it('a secret named in the watch reaches the endpoint, and nothing Vigil stores holds its value', async () => {
      process.env.VIGIL_SECRET_HOOK_KEY = 'k-9f8e7d6c5b4a';
      const watch = watchSchema().parse({
        id: 'test.hook_secret',
        name: 'secret',
        schedule: { every: '10s' },
        input: { search: { indices: ['nothing-*'], window: { size: '10s' } } },
        condition: { always: true },
        actions: { hook: { type: 'webhook', url: `${base}/secret`, headers: { 'St2-Api-Key': '{{secret "hook_key"}}' }, body: '{"key_used": true}' } },
      });
      const id = await fire(watch, '2026-11-22T12:00:00Z');
      await until('delivered', async () => (await ledger.get(id))?.status === 'delivered', 10_000);
      expect(received.get('/secret')?.[0]?.headers['st2-api-key']).toBe('k-9f8e7d6c5b4a');
      let attempts = await deps.history.listAttempts(watch.id);
      await until('the attempt recorded', async () => (attempts = await deps.history.listAttempts(watch.id)).length === 1);
      const stored = JSON.stringify([await deps.registry.get(watch.id), (await queue.getJob(id))?.data, await ledger.get(id), attempts, await deps.history.list(watch.id)]);
      expect(stored).toContain('[secret:hook_key]');
      expect(stored).not.toContain('k-9f8e7d6c5b4a');
      delete process.env.VIGIL_SECRET_HOOK_KEY;
    }, 30_000);

    it('a hanging endpoint delays neither another notification nor the watch run', async () => {
      const slowId = await fire(webhookWatch('test.hook_hang', '/hang', '8s'), '2026-11-22T12:00:00Z');
      await until('the hanging request arrived', () => (received.get('/hang')?.length ?? 0) === 1, 10_000);
      const started = Date.now();
      const quickId = await fire(webhookWatch('test.hook_quick', '/quick'), '2026-11-22T12:00:00Z');
      // the run returned without waiting for any send; the other notification is delivered at once
      await until('the quick one delivered', async () => (await ledger.get(quickId))?.status === 'delivered', 5_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await ledger.get(slowId))?.status).toBe('queued');
    }, 30_000);
  });
});
