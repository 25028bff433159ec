import { createElasticsearchClient, ElasticsearchAlertStore, ElasticsearchHistoryStore, ElasticsearchWatchRegistry, setupIndices } from '../src/index.ts';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { describeStoreContract } from './contract/stores.contract.ts';

const env = serviceEnv(repoRoot());

describeStoreContract('Elasticsearch', async () => {
  const prefix = uniquePrefix('stores');
  const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  await setupIndices(client, prefix);
  const options = { client, prefix };
  return {
    registry: new ElasticsearchWatchRegistry(options),
    alerts: new ElasticsearchAlertStore(options),
    history: new ElasticsearchHistoryStore(options),
    close: async () => {
      await dropPrefix(client, prefix);
      await client.close();
    },
  };
});
