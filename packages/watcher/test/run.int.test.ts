import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { entityKey, loadWatchFile, ManualClock, type Watch } from '@vigil/core';
import { createMailTransport, watchSchema } from '@vigil/actions';
import { createElasticsearchClient, ElasticsearchAlertStore, ElasticsearchHistoryStore, ElasticsearchWatchRegistry, eventIndex, setupIndices } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { runOnce, runScheduled, type RunDeps } from '../src/run/index.ts';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('run');
let client: Client;
let deps: RunDeps;
const logged: string[] = [];
const clock = new ManualClock('2026-11-22T10:05:00Z');

const SCANNER = '198.51.100.66';
const TARGET = '192.0.2.10';
const CLIENT = '198.51.100.7';

function syn(at: string, source: string, port: number) {
  return { '@timestamp': at, tags: ['tcp_connection_started'], event: { dataset: 'tcpdump' }, network: { transport: 'tcp' }, source: { ip: source, port: 40000 + (port % 1000) }, destination: { ip: TARGET, port } };
}

async function index(docs: Record<string, unknown>[], dataset: string): Promise<void> {
  const operations = docs.flatMap((doc) => [{ create: { _index: eventIndex(prefix, dataset, doc['@timestamp'] as string) } }, doc]);
  const result = await client.bulk({ operations, refresh: 'wait_for' });
  expect(result.errors).toBe(false);
}

const transport = createMailTransport(env.VIGIL_SMTP_URL);

beforeAll(async () => {
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
  await setupIndices(client, prefix);
  const store = { client, prefix };
  deps = {
    registry: new ElasticsearchWatchRegistry({ ...store, clock }),
    alerts: new ElasticsearchAlertStore(store),
    history: new ElasticsearchHistoryStore(store),
    elasticsearch: client,
    indexPrefix: prefix,
    clock,
    log: (line) => logged.push(line),
    // the shipped watch mails the security team: through the real SMTP capture
    services: { elasticsearch: client, mail: { transport, from: 'vigil@example.org', to: ['soc@example.org'] } },
  };
  // a scan: 120 distinct ports in 10 s; an ordinary client: 4 connections to 2 ports
  const scan = Array.from({ length: 120 }, (_, i) => syn(new Date(Date.parse('2026-11-22T10:00:05Z') + i * 80).toISOString(), SCANNER, i + 1));
  const ordinary = [22, 80, 22, 80].map((port, i) => syn(`2026-11-22T10:00:0${i + 5}.000Z`, CLIENT, port));
  await index([...scan, ...ordinary], 'tcpdump');
});

afterAll(async () => {
  transport.close();
  await dropPrefix(client, prefix);
  await client.close();
});

describe('a scheduled run against Elasticsearch (seed 001 watch)', () => {
  let watch: Watch;

  beforeAll(async () => {
    watch = loadWatchFile(join(repoRoot(), 'watches/network/discovery_portscan.yaml'), watchSchema()).watch;
    expect(await deps.registry.put(watch)).toMatchObject({ result: 'created' });
  });

  it('raises one alert for the scanning pair, none for the ordinary client, and records history', async () => {
    const summary = await runScheduled(deps, watch.id, new Date('2026-11-22T10:00:20Z'), 'run-1');
    expect(summary.state).toBe('executed');
    expect(summary.windows).toHaveLength(1);
    const [record] = summary.windows;
    expect(record).toMatchObject({ window: { from: '2026-11-22T09:59:40.000Z', to: '2026-11-22T10:00:20.000Z' }, hits: 124, condition_met: true, entities: [entityKey({ 'source.ip': SCANNER, 'destination.ip': TARGET })] });
    expect(record?.actions.map((a) => `${a.id}:${a.status}`)).toEqual(['mail:executed', 'log:executed', 'notable:executed']);
    expect(logged.some((l) => l.includes(`Port scan from ${SCANNER} to ${TARGET}: 120 distinct ports`))).toBe(true);

    const alerts = await deps.alerts.list({ watchId: watch.id });
    expect(alerts.map((a) => [a.entity, a.state, a.payload.unique_ports])).toEqual([[{ 'source.ip': SCANNER, 'destination.ip': TARGET }, 'new', 120]]);
    await client.indices.refresh({ index: `${prefix}-*` });
    const notable = await client.search({ index: `${prefix}-notable-*` });
    expect(notable.hits.hits).toHaveLength(1);
    expect((await deps.history.list(watch.id)).map((h) => h.run_id)).toEqual(['run-1']);
    expect((await deps.registry.get(watch.id))?.value.status.checkpoint).toBe('2026-11-22T10:00:20.000Z');
  });

  it('a duplicate job for the same time evaluates nothing', async () => {
    expect((await runScheduled(deps, watch.id, new Date('2026-11-22T10:00:20Z'), 'run-dup')).state).toBe('already_evaluated');
  });

  it('after an outage the missed runs are evaluated: throttled while ongoing, then resolved', async () => {
    const summary = await runScheduled(deps, watch.id, new Date('2026-11-22T10:01:00Z'), 'run-2');
    expect(summary.windows.map((w) => [w.window.to.slice(11, 19), w.condition_met, w.actions.map((a) => a.status).join(',')])).toEqual([
      ['10:00:30', true, 'throttled,throttled,throttled'],
      ['10:00:40', true, 'throttled,throttled,throttled'],
      ['10:00:50', true, 'throttled,throttled,throttled'],
      ['10:01:00', false, ''],
    ]);
    const [alert] = await deps.alerts.list({ watchId: watch.id });
    // the scan ended at 10:00:14.6: the 40 s window ending 10:00:50 still saw more than 50 of its ports
    expect(alert).toMatchObject({ state: 'resolved', count: 4, resolved_at: '2026-11-22T10:01:00.000Z' });
    expect((await deps.history.list(watch.id, { limit: 10 })).length).toBe(5);
  });

  it('a dry run at a past time shows what it finds, that the window was already applied, and changes nothing', async () => {
    const report = await runOnce(deps, watch, { at: new Date('2026-11-22T10:00:20Z'), dryRun: true, runId: 'dry' });
    expect(report.alerts).toEqual([{ entity: { 'source.ip': SCANNER, 'destination.ip': TARGET }, payload: expect.objectContaining({ unique_ports: 120 }), state: 'already_applied' }]);
    expect(report.actions.map((a) => a.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect((await deps.alerts.list({ watchId: watch.id }))[0]?.state).toBe('resolved');
    expect((await deps.history.list(watch.id, { limit: 10 })).length).toBe(5);
  });
});

describe('chain and join inputs against Elasticsearch', () => {
  const auth = (at: string, ip: string, outcome: string, user = 'root') => ({ '@timestamp': at, event: { dataset: 'auth', category: ['authentication'], outcome }, source: { ip }, user: { name: user }, host: { hostname: 'web1' } });

  beforeAll(async () => {
    await index(
      [
        ...Array.from({ length: 6 }, (_, i) => auth(`2026-11-22T11:00:0${i}.000Z`, '203.0.113.5', 'failure')),
        auth('2026-11-22T11:00:08.000Z', '203.0.113.5', 'success'),
        auth('2026-11-22T11:00:08.000Z', '203.0.113.99', 'success'),
        { '@timestamp': '2026-11-22T11:00:20.100Z', event: { dataset: 'auth', action: 'ssh_user_enumeration' }, host: { hostname: 'web1' } },
      ],
      'auth',
    );
    await index([{ '@timestamp': '2026-11-22T11:00:20.000Z', event: { dataset: 'netfilter' }, source: { ip: '203.0.113.77' }, destination: { port: 22 }, host: { hostname: 'web1' } }], 'netfilter');
  });

  it('a chain finds a success after brute force from the same address', async () => {
    const watch = watchSchema().parse({
      id: 'test.brute_then_success',
      name: 'Success after failures',
      schedule: { every: '1m' },
      input: {
        chain: [
          { name: 'failures', search: { indices: ['auth-*'], window: { size: '1m' }, query: { term: { 'event.outcome': 'failure' } }, aggs: { ips: { terms: { field: 'source.ip', min_doc_count: 5 } } } } },
          { name: 'successes', search: { indices: ['auth-*'], window: { size: '1m' }, query: { bool: { filter: [{ term: { 'event.outcome': 'success' } }, { terms: { 'source.ip': '{{inputs.failures.aggregations.ips.buckets[].key}}' } }] } }, aggs: { ips: { terms: { field: 'source.ip' } } } } },
        ],
      },
      condition: { buckets: { path: 'inputs.successes.aggregations.ips.buckets[]', key: { 'source.ip': 'key' } } },
    });
    const report = await runOnce(deps, watch, { at: new Date('2026-11-22T11:00:30Z'), dryRun: true, runId: 'chain' });
    expect(report.alerts.map((a) => a.entity)).toEqual([{ 'source.ip': '203.0.113.5' }]);
  });

  it('a join recovers the address sshd did not log from the firewall line beside it (seed 000)', async () => {
    const watch = watchSchema().parse({
      id: 'test.enumeration_source',
      name: 'User enumeration source',
      schedule: { every: '1m' },
      input: {
        join: {
          left: { name: 'sshd', search: { indices: ['auth-*'], window: { size: '1m' }, query: { term: { 'event.action': 'ssh_user_enumeration' } }, size: 100 } },
          right: { name: 'fw', search: { indices: ['netfilter-*'], window: { size: '1m' }, query: { term: { 'destination.port': 22 } }, size: 100 } },
          on: [{ left: 'host.hostname', right: 'host.hostname' }],
          within: '1s',
        },
      },
      condition: { buckets: { path: 'joined[]', key: { 'source.ip': 'fw.source.ip' } } },
    });
    const report = await runOnce(deps, watch, { at: new Date('2026-11-22T11:00:30Z'), dryRun: true, runId: 'join' });
    expect(report.hits).toBe(1);
    expect(report.alerts.map((a) => a.entity)).toEqual([{ 'source.ip': '203.0.113.77' }]);
  });
});
