// Compiled KQL against the real Elasticsearch: it takes the DSL, and each query matches the documents
// the KQL means (ip CIDR values, phrases on text, wildcards on keyword, field patterns, nested).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@elastic/elasticsearch';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { compileKql } from '../src/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('kql');
const index = `${prefix}-events`;
let client: Client;

const keyword = { type: 'keyword' } as const;
const MAPPINGS = {
  dynamic: 'strict',
  properties: {
    '@timestamp': { type: 'date' },
    message: { type: 'text' },
    event: { properties: { category: keyword, outcome: keyword, action: keyword } },
    host: { properties: { name: keyword, os: { properties: { type: keyword, family: keyword } } } },
    user: { properties: { name: { type: 'keyword', fields: { text: { type: 'text' } } }, names: { type: 'nested', properties: { first: keyword, last: keyword } } } },
    source: { properties: { ip: { type: 'ip' } } },
    destination: { properties: { port: { type: 'long' } } },
    network: { properties: { packets: { type: 'long' }, protocol: keyword } },
    system: { properties: { auth: { properties: { ssh: { properties: { method: keyword } } } } } },
  },
} as const;

const DOCS: Record<string, Record<string, unknown>> = {
  'ssh-failed': {
    '@timestamp': '2026-01-01T10:00:00Z',
    message: 'Failed password for root from 89.160.20.156 port 3667 ssh2',
    event: { category: 'authentication', outcome: 'failure', action: 'ssh_login' },
    host: { name: 'web1', os: { type: 'linux' } },
    user: { name: 'root' },
    source: { ip: '89.160.20.156' },
  },
  'ssh-publickey': {
    '@timestamp': '2026-01-02T10:00:00Z',
    message: 'Accepted publickey for vagrant from 10.0.2.2 port 48274 ssh2',
    event: { category: 'authentication', outcome: 'success', action: 'ssh_login' },
    host: { name: 'web1', os: { type: 'linux' } },
    user: { name: 'vagrant' },
    source: { ip: '10.0.2.2' },
    system: { auth: { ssh: { method: 'publickey' } } },
  },
  'telnet-drop': {
    '@timestamp': '2026-01-03T10:00:00Z',
    event: { category: 'network', action: 'drop' },
    source: { ip: '192.168.1.5' },
    destination: { port: 23 },
    network: { packets: 1 },
  },
  'windows-logon-failed': {
    '@timestamp': '2026-01-04T10:00:00Z',
    event: { category: 'authentication', outcome: 'failure', action: 'logon-failed' },
    host: { name: 'dc1', os: { type: 'windows', family: 'windows' } },
    user: { name: 'Administrator' },
    source: { ip: '::1' },
  },
  'names-alice-white': { '@timestamp': '2026-01-05T10:00:00Z', user: { names: [{ first: 'Alice', last: 'White' }] } },
  // Alice and White, but not in one element: a nested query does not match it, a flat one would
  'names-alice-smith': { '@timestamp': '2026-01-05T10:00:00Z', user: { names: [{ first: 'Alice', last: 'Smith' }, { first: 'Bob', last: 'White' }] } },
};

beforeAll(async () => {
  client = new Client({ node: env.VIGIL_ELASTICSEARCH_URL });
  await client.indices.create({ index, mappings: MAPPINGS });
  await client.bulk({ refresh: 'wait_for', operations: Object.entries(DOCS).flatMap(([id, doc]) => [{ index: { _index: index, _id: id } }, doc]) });
});

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

async function matching(kql: string): Promise<string[]> {
  const result = await client.search({ index, query: compileKql(kql), size: 100 });
  return result.hits.hits.map((h) => h._id!).sort();
}

describe('compiled KQL in the real Elasticsearch', () => {
  const table: [string, string[]][] = [
    ['event.category:authentication and event.outcome:failure', ['ssh-failed', 'windows-logon-failed']],
    ['event.action:("ssh_login" or "user_login") and not user.name:root', ['ssh-publickey']],
    ['event.category:authentication and host.os.type:linux and event.action:ssh_login and event.outcome:success and system.auth.ssh.method:publickey', ['ssh-publickey']],
    ['source.ip:(10.0.0.0/8 or 172.16.0.0/12 or 192.168.0.0/16)', ['ssh-publickey', 'telnet-drop']],
    ['source.ip:* and not source.ip:(10.0.0.0/8 or 192.168.0.0/16 or "::1" or "FE80::/10")', ['ssh-failed']],
    ['destination.port >= 20 and destination.port <= 25 and network.packets <= 2', ['telnet-drop']],
    ['destination.port:23 and (network.protocol:(telnet or not *))', ['telnet-drop']],
    ['@timestamp >= "2026-01-03" and @timestamp < 2026-01-05', ['telnet-drop', 'windows-logon-failed']],
    ['message:"failed password for root"', ['ssh-failed']],
    ['message:"password failed"', []],
    ['user.name:Admin*', ['windows-logon-failed']],
    ['user.name:admin*', []],
    ['user.name.text:administrator', ['windows-logon-failed']],
    ['host.os.*:windows', ['windows-logon-failed']],
    ['user.names:{ first: Alice and last: White }', ['names-alice-white']],
    ['user.names:{ first: Alice } and user.names:{ last: White }', ['names-alice-smith', 'names-alice-white']],
    // free text over every field: lenient, so the ip and long fields do not reject the word
    ['root', ['ssh-failed']],
    ['"Accepted publickey"', ['ssh-publickey']],
  ];

  it.each(table)('%s', async (kql, ids) => {
    expect(await matching(kql)).toEqual(ids);
  });
});
