import { redactUrl, type VigilConfig } from '@vigil/core';
import { createElasticsearchClient, elasticsearchError, setupIndices } from '@vigil/store';
import type { Output } from '../output.ts';

/** `vigil setup`: installs index templates and creates system indices; safe to run any number of times. */
export async function setupCommand(config: VigilConfig, out: Output): Promise<number> {
  const client = createElasticsearchClient(config.elasticsearch);
  try {
    const report = await setupIndices(client, config.indexPrefix).catch((err: unknown) => {
      throw elasticsearchError(err, config.elasticsearch.url, 'installing index templates');
    });
    out.log(`elasticsearch ${redactUrl(config.elasticsearch.url)}, prefix "${config.indexPrefix}"`);
    out.log(`  templates installed: ${report.templates.join(', ')}`);
    out.log(`  text fields:         ${report.textType}${report.textType === 'text' ? ' (this cluster has no match_only_text)' : ''}`);
    if (report.created.length > 0) out.log(`  indices created:     ${report.created.join(', ')}`);
    if (report.existing.length > 0) out.log(`  indices present:     ${report.existing.join(', ')}`);
    return 0;
  } finally {
    await client.close();
  }
}
