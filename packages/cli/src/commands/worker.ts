import { redactUrl, VigilError, type VigilConfig } from '@vigil/core';
import { startWorkerRoles } from '@vigil/watcher';
import type { Output } from '../output.ts';
import { untilStopSignal } from './signals.ts';

export interface WorkerCommandOptions {
  /** Runs of different watches executed at once by this process. */
  concurrency: string;
}

/**
 * `vigil worker`: executes scheduled watch runs from the `<prefix>-watches` queue and delivers their
 * notifications from `<prefix>-deliveries` until SIGINT or SIGTERM, then lets work in progress
 * finish. Start any number, on any hosts.
 */
export async function workerCommand(config: VigilConfig, options: WorkerCommandOptions, out: Output): Promise<number> {
  const concurrency = Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new VigilError('CONFIG_INVALID', `--concurrency must be a whole number >= 1, got "${options.concurrency}"`);
  const log = (line: string) => out.error(`${new Date().toISOString()} ${line}`);
  const roles = await startWorkerRoles(config, { concurrency, log });
  log(`vigil worker: runs and deliveries from ${redactUrl(config.redis.url)} prefix "${config.indexPrefix}", concurrency ${concurrency}`);
  await untilStopSignal();
  log('vigil worker: stopping, letting runs and deliveries in progress finish');
  await roles.close();
  return 0;
}
