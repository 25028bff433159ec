// on_response: which responder outcomes notify, what the notification carries, and that a re-delivered
// outcome is the same notification. In-memory stores; block-ip-responder.int.test.ts proves the same
// through a real responder, the real audit worker and the real SMTP capture.
import { describe, expect, it } from '@jest/globals';
import type { Notification, ResponseAuditDocument } from '@vigil/actions';
import { watchSchema } from '@vigil/actions';
import { alertId, entityKey, ManualClock, type AlertRecord } from '@vigil/core';
import { MemoryAlertStore, MemoryWatchRegistry } from '@vigil/store';
import { followUpResponse, responseViewOf } from '../src/respond/follow-up.ts';
import type { NotificationSink } from '../src/deliver/sink.ts';

const watch = watchSchema().parse({
  id: 'test.follow_up',
  name: 'Follow-up',
  schedule: { every: '1m' },
  input: { search: { indices: ['auth-*'], window: { size: '5m' }, query: { match_all: {} } } },
  condition: { always: true },
  actions: { block: { type: 'block_ip' } },
  on_response: {
    confirmed: { type: 'log', condition: 'response.outcome == "blocked"', message: '{{response.ip}} blocked on {{response.host}}' },
    failed: { type: 'log', condition: 'response.outcome != "blocked" && payload.failures >= 3', message: 'not blocked: {{response.error}}' },
  },
});

const entity = { 'source.ip': '203.0.113.66' };
const record: AlertRecord = {
  watch_id: watch.id,
  entity_key: entityKey(entity),
  entity,
  state: 'new',
  episode: 1,
  first_seen: '2026-12-02T10:00:00.000Z',
  last_seen: '2026-12-02T10:00:00.000Z',
  last_window_to: '2026-12-02T10:01:00.000Z',
  count: 1,
  payload: { failures: 4 },
  acked: false,
  notify_count: 1,
};

function outcome(overrides: Partial<ResponseAuditDocument>): ResponseAuditDocument {
  return {
    id: 'blk-1-server:blocked',
    '@timestamp': '2026-12-02T10:01:02.000Z',
    request_id: 'blk-1-server',
    action: 'block',
    outcome: 'blocked',
    ip: '203.0.113.66',
    host: { name: 'server' },
    reason: 'test',
    origin: 'watch',
    backend: 'nftables',
    expires: '2026-12-02T10:11:02.000Z',
    duration_ms: 600_000,
    step: 0,
    watch_id: watch.id,
    alert_id: alertId(watch.id, record.entity_key),
    ...overrides,
  };
}

async function setup() {
  const registry = new MemoryWatchRegistry({ clock: new ManualClock(new Date('2026-12-02T10:00:00Z')) });
  await registry.put(watch);
  const alerts = new MemoryAlertStore();
  await alerts.write(record, 'create');
  const submitted: Notification[] = [];
  const sink: NotificationSink = { durable: true, submit: async (ns) => (submitted.push(...ns), []) };
  const lines: string[] = [];
  const deps = { registry, alerts, sink, clock: new ManualClock(new Date('2026-12-02T10:01:03Z')), log: (l: string) => lines.push(l) };
  return { deps, submitted, lines };
}

describe('on_response follow-ups', () => {
  it('notifies a block in place with what the responder reported, through the actions whose condition holds', async () => {
    const { deps, submitted } = await setup();
    expect(await followUpResponse(deps, outcome({}))).toBe(1);
    expect(submitted).toHaveLength(1);
    expect(submitted[0]).toMatchObject({
      kind: 'response',
      action: { name: 'confirmed', type: 'log' },
      alert: { entity, payload: { failures: 4 } },
      response: { outcome: 'blocked', ip: '203.0.113.66', host: 'server', expires: '2026-12-02T10:11:02.000Z', step: 0, backend: 'nftables', request_id: 'blk-1-server' },
    });
  });

  it('gives a re-delivered outcome the same notification id, and another outcome another', async () => {
    const { deps, submitted } = await setup();
    await followUpResponse(deps, outcome({}));
    await followUpResponse(deps, outcome({}));
    await followUpResponse(deps, outcome({ id: 'blk-1-edge:blocked', request_id: 'blk-1-edge', host: { name: 'edge' } }));
    expect(submitted.map((n) => n.id)[0]).toBe(submitted.map((n) => n.id)[1]);
    expect(new Set(submitted.map((n) => n.id)).size).toBe(2);
  });

  it('notifies a failed block through the other action, with the error', async () => {
    const { deps, submitted } = await setup();
    await followUpResponse(deps, outcome({ id: 'blk-1-server:failed', outcome: 'failed', error: { message: 'nft: permission denied' } }));
    expect(submitted.map((n) => [n.action.name, n.response?.error])).toEqual([['failed', 'nft: permission denied']]);
  });

  it('leaves out expiries, unblocks, requests and manual blocks', () => {
    expect(responseViewOf(outcome({ outcome: 'expired' }))).toBeUndefined();
    expect(responseViewOf(outcome({ action: 'unblock', outcome: 'unblocked' }))).toBeUndefined();
    expect(responseViewOf(outcome({ outcome: 'requested' }))).toBeUndefined();
    expect(responseViewOf(outcome({ origin: 'cli' }))).toBeUndefined();
  });

  it('says so when the alert is gone, and notifies nothing', async () => {
    const { deps, submitted, lines } = await setup();
    expect(await followUpResponse(deps, outcome({ alert_id: alertId(watch.id, entityKey({ 'source.ip': '198.51.100.1' })) }))).toBe(0);
    expect(submitted).toEqual([]);
    expect(lines).toEqual([expect.stringMatching(/is gone; its on_response actions are not run/)]);
  });
});
