import { describe, expect, it } from '@jest/globals';
import { Client } from '@elastic/elasticsearch';
import type { Notification } from '@vigil/actions';
import { ManualClock } from '@vigil/core';
import { MemoryDeliveryLedger, MemoryHistoryStore } from '@vigil/store';
import { deliverAttempt, RetryLater, type DeliveryDeps } from '../src/deliver/deliver.ts';
import { jitteredBackoff } from '../src/deliver/queue.ts';
import { notificationId } from '../src/deliver/notification.ts';
import { queuedRecord } from '../src/deliver/sink.ts';

const created = '2026-11-22T09:49:30.000Z';

function notification(type: 'log' | 'index', options: Record<string, unknown>): Notification {
  const entityKey = '{"source.ip":"198.51.100.23"}';
  return {
    id: notificationId('test.watch', entityKey, created, 'act', 'notify'),
    kind: 'notify',
    watch: { id: 'test.watch', name: 'Test', description: '', severity: 'high', tags: [], metadata: {} },
    alert: {
      id: 'test.watch:x',
      entity: { 'source.ip': '198.51.100.23' },
      entity_key: entityKey,
      state: 'new',
      episode: 1,
      count: 1,
      first_seen: created,
      last_seen: created,
      payload: { n: 3 },
      window: { from: '2026-11-22T09:49:00.000Z', to: created },
    },
    action: { name: 'act', type, options },
    created,
  };
}

function setup(services: DeliveryDeps['services'] = {}) {
  const clock = new ManualClock('2026-11-22T09:49:31.000Z');
  const ledger = new MemoryDeliveryLedger();
  const history = new MemoryHistoryStore();
  const lines: string[] = [];
  const deps: DeliveryDeps = { ledger, history, clock, indexPrefix: 'vt', services, log: (l) => lines.push(l) };
  return { clock, ledger, history, lines, deps };
}

/** An Elasticsearch client pointed at a closed loopback port: every request is refused (transient). */
const unreachable = () => new Client({ node: 'http://127.0.0.1:9', maxRetries: 0, requestTimeout: 1000 });

describe('deliverAttempt', () => {
  it('delivers once: the ledger turns delivered and a second attempt (a replayed job) sends nothing', async () => {
    const { deps, ledger, history, lines } = setup();
    const n = notification('log', { message: 'scan from {{alert.entity.[source.ip]}}', level: 'warn' });
    await ledger.open(queuedRecord(n, deps.clock.now(), 3_600_000));
    expect(await deliverAttempt(n, 1, deps)).toBe('delivered');
    expect(await deliverAttempt(n, 2, deps)).toBe('skipped');
    expect(lines.filter((l) => l.includes('scan from 198.51.100.23'))).toHaveLength(1);
    expect(await ledger.get(n.id)).toMatchObject({ status: 'delivered', attempts: 1, delivered_at: '2026-11-22T09:49:31.000Z' });
    expect((await history.listAttempts('test.watch')).map((a) => [a.attempt, a.status])).toEqual([
      [2, 'skipped'],
      [1, 'delivered'],
    ]);
  });

  it('retries a transient failure, recording each attempt, and fails it once the deadline has passed', async () => {
    const client = unreachable();
    const { deps, ledger, history, clock } = setup({ elasticsearch: client });
    const n = notification('index', { index: 'notable-{date}' });
    await ledger.open(queuedRecord(n, clock.now(), 60_000));
    await expect(deliverAttempt(n, 1, deps)).rejects.toBeInstanceOf(RetryLater);
    await expect(deliverAttempt(n, 2, deps)).rejects.toThrow(/unreachable/);
    expect(await ledger.get(n.id)).toMatchObject({ status: 'queued', attempts: 2 });
    clock.advance(120_000);
    expect(await deliverAttempt(n, 3, deps)).toBe('failed');
    const record = await ledger.get(n.id);
    expect(record).toMatchObject({ status: 'failed' });
    expect(record?.last_error).toMatch(/^not delivered by its deadline 2026-11-22T09:50:30.000Z after 2 attempt\(s\); last error: .*unreachable/);
    expect((await history.listAttempts('test.watch')).map((a) => a.status)).toEqual(['failed', 'retrying', 'retrying']);
    await client.close();
  });

  it('fails a permanent error at once, without a retry', async () => {
    const { deps, ledger } = setup();
    // the index action without a client is a permanent failure: retrying cannot give it one
    const n = notification('index', { index: 'notable' });
    await ledger.open(queuedRecord(n, deps.clock.now(), 3_600_000));
    expect(await deliverAttempt(n, 1, deps)).toBe('failed');
    expect(await ledger.get(n.id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'no Elasticsearch client given to the index action' });
  });
});

describe('jitteredBackoff', () => {
  it('doubles from the base, caps at the maximum, and takes between half and all of each step', () => {
    const low = () => 0;
    const high = () => 0.999999;
    expect([1, 2, 3, 4].map((n) => jitteredBackoff(n, { baseMs: 1000, maxMs: 5000 }, high))).toEqual([1000, 2000, 4000, 5000]);
    expect([1, 2, 3, 4].map((n) => jitteredBackoff(n, { baseMs: 1000, maxMs: 5000 }, low))).toEqual([500, 1000, 2000, 2500]);
  });
});

describe('notificationId', () => {
  it('is one id per (watch, entity, window, action, kind)', () => {
    const id = notificationId('w', 'e', 't', 'a', 'notify');
    expect(notificationId('w', 'e', 't', 'a', 'notify')).toBe(id);
    expect(new Set([id, notificationId('w', 'e', 't', 'a', 'resolve'), notificationId('w', 'e', 't2', 'a', 'notify'), notificationId('w', 'e2', 't', 'a', 'notify'), notificationId('w', 'e', 't', 'b', 'notify')]).size).toBe(5);
    expect(id).toMatch(/^n[0-9a-f]{40}$/);
  });
});
