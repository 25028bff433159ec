// The shipped watches for the attacks that stay under per-address or per-target thresholds, on
// events generated here at the sizes of issue 9, against the real Elasticsearch: each case raises
// exactly the alerts it must, on the watch meant for it and no other, with no flapping.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { watchSchema } from '@vigil/actions';
import { loadWatchFile, ManualClock, type Watch } from '@vigil/core';
import { createElasticsearchClient, eventIndex, MemoryAlertStore, setupIndices } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { replay } from '../src/index.ts';

const root = repoRoot();
const env = serviceEnv(root);
let client: Client;
const prefixes: string[] = [];

const WATCHES = {
  bruteForce: 'auth/credential_access_brute_force.yaml',
  spraying: 'auth/credential_access_password_spraying.yaml',
  acrossHosts: 'auth/credential_access_failures_across_hosts.yaml',
  portscan: 'network/discovery_portscan.yaml',
  portscanTargets: 'network/discovery_portscan_targets.yaml',
  sweep: 'network/discovery_horizontal_sweep.yaml',
} as const;
type WatchName = keyof typeof WATCHES;
const watch = (name: WatchName): Watch => loadWatchFile(join(root, 'watches', WATCHES[name]), watchSchema()).watch;

const at = (base: number, ms: number) => new Date(base + ms).toISOString();

function failure(time: string, source: string, user: string, host: string): Record<string, unknown> {
  return { '@timestamp': time, tags: ['auth_failure'], event: { category: ['authentication'], outcome: 'failure', dataset: 'auth' }, source: { ip: source }, user: { name: user }, host: { hostname: host } };
}

function syn(time: string, source: string, target: string, port: number): Record<string, unknown> {
  return { '@timestamp': time, tags: ['tcp_connection_started'], source: { ip: source, port: 40_000 + (port % 20_000) }, destination: { ip: target, port }, network: { transport: 'tcp' } };
}

/** Ordinary traffic: 20 clients, each connecting a few times to ports 443 and 22 of one server, over `spanMs`. */
function benignSyns(base: number, spanMs: number): Record<string, unknown>[] {
  return Array.from({ length: 20 }, (_, c) => Array.from({ length: 6 }, (_, i) => syn(at(base, ((c * 6 + i) * spanMs) / 120), `203.0.113.${c + 1}`, '192.0.2.80', i % 2 === 0 ? 443 : 22))).flat();
}

/** Indexes `docs` under a fresh prefix and replays every watch over `[from, to]`: per watch, each alerted entity's states, window by window. */
async function scenario(name: string, docs: Record<string, unknown>[], range: { from: number; to: number }, dataset: string): Promise<Record<WatchName, Map<string, string[]>>> {
  const prefix = uniquePrefix(`attacks-${name}`);
  prefixes.push(prefix);
  await setupIndices(client, prefix);
  const operations = docs.flatMap((doc) => [{ create: { _index: eventIndex(prefix, dataset, doc['@timestamp'] as string) } }, doc]);
  expect((await client.bulk({ operations, refresh: 'wait_for' })).errors).toBe(false);
  const deps = { elasticsearch: client, indexPrefix: prefix, clock: new ManualClock('2026-11-23T00:00:00Z'), log: () => undefined, services: {} };
  const out = {} as Record<WatchName, Map<string, string[]>>;
  for (const name of Object.keys(WATCHES) as WatchName[]) {
    const states = new Map<string, string[]>();
    for (const report of await replay(deps, watch(name), { from: new Date(range.from), to: new Date(range.to) }, new MemoryAlertStore())) {
      for (const alert of report.alerts) states.set(JSON.stringify(alert.entity), [...(states.get(JSON.stringify(alert.entity)) ?? []), alert.state]);
    }
    out[name] = states;
  }
  return out;
}

/** Only `expected` watches alerted, each for exactly `entities`, each entity one episode (new, then ongoing only). */
function expectOnly(result: Record<WatchName, Map<string, string[]>>, expected: Partial<Record<WatchName, Record<string, unknown>[]>>): void {
  for (const name of Object.keys(WATCHES) as WatchName[]) {
    const want = (expected[name] ?? []).map((e) => JSON.stringify(e)).sort();
    expect({ watch: name, entities: [...result[name].keys()].sort() }).toEqual({ watch: name, entities: want });
    for (const [entity, states] of result[name]) {
      expect({ watch: name, entity, states }).toEqual({ watch: name, entity, states: ['new', ...states.slice(1).map(() => 'ongoing')] });
    }
  }
}

beforeAll(() => {
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
});

afterAll(async () => {
  for (const prefix of prefixes) await dropPrefix(client, prefix);
  await client.close();
});

describe('attacks under per-address and per-target thresholds (issue 9 cases)', () => {
  it('password spraying: 200 sources × 2 failures on one account → one alert, for the account', async () => {
    const base = Date.parse('2026-11-22T10:00:00.000Z');
    const docs = Array.from({ length: 200 }, (_, s) => [0, 1].map((k) => failure(at(base, (s * 2 + k) * 1_200), `198.51.${100 + (s >> 8)}.${s & 255}`, 'admin', 'web1'))).flat();
    const result = await scenario('spraying', docs, { from: base, to: base + 15 * 60_000 }, 'auth');
    expectOnly(result, { spraying: [{ 'user.name': 'admin' }] });
  }, 60_000);

  it('one attacker, one failure on each of 50 hosts, one host every 2 minutes → one alert, for the attacker', async () => {
    const base = Date.parse('2026-11-22T10:00:00.000Z');
    const docs = Array.from({ length: 50 }, (_, h) => failure(at(base, h * 120_000), '198.51.100.77', 'root', `host${h}`));
    const result = await scenario('across-hosts', docs, { from: base, to: base + 110 * 60_000 }, 'auth');
    expectOnly(result, { acrossHosts: [{ 'source.ip': '198.51.100.77' }] });
  }, 60_000);

  it('one scanner, 60 ports spread over 3 targets (20 each) → one alert, for the scanner; no alert for ordinary clients', async () => {
    const base = Date.parse('2026-11-22T10:00:00.000Z');
    const scan = Array.from({ length: 60 }, (_, i) => syn(at(base + 3_000, i * 300), '198.51.100.66', `192.0.2.${1 + (i % 3)}`, 1000 + Math.floor(i / 3)));
    const result = await scenario('targets', [...scan, ...benignSyns(base, 60_000)], { from: base - 10_000, to: base + 120_000 }, 'tcpdump');
    expectOnly(result, { portscanTargets: [{ 'source.ip': '198.51.100.66' }] });
  }, 60_000);

  it('a horizontal sweep: port 22 on 60 hosts within 30 s → one alert, for the source and the port', async () => {
    const base = Date.parse('2026-11-22T10:00:00.000Z');
    const sweep = Array.from({ length: 60 }, (_, i) => syn(at(base + 7_000, i * 450), '198.51.100.99', `10.20.${i >> 4}.${(i & 15) + 1}`, 22));
    const result = await scenario('sweep', [...sweep, ...benignSyns(base, 60_000)], { from: base - 10_000, to: base + 150_000 }, 'tcpdump');
    expectOnly(result, { sweep: [{ 'source.ip': '198.51.100.99', 'destination.port': 22 }] });
  }, 60_000);
});
