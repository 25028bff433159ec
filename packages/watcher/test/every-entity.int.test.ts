// Issue 9, "every entity", against the real Elasticsearch on events generated here at the sizes of the
// issue: per-entity conditions see every bucket (composite aggregations paged through), whatever is cut
// is recorded as truncated and resolves nobody, and a window's alert writes are batched without ever
// notifying an entity twice under two workers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { watchSchema } from '@vigil/actions';
import { entityKey, loadValidated, ManualClock, type Watch } from '@vigil/core';
import { createElasticsearchClient, ElasticsearchAlertStore, ElasticsearchHistoryStore, eventIndex, MemoryAlertStore, MemoryWatchRegistry, setupIndices } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { applyWindow, inlineSink, replay, runOnce, type ManualRunReport, type RunDeps, type WindowEvaluation } from '../src/index.ts';

const root = repoRoot();
const prefix = uniquePrefix('every-entity');
const clock = new ManualClock('2026-11-23T00:00:00Z');
let client: Client;
let deps: RunDeps;

const at = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

async function index(docs: Record<string, unknown>[], dataset: string): Promise<void> {
  for (let i = 0; i < docs.length; i += 10_000) {
    const operations = docs.slice(i, i + 10_000).flatMap((doc) => [{ create: { _index: eventIndex(prefix, dataset, doc['@timestamp'] as string) } }, doc]);
    expect((await client.bulk({ operations })).errors).toBe(false);
  }
  await client.indices.refresh({ index: `${prefix}-*` });
}

/** Per entity (JSON), its alert state in each window that matched it, in window order. */
function statesByEntity(reports: readonly ManualRunReport[]): Map<string, string[]> {
  const states = new Map<string, string[]>();
  for (const r of reports) for (const a of r.alerts) states.set(JSON.stringify(a.entity), [...(states.get(JSON.stringify(a.entity)) ?? []), a.state]);
  return states;
}

beforeAll(async () => {
  client = createElasticsearchClient({ url: serviceEnv(root).VIGIL_ELASTICSEARCH_URL }, { requestTimeoutMs: 120_000 });
  await setupIndices(client, prefix);
  const stores = { client, prefix };
  deps = {
    registry: new MemoryWatchRegistry(),
    alerts: new ElasticsearchAlertStore(stores),
    history: new ElasticsearchHistoryStore(stores),
    elasticsearch: client,
    indexPrefix: prefix,
    clock,
    log: () => undefined,
    services: { elasticsearch: client },
  };
});

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

describe('a scanner among 120 busy clients (the shipped port-scan watch)', () => {
  const START = '2026-11-22T12:00:00.000Z';
  const SCANNER = '203.0.113.66';
  const TARGET = '192.0.2.10';
  const file = join(root, 'watches', 'network', 'discovery_portscan.yaml');
  const shipped = readFileSync(file, 'utf8');
  /** The shipped watch with its text edited, validated as a file would be. */
  const variant = (edit: (text: string) => string): Watch => loadValidated(file, edit(shipped), watchSchema());
  const withPaging = (paging: string) => variant((t) => t.replace('    query:\n', `    paging: ${paging}\n    query:\n`));
  // the per-source top 100 the watch had before it paged
  const topHundred = variant((t) =>
    t.replace(/ {4}aggs:\n[\s\S]*?\ncondition:\n[\s\S]*?\n {4}where:/, [
      '    aggs:',
      '      by_source:',
      '        terms: { field: source.ip, size: 100 }',
      '        aggs:',
      '          by_target:',
      '            terms: { field: destination.ip, size: 100, order: { unique_ports: desc } }',
      '            aggs:',
      '              unique_ports:',
      '                cardinality: { field: destination.port }',
      'condition:',
      '  buckets:',
      '    path: aggregations.by_source.buckets[].by_target.buckets[]',
      '    key:',
      '      source.ip: by_source.key',
      '      destination.ip: by_target.key',
      '    where:',
    ].join('\n')),
  );
  const syn = (ms: number, source: string, target: string, port: number) => ({
    '@timestamp': at(START, ms),
    tags: ['tcp_connection_started'],
    source: { ip: source, port: 40_000 + (ms % 20_000) },
    destination: { ip: target, port },
    network: { transport: 'tcp' },
  });
  const EVENTS = 120 * 200 + 60;
  const range = { from: new Date(at(START, -10_000)), to: new Date(at(START, 60_000)) };

  beforeAll(async () => {
    // NAT gateways and health checks: 200 connections each, to 3 ports of one server, over 25 s
    const busy = Array.from({ length: 120 }, (_, c) => Array.from({ length: 200 }, (_, i) => syn(i * 125 + c, `10.20.0.${c + 1}`, '192.0.2.80', [443, 80, 8080][i % 3]!))).flat();
    // the scan: 60 distinct ports of one target in 6 s
    const scan = Array.from({ length: 60 }, (_, i) => syn(2_000 + i * 100, SCANNER, TARGET, 1 + i));
    await index([...busy, ...scan], 'tcpdump');
  }, 120_000);

  it('raises exactly one alert, the scanner, where the top 100 sources of a terms aggregation missed it and said so', async () => {
    const reports = await replay(deps, variant((t) => t), range, new MemoryAlertStore());
    const states = statesByEntity(reports);
    expect([...states.keys()]).toEqual([JSON.stringify({ 'source.ip': SCANNER, 'destination.ip': TARGET })]);
    expect([...states.values()][0]).toEqual(['new', 'ongoing', 'ongoing', 'ongoing']);
    expect(reports.every((r) => r.truncated.length === 0)).toBe(true);
    // the window holding every event: 24,060 hits, and the scanner's 60 ports among them
    expect(reports.find((r) => r.hits === EVENTS)).toMatchObject({ alerts: [{ payload: { unique_ports: 60 } }] });

    // the top 100 of 121 sources by connections: 20 busy clients (200 each) and the scanner (60) cut
    const before = await replay(deps, topHundred, range, new MemoryAlertStore());
    expect(statesByEntity(before).size).toBe(0);
    expect(before.find((r) => r.hits === EVENTS)?.truncated).toEqual([{ path: 'aggregations.by_source', reason: 'terms sum_other_doc_count', other_docs: 20 * 200 + 60, affects_entities: true }]);
  });

  it('pages through small composite pages to the same one alert, and records the page bound when it stops early', async () => {
    const paged = await replay(deps, variant((t) => t.replace('size: 10000', 'size: 7')), range, new MemoryAlertStore());
    expect([...statesByEntity(paged).keys()]).toEqual([JSON.stringify({ 'source.ip': SCANNER, 'destination.ip': TARGET })]);
    expect(paged.every((r) => r.truncated.length === 0)).toBe(true);

    const bounded = await replay(deps, variant((t) => t.replace('size: 10000', 'size: 7').replace('    query:\n', '    paging: { max_pages: 3 }\n    query:\n')), range, new MemoryAlertStore());
    expect(statesByEntity(bounded).size).toBe(0);
    expect(bounded.find((r) => r.hits === EVENTS)?.truncated).toEqual([{ path: 'aggregations.by_pair', reason: 'page bound', entities: 21, pages: 3, bound: 3, affects_entities: true }]);
  });

  it('a low entity bound records truncated in history and resolves nothing: the alert it no longer sees stays as it was', async () => {
    const full = variant((t) => t.replace('id: network.discovery_portscan', 'id: network.discovery_portscan_bound'));
    const first = await runOnce(deps, full, { at: new Date(at(START, 20_000)), dryRun: false, runId: 'full' });
    expect(first.alerts.map((a) => [a.entity['source.ip'], a.state])).toEqual([[SCANNER, 'new']]);

    // the 120 busy clients sort before the scanner: a bound of 50 pairs leaves it out
    const bounded = { ...withPaging('{ max_entities: 50 }'), id: full.id };
    const second = await runOnce(deps, bounded, { at: new Date(at(START, 30_000)), dryRun: false, runId: 'bounded' });
    const cut = { path: 'aggregations.by_pair', reason: 'entity bound', entities: 50, pages: 1, bound: 50, affects_entities: true };
    expect(second).toMatchObject({ alerts: [], truncated: [cut], kept_active: 1 });
    expect(second.actions).toEqual([]);
    const [alert] = await deps.alerts.list({ watchId: full.id });
    expect(alert).toMatchObject({ state: 'new', last_window_to: at(START, 20_000) });
    const history = await deps.history.list(full.id);
    expect(history.map((h) => [h.run_id, h.truncated, h.kept_active])).toEqual([
      ['bounded', [cut], 1],
      ['full', undefined, undefined],
    ]);
  });
});

describe('600 sources × 12 failed SSH logins (a paging brute-force watch)', () => {
  const START = '2026-11-22T14:00:00.000Z';
  const SOURCES = 600;
  const bruteForce = watchSchema().parse({
    id: 'auth.credential_access_brute_force_paged',
    name: 'Password guessing from one address',
    schedule: { every: '1m' },
    input: {
      search: {
        indices: ['auth-*', 'windows-*'],
        window: { size: '5m', delay: '10s' },
        query: { term: { tags: 'auth_failure' } },
        aggs: { by_source: { composite: { size: 10_000, sources: [{ source: { terms: { field: 'source.ip' } } }] }, aggs: { users: { cardinality: { field: 'user.name' } } } } },
      },
    },
    condition: { buckets: { path: 'aggregations.by_source.buckets[]', key: { 'source.ip': 'key.source' }, where: 'doc_count >= 10' } },
    transform: { pick: { failures: 'doc_count', distinct_users: 'users.value' } },
    throttle: { period: '30m' },
    actions: { log: { type: 'log' } },
    on_resolve: { log_resolved: { type: 'log' } },
  });
  const source = (i: number) => `198.18.${i >> 8}.${i & 255}`;

  beforeAll(async () => {
    // sshd's events as the parser makes them; each source fails 12 times within 40 s
    const failures = Array.from({ length: SOURCES }, (_, i) =>
      Array.from({ length: 12 }, (_, n) => ({
        '@timestamp': at(START, (i * 37 + n * 3_000) % 40_000),
        tags: ['auth_failure'],
        event: { dataset: 'auth', category: ['authentication'], outcome: 'failure' },
        source: { ip: source(i) },
        user: { name: ['root', 'admin', 'oracle'][n % 3] },
        host: { hostname: `web${i % 4}` },
        process: { name: 'sshd', pid: 10_000 + i },
      })),
    ).flat();
    await index(failures, 'auth');
  }, 120_000);

  it('600 alerts over five windows, each new then ongoing, and resolved only once the attacks stopped', async () => {
    // windows end 14:00:50 … 14:05:50: the first five hold every failure, the sixth none
    const reports = await replay(deps, bruteForce, { from: new Date(START), to: new Date(at(START, 7 * 60_000)) }, new ElasticsearchAlertStore({ client, prefix }));
    const states = statesByEntity(reports);
    expect(states.size).toBe(SOURCES);
    expect(new Set([...states.values()].map((s) => s.join()))).toEqual(new Set(['new,ongoing,ongoing,ongoing,ongoing']));
    expect(reports.map((r) => [r.window.to.slice(11, 19), r.alerts.length, r.actions.filter((a) => a.id === 'log_resolved').length])).toEqual([
      ['14:00:50', 600, 0],
      ['14:01:50', 600, 0],
      ['14:02:50', 600, 0],
      ['14:03:50', 600, 0],
      ['14:04:50', 600, 0],
      ['14:05:50', 0, 600],
      ['14:06:50', 0, 0],
    ]);
    expect(reports.flatMap((r) => r.truncated)).toEqual([]);
  }, 120_000);
});

describe('batched alert writes under two workers (Elasticsearch alert store)', () => {
  /** An alert store whose batch writes wait until both workers have decided: their bulk writes then collide. */
  class CollidingAlertStore extends ElasticsearchAlertStore {
    readonly #waiting: (() => void)[] = [];
    #calls = 0;
    override async writeMany(writes: Parameters<ElasticsearchAlertStore['writeMany']>[0]) {
      this.#calls += 1;
      if (this.#calls <= 2) {
        await new Promise<void>((resolve) => {
          this.#waiting.push(resolve);
          if (this.#waiting.length === 2) for (const go of this.#waiting) go();
        });
      }
      return super.writeMany(writes);
    }
  }

  it('each of 300 entities is notified exactly once, the loser of each write re-reads and finds the window applied', async () => {
    const alerts = new CollidingAlertStore({ client, prefix });
    const watch = watchSchema().parse({
      id: 'test.batch_race',
      name: 'Batch race',
      schedule: { every: '10s' },
      input: { search: { indices: ['none-*'], window: { size: '30s' } } },
      condition: { buckets: { path: 'aggregations.by_source.buckets[]', key: { 'source.ip': 'key.source' } } },
      actions: { log: { type: 'log' } },
    });
    const entities = Array.from({ length: 300 }, (_, i) => ({ 'source.ip': `198.51.${i >> 8}.${i & 255}` }));
    const evaluation: WindowEvaluation = {
      window: { from: '2026-11-22T15:59:30.000Z', to: '2026-11-22T16:00:00.000Z' },
      hits: 300,
      matches: entities.map((entity) => ({ entity, entityKey: entityKey(entity), payload: {} })),
      truncated: [],
    };
    const worker = () => applyWindow(watch, evaluation, { alerts, writeState: true, sink: inlineSink(deps, 'execute'), clock });
    const [a, b] = await Promise.all([worker(), worker()]);
    const outcomes = [...a.outcomes, ...b.outcomes];
    const executed = outcomes.filter((o) => o.status === 'executed').map((o) => o.entity_key);
    expect(executed.sort()).toEqual(entities.map((e) => entityKey(e)).sort());
    expect(outcomes.filter((o) => o.status === 'skipped')).toHaveLength(300);
    const stored = await alerts.list({ watchId: watch.id });
    expect(stored).toHaveLength(300);
    expect(stored.every((r) => r.state === 'new' && r.count === 1 && r.notify_count === 1)).toBe(true);
  });
});
