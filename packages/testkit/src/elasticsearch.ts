import type { Client } from '@elastic/elasticsearch';

/**
 * Deletes every index and index template of a test prefix (from `uniquePrefix`). Names are resolved
 * first: Elasticsearch refuses wildcard deletes (`action.destructive_requires_name`).
 */
export async function dropPrefix(client: Client, prefix: string): Promise<void> {
  if (!prefix.startsWith('vt-')) throw new Error(`refusing to drop non-test prefix ${prefix}`);
  const resolved = await client.indices.resolveIndex({ name: `${prefix}-*`, expand_wildcards: 'all' });
  const indices = resolved.indices.map((i) => i.name);
  if (indices.length > 0) await client.indices.delete({ index: indices });
  const templates = await client.indices.getIndexTemplate({ name: `${prefix}-*` }, { ignore: [404] });
  const names = (templates.index_templates ?? []).map((t) => t.name);
  if (names.length > 0) await client.indices.deleteIndexTemplate({ name: names.join(',') });
}
