import { describe, expect, it } from '@jest/globals';
import { entityKey, ManualClock, type AlertRecord, type AlertWrite, type Clock, type Truncation, type Watch } from '@vigil/core';
import { watchSchema } from '@vigil/actions';
import { MemoryAlertStore } from '@vigil/store';
import { evaluateCondition } from '../src/condition/index.ts';
import { fillQuery } from '../src/input/template.ts';
import { joinHits } from '../src/input/join.ts';
import { buildPayload } from '../src/transform/index.ts';
import { applyWindow, type ApplyOptions } from '../src/run/apply.ts';
import { affectsEntities, type WindowEvaluation } from '../src/run/evaluate.ts';
import { termsCuts } from '../src/input/truncation.ts';
import { dueRuns } from '../src/run/windows.ts';
import { runTimesIn } from '../src/run/manual.ts';
import { InlineSink } from '../src/deliver/sink.ts';

/** Actions run in the test's process, as `vigil watch run` runs them. */
const inline = (mode: 'execute' | 'simulate', clock: Clock, log: (line: string) => void) => new InlineSink({ mode, clock, indexPrefix: 'vt', services: {}, log });

/** A watch as a file would give it, validated by the real schema. */
function watch(overrides: Record<string, unknown> = {}): Watch {
  return watchSchema().parse({
    id: 'test.portscan',
    name: 'Port scan',
    schedule: { every: '10s' },
    input: { search: { indices: ['tcpdump-*'], window: { size: '30s' } } },
    condition: {
      buckets: {
        path: 'aggregations.by_source.buckets[].by_target.buckets[]',
        key: { 'source.ip': 'by_source.key', 'destination.ip': 'by_target.key' },
        where: 'unique_ports.value > 50',
      },
    },
    transform: { pick: { unique_ports: 'unique_ports.value' }, template: { summary: '{{entity.[source.ip]}} → {{entity.[destination.ip]}}: {{payload.unique_ports}}' } },
    actions: { log: { type: 'log' } },
    ...overrides,
  });
}

const response = {
  aggregations: {
    by_source: {
      buckets: [
        { key: '10.0.0.66', doc_count: 600, by_target: { buckets: [{ key: '10.0.0.1', doc_count: 500, unique_ports: { value: 500 } }, { key: '10.0.0.2', doc_count: 100, unique_ports: { value: 80 } }] } },
        { key: '10.0.0.7', doc_count: 3, by_target: { buckets: [{ key: '10.0.0.1', doc_count: 3, unique_ports: { value: 2 } }] } },
      ],
    },
  },
};

describe('condition and transform', () => {
  it('yields every matching bucket, with the entity from each level', () => {
    const w = watch();
    const candidates = evaluateCondition(w.condition, response);
    expect(candidates.map((c) => c.entity)).toEqual([
      { 'source.ip': '10.0.0.66', 'destination.ip': '10.0.0.1' },
      { 'source.ip': '10.0.0.66', 'destination.ip': '10.0.0.2' },
    ]);
    const window = { from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:00:30.000Z' };
    expect(buildPayload(w.transform, candidates[0]!, { watch: w, window })).toEqual({ unique_ports: 500, summary: '10.0.0.66 → 10.0.0.1: 500' });
  });

  it('compare, always and never alert on the watch as a whole', () => {
    const cmp = (op: string, value: number) => evaluateCondition(watch({ condition: { compare: { path: 'hits.total.value', op, value } } }).condition, { hits: { total: { value: 7 } } });
    expect(cmp('gt', 5)).toHaveLength(1);
    expect(cmp('lte', 5)).toHaveLength(0);
    expect(cmp('eq', 7)[0]?.entity).toEqual({});
    expect(evaluateCondition(watch({ condition: { always: true } }).condition, {})).toHaveLength(1);
    expect(evaluateCondition(watch({ condition: { never: true } }).condition, response)).toHaveLength(0);
  });

  it('escapes event data in templates', () => {
    const w = watch({ transform: { template: { t: 'user {{entity.[source.ip]}}' } } });
    expect(buildPayload(w.transform, { entity: { 'source.ip': '<script>' }, scope: {} }, { watch: w, window: { from: '', to: '' } })).toEqual({ t: 'user &lt;script&gt;' });
  });
});

describe('chain templates and joins', () => {
  it('puts earlier results into a later query as values, arrays staying arrays', () => {
    const inputs = { first: { aggregations: { ips: { buckets: [{ key: '10.0.0.1' }, { key: '10.0.0.2' }] } } } };
    expect(fillQuery({ terms: { 'source.ip': '{{inputs.first.aggregations.ips.buckets[].key}}' }, match: { message: 'from {{inputs.first.aggregations.ips.buckets[0].key}}"' } }, { inputs })).toEqual({
      terms: { 'source.ip': ['10.0.0.1', '10.0.0.2'] },
      match: { message: 'from 10.0.0.1"' },
    });
  });

  it('pairs hits within the tolerance and equal on the join keys', () => {
    const sshd = [{ '@timestamp': '2026-11-22T09:49:32.100Z', host: { hostname: 'web1' }, event: { action: 'user_enumeration' } }];
    const fw = [
      { '@timestamp': '2026-11-22T09:49:31.900Z', host: { hostname: 'web1' }, source: { ip: '203.0.113.9' } },
      { '@timestamp': '2026-11-22T09:49:32.200Z', host: { hostname: 'web2' }, source: { ip: '198.51.100.1' } },
      { '@timestamp': '2026-11-22T09:49:35.000Z', host: { hostname: 'web1' }, source: { ip: '192.0.2.1' } },
    ];
    const joined = joinHits(sshd, fw, { leftName: 'sshd', rightName: 'fw', on: [{ left: 'host.hostname', right: 'host.hostname' }], within: 1000, timeField: '@timestamp' });
    expect(joined.map((j) => (j.fw as { source: { ip: string } }).source.ip)).toEqual(['203.0.113.9']);
  });
});

describe('run times', () => {
  const every10s = watch().schedule;

  it('a first run evaluates its own time only', () => {
    expect(dueRuns(every10s, 0, undefined, new Date('2026-01-01T00:01:00Z'))).toEqual({ times: [new Date('2026-01-01T00:01:00Z')], skipped: 0 });
  });

  it('a duplicate or retried job finds nothing to do', () => {
    expect(dueRuns(every10s, 0, '2026-01-01T00:01:00.000Z', new Date('2026-01-01T00:01:00Z')).times).toEqual([]);
  });

  it('catches up every missed run after an outage, bounded by max_catch_up', () => {
    const due = dueRuns(every10s, 0, '2026-01-01T00:00:00.000Z', new Date('2026-01-01T00:00:40Z'));
    expect(due.times.map((t) => t.toISOString())).toEqual(['2026-01-01T00:00:10.000Z', '2026-01-01T00:00:20.000Z', '2026-01-01T00:00:30.000Z', '2026-01-01T00:00:40.000Z']);
    const bounded = dueRuns({ ...every10s, max_catch_up: 20_000 }, 0, '2026-01-01T00:00:00.000Z', new Date('2026-01-01T00:01:00Z'));
    expect(bounded.times.map((t) => t.toISOString())).toEqual(['2026-01-01T00:00:40.000Z', '2026-01-01T00:00:50.000Z', '2026-01-01T00:01:00.000Z']);
    expect(bounded.skipped).toBe(3);
  });

  it('the checkpoint is the window end, so a search delay shifts it back', () => {
    expect(dueRuns(every10s, 5000, '2026-01-01T00:00:05.000Z', new Date('2026-01-01T00:00:20Z')).times.map((t) => t.toISOString())).toEqual(['2026-01-01T00:00:20.000Z']);
  });

  it('cron schedules catch up on their own fire times, in their time zone across DST', () => {
    const cron = watch({ schedule: { cron: '30 2 * * *', timezone: 'Europe/Tallinn', max_catch_up: '7d' } }).schedule;
    // Tallinn leaves summer time on 2026-10-25: 02:30 local is 23:30Z before it and 00:30Z after
    const due = dueRuns(cron, 0, '2026-10-23T23:30:00.000Z', new Date('2026-10-26T00:30:00Z'));
    expect(due.times.map((t) => t.toISOString())).toEqual(['2026-10-24T23:30:00.000Z', '2026-10-26T00:30:00.000Z']);
    expect(runTimesIn(cron, new Date('2026-10-23T00:00:00Z'), new Date('2026-10-26T12:00:00Z')).map((t) => t.toISOString())).toEqual([
      '2026-10-23T23:30:00.000Z',
      '2026-10-24T23:30:00.000Z',
      '2026-10-26T00:30:00.000Z',
    ]);
  });
});

describe('what a result left out', () => {
  it('finds every terms aggregation that cut buckets, at any depth, one figure per aggregation path', () => {
    const cutResponse = {
      aggregations: {
        by_source: {
          sum_other_doc_count: 1234,
          buckets: [
            { key: 'a', hosts: { sum_other_doc_count: 5, buckets: [] }, users: { sum_other_doc_count: 0, buckets: [] } },
            { key: 'b', hosts: { sum_other_doc_count: 7, buckets: [] } },
            { key: 'c', hosts: { sum_other_doc_count: 0, buckets: [] } },
          ],
        },
        total: { value: 3 },
      },
    };
    expect(termsCuts(cutResponse)).toEqual([
      { path: 'aggregations.by_source', reason: 'terms sum_other_doc_count', other_docs: 1234 },
      { path: 'aggregations.by_source.buckets[].hosts', reason: 'terms sum_other_doc_count', other_docs: 12, buckets: 2 },
    ]);
    expect(termsCuts(response)).toEqual([]);
  });

  it('a cut may hide entities when it is on the per-entity path, a bound or a join side; a terms beside the path only reports', () => {
    const perPair = watch().condition;
    const terms = (path: string) => ({ path, reason: 'terms sum_other_doc_count' as const, other_docs: 1 });
    expect(affectsEntities(terms('aggregations.by_source'), perPair)).toBe(true);
    expect(affectsEntities(terms('aggregations.by_source.buckets[].by_target'), perPair)).toBe(true);
    expect(affectsEntities(terms('aggregations.by_source.buckets[].by_target.buckets[].hosts'), perPair)).toBe(false);
    expect(affectsEntities(terms('aggregations.by_source_other'), perPair)).toBe(false);
    expect(affectsEntities({ path: 'aggregations.by_pair', reason: 'entity bound', entities: 10, bound: 10 }, perPair)).toBe(true);
    expect(affectsEntities(terms('aggregations.anything'), watch({ condition: { compare: { path: 'hits.total.value', op: 'gt', value: 5 } } }).condition)).toBe(true);
    // an earlier chain step's cut feeds the later step's query
    const chained = watch({ condition: { buckets: { path: 'inputs.successes.aggregations.ips.buckets[]', key: { 'source.ip': 'key' } } }, transform: undefined }).condition;
    expect(affectsEntities(terms('inputs.failures.aggregations.ips'), chained)).toBe(true);
    expect(affectsEntities(terms('inputs.successes.aggregations.ips.buckets[].users'), chained)).toBe(false);
    expect(affectsEntities({ path: 'inputs.firewall.hits', reason: 'join side size', hits: 100, total: 150, bound: 100 }, chained)).toBe(true);
  });
});

/** A memory store that counts the calls the engine makes, to see that a window's alert reads and writes are batched. */
class CountingAlertStore extends MemoryAlertStore {
  readonly calls = { get: 0, getMany: 0, write: 0, writeMany: 0 };
  override get(watchId: string, key: string) {
    this.calls.get += 1;
    return super.get(watchId, key);
  }
  override getMany(watchId: string, keys: readonly string[]) {
    this.calls.getMany += 1;
    return super.getMany(watchId, keys);
  }
  override write(record: AlertRecord, expected: Parameters<MemoryAlertStore['write']>[1]) {
    this.calls.write += 1;
    return super.write(record, expected);
  }
  override writeMany(writes: readonly AlertWrite[]) {
    this.calls.writeMany += 1;
    return super.writeMany(writes);
  }
}

describe('alert life cycle per entity', () => {
  const scanner = { 'source.ip': '10.0.0.66', 'destination.ip': '10.0.0.1' };
  const other = { 'source.ip': '10.0.0.67', 'destination.ip': '10.0.0.1' };

  function evaluation(end: number, ...entities: Record<string, unknown>[]): WindowEvaluation {
    return {
      window: { from: new Date(end - 30_000).toISOString(), to: new Date(end).toISOString() },
      hits: entities.length,
      matches: entities.map((entity) => ({ entity, entityKey: entityKey(entity), payload: { n: end } })),
      truncated: [],
    };
  }

  const t0 = Date.parse('2026-01-01T00:00:00Z');

  function setup(w: Watch) {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const alerts = new CountingAlertStore();
    const lines: string[] = [];
    const options: ApplyOptions = { alerts, writeState: true, sink: inline('execute', clock, (l) => lines.push(l)), clock };
    const at = (seconds: number, ...entities: Record<string, unknown>[]) => applyWindow(w, evaluation(t0 + seconds * 1000, ...entities), options);
    /** A window whose input was cut by `cut`. */
    const truncatedAt = (seconds: number, cut: Truncation, ...entities: Record<string, unknown>[]) => applyWindow(w, { ...evaluation(t0 + seconds * 1000, ...entities), truncated: [cut] }, options);
    return { alerts, lines, at, truncatedAt, options };
  }

  const statuses = (r: Awaited<ReturnType<ReturnType<typeof setup>['at']>>) => r.outcomes.map((o) => `${JSON.parse(o.entity_key ?? '{}')['source.ip'] ?? 'watch'}:${o.id}:${o.status}`);

  it('new, throttled while ongoing, notified again after the period, resolved with on_resolve once', async () => {
    const { at, alerts } = setup(watch({ throttle: { period: '30s' }, on_resolve: { done: { type: 'log' } } }));
    expect(statuses(await at(10, scanner))).toEqual(['10.0.0.66:log:executed']);
    expect(statuses(await at(20, scanner, other))).toEqual(['10.0.0.66:log:throttled', '10.0.0.67:log:executed']);
    expect(statuses(await at(30, scanner))).toEqual(['10.0.0.66:log:throttled', '10.0.0.67:done:executed']);
    expect(statuses(await at(40, scanner))).toEqual(['10.0.0.66:log:executed']);
    expect(statuses(await at(50))).toEqual(['10.0.0.66:done:executed']);
    expect(statuses(await at(60))).toEqual([]);
    const stored = await alerts.get('test.portscan', entityKey(scanner));
    expect(stored?.value).toMatchObject({ state: 'resolved', count: 4, episode: 1, notify_count: 2, resolved_at: '2026-01-01T00:00:50.000Z' });
    expect(statuses(await at(70, scanner))).toEqual(['10.0.0.66:log:executed']);
    expect((await alerts.get('test.portscan', entityKey(scanner)))?.value).toMatchObject({ state: 'new', episode: 2, count: 1 });
  });

  it('never applies a window twice: a retried or concurrent run notifies nobody', async () => {
    const { at, alerts } = setup(watch());
    expect(statuses(await at(10, scanner))).toEqual(['10.0.0.66:log:executed']);
    expect(statuses(await at(10, scanner))).toEqual(['10.0.0.66:log:skipped']);
    // two runs racing on one store: the same evaluation applied concurrently notifies once
    const raceClock = new ManualClock('2026-01-01T00:00:00Z');
    const opts: ApplyOptions = { alerts, writeState: true, sink: inline('execute', raceClock, () => undefined), clock: raceClock };
    const w = watch();
    const e = evaluation(Date.parse('2026-01-01T00:00:20Z'), scanner);
    const [a, b] = await Promise.all([applyWindow(w, e, opts), applyWindow(w, e, opts)]);
    expect([...a.outcomes, ...b.outcomes].map((o) => o.status).sort()).toEqual(['executed', 'skipped']);
  });

  it('a truncated window resolves nobody it did not see, and says how many it kept; a terms cut beside the path does not hold', async () => {
    const { at, truncatedAt, alerts } = setup(watch({ on_resolve: { done: { type: 'log' } } }));
    await at(10, scanner, other);
    const bound: Truncation = { path: 'aggregations.by_pair', reason: 'entity bound', entities: 1, pages: 1, bound: 1, affects_entities: true };
    const kept = await truncatedAt(20, bound, other);
    expect(statuses(kept)).toEqual(['10.0.0.67:log:executed']);
    expect(kept.keptActive).toBe(1);
    expect((await alerts.get('test.portscan', entityKey(scanner)))?.value).toMatchObject({ state: 'new', last_window_to: '2026-01-01T00:00:10.000Z' });
    const beside: Truncation = { path: 'aggregations.by_pair.buckets[].hosts', reason: 'terms sum_other_doc_count', other_docs: 3, buckets: 1, affects_entities: false };
    const resolved = await truncatedAt(30, beside, other);
    expect(statuses(resolved)).toEqual(['10.0.0.67:log:executed', '10.0.0.66:done:executed']);
    expect(resolved.keptActive).toBe(0);
  });

  it('batches a window: one read and one write for all its alerts, whatever their number', async () => {
    const { at, alerts } = setup(watch({ on_resolve: { done: { type: 'log' } } }));
    const many = Array.from({ length: 1000 }, (_, i) => ({ 'source.ip': `10.1.${i >> 8}.${i & 255}`, 'destination.ip': '10.0.0.1' }));
    expect((await at(10, ...many)).outcomes.filter((o) => o.status === 'executed')).toHaveLength(1000);
    const second = (await at(20, ...many.slice(0, 500))).outcomes.map((o) => `${o.id}:${o.status}`);
    expect([second.filter((o) => o === 'log:executed').length, second.filter((o) => o === 'done:executed').length]).toEqual([500, 500]);
    expect(alerts.calls).toEqual({ get: 0, getMany: 2, write: 0, writeMany: 2 });
    expect((await alerts.active('test.portscan')).length).toBe(500);
  });

  it('two runs racing on a batch: each entity is notified once, the loser re-reads each alert it lost', async () => {
    const { alerts, options } = setup(watch());
    const many = Array.from({ length: 50 }, (_, i) => ({ 'source.ip': `10.2.0.${i}`, 'destination.ip': '10.0.0.1' }));
    const e = evaluation(t0 + 10_000, ...many);
    const [a, b] = await Promise.all([applyWindow(watch(), e, options), applyWindow(watch(), e, options)]);
    const outcomes = [...a.outcomes, ...b.outcomes];
    expect(outcomes.filter((o) => o.status === 'executed').map((o) => o.entity_key).sort()).toEqual(many.map((m) => entityKey(m)).sort());
    expect(outcomes.filter((o) => o.status === 'skipped')).toHaveLength(50);
    expect(alerts.calls.get).toBe(50);
  });

  it('ack silences an entity until it resolves; silence holds until its time', async () => {
    const { at, alerts } = setup(watch());
    await at(10, scanner, other);
    const acked = (await alerts.get('test.portscan', entityKey(scanner)))!;
    await alerts.write({ ...acked.value, acked: true }, acked.revision);
    const silenced = (await alerts.get('test.portscan', entityKey(other)))!;
    await alerts.write({ ...silenced.value, silenced_until: '2026-01-01T00:10:00.000Z' }, silenced.revision);
    expect(statuses(await at(20, scanner, other))).toEqual(['10.0.0.66:log:acked', '10.0.0.67:log:silenced']);
    await at(30);
    expect(statuses(await at(40, scanner))).toEqual(['10.0.0.66:log:executed']);
  });

  it('throttles on a subset of the entity (per attacker across targets) with re-alert backoff', async () => {
    const target2 = { 'source.ip': '10.0.0.66', 'destination.ip': '10.0.0.2' };
    const { at } = setup(watch({ throttle: { period: '20s', key: ['source.ip'], realert: { multiplier: 2, max: '1m' } } }));
    expect(statuses(await at(10, scanner, target2))).toEqual(['10.0.0.66:log:executed', '10.0.0.66:log:throttled']);
    expect(statuses(await at(30, scanner, target2))).toEqual(['10.0.0.66:log:executed', '10.0.0.66:log:throttled']);
    // the scanner alert has notified twice: its period is now 40 s
    expect(statuses(await at(50, scanner))).toEqual(['10.0.0.66:log:throttled']);
    expect(statuses(await at(70, scanner))).toEqual(['10.0.0.66:log:executed']);
  });

  it('a dry run decides from the stored state and writes nothing', async () => {
    const { at, alerts, options } = setup(watch());
    await at(10, scanner);
    const dry = await applyWindow(watch(), evaluation(Date.parse('2026-01-01T00:00:20Z'), scanner, other), { ...options, writeState: false, sink: inline('simulate', options.clock, () => undefined) });
    expect(statuses(dry)).toEqual(['10.0.0.66:log:simulated', '10.0.0.67:log:simulated']);
    expect(dry.alerts.map((a) => a.state)).toEqual(['ongoing', 'new']);
    expect(await alerts.get('test.portscan', entityKey(other))).toBeUndefined();
    expect((await alerts.get('test.portscan', entityKey(scanner)))?.value.count).toBe(1);
  });

  it('a per-action condition skips that action only, and a failing action does not stop the others', async () => {
    const { at, lines } = setup(watch({ actions: { big: { type: 'log', condition: 'payload.unique_ports > 99999999999999' }, fail: { type: 'index', index: 'x' }, log: { type: 'log' } } }));
    const r = await at(10, scanner);
    expect(r.outcomes.map((o) => `${o.id}:${o.status}`)).toEqual(['big:skipped', 'fail:failed', 'log:executed']);
    expect(lines.filter((l) => l.includes('action=log'))).toHaveLength(1);
  });
});
