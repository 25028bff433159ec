import type { HistoryRecord, Watch } from '@vigil/core';

export { testAlert } from '@vigil/testkit';

/** A valid watch as the schema would output it (durations in ms, defaults filled in). */
export function testWatch(id: string, overrides: Partial<Watch> = {}): Watch {
  return {
    id,
    name: `Test watch ${id}`,
    description: '',
    severity: 'medium',
    tags: ['attack.t1046'],
    enabled: true,
    schedule: { every: 10_000, max_catch_up: 3_600_000 },
    input: { search: { indices: ['auth-*'], window: { size: 30_000, field: '@timestamp', delay: 0 }, size: 0, query: { term: { 'event.outcome': 'failure' } } } },
    condition: { always: true },
    actions: { log: { type: 'log', message: 'alert {{entity}}', level: 'warn' } },
    metadata: {},
    ...overrides,
  } as Watch;
}


export function testHistory(watchId: string, started: string, overrides: Partial<HistoryRecord> = {}): HistoryRecord {
  const to = new Date(started).toISOString();
  const from = new Date(Date.parse(started) - 30_000).toISOString();
  return {
    '@timestamp': to,
    watch_id: watchId,
    watch_version: 1,
    run_id: `run-${to}`,
    scheduled_time: to,
    started: to,
    lateness_ms: 12,
    duration_ms: 40,
    window: { from, to },
    hits: 3,
    condition_met: true,
    entities: ['{}'],
    state: 'executed',
    actions: [{ id: 'log', type: 'log', status: 'executed' }],
    ...overrides,
  };
}
