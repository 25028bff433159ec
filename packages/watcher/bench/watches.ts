// npm run bench:watches — run time of the shipped portscan and brute-force watches, for docs/benchmarks.md.
//   --sizes 10000,100000,1000000 (events in the window) --entities 10,1000,10000 (entities over the threshold)
// For each (size, entities) the bench indexes one window of events into the local Elasticsearch: the
// attackers (portscan: 60 distinct ports to one target each, within 30 s; brute force: 12 failures
// each) and, for the rest of the size, ordinary traffic (portscan: up to 20,000 busy clients on 2 ports;
// brute force: up to 50,000 addresses with 2 failed logins each, then successful logins), each
// combination in a window of its own. Then it times one real run of the
// watch over that window (`runOnce`: search with every page, condition, transform, alert state
// written to the real alert store), actions removed, so the figure is the engine's and
// Elasticsearch's, not a mail server's. A combination whose attackers alone exceed the size is skipped.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { watchSchema } from '@vigil/actions';
import { loadWatchFile, systemClock, type Watch } from '@vigil/core';
import { createElasticsearchClient, ElasticsearchAlertStore, ElasticsearchHistoryStore, ElasticsearchWatchRegistry, eventIndex, setupIndices } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import type { Client } from '@elastic/elasticsearch';
import { runOnce, type RunDeps } from '../src/index.ts';

const { values: flags } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000,1000000' }, entities: { type: 'string', default: '10,1000,10000' } } });
const sizes = flags.sizes.split(',').map(Number);
const entityCounts = flags.entities.split(',').map(Number);
const root = repoRoot();
const env = serviceEnv(root);
const prefix = uniquePrefix('bench-watches');

interface Kind {
  name: string;
  file: string;
  dataset: string;
  /** Events per attacker. */
  perAttacker: number;
  /** The window's end as the watch searches it: events are placed well inside it. */
  spanMs: number;
  attacker(i: number, n: number, start: number): Record<string, unknown>;
  noise(i: number, start: number): Record<string, unknown>;
}

/** The `i`-th address under the first octet `first` (24 bits of room: a million clients never repeat). */
const ip = (first: number, i: number) => `${first}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const time = (start: number, ms: number) => new Date(start + ms).toISOString();

const KINDS: Kind[] = [
  {
    name: 'portscan',
    file: 'network/discovery_portscan.yaml',
    dataset: 'tcpdump',
    perAttacker: 60,
    spanMs: 25_000,
    attacker: (i, n, start) => ({ '@timestamp': time(start, (n * 400) % 25_000), tags: ['tcp_connection_started'], source: { ip: ip(198, i), port: 40_000 + n }, destination: { ip: '192.0.2.10', port: 1 + n } }),
    // 20,000 busy clients (or fewer in a small window), each connecting again and again to ports 443 and 22 of one server
    noise: (i, start) => ({ '@timestamp': time(start, i % 25_000), tags: ['tcp_connection_started'], source: { ip: ip(10, i % 20_000), port: 50_000 }, destination: { ip: '192.0.2.80', port: i % 2 === 0 ? 443 : 22 } }),
  },
  {
    name: 'brute force',
    file: 'auth/credential_access_brute_force.yaml',
    dataset: 'auth',
    perAttacker: 12,
    spanMs: 240_000,
    attacker: (i, n, start) => ({ '@timestamp': time(start, (n * 17_000) % 240_000), tags: ['auth_failure'], event: { outcome: 'failure' }, source: { ip: ip(198, i) }, user: { name: `user${n}` }, host: { hostname: 'web1' } }),
    // 50,000 users' addresses with 2 failed logins each (a mistyped password), then their successful logins
    noise: (i, start) =>
      i < 100_000
        ? { '@timestamp': time(start, i % 240_000), tags: ['auth_failure'], event: { outcome: 'failure' }, source: { ip: ip(10, Math.floor(i / 2)) }, user: { name: `u${Math.floor(i / 2)}` }, host: { hostname: 'web1' } }
        : { '@timestamp': time(start, i % 240_000), tags: ['auth_success'], event: { outcome: 'success' }, source: { ip: ip(10, i % 50_000) }, user: { name: `u${i % 50_000}` }, host: { hostname: 'web1' } },
  },
];

async function index(client: Client, docs: Iterable<Record<string, unknown>>, dataset: string): Promise<void> {
  let batch: unknown[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await client.bulk({ operations: batch });
    if (result.errors) throw new Error('bulk indexing failed');
    batch = [];
  };
  for (const doc of docs) {
    batch.push({ create: { _index: eventIndex(prefix, dataset, doc['@timestamp'] as string) } }, doc);
    if (batch.length >= 20_000) await flush();
  }
  await flush();
}

function* events(kind: Kind, size: number, entities: number, start: number): Generator<Record<string, unknown>> {
  for (let i = 0; i < entities; i += 1) for (let n = 0; n < kind.perAttacker; n += 1) yield kind.attacker(i, n, start);
  for (let i = 0; i < size - entities * kind.perAttacker; i += 1) yield kind.noise(i, start);
}

async function main(): Promise<void> {
  const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL }, { requestTimeoutMs: 120_000 });
  await setupIndices(client, prefix);
  const store = { client, prefix };
  const deps: RunDeps = {
    registry: new ElasticsearchWatchRegistry({ ...store, clock: systemClock }),
    alerts: new ElasticsearchAlertStore(store),
    history: new ElasticsearchHistoryStore(store),
    elasticsearch: client,
    indexPrefix: prefix,
    clock: systemClock,
    log: () => undefined,
    services: { elasticsearch: client },
  };
  const rows: string[] = [];
  let slot = Date.parse('2026-11-20T00:00:00.000Z');
  for (const kind of KINDS) {
    const shipped = loadWatchFile(join(root, 'watches', kind.file), watchSchema()).watch;
    for (const size of sizes) {
      for (const entities of entityCounts) {
        if (entities * kind.perAttacker > size) {
          rows.push(`| ${kind.name} | ${size.toLocaleString('en')} | ${entities.toLocaleString('en')} | – | – | – | attackers alone exceed the window |`);
          continue;
        }
        slot += 3_600_000; // a window of its own, an hour after the last
        const start = slot;
        await index(client, events(kind, size, entities, start), kind.dataset);
        await client.indices.refresh({ index: `${prefix}-*` });
        const watch: Watch = { ...shipped, id: `${shipped.id}.bench${size}x${entities}`, actions: {}, on_resolve: undefined } as Watch;
        const window = shipped.input.search!.window;
        const at = new Date(start + kind.spanMs + 1_000 + window.delay);
        const t0 = performance.now();
        const report = await runOnce(deps, watch, { at: new Date(at.getTime() - window.delay), dryRun: false, runId: 'bench' });
        const ms = performance.now() - t0;
        const truncated = (report as { truncated?: unknown[] }).truncated?.length ?? 0;
        rows.push(`| ${kind.name} | ${size.toLocaleString('en')} | ${entities.toLocaleString('en')} | ${report.hits.toLocaleString('en')} | ${report.alerts.length.toLocaleString('en')} | **${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`}** | ${truncated === 0 ? '' : `${truncated} truncation(s)`} |`);
        console.error(rows.at(-1));
      }
    }
  }
  console.log(`\n### ${new Date().toISOString().slice(0, 10)}\n`);
  console.log('| watch | events in the window | entities over the threshold | hits | alerts | run time | note |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const row of rows) console.log(row);
  await dropPrefix(client, prefix);
  await client.close();
}

await main();
