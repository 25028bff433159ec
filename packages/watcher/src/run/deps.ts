import { systemClock, type Clock, type VigilConfig } from '@vigil/core';
import { createElasticsearchClient, ElasticsearchAlertStore, ElasticsearchHistoryStore, ElasticsearchWatchRegistry } from '@vigil/store';
import type { RunDeps } from './types.ts';

/** Run dependencies on the configured Elasticsearch; `close` releases the client. */
export function createRunDeps(config: VigilConfig, options: { clock?: Clock; log?: (line: string) => void } = {}): RunDeps & { close(): Promise<void> } {
  const client = createElasticsearchClient(config.elasticsearch);
  const store = { client, prefix: config.indexPrefix, url: config.elasticsearch.url };
  const clock = options.clock ?? systemClock;
  return {
    registry: new ElasticsearchWatchRegistry({ ...store, clock }),
    alerts: new ElasticsearchAlertStore(store),
    history: new ElasticsearchHistoryStore(store),
    elasticsearch: client,
    indexPrefix: config.indexPrefix,
    clock,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    close: () => client.close(),
  };
}
