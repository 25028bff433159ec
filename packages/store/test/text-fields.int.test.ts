// Which text type the event template uses is decided at setup from the cluster itself: the probe's
// answer must agree with the cluster's own module list (match_only_text lives in mapper-extras), and
// an event with the ECS fields Elastic Security reads gets the mapped types in its daily index.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { createElasticsearchClient, eventIndex, eventTemplateName, installedTextFieldType, probeTextFieldType, setupIndices, type TextFieldType } from '../src/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('text-fields');
let client: Client;
/** What the cluster says it has: match_only_text when every node loads mapper-extras. */
let fromModules: TextFieldType;

beforeAll(async () => {
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  const nodes = await client.nodes.info({ metric: 'plugins', filter_path: ['nodes.*.modules.name'] });
  const modules = Object.values(nodes.nodes ?? {}).map((n) => (n.modules ?? []).map((m) => m.name));
  expect(modules.length).toBeGreaterThan(0);
  fromModules = modules.every((names) => names.includes('mapper-extras')) ? 'match_only_text' : 'text';
});

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

/** Field path → mapped type in one index, multi-fields as `field.sub`. */
async function mappedTypes(index: string, fields: string[]): Promise<Record<string, string | undefined>> {
  const mapping = await client.indices.getFieldMapping({ index, fields });
  return Object.fromEntries(Object.entries(mapping[index]?.mappings ?? {}).map(([field, m]) => [field, (Object.values(m.mapping)[0] as { type?: string } | undefined)?.type]));
}

describe('text fields (real Elasticsearch)', () => {
  it('probes what the module list says, and changes nothing doing so', async () => {
    expect(await probeTextFieldType(client, prefix)).toBe(fromModules);
    expect(await installedTextFieldType(client, prefix)).toBeUndefined();
    const templates = await client.indices.getIndexTemplate({ name: `${prefix}-*` }, { ignore: [404] });
    expect(templates.index_templates ?? []).toEqual([]);
  });

  it('installs the event template with that type, and a second setup writes the same template', async () => {
    const first = await setupIndices(client, prefix);
    expect(first.textType).toBe(fromModules);
    expect(await installedTextFieldType(client, prefix)).toBe(fromModules);
    const read = async () => (await client.indices.getIndexTemplate({ name: eventTemplateName(prefix) })).index_templates[0]?.index_template;
    const before = await read();
    expect(before?._meta).toMatchObject({ managed_by: 'vigil', text_type: fromModules });
    expect((await setupIndices(client, prefix)).textType).toBe(fromModules);
    expect(await read()).toEqual(before);
  });

  it('maps the ECS fields of an event in its daily index', async () => {
    const event = {
      '@timestamp': '2026-11-22T09:49:32.000Z',
      message: 'user NOT in sudoers ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/sh',
      ecs: { version: '8.17.0' },
      event: { kind: 'event', category: ['iam'], type: ['user', 'creation'], action: 'useradd', module: 'system', dataset: 'auth', original: '...' },
      host: { name: 'web1', hostname: 'web1', id: 'web1', os: { type: 'linux' } },
      user: { name: 'alice', id: '1001', effective: { name: 'root' }, target: { name: 'bob', id: 'S-1-5-21-1-1001' }, group: { name: 'wheel', id: '10' } },
      group: { name: 'developers', id: '1002' },
      process: { name: 'sudo', pid: 4242 },
      observer: { name: 'gw', vendor: 'Ubiquiti', product: 'EdgeRouter', type: 'firewall', ingress: { zone: 'WAN', interface: { name: 'eth0' } }, egress: { zone: 'LAN' } },
      winlog: { event_data: { TargetUserName: 'bob', Status: '0xc000006d', LogonType: '3' }, logon: { failure: { reason: 'Unknown user name or bad password.', status: '0xc000006d' } } },
      system: { auth: { ssh: { event: 'Accepted', method: 'publickey', signature: 'RSA SHA256:abc' } } },
      related: { hosts: ['web1'], user: ['alice', 'root'] },
    };
    const index = eventIndex(prefix, 'auth', event['@timestamp']);
    await client.index({ index, document: event, refresh: 'wait_for' });
    const types = await mappedTypes(index, [
      'message', 'ecs.version', 'host.id', 'host.name', 'host.os.type', 'user.name', 'user.name.text', 'user.id',
      'user.effective.name', 'user.effective.name.text', 'user.target.name', 'user.target.id', 'user.group.name',
      'group.name', 'group.id', 'process.name', 'process.name.text', 'observer.name', 'observer.vendor',
      'observer.ingress.zone', 'observer.egress.zone', 'observer.ingress.interface.name',
      'winlog.event_data.TargetUserName', 'winlog.event_data.Status', 'winlog.logon.failure.status',
      'system.auth.ssh.method', 'system.auth.ssh.signature', 'related.hosts',
    ]);
    const keywords = Object.fromEntries(
      ['ecs.version', 'host.id', 'host.name', 'host.os.type', 'user.name', 'user.id', 'user.effective.name', 'user.target.name', 'user.target.id', 'user.group.name', 'group.name', 'group.id', 'process.name', 'observer.name', 'observer.vendor', 'observer.ingress.zone', 'observer.egress.zone', 'observer.ingress.interface.name', 'winlog.event_data.TargetUserName', 'winlog.event_data.Status', 'winlog.logon.failure.status', 'system.auth.ssh.method', 'system.auth.ssh.signature', 'related.hosts'].map((f) => [f, 'keyword']),
    );
    expect(types).toEqual({ ...keywords, message: fromModules, 'user.name.text': fromModules, 'user.effective.name.text': fromModules, 'process.name.text': fromModules });

    const found = await client.search({ index, query: { match: { 'user.effective.name.text': 'root' } } });
    expect(found.hits.hits).toHaveLength(1);
  });
});
