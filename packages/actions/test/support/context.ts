import { createSecretResolver, ManualClock } from '@vigil/core';
import type { ActionContext, AlertView, WatchView } from '../../src/types.ts';

/** A watch view for action tests. */
export function testWatchView(overrides: Partial<WatchView> = {}): WatchView {
  return { id: 'network.discovery_portscan', name: 'Port scan between two hosts', description: 'More than 50 ports in 30 s', severity: 'high', tags: ['attack.t1046'], metadata: {}, ...overrides };
}

/** An alert view for action tests: a port scan from 198.51.100.23 to 10.0.0.8. */
export function testAlertView(overrides: Partial<AlertView> = {}): AlertView {
  return {
    id: 'network.discovery_portscan:abc123',
    entity: { 'source.ip': '198.51.100.23', 'destination.ip': '10.0.0.8' },
    entity_key: '{"destination.ip":"10.0.0.8","source.ip":"198.51.100.23"}',
    state: 'new',
    episode: 1,
    count: 1,
    first_seen: '2026-11-22T09:49:30.000Z',
    last_seen: '2026-11-22T09:49:30.000Z',
    payload: { unique_ports: 734, syn_packets: 1000 },
    window: { from: '2026-11-22T09:49:00.000Z', to: '2026-11-22T09:49:30.000Z' },
    ...overrides,
  };
}

/**
 * An action context with a fixed clock, the given secrets (`VIGIL_SECRET_*` style env) and a log
 * that collects lines; services (mail, fetch, elasticsearch, responders) are passed in `overrides`.
 */
export function testActionContext(overrides: Partial<ActionContext> & { secretEnv?: NodeJS.ProcessEnv } = {}): ActionContext & { lines: string[] } {
  const lines: string[] = [];
  const { secretEnv, ...rest } = overrides;
  const mode = rest.mode ?? 'execute';
  return {
    watch: testWatchView(),
    alert: testAlertView(),
    name: 'notify',
    mode,
    notificationId: 'n-0123456789abcdef',
    kind: 'notify',
    attempt: 1,
    clock: new ManualClock('2026-11-22T09:49:32.000Z'),
    indexPrefix: 'vt-actions',
    secrets: createSecretResolver({ env: secretEnv ?? {}, reveal: mode === 'execute' }),
    log: (line) => lines.push(line),
    lines,
    ...rest,
  };
}
