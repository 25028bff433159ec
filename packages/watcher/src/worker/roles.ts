import { Queue } from 'bullmq';
import type { VigilConfig } from '@vigil/core';
import { createRedisConnection } from '../queue/connection.ts';
import { deliveryQueueName } from '../deliver/queue.ts';
import { QueuedSink } from '../deliver/sink.ts';
import { DeliveryWorker } from '../deliver/worker.ts';
import { ResponseAuditWorker } from '../respond/audit-worker.ts';
import { createRunDeps } from '../run/deps.ts';
import { runScheduled } from '../run/index.ts';
import { WatchWorker } from './worker.ts';

/** Options of {@link startWorkerRoles}. */
export interface WorkerRolesOptions {
  /** Watch runs at once (default 10). */
  concurrency?: number;
  /** Deliveries at once (default 20). */
  deliveryConcurrency?: number;
  log: (line: string) => void;
}

/** A running `vigil worker`: watch runs, notification delivery and the response audit; `close` lets work in progress finish. */
export interface WorkerRoles {
  close(): Promise<void>;
}

/**
 * Everything `vigil worker` runs: the watch worker (scheduled runs, which queue their notifications
 * durably), the delivery worker (which sends them, with retries and history) and the response audit
 * worker (responders' outcomes into `<prefix>-responses-*`), over one set of stores. Any number of these processes, on any hosts, share the queues.
 */
export async function startWorkerRoles(config: VigilConfig, options: WorkerRolesOptions): Promise<WorkerRoles> {
  const connect = () => createRedisConnection(config.redis.url);
  const base = createRunDeps(config, { log: options.log });
  const queueConnection = connect();
  const queue = new Queue(deliveryQueueName(config.indexPrefix), { connection: queueConnection });
  const sink = new QueuedSink({ ledger: base.deliveries!, queue, clock: base.clock, deadlineMs: config.delivery.deadlineMs });
  const deps = { ...base, notifications: sink };
  const watches = new WatchWorker({
    prefix: config.indexPrefix,
    connect,
    run: (watchId, scheduledTime, runId) => runScheduled(deps, watchId, scheduledTime, runId),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    log: options.log,
  });
  const deliveries = new DeliveryWorker({
    prefix: config.indexPrefix,
    connect,
    lockDurationMs: config.delivery.lockDurationMs,
    ...(options.deliveryConcurrency === undefined ? {} : { concurrency: options.deliveryConcurrency }),
    deps: { ledger: base.deliveries!, history: base.history, clock: base.clock, indexPrefix: config.indexPrefix, services: base.services, log: options.log, deadlineMs: config.delivery.deadlineMs },
  });
  // what responders report (blocked, refused, expired...) goes into the audit index from here: the
  // protected hosts hold no Elasticsearch credentials
  const audit = new ResponseAuditWorker({
    prefix: config.indexPrefix,
    connect,
    elasticsearch: base.elasticsearch,
    log: options.log,
    followUp: { registry: base.registry, alerts: base.alerts, sink, clock: base.clock },
  });
  await audit.start();
  await deliveries.start();
  await watches.start();
  return {
    close: async () => {
      await watches.close();
      await deliveries.close();
      await audit.close();
      await queue.close();
      await queueConnection.quit().catch(() => undefined);
      await base.close();
    },
  };
}
