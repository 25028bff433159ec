// vigil doctor against the real Elasticsearch: after setup, the text-fields line names what the
// installed event template maps, which is what this cluster's modules allow.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@vigil/core';
import { createElasticsearchClient, eventTemplateName, setupIndices } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { checkElasticsearch } from '../src/doctor/elasticsearch.ts';
import { formatResult } from '../src/doctor/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('doctor-text');
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const config = loadConfig({ env: { VIGIL_ELASTICSEARCH_URL: env.VIGIL_ELASTICSEARCH_URL, VIGIL_INDEX_PREFIX: prefix }, cwd: '/nonexistent' });
let fromModules: string;

beforeAll(async () => {
  const nodes = await client.nodes.info({ metric: 'plugins', filter_path: ['nodes.*.modules.name'] });
  const modules = Object.values(nodes.nodes ?? {}).map((n) => (n.modules ?? []).map((m) => m.name));
  fromModules = modules.length > 0 && modules.every((names) => names.includes('mapper-extras')) ? 'match_only_text' : 'text';
});

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

const textLine = async () => (await checkElasticsearch(config)).find((r) => r.name === 'text fields');

describe('vigil doctor: text fields (real Elasticsearch)', () => {
  it('says nothing about text fields before setup (the indices line asks for it)', async () => {
    expect(await textLine()).toBeUndefined();
  });

  it('reports the type of the installed event template, which fits the cluster', async () => {
    await setupIndices(client, prefix);
    const line = await textLine();
    expect(line?.status).toBe('ok');
    expect(formatResult(line!)).toMatch(new RegExp(`^ok {3}text fields {4}${fromModules}: `));
  });

  it('reads the template, not the cluster: a template mapping message otherwise is reported', async () => {
    const installed = (await client.indices.getIndexTemplate({ name: eventTemplateName(prefix) })).index_templates[0]!.index_template;
    const mappings = installed.template!.mappings!;
    await client.indices.putIndexTemplate({ ...installed, name: eventTemplateName(prefix), template: { ...installed.template, mappings: { ...mappings, properties: { ...mappings.properties, message: { type: 'keyword' } } } } });
    expect(await textLine()).toMatchObject({ status: 'warn', fix: 'run vigil setup' });
    await setupIndices(client, prefix);
    expect((await textLine())?.status).toBe('ok');
  });
});
