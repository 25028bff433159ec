import { systemClock, type Clock, type VigilConfig } from '@vigil/core';
import { openStores } from '@vigil/store';
import type { RunDeps } from './types.ts';

/** Run dependencies on the configured Elasticsearch; `close` releases the client. */
export function createRunDeps(config: VigilConfig, options: { clock?: Clock; log?: (line: string) => void } = {}): RunDeps & { close(): Promise<void> } {
  const clock = options.clock ?? systemClock;
  const stores = openStores(config, { clock });
  return {
    registry: stores.registry,
    alerts: stores.alerts,
    history: stores.history,
    elasticsearch: stores.client,
    indexPrefix: config.indexPrefix,
    clock,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    close: stores.close,
  };
}
