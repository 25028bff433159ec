import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { createElasticsearchClient, elasticsearchError, eventIndex, missingTemplates, probeTextFieldType, setupIndices } from '../src/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('store');
let client: Client;

beforeAll(() => {
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
});

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

describe('Elasticsearch (real, with security on)', () => {
  it('installs templates and system indices, and a second run changes nothing', async () => {
    expect(await missingTemplates(client, prefix)).toHaveLength(7);
    const first = await setupIndices(client, prefix);
    expect(first.created).toEqual([`${prefix}-watches`, `${prefix}-alerts`, `${prefix}-deliveries`]);
    const second = await setupIndices(client, prefix);
    expect(second.created).toEqual([]);
    expect(second.existing).toEqual([`${prefix}-watches`, `${prefix}-alerts`, `${prefix}-deliveries`]);
    expect(await missingTemplates(client, prefix)).toEqual([]);
  });

  it('indexes an event into its daily index and searches it back through the ECS mappings', async () => {
    const event = {
      '@timestamp': '2026-11-22T09:49:32.000Z',
      message: 'Failed password for root from 203.0.113.7 port 52311 ssh2',
      event: { kind: 'event', category: ['authentication'], outcome: 'failure', dataset: 'auth', original: 'Nov 22 09:49:32 web1 sshd[811]: Failed password ...' },
      source: { ip: '203.0.113.7', port: 52311 },
      user: { name: 'root' },
    };
    const index = eventIndex(prefix, 'auth', event['@timestamp']);
    await client.index({ index, id: 'evt-1', document: event, refresh: 'wait_for' });

    const found = await client.search({
      index: `${prefix}-auth-*`,
      query: { bool: { filter: [{ term: { 'source.ip': '203.0.113.0/24' } }, { term: { 'event.outcome': 'failure' } }] } },
    });
    expect(found.hits.hits.map((h) => [h._index, h._id])).toEqual([[`${prefix}-auth-2026.11.22`, 'evt-1']]);

    const mapping = await client.indices.getFieldMapping({ index, fields: ['source.ip', 'source.port', '@timestamp', 'message'] });
    const types = Object.fromEntries(
      Object.entries(mapping[index]?.mappings ?? {}).map(([field, m]) => [field, Object.values(m.mapping)[0]?.type]),
    );
    // message: match_only_text where the cluster has it, else text (text-fields.int.test.ts)
    expect(types).toEqual({ 'source.ip': 'ip', 'source.port': 'long', '@timestamp': 'date', message: await probeTextFieldType(client, prefix) });
  });

  it('rejects wrong credentials as a permanent error naming the service', async () => {
    const url = new URL(env.VIGIL_ELASTICSEARCH_URL);
    url.password = 'wrong-password';
    const bad = createElasticsearchClient({ url: url.toString() }, { maxRetries: 0 });
    const err = await bad.cluster.health().then(
      () => undefined,
      (e: unknown) => elasticsearchError(e, url.toString(), 'checking health'),
    );
    await bad.close();
    expect(err?.code).toBe('SERVICE_REJECTED');
    expect(err?.transient).toBe(false);
    expect(err?.message).toMatch(/answered 401 to checking health/);
    expect(err?.message).not.toContain('wrong-password');
  });
});
