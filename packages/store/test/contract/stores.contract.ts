import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import { alertId, entityKey, type AlertStore, type HistoryStore, type Truncation, type WatchRegistry } from '@vigil/core';
import { silenceWatch, type AlertControls } from '../../src/index.ts';
import { testAlert, testHistory, testWatch } from './fixtures.ts';

/** The three stores under test, built fresh for one suite. */
export interface StoreFixture {
  registry: WatchRegistry;
  alerts: AlertStore & AlertControls;
  history: HistoryStore;
  close?: () => Promise<void>;
}

let counter = 0;
/** A watch id no other test of the suite uses (the stores are shared by the tests of a suite). */
const freshId = (label: string) => `t${++counter}.${label}`;

/**
 * The behaviour every implementation of the watch, alert and history stores must have, run against
 * the in-memory stores (memory-stores.test.ts) and the Elasticsearch ones (elasticsearch-stores.int.test.ts),
 * so engine tests on the fast stores hold for the real ones.
 */
export function describeStoreContract(label: string, make: () => Promise<StoreFixture>): void {
  describe(`${label}: store contract`, () => {
    let s: StoreFixture;
    beforeAll(async () => {
      s = await make();
    });
    afterAll(async () => {
      await s.close?.();
    });

    describe('watch registry', () => {
      it('creates at version 1, keeps the version for the same definition, and bumps it on a change', async () => {
        const id = freshId('put');
        const w = testWatch(id);
        expect(await s.registry.put(w, 'watches/a.yaml')).toEqual({ result: 'created', version: 1 });
        // the same definition with its keys in another order is the same watch
        const reordered = Object.fromEntries(Object.entries(w).reverse()) as typeof w;
        expect(await s.registry.put(reordered, 'watches/a.yaml')).toEqual({ result: 'unchanged', version: 1 });
        expect(await s.registry.put({ ...w, name: 'renamed' }, 'watches/a.yaml')).toEqual({ result: 'updated', version: 2 });
        const got = await s.registry.get(id);
        expect(got?.value).toMatchObject({ id, version: 2, enabled: true, source_file: 'watches/a.yaml', definition: { name: 'renamed' } });
        expect(got?.revision).toEqual({ seqNo: expect.any(Number), primaryTerm: expect.any(Number) });
      });

      it('keeps the status and an operator deactivation across a changed put', async () => {
        const id = freshId('status');
        await s.registry.put(testWatch(id));
        expect(await s.registry.updateStatus(id, { checkpoint: '2026-11-22T09:00:00.000Z', last_state: 'ok' })).toBe('ok');
        expect(await s.registry.setEnabled(id, false)).toBe(true);
        expect(await s.registry.put(testWatch(id, { description: 'edited' }))).toEqual({ result: 'updated', version: 2 });
        const got = (await s.registry.get(id))?.value;
        expect(got?.enabled).toBe(false);
        expect(got?.status).toEqual({ checkpoint: '2026-11-22T09:00:00.000Z', last_state: 'ok' });
        // the file's own `enabled` changing does decide
        await s.registry.put(testWatch(id, { description: 'edited', enabled: false }));
        await s.registry.put(testWatch(id, { description: 'edited', enabled: true }));
        expect((await s.registry.get(id))?.value.enabled).toBe(true);
      });

      it('merges status updates at every depth and honours the expected revision', async () => {
        const id = freshId('merge');
        await s.registry.put(testWatch(id));
        const first = await s.registry.get(id);
        expect(await s.registry.updateStatus(id, { last_run: '2026-11-22T09:00:10.000Z', actions: { log: { last_status: 'executed', last_time: '2026-11-22T09:00:10.000Z' } } }, first?.revision)).toBe('ok');
        // the revision read before that update is stale now
        expect(await s.registry.updateStatus(id, { last_run: '2026-11-22T09:00:20.000Z' }, first?.revision)).toBe('conflict');
        const second = await s.registry.get(id);
        expect(second?.revision).not.toEqual(first?.revision);
        expect(await s.registry.updateStatus(id, { actions: { notable: { last_status: 'failed', last_time: '2026-11-22T09:00:20.000Z', last_error: 'boom' } } }, second?.revision)).toBe('ok');
        expect((await s.registry.get(id))?.value.status).toEqual({
          last_run: '2026-11-22T09:00:10.000Z',
          actions: {
            log: { last_status: 'executed', last_time: '2026-11-22T09:00:10.000Z' },
            notable: { last_status: 'failed', last_time: '2026-11-22T09:00:20.000Z', last_error: 'boom' },
          },
        });
        expect(await s.registry.updateStatus(freshId('none'), { last_run: '2026-11-22T09:00:10.000Z' })).toBe('missing');
      });

      it('answers undefined/false for unknown watches and deletes', async () => {
        const id = freshId('delete');
        expect(await s.registry.get(id)).toBeUndefined();
        expect(await s.registry.setEnabled(id, true)).toBe(false);
        expect(await s.registry.delete(id)).toBe(false);
        await s.registry.put(testWatch(id));
        expect((await s.registry.list()).map((w) => w.id)).toContain(id);
        expect(await s.registry.delete(id)).toBe(true);
        expect(await s.registry.get(id)).toBeUndefined();
        expect((await s.registry.list()).map((w) => w.id)).not.toContain(id);
      });

      it('lists every watch, more than a thousand, sorted by id', async () => {
        const ids = Array.from({ length: 1050 }, (_, i) => `bulk.w${String(i).padStart(4, '0')}`);
        for (let i = 0; i < ids.length; i += 150) await Promise.all(ids.slice(i, i + 150).map((id) => s.registry.put(testWatch(id))));
        const listed = (await s.registry.list()).map((w) => w.id).filter((id) => id.startsWith('bulk.'));
        expect(listed).toEqual(ids);
      }, 120_000);
    });

    describe('alert store', () => {
      const attacker = { 'source.ip': '203.0.113.7', 'destination.ip': '10.0.0.5' };
      const key = entityKey(attacker);

      it('creates once, and writes only against the current revision', async () => {
        const watchId = freshId('alerts');
        const alert = testAlert(watchId, attacker, key);
        expect(await s.alerts.write(alert, 'create')).toBe('ok');
        expect(await s.alerts.write(alert, 'create')).toBe('conflict');
        const got = await s.alerts.get(watchId, key);
        expect(got?.value).toEqual(alert);
        expect(await s.alerts.write({ ...alert, state: 'ongoing', count: 2 }, got!.revision)).toBe('ok');
        // a second worker holding the old revision loses
        expect(await s.alerts.write({ ...alert, count: 99 }, got!.revision)).toBe('conflict');
        expect((await s.alerts.get(watchId, key))?.value).toMatchObject({ state: 'ongoing', count: 2 });
        expect(await s.alerts.write(testAlert(watchId, { other: 1 }, entityKey({ other: 1 })), got!.revision)).toBe('conflict');
        expect(await s.alerts.get(watchId, entityKey({ other: 1 }))).toBeUndefined();
      });

      it('reads an alert by its alert id, as block requests name it', async () => {
        const watchId = freshId('alerts');
        const alert = testAlert(watchId, attacker, key);
        expect(await s.alerts.write(alert, 'create')).toBe('ok');
        expect(await s.alerts.byId(alertId(watchId, key))).toEqual(alert);
        expect(await s.alerts.byId(alertId(watchId, entityKey({ other: 1 })))).toBeUndefined();
      });

      it('reads and writes many alerts at once, each write a compare-and-set of its own', async () => {
        const watchId = freshId('batch');
        const [k1, k2, k3, k4] = [1, 2, 3, 4].map((n) => entityKey({ n })) as [string, string, string, string];
        expect(await s.alerts.getMany(watchId, [k1, k2])).toEqual(new Map());
        expect(await s.alerts.writeMany([1, 2, 3].map((n) => ({ record: testAlert(watchId, { n }, entityKey({ n })), expected: 'create' as const })))).toEqual(['ok', 'ok', 'ok']);
        const stored = await s.alerts.getMany(watchId, [k1, k2, k3, k4]);
        expect([...stored.keys()].sort()).toEqual([k1, k2, k3].sort());
        expect(stored.get(k2)?.value).toEqual(testAlert(watchId, { n: 2 }, k2));
        const [first, third] = [stored.get(k1)!, stored.get(k3)!];
        expect(await s.alerts.write({ ...first.value, count: 5 }, first.revision)).toBe('ok');
        // a stale revision and a create of an existing alert lose; the others win, whatever their place in the batch
        const results = await s.alerts.writeMany([
          { record: { ...first.value, count: 9 }, expected: first.revision },
          { record: { ...third.value, state: 'ongoing', count: 2 }, expected: third.revision },
          { record: testAlert(watchId, { n: 2 }, k2, { count: 7 }), expected: 'create' },
          { record: testAlert(watchId, { n: 4 }, k4), expected: 'create' },
        ]);
        expect(results).toEqual(['conflict', 'ok', 'conflict', 'ok']);
        const after = await s.alerts.getMany(watchId, [k1, k2, k3, k4]);
        expect([k1, k2, k3, k4].map((k) => after.get(k)?.value.count)).toEqual([5, 1, 2, 1]);
        // visible to active() as soon as writeMany returns
        expect((await s.alerts.active(watchId)).map((a) => a.value.entity_key).sort()).toEqual([k1, k2, k3, k4].sort());
      });

      it('reads and writes thousands of alerts in one call each (several requests underneath)', async () => {
        const watchId = freshId('many');
        const keys = Array.from({ length: 6_000 }, (_, n) => entityKey({ n }));
        expect(await s.alerts.writeMany(keys.map((key, n) => ({ record: testAlert(watchId, { n }, key), expected: 'create' as const })))).toEqual(keys.map(() => 'ok'));
        const stored = await s.alerts.getMany(watchId, keys);
        expect(stored.size).toBe(keys.length);
        const results = await s.alerts.writeMany(keys.map((key) => ({ record: { ...stored.get(key)!.value, state: 'resolved' as const }, expected: stored.get(key)!.revision })));
        expect(results.filter((r) => r === 'ok')).toHaveLength(keys.length);
        expect(await s.alerts.active(watchId)).toEqual([]);
      }, 60_000);

      it('sees its own writes in active() at once, new and ongoing only, for that watch only', async () => {
        const watchId = freshId('active');
        const keys = ['a', 'b', 'c'].map((h) => entityKey({ 'source.ip': `198.51.100.${h.charCodeAt(0)}`, host: h }));
        await s.alerts.write(testAlert(watchId, { host: 'a' }, keys[0]!), 'create');
        await s.alerts.write(testAlert(watchId, { host: 'b' }, keys[1]!, { state: 'ongoing' }), 'create');
        await s.alerts.write(testAlert(watchId, { host: 'c' }, keys[2]!, { state: 'resolved', resolved_at: '2026-11-22T09:01:00.000Z' }), 'create');
        await s.alerts.write(testAlert(freshId('other'), { host: 'a' }, keys[0]!), 'create');
        const active = await s.alerts.active(watchId);
        expect(active.map((a) => a.value.entity_key).sort()).toEqual([keys[0], keys[1]].sort());
        // the revisions returned are usable for resolving
        const b = active.find((a) => a.value.entity_key === keys[1])!;
        expect(await s.alerts.write({ ...b.value, state: 'resolved' }, b.revision)).toBe('ok');
        expect((await s.alerts.active(watchId)).map((a) => a.value.entity_key)).toEqual([keys[0]]);
      });

      it('lists by watch and state, most recently seen first, with a limit', async () => {
        const watchId = freshId('list');
        for (const [i, state] of (['new', 'ongoing', 'resolved'] as const).entries()) {
          await s.alerts.write(testAlert(watchId, { n: i }, entityKey({ n: i }), { state, last_seen: `2026-11-22T09:0${i}:00.000Z` }), 'create');
        }
        expect((await s.alerts.list({ watchId })).map((a) => a.entity.n)).toEqual([2, 1, 0]);
        expect((await s.alerts.list({ watchId, states: ['new', 'resolved'] })).map((a) => a.state)).toEqual(['resolved', 'new']);
        expect((await s.alerts.list({ watchId, limit: 1 })).map((a) => a.entity.n)).toEqual([2]);
        expect(await s.alerts.list({ watchId: freshId('nothing') })).toEqual([]);
      });

      it('acks the active alerts of a watch or of one entity, never a resolved one', async () => {
        const watchId = freshId('ack');
        const [k1, k2, k3] = [1, 2, 3].map((n) => entityKey({ n }));
        await s.alerts.write(testAlert(watchId, { n: 1 }, k1!), 'create');
        await s.alerts.write(testAlert(watchId, { n: 2 }, k2!, { state: 'ongoing' }), 'create');
        await s.alerts.write(testAlert(watchId, { n: 3 }, k3!, { state: 'resolved' }), 'create');
        expect(await s.alerts.ack(watchId, k2)).toEqual([k2]);
        expect((await s.alerts.get(watchId, k1!))?.value.acked).toBe(false);
        expect((await s.alerts.ack(watchId)).sort()).toEqual([k1]);
        expect(await s.alerts.ack(watchId)).toEqual([]);
        expect((await s.alerts.get(watchId, k3!))?.value.acked).toBe(false);
      });

      it('silences one entity until a time, and a whole watch through its status', async () => {
        const watchId = freshId('silence');
        await s.registry.put(testWatch(watchId));
        await s.alerts.write(testAlert(watchId, attacker, key), 'create');
        expect(await s.alerts.silence(watchId, key, '2026-11-22T12:00:00.000Z')).toEqual([key]);
        expect((await s.alerts.get(watchId, key))?.value.silenced_until).toBe('2026-11-22T12:00:00.000Z');
        expect(await s.alerts.silence(watchId, entityKey({ never: 'seen' }), '2026-11-22T12:00:00.000Z')).toEqual([]);
        expect(await silenceWatch(s.registry, watchId, '2026-11-23T00:00:00.000Z')).toBe(true);
        expect((await s.registry.get(watchId))?.value.status.silenced_until).toBe('2026-11-23T00:00:00.000Z');
        expect(await silenceWatch(s.registry, freshId('missing'), '2026-11-23T00:00:00.000Z')).toBe(false);
      });
    });

    describe('history store', () => {
      it('lists a watch\'s runs newest first across days, with limit and from', async () => {
        const watchId = freshId('history');
        const starts = ['2026-11-21T23:59:50.000Z', '2026-11-22T00:00:00.000Z', '2026-11-22T00:00:10.000Z'];
        for (const started of starts) await s.history.record(testHistory(watchId, started));
        await s.history.record(testHistory(freshId('other'), '2026-11-22T00:00:20.000Z'));
        expect((await s.history.list(watchId)).map((r) => r.started)).toEqual([...starts].reverse());
        expect((await s.history.list(watchId, { limit: 2 })).map((r) => r.started)).toEqual([starts[2], starts[1]]);
        expect((await s.history.list(watchId, { from: '2026-11-22T00:00:00.000Z' })).map((r) => r.started)).toEqual([starts[2], starts[1]]);
        expect((await s.history.list(watchId))[0]).toEqual(testHistory(watchId, starts[2]!));
        expect(await s.history.list(freshId('none'))).toEqual([]);
      });

      it('keeps what a run left out, and lists the watches whose runs were truncated since a time', async () => {
        const [cutting, earlier] = [freshId('cut'), freshId('cut-earlier')];
        const cut: Truncation = { path: 'aggregations.by_pair', reason: 'entity bound', entities: 10, pages: 1, bound: 10, affects_entities: true };
        const terms: Truncation = { path: 'aggregations.by_pair.buckets[].hosts', reason: 'terms sum_other_doc_count', other_docs: 1234, buckets: 17, affects_entities: false };
        await s.history.record(testHistory(cutting, '2026-11-22T10:00:00.000Z', { truncated: [cut] }));
        await s.history.record(testHistory(cutting, '2026-11-22T10:00:10.000Z', { truncated: [cut, terms], kept_active: 3 }));
        await s.history.record(testHistory(cutting, '2026-11-22T10:00:20.000Z'));
        await s.history.record(testHistory(earlier, '2026-11-21T10:00:00.000Z', { truncated: [cut] }));
        expect((await s.history.list(cutting))[1]).toEqual(testHistory(cutting, '2026-11-22T10:00:10.000Z', { truncated: [cut, terms], kept_active: 3 }));
        const since = await s.history.truncatedSince('2026-11-22T00:00:00.000Z');
        expect(since.filter((w) => [cutting, earlier].includes(w.watch_id))).toEqual([{ watch_id: cutting, runs: 2, last: '2026-11-22T10:00:10.000Z' }]);
        expect((await s.history.truncatedSince('2026-11-21T00:00:00.000Z')).filter((w) => w.watch_id === earlier)).toEqual([{ watch_id: earlier, runs: 1, last: '2026-11-21T10:00:00.000Z' }]);
      });
    });
  });
}
