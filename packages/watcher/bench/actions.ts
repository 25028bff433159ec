// npm run bench:actions — notification delivery through the durable queue, for docs/benchmarks.md.
//   --count 2000 (notifications per part) --concurrency 20 (delivery worker) --runs 100 (latency part)
// Part 1, throughput: `count` email notifications to an SMTP capture server, then `count` webhook
// notifications to a loopback HTTP server, each handed to the QueuedSink at once (ledger record +
// BullMQ job) and delivered by one in-process DeliveryWorker (ledger read, send, ledger update,
// history record). Part 2, latency: `runs` real scheduled runs of a watch with an email action, one at a
// time; the time from the alert's state write (the sink's submit) to the message at the SMTP server.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { createMailTransport, watchSchema, type Notification } from '@vigil/actions';
import { systemClock, type DeliveryLedger } from '@vigil/core';
import { createElasticsearchClient, ElasticsearchAlertStore, ElasticsearchDeliveryLedger, ElasticsearchHistoryStore, ElasticsearchWatchRegistry, setupIndices } from '@vigil/store';
import { deleteRedisPrefix, dropPrefix, repoRoot, serviceEnv, startCaptureServer, uniquePrefix } from '@vigil/testkit';
import { createRedisConnection, DeliveryWorker, deliveryQueueName, notificationId, QueuedSink, runScheduled } from '../src/index.ts';

const { values: flags } = parseArgs({ options: { count: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '20' }, runs: { type: 'string', default: '100' } } });
const count = Number(flags.count);
const runs = Number(flags.runs);
const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('bench-actions');
const connect = () => createRedisConnection(env.VIGIL_REDIS_URL);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

/** An action's options as the watch schema outputs them (defaults applied), as the run hands them over. */
function validated(type: string, options: Record<string, unknown>): Record<string, unknown> {
  const watch = watchSchema().parse({ id: 'bench.options', name: 'options', schedule: { every: '1s' }, input: { search: { indices: ['x'], window: { size: '1s' } } }, condition: { always: true }, actions: { a: { type, ...options } } });
  const { type: _type, ...rest } = watch.actions.a as Record<string, unknown>;
  return rest;
}

function notification(i: number, type: string, options: Record<string, unknown>): Notification {
  const window = { from: new Date(Date.UTC(2026, 10, 22, 9, 0, 0) + i * 1000).toISOString(), to: new Date(Date.UTC(2026, 10, 22, 9, 0, 1) + i * 1000).toISOString() };
  const entity = { 'source.ip': `198.51.${(i >> 8) & 255}.${i & 255}`, 'destination.ip': '192.0.2.10' };
  const entityKey = JSON.stringify(entity);
  return {
    id: notificationId('bench.throughput', entityKey, window.to, type, 'notify'),
    kind: 'notify',
    watch: { id: 'bench.throughput', name: 'Bench', description: '', severity: 'high', tags: [], metadata: {} },
    alert: { id: `bench.throughput:${i}`, entity, entity_key: entityKey, state: 'new', episode: 1, count: 1, first_seen: window.to, last_seen: window.to, payload: { unique_ports: 60 + (i % 40) }, window },
    action: { name: type, type, options },
    created: new Date().toISOString(),
  };
}

async function waitDelivered(ledger: DeliveryLedger, watchId: string, n: number): Promise<void> {
  for (;;) {
    if ((await ledger.count({ watchId, statuses: ['delivered', 'failed'] })) >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  await setupIndices(client, prefix);
  const store = { client, prefix };
  const ledger = new ElasticsearchDeliveryLedger(store);
  const history = new ElasticsearchHistoryStore(store);
  const arrivals = new Map<string, number>();
  const capture = await startCaptureServer({
    smtpPort: 0,
    httpPort: 0,
    dir: mkdtempSync(join(tmpdir(), 'vigil-bench-mail-')),
    log: (line) => {
      const id = /: bench (n[0-9a-f]+)$/.exec(line)?.[1];
      if (id !== undefined) arrivals.set(id, performance.now());
    },
  });
  const http = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const transport = createMailTransport(`smtp://127.0.0.1:${capture.smtpPort}`);
  const services = { elasticsearch: client, mail: { transport, from: 'Vigil <vigil@localhost>' }, fetch };
  const queueConnection = connect();
  const queue = new Queue(deliveryQueueName(prefix), { connection: queueConnection });
  const sink = new QueuedSink({ ledger, queue, clock: systemClock });
  const worker = new DeliveryWorker({ prefix, connect, concurrency: Number(flags.concurrency), deps: { ledger, history, clock: systemClock, indexPrefix: prefix, services, log: (l) => console.error(l) } });
  await worker.start();

  const rows: string[] = [];
  const email = validated('email', { to: ['soc@example.org'], subject: 'bench {{notification_id}}' });
  const webhook = validated('webhook', { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/hook` });
  const parts: [string, (i: number) => Notification][] = [
    ['email → SMTP capture', (i) => notification(i, 'email', email)],
    ['webhook → loopback HTTP', (i) => notification(count + i, 'webhook', webhook)],
  ];
  const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
  for (const [name, make] of parts) {
    // queue everything first with the worker paused, then time the worker alone
    await worker.worker.pause();
    const watchId = 'bench.throughput';
    const done = await ledger.count({ watchId, statuses: ['delivered', 'failed'] });
    const failedBefore = await ledger.count({ watchId, statuses: ['failed'] });
    const batch = Array.from({ length: count }, (_, i) => make(i));
    const t0 = performance.now();
    for (let i = 0; i < batch.length; i += 50) await Promise.all(batch.slice(i, i + 50).map((n) => sink.submit([n])));
    const queued = performance.now();
    worker.worker.resume();
    await waitDelivered(ledger, watchId, done + count);
    const t1 = performance.now();
    const failed = (await ledger.count({ watchId, statuses: ['failed'] })) - failedBefore;
    rows.push(`| ${name} | ${count} | ${rate(count, queued - t0)} | **${rate(count, t1 - queued)}** | ${failed} |`);
  }

  // latency: real scheduled runs of a watch whose email action reaches the capture server
  const registry = new ElasticsearchWatchRegistry({ ...store, clock: systemClock });
  const watch = watchSchema().parse({
    id: 'bench.latency',
    name: 'latency',
    schedule: { every: '1s' },
    input: { search: { indices: ['nothing-*'], window: { size: '1s' } } },
    condition: { always: true },
    actions: { mail: { type: 'email', to: ['soc@example.org'], subject: 'bench {{notification_id}}' } },
  });
  await registry.put(watch);
  const submitted = new Map<string, number>();
  const timed = Object.assign(Object.create(QueuedSink.prototype) as QueuedSink, sink, {
    submit: async (ns: readonly Notification[]) => {
      for (const n of ns) submitted.set(n.id, performance.now());
      return sink.submit(ns);
    },
  });
  Object.defineProperty(timed, 'durable', { value: true });
  const deps = { registry, alerts: new ElasticsearchAlertStore(store), history, deliveries: ledger, elasticsearch: client, indexPrefix: prefix, clock: systemClock, log: () => undefined, services, notifications: timed };
  const start = Math.floor(Date.now() / 1000) * 1000 - runs * 1000;
  for (let i = 0; i < runs; i += 1) await runScheduled(deps, watch.id, new Date(start + i * 1000), `bench-${i}`);
  while ([...submitted.keys()].some((id) => !arrivals.has(id))) await new Promise((r) => setTimeout(r, 50));
  const latencies = [...submitted].map(([id, t]) => arrivals.get(id)! - t).sort((a, b) => a - b);

  console.log(`\n### ${new Date().toISOString().slice(0, 10)} (count ${count}, delivery concurrency ${flags.concurrency}, ${runs} runs for latency)\n`);
  console.log('| part | notifications | queued/s (ledger record + job, 50 at a time) | delivered/s (worker alone) | failed |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log('\n| alert state write → mail at the SMTP server | p50 | p90 | p99 | max |');
  console.log('|---|---|---|---|---|');
  console.log(`| ${latencies.length} runs | ${percentile(latencies, 50).toFixed(0)} ms | ${percentile(latencies, 90).toFixed(0)} ms | ${percentile(latencies, 99).toFixed(0)} ms | ${(latencies.at(-1) ?? NaN).toFixed(0)} ms |`);

  await worker.close();
  await queue.close();
  await queueConnection.quit();
  transport.close();
  await capture.close();
  http.close();
  const admin = connect();
  await deleteRedisPrefix(admin, prefix);
  await admin.quit();
  await dropPrefix(client, prefix);
  await client.close();
}

await main();
