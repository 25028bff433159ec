import type { Client } from '@elastic/elasticsearch';
import type { Clock, VigilConfig } from '@vigil/core';
import { ElasticsearchAlertStore } from './alerts/store.ts';
import { createElasticsearchClient } from './client.ts';
import { ElasticsearchDeliveryLedger } from './deliveries/ledger.ts';
import { ElasticsearchHistoryStore } from './history/store.ts';
import { ElasticsearchWatchRegistry } from './watches/registry.ts';

/** The watch registry, alert, history and delivery stores of one prefix, over one client. */
export interface Stores {
  client: Client;
  registry: ElasticsearchWatchRegistry;
  alerts: ElasticsearchAlertStore;
  history: ElasticsearchHistoryStore;
  deliveries: ElasticsearchDeliveryLedger;
  /** Releases the client. */
  close(): Promise<void>;
}

/** Opens the stores of the configured Elasticsearch and prefix (`maxRetries`: the client's). */
export function openStores(config: Pick<VigilConfig, 'elasticsearch' | 'indexPrefix'>, options: { clock?: Clock; maxRetries?: number } = {}): Stores {
  const client = createElasticsearchClient(config.elasticsearch, options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries });
  const store = { client, prefix: config.indexPrefix, url: config.elasticsearch.url };
  return {
    client,
    registry: new ElasticsearchWatchRegistry({ ...store, ...(options.clock === undefined ? {} : { clock: options.clock }) }),
    alerts: new ElasticsearchAlertStore(store),
    history: new ElasticsearchHistoryStore(store),
    deliveries: new ElasticsearchDeliveryLedger(store),
    close: () => client.close(),
  };
}
