import type { Client } from '@elastic/elasticsearch';

/**
 * Deletes every index and index template of a test prefix (from `uniquePrefix`). Names are resolved
 * first: Elasticsearch refuses wildcard deletes (`action.destructive_requires_name`).
 */
export async function dropPrefix(client: Client, prefix: string): Promise<void> {
  if (!prefix.startsWith('vt-')) throw new Error(`refusing to drop non-test prefix ${prefix}`);
  const resolved = await client.indices.resolveIndex({ name: `${prefix}-*`, expand_wildcards: 'all' });
  const indices = resolved.indices.map((i) => i.name);
  // in batches: the names go in the URL, and Elasticsearch refuses a line over 4 KiB (months of daily indices)
  for (let i = 0; i < indices.length; i += 40) await client.indices.delete({ index: indices.slice(i, i + 40) });
  const templates = await client.indices.getIndexTemplate({ name: `${prefix}-*` }, { ignore: [404] });
  const names = (templates.index_templates ?? []).map((t) => t.name);
  if (names.length > 0) await client.indices.deleteIndexTemplate({ name: names.join(',') });
}
