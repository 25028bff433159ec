// Any alignment: a watch that says `within: 30s` finds every burst that fits in 30 s, whatever its
// phase against the schedule, against the real Elasticsearch. A 60-port scan, one port every 0.5 s
// (29.5 s in all), replayed at every phase offset 0..10 s (1 s steps) of a 10 s schedule; the same
// watch with the plain `size: 30s` misses the scans whose phase splits them over two windows.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { watchSchema } from '@vigil/actions';
import { ManualClock, type Watch } from '@vigil/core';
import { createElasticsearchClient, eventIndex, MemoryAlertStore, setupIndices } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { replay, type ManualRunReport } from '../src/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('alignment');
const T0 = Date.parse('2026-11-22T12:00:00.000Z');
/** Each offset's scan starts this far after the previous one's: they never share a window. */
const SPACING_MS = 120_000;
const OFFSETS = Array.from({ length: 11 }, (_, s) => s); // 0..10 s: every phase of a 10 s schedule
const scanner = (offset: number) => `198.51.100.${10 + offset}`;
let client: Client;

/** 60 SYNs to distinct ports, one every 500 ms, from the offset's scanner, starting `offset` s after a multiple of 10 s. */
function scan(offset: number): Record<string, unknown>[] {
  const start = T0 + offset * SPACING_MS + offset * 1000;
  return Array.from({ length: 60 }, (_, i) => ({
    '@timestamp': new Date(start + i * 500).toISOString(),
    tags: ['tcp_connection_started'],
    source: { ip: scanner(offset), port: 40_000 + i },
    destination: { ip: '192.0.2.10', port: 1000 + i },
    network: { transport: 'tcp' },
  }));
}

function portscan(window: Record<string, string>): Watch {
  return watchSchema().parse({
    id: 'test.portscan_alignment',
    name: 'more than 50 ports within 30 s',
    schedule: { every: '10s' },
    input: {
      search: {
        indices: ['tcpdump-*'],
        window,
        query: { term: { tags: 'tcp_connection_started' } },
        aggs: { by_source: { terms: { field: 'source.ip', size: 100 }, aggs: { ports: { cardinality: { field: 'destination.port' } } } } },
      },
    },
    condition: { buckets: { path: 'aggregations.by_source.buckets[]', key: { 'source.ip': 'key' }, where: 'ports.value > 50' } },
    actions: { log: { type: 'log' } },
  });
}

async function run(watch: Watch): Promise<ManualRunReport[]> {
  const clock = new ManualClock('2026-11-22T13:00:00Z');
  const range = { from: new Date(T0 - 60_000), to: new Date(T0 + OFFSETS.length * SPACING_MS) };
  return replay({ elasticsearch: client, indexPrefix: prefix, clock, log: () => undefined, services: {} }, watch, range, new MemoryAlertStore());
}

/** Per scanner, the alert states it went through, window by window. */
function statesBySource(reports: ManualRunReport[]): Map<string, string[]> {
  const states = new Map<string, string[]>();
  for (const report of reports) {
    for (const alert of report.alerts) {
      const ip = String(alert.entity['source.ip']);
      states.set(ip, [...(states.get(ip) ?? []), alert.state]);
    }
  }
  return states;
}

beforeAll(async () => {
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  await setupIndices(client, prefix);
  const docs = OFFSETS.flatMap(scan);
  const operations = docs.flatMap((doc) => [{ create: { _index: eventIndex(prefix, 'tcpdump', doc['@timestamp'] as string) } }, doc]);
  expect((await client.bulk({ operations, refresh: 'wait_for' })).errors).toBe(false);
});

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

describe('bursts at any phase of the schedule', () => {
  it('within: 30s finds the scan at every phase offset 0..10 s, each once (one episode: new, then ongoing)', async () => {
    const watch = portscan({ within: '30s' });
    expect(watch.input.search?.window).toMatchObject({ within: 30_000, size: 40_000 });
    const states = statesBySource(await run(watch));
    expect([...states.keys()].sort()).toEqual(OFFSETS.map(scanner).sort());
    for (const [ip, seen] of states) {
      expect({ ip, first: seen[0], news: seen.filter((s) => s === 'new').length }).toEqual({ ip, first: 'new', news: 1 });
      expect({ ip, rest: seen.slice(1).every((s) => s === 'ongoing') }).toEqual({ ip, rest: true });
    }
  });

  it('the same watch with size: 30s misses the scan that starts 5 s after a 10 s boundary (the failure within fixes)', async () => {
    const states = statesBySource(await run(portscan({ size: '30s' })));
    expect(states.has(scanner(0))).toBe(true);
    expect(states.has(scanner(5))).toBe(false);
    expect(states.size).toBeLessThan(OFFSETS.length);
  });

  it('rejects within without an every schedule, at its path', () => {
    const result = watchSchema().safeParse({ ...portscan({ within: '30s' }), schedule: { cron: '* * * * *' }, input: { search: { indices: ['tcpdump-*'], window: { within: '30s' } } } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual(['input.search.window.within', expect.stringMatching(/^within needs schedule.every/)]);
    const both = watchSchema().safeParse({ id: 'x.y', name: 'x', schedule: { every: '10s' }, input: { search: { indices: ['x'], window: { size: '30s', within: '30s' } } }, condition: { always: true } });
    expect(both.error?.issues.map((i) => i.message)).toContainEqual('window needs exactly one of size, within (found size and within)');
  });
});
