import { redactUrl, VigilError, type VigilConfig } from '@vigil/core';
import { createRedisConnection, createRunDeps, runScheduled, WatchWorker } from '@vigil/watcher';
import type { Output } from '../output.ts';
import { untilStopSignal } from './signals.ts';

export interface WorkerCommandOptions {
  /** Runs of different watches executed at once by this process. */
  concurrency: string;
}

/**
 * `vigil worker`: executes scheduled watch runs from the `<prefix>-watches` queue until SIGINT or
 * SIGTERM, then lets runs in progress finish. Start any number, on any hosts.
 */
export async function workerCommand(config: VigilConfig, options: WorkerCommandOptions, out: Output): Promise<number> {
  const concurrency = Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new VigilError('CONFIG_INVALID', `--concurrency must be a whole number >= 1, got "${options.concurrency}"`);
  const log = (line: string) => out.error(`${new Date().toISOString()} ${line}`);
  const deps = createRunDeps(config, { log });
  const worker = new WatchWorker({
    prefix: config.indexPrefix,
    connect: () => createRedisConnection(config.redis.url),
    run: (watchId, scheduledTime, runId) => runScheduled(deps, watchId, scheduledTime, runId),
    concurrency,
    log,
  });
  await worker.start();
  log(`vigil worker: runs from ${redactUrl(config.redis.url)} prefix "${config.indexPrefix}", concurrency ${concurrency}`);
  await untilStopSignal();
  log('vigil worker: stopping, letting runs in progress finish');
  await worker.close();
  await deps.close();
  return 0;
}
