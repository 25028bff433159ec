import { describe, expect, it } from '@jest/globals';
import { VigilError } from '@vigil/core';
import type { BlockRequest } from '@vigil/responder/protocol';
import { blockIpAction, blockIpOptions, canonicalIp, decisionOf, parseIpAddress, type BlockDecision, type BlockIpOptions } from '../src/block_ip/index.ts';
import { watchSchema } from '../src/registry.ts';
import type { ActionContext, ResponderDispatch } from '../src/types.ts';
import { testActionContext, testAlertView } from './support/context.ts';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
/** The alert's window ends here (see testAlertView); the context's clock is two seconds later. */
const WINDOW_END = Date.parse('2026-11-22T09:49:30.000Z');

/** A responder dispatch in memory: announced hosts, earlier blocks, and what was sent. */
class MemoryDispatch implements ResponderDispatch {
  readonly sent: { host: string; request: BlockRequest }[] = [];
  readonly blocks: { ip: string; requested: string; duration_ms: number; step: number }[] = [];

  readonly announced: string[];

  constructor(announced: string[] = ['web-1', 'db-1']) {
    this.announced = announced;
  }

  /** An earlier block decision of `ip`, `ago` milliseconds before the alert's window ended. */
  blockedBefore(ip: string, ago: number): this {
    this.blocks.push({ ip, requested: new Date(WINDOW_END - ago).toISOString(), duration_ms: 60 * MINUTE, step: 0 });
    return this;
  }

  async hosts(): Promise<string[]> {
    return this.announced;
  }

  async previousBlocks(ip: string, since: string) {
    return this.blocks.filter((b) => b.ip === ip && b.requested >= since).sort((a, b) => b.requested.localeCompare(a.requested));
  }

  async send(host: string, request: BlockRequest): Promise<void> {
    if (this.sent.some((s) => s.request.id === request.id)) return;
    this.sent.push({ host, request });
    // one decision to several hosts is one earlier block
    if (this.sent.filter((s) => decisionOf(s.request.id) === decisionOf(request.id)).length === 1) this.blocks.push({ ip: request.ip, requested: request.requested, duration_ms: request.duration_ms!, step: request.step! });
  }
}

function options(extra: Record<string, unknown> = {}): BlockIpOptions {
  return blockIpOptions.parse(extra);
}

function context(dispatch: ResponderDispatch | undefined, overrides: Partial<ActionContext> = {}): ActionContext {
  return testActionContext({ ...(dispatch === undefined ? {} : { responders: dispatch }), ...overrides });
}

async function decide(dispatch: MemoryDispatch, extra: Record<string, unknown> = {}, overrides: Partial<ActionContext> = {}): Promise<BlockDecision> {
  const result = await blockIpAction.execute(options(extra), context(dispatch, overrides));
  expect(result.status).toBe(overrides.mode === 'simulate' ? 'simulated' : 'executed');
  return result.detail as BlockDecision;
}

function withSourceIp(ip: unknown): Partial<ActionContext> {
  return { alert: testAlertView({ entity: { 'source.ip': ip } }) };
}

describe('block_ip escalation', () => {
  it('blocks a first offence for 60 minutes', async () => {
    const dispatch = new MemoryDispatch();
    const decision = await decide(dispatch);
    expect(decision).toMatchObject({ ip: '198.51.100.23', step: 0, duration_ms: 60 * MINUTE, previous_blocks: 0 });
    expect(dispatch.sent.map((s) => s.request)).toEqual([
      expect.objectContaining({ action: 'block', ip: '198.51.100.23', duration_ms: 60 * MINUTE, step: 0, origin: 'watch', watch_id: 'network.discovery_portscan', alert_id: 'network.discovery_portscan:abc123', requested: '2026-11-22T09:49:32.000Z' }),
      expect.objectContaining({ action: 'block', ip: '198.51.100.23' }),
    ]);
  });

  it('climbs the ladder with each earlier block: 1 → 120m, 2 → 360m, 3 → 1440m, 4 → 10080m', async () => {
    const expected = [120, 360, 1440, 10080].map((m) => m * MINUTE);
    for (const [earlier, duration] of expected.entries()) {
      const dispatch = new MemoryDispatch();
      for (let i = 0; i <= earlier; i++) dispatch.blockedBefore('198.51.100.23', (i + 1) * DAY);
      expect(await decide(dispatch)).toMatchObject({ step: earlier + 1, duration_ms: duration, previous_blocks: earlier + 1 });
    }
  });

  it('stays at the last step: 5 earlier blocks → 10080m', async () => {
    const dispatch = new MemoryDispatch();
    for (let i = 1; i <= 5; i++) dispatch.blockedBefore('198.51.100.23', i * DAY);
    expect(await decide(dispatch)).toMatchObject({ step: 4, duration_ms: 10080 * MINUTE, previous_blocks: 5 });
  });

  it('does not count blocks older than the look-back, nor blocks of other addresses', async () => {
    const dispatch = new MemoryDispatch().blockedBefore('198.51.100.23', 31 * DAY).blockedBefore('198.51.100.24', DAY);
    expect(await decide(dispatch)).toMatchObject({ step: 0, duration_ms: 60 * MINUTE });
    const short = new MemoryDispatch().blockedBefore('198.51.100.23', 2 * DAY);
    expect(await decide(short, { lookback: '1d' })).toMatchObject({ step: 0 });
    expect(await decide(new MemoryDispatch().blockedBefore('198.51.100.23', 2 * DAY), { lookback: '3d' })).toMatchObject({ step: 1 });
  });

  it('follows a ladder of its own: seed 000 blocks every offence for 60 s', async () => {
    const dispatch = new MemoryDispatch().blockedBefore('198.51.100.23', DAY).blockedBefore('198.51.100.23', 2 * DAY);
    expect(await decide(dispatch, { duration: '60s', repeated_offenders: [] })).toMatchObject({ step: 0, duration_ms: 60_000, previous_blocks: 2 });
  });

  it('counts the next alert of the address as a second offence', async () => {
    const dispatch = new MemoryDispatch();
    await decide(dispatch);
    const next = { alert: testAlertView({ window: { from: '2026-11-22T10:49:00.000Z', to: '2026-11-22T10:49:30.000Z' } }), notificationId: 'n-next' };
    expect(await decide(dispatch, {}, next)).toMatchObject({ step: 1, duration_ms: 120 * MINUTE, previous_blocks: 1 });
  });
});

describe('block_ip requests', () => {
  it('derives request ids from the notification and the host: a retried delivery sends the same requests, on the same step', async () => {
    const dispatch = new MemoryDispatch();
    const first = await decide(dispatch);
    // the retry comes an hour later: its own first attempt is no earlier offence
    const retry = await decide(dispatch, {}, { attempt: 2, clock: { now: () => new Date(WINDOW_END + 3_600_000) } });
    expect(retry.requests).toEqual(first.requests);
    expect(retry).toMatchObject({ step: 0, duration_ms: 60 * MINUTE });
    expect(dispatch.sent).toHaveLength(2);
    const [dbRequest, webRequest] = first.requests;
    expect(first.hosts).toEqual(['db-1', 'web-1']);
    expect(dbRequest).toMatch(/^blk-[0-9a-f]{24}-db-1$/);
    expect(webRequest).toMatch(/^blk-[0-9a-f]{24}-web-1$/);
    expect(decisionOf(dbRequest!)).toBe(decisionOf(webRequest!));
    expect(dbRequest).not.toContain(':');

    const other = await decide(new MemoryDispatch(), {}, { notificationId: 'n-other' });
    expect(other.requests[0]).not.toBe(dbRequest);
  });

  it('reaches every announced responder by default, and only the listed ones when `responders` is set', async () => {
    const all = new MemoryDispatch(['web-2', 'web-1', 'db-1']);
    expect((await decide(all)).hosts).toEqual(['db-1', 'web-1', 'web-2']);
    expect(all.sent.map((s) => s.host)).toEqual(['db-1', 'web-1', 'web-2']);

    const listed = new MemoryDispatch(['web-1', 'db-1']);
    const decision = await decide(listed, { responders: ['web-1', 'bastion'] });
    expect(decision.hosts).toEqual(['web-1', 'bastion']);
    expect(decision.unannounced).toEqual(['bastion']);
    expect(listed.sent.map((s) => s.host)).toEqual(['web-1', 'bastion']);
  });

  it('fails for good when no responder is running, saying how to start one', async () => {
    const promise = blockIpAction.execute(options(), context(new MemoryDispatch([])));
    await expect(promise).rejects.toThrow(/no responder is running.*vigil responder/);
    await expect(promise).rejects.toMatchObject({ code: 'SERVICE_REJECTED', transient: false });
  });

  it('renders the reason on one line: event data cannot add lines', async () => {
    const dispatch = new MemoryDispatch(['web-1']);
    const decision = await decide(dispatch, { reason: 'port scan of {{entity.[destination.ip]}}' }, { alert: testAlertView({ entity: { 'source.ip': '198.51.100.23', 'destination.ip': '10.0.0.8\nALL: ALL' } }) });
    expect(decision.reason).toBe('port scan of 10.0.0.8 ALL: ALL');
    expect((await decide(new MemoryDispatch(['web-1']))).reason).toBe('Vigil watch "Port scan between two hosts" (network.discovery_portscan) on {"destination.ip":"10.0.0.8","source.ip":"198.51.100.23"}');
  });

  it('simulates the whole decision from the dispatcher, and sends nothing', async () => {
    const dispatch = new MemoryDispatch().blockedBefore('198.51.100.23', DAY);
    const decision = await decide(dispatch, {}, { mode: 'simulate' });
    expect(decision).toEqual({
      ip: '198.51.100.23',
      step: 1,
      duration_ms: 120 * MINUTE,
      hosts: ['db-1', 'web-1'],
      requests: [expect.stringMatching(/-db-1$/), expect.stringMatching(/-web-1$/)],
      reason: expect.stringContaining('Port scan between two hosts'),
      previous_blocks: 1,
    });
    expect(dispatch.sent).toEqual([]);
    const none = await blockIpAction.execute(options(), context(new MemoryDispatch([]), { mode: 'simulate' }));
    expect(none).toMatchObject({ status: 'failed', error: expect.stringContaining('vigil responder'), detail: { hosts: [] } });
  });

  it('simulates without a dispatcher too, saying what it could not know', async () => {
    const result = await blockIpAction.execute(options({ responders: ['web-1'] }), context(undefined, { mode: 'simulate' }));
    expect(result).toMatchObject({ status: 'simulated', detail: { ip: '198.51.100.23', step: 0, hosts: ['web-1'], note: expect.stringContaining('unknown') } });
    await expect(blockIpAction.execute(options(), context(undefined))).rejects.toThrow(/responder dispatch/);
  });
});

describe('block_ip addresses', () => {
  const hostile = ['1.2.3.4; rm -rf /', '$(id)', '`id`', '1.2.3.4\n', '\n1.2.3.4', ' 1.2.3.4', '--help', '-1.2.3.4', '1.2.3.4 from 5.6.7.8', '1.2.3.4,5.6.7.8', '10.0.0.0/8', 'fe80::1%eth0', '127.1', '0x7f.0.0.1', '010.1.2.3', '1.2.3.256', '::ffff:01.2.3.4', '', 'example.com', '0.0.0.0', '::', '224.0.0.1', '255.255.255.255', '1'.repeat(46)];

  it.each(hostile)('refuses %j: nothing sent, a permanent failure naming the text', async (text) => {
    const dispatch = new MemoryDispatch();
    const promise = blockIpAction.execute(options(), context(dispatch, withSourceIp(text)));
    await expect(promise).rejects.toBeInstanceOf(VigilError);
    await expect(promise).rejects.toMatchObject({ code: 'SERVICE_REJECTED', transient: false, message: expect.stringContaining(`refused ${JSON.stringify(text)}`), detail: { refused: text } });
    expect(dispatch.sent).toEqual([]);
    expect(parseIpAddress(text).ok).toBe(false);
  });

  it('shows the refusal in a dry run as a failed result with the reason', async () => {
    const result = await blockIpAction.execute(options(), context(new MemoryDispatch(), { ...withSourceIp('1.2.3.4; rm -rf /'), mode: 'simulate' }));
    expect(result).toEqual({ status: 'failed', error: expect.stringContaining('whitespace'), detail: { refused: '1.2.3.4; rm -rf /', reason: expect.stringContaining('whitespace') } });
  });

  it.each([
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:1.2.3.4', '1.2.3.4'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['198.51.100.23', '198.51.100.23'],
  ])('blocks %s as %s', async (text, canonical) => {
    const dispatch = new MemoryDispatch(['web-1']);
    expect((await decide(dispatch, {}, withSourceIp(text))).ip).toBe(canonical);
    expect(dispatch.sent[0]?.request.ip).toBe(canonical);
    expect(canonicalIp(text)).toBe(canonical);
  });

  it('renders the address from another field when told, and refuses an entity without it', async () => {
    const dispatch = new MemoryDispatch(['web-1']);
    expect((await decide(dispatch, { ip: '{{payload.attacker}}' }, { alert: testAlertView({ payload: { attacker: '203.0.113.9' } }) })).ip).toBe('203.0.113.9');
    await expect(blockIpAction.execute(options({ ip: '{{entity.[client.ip]}}' }), context(dispatch))).rejects.toThrow(/empty: the template rendered nothing/);
  });
});

describe('block_ip options', () => {
  const parse = (action: Record<string, unknown>) => watchSchema().in.shape.actions.safeParse({ block: { type: 'block_ip', ...action } });
  const messages = (action: Record<string, unknown>) => {
    const result = parse(action);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('defaults to the OSSEC ladder 60, 120, 360, 1440, 10080 minutes over 30 days, for every announced responder', () => {
    expect(options()).toEqual({
      ip: '{{entity.[source.ip]}}',
      duration: 60 * MINUTE,
      repeated_offenders: [120, 360, 1440, 10080].map((m) => m * MINUTE),
      lookback: 30 * DAY,
      reason: expect.stringContaining('{{watch.name}}'),
    });
  });

  it('rejects unknown keys, bad durations, a shrinking ladder, bad host ids and bad templates', () => {
    expect(messages({ timeout: 600 }).join('\n')).toMatch(/timeout/);
    expect(messages({ duration: '10 minutes' }).join('\n')).toMatch(/block.duration: "10 minutes" is not a duration/);
    expect(messages({ duration: '500ms' }).join('\n')).toMatch(/block.duration: 500ms is out of range/);
    expect(messages({ repeated_offenders: ['2h', 'soon'] }).join('\n')).toMatch(/block.repeated_offenders.1: "soon" is not a duration/);
    expect(messages({ repeated_offenders: ['6h', '2h'] }).join('\n')).toMatch(/block.repeated_offenders.1: 2h after 6h/);
    expect(messages({ lookback: '-1d' }).join('\n')).toMatch(/lookback/);
    expect(messages({ responders: ['Web 1'] }).join('\n')).toMatch(/block.responders.0: must be a responder host id/);
    expect(messages({ responders: [] }).join('\n')).toMatch(/responders/);
    expect(messages({ responders: ['web-1', 'web-1'] }).join('\n')).toMatch(/lists a host twice/);
    expect(messages({ ip: '{{entity.[source.ip]' }).join('\n')).toMatch(/block.ip: bad template/);
    expect(messages({ ip: '{{entity.[source.ip]}}', duration: '10m', repeated_offenders: ['1h', '1d'], lookback: '7d', responders: ['web-1'], reason: 'scan' })).toEqual([]);
  });
});
