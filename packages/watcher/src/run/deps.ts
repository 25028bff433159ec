import type { Client } from '@elastic/elasticsearch';
import { createMailTransport } from '@vigil/actions';
import { systemClock, type Clock, type VigilConfig } from '@vigil/core';
import { openStores } from '@vigil/store';
import type { ActionServices } from '../deliver/execute.ts';
import { createRedisConnection } from '../queue/connection.ts';
import { BullResponderDispatch } from '../respond/dispatch.ts';
import type { RunDeps } from './types.ts';

/**
 * The services actions use, from the configuration: SMTP, HTTP, and the responders' queues (Redis is
 * connected only when a `block_ip` first sends, so a command that blocks nobody needs no Redis).
 * `close` releases the SMTP pool and the Redis connection.
 */
export function createActionServices(config: VigilConfig, elasticsearch: Client, log: (line: string) => void): ActionServices & { close(): Promise<void> } {
  const transport = createMailTransport(config.smtp.url);
  const redis = createRedisConnection(config.redis.url, { lazyConnect: true });
  const responders = new BullResponderDispatch({ prefix: config.indexPrefix, connection: redis, elasticsearch, log });
  return {
    elasticsearch,
    mail: { transport, from: config.smtp.from, to: config.smtp.to },
    fetch: globalThis.fetch,
    responders,
    close: async () => {
      transport.close();
      await responders.close();
      if (redis.status === 'wait') redis.disconnect();
      else await redis.quit().catch(() => undefined);
    },
  };
}

/** Run dependencies on the configured Elasticsearch; `close` releases the client, the SMTP pool and Redis. */
export function createRunDeps(config: VigilConfig, options: { clock?: Clock; log?: (line: string) => void } = {}): RunDeps & { close(): Promise<void> } {
  const clock = options.clock ?? systemClock;
  const stores = openStores(config, { clock });
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const services = createActionServices(config, stores.client, log);
  return {
    registry: stores.registry,
    alerts: stores.alerts,
    history: stores.history,
    deliveries: stores.deliveries,
    elasticsearch: stores.client,
    indexPrefix: config.indexPrefix,
    clock,
    log,
    services,
    close: async () => {
      await services.close();
      await stores.close();
    },
  };
}
