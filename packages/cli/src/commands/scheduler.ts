import { redactUrl, VigilError, type VigilConfig } from '@vigil/core';
import { openStores } from '@vigil/store';
import { createRedisConnection, WatchScheduler } from '@vigil/watcher';
import type { Output } from '../output.ts';
import { untilStopSignal } from './signals.ts';

export interface SchedulerCommandOptions {
  /** Seconds between safety-net reconciles (they rebuild schedules after Redis was emptied). */
  interval: string;
}

/**
 * `vigil scheduler`: keeps BullMQ job schedulers equal to the enabled watches of `<prefix>-watches`
 * (at start, on `vigil watch put|delete|activate|deactivate` notices, every `--interval` seconds)
 * until SIGINT or SIGTERM. One is enough; a second is harmless.
 */
export async function schedulerCommand(config: VigilConfig, options: SchedulerCommandOptions, out: Output): Promise<number> {
  const interval = Number(options.interval);
  if (!Number.isFinite(interval) || interval < 1) throw new VigilError('CONFIG_INVALID', `--interval must be a number of seconds >= 1, got "${options.interval}"`);
  const log = (line: string) => out.error(`${new Date().toISOString()} ${line}`);
  const stores = openStores(config);
  const scheduler = new WatchScheduler({
    registry: stores.registry,
    prefix: config.indexPrefix,
    connect: () => createRedisConnection(config.redis.url),
    intervalMs: interval * 1000,
    log,
  });
  const first = await scheduler.start();
  log(`vigil scheduler: watches of ${redactUrl(config.elasticsearch.url)} prefix "${config.indexPrefix}" onto ${redactUrl(config.redis.url)}; ${first === undefined ? 'first reconcile failed, retrying' : `${first.created.length + first.updated.length + first.unchanged} scheduled`}`);
  await untilStopSignal();
  log('vigil scheduler: stopping');
  await scheduler.stop();
  await stores.close();
  return 0;
}
