import { describe, expect, it } from '@jest/globals';
import { entityKey, ManualClock, type Clock, type Watch } from '@vigil/core';
import { watchSchema } from '@vigil/actions';
import { MemoryAlertStore } from '@vigil/store';
import { evaluateCondition } from '../src/condition/index.ts';
import { fillQuery } from '../src/input/template.ts';
import { joinHits } from '../src/input/join.ts';
import { buildPayload } from '../src/transform/index.ts';
import { applyWindow, type ApplyOptions } from '../src/run/apply.ts';
import type { WindowEvaluation } from '../src/run/evaluate.ts';
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
    const w = watch({ transform: { template: { t: 'user {{entity.user}}' } } });
    expect(buildPayload(w.transform, { entity: { user: '<script>' }, scope: {} }, { watch: w, window: { from: '', to: '' } })).toEqual({ t: 'user &lt;script&gt;' });
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

describe('alert life cycle per entity', () => {
  const scanner = { 'source.ip': '10.0.0.66', 'destination.ip': '10.0.0.1' };
  const other = { 'source.ip': '10.0.0.67', 'destination.ip': '10.0.0.1' };

  function evaluation(end: number, ...entities: Record<string, unknown>[]): WindowEvaluation {
    return {
      window: { from: new Date(end - 30_000).toISOString(), to: new Date(end).toISOString() },
      hits: entities.length,
      matches: entities.map((entity) => ({ entity, entityKey: entityKey(entity), payload: { n: end } })),
    };
  }

  function setup(w: Watch) {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const alerts = new MemoryAlertStore();
    const lines: string[] = [];
    const options: ApplyOptions = { alerts, writeState: true, sink: inline('execute', clock, (l) => lines.push(l)), clock };
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const at = (seconds: number, ...entities: Record<string, unknown>[]) => applyWindow(w, evaluation(t0 + seconds * 1000, ...entities), options);
    return { alerts, lines, at, options };
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
    const { at, lines } = setup(watch({ actions: { big: { type: 'log', condition: 'payload.n > 99999999999999' }, fail: { type: 'index', index: 'x' }, log: { type: 'log' } } }));
    const r = await at(10, scanner);
    expect(r.outcomes.map((o) => `${o.id}:${o.status}`)).toEqual(['big:skipped', 'fail:failed', 'log:executed']);
    expect(lines.filter((l) => l.includes('action=log'))).toHaveLength(1);
  });
});
