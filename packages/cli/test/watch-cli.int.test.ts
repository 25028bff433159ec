import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { entityKey, type AlertRecord, type HistoryRecord } from '@vigil/core';
import { createElasticsearchClient, ElasticsearchAlertStore, ElasticsearchDeliveryLedger, ElasticsearchHistoryStore, setupIndices } from '@vigil/store';
import { dropPrefix, freePort, repoRoot, serviceEnv, uniquePrefix, runVigil, testAlert, type VigilResult } from '@vigil/testkit';

const root = repoRoot();
const env = serviceEnv(root);
const prefix = uniquePrefix('watch-cli');
// A working directory without vigil.yaml; watch files are written under it and named relative to it.
const cwd = mkdtempSync(join(tmpdir(), 'vigil-watch-cli-'));
const es = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });

/** Runs the real `vigil` binary with the test services' environment plus `extra`. */
function vigil(args: string[], extra: Record<string, string> = {}): Promise<VigilResult> {
  return runVigil(args, { cwd, prefix, extra });
}

function watchYaml(id: string, extra = ''): string {
  return [
    `id: ${id}`,
    `name: Failed logins ${id}`,
    'schedule:',
    '  every: 10s',
    'input:',
    '  search:',
    '    indices: [auth-*]',
    '    window: { size: 30s }',
    '    query: { term: { event.outcome: failure } }',
    'condition:',
    '  always: true',
    'actions:',
    '  log:',
    '    type: log',
    extra,
  ].join('\n');
}

/** Writes `text` to `<cwd>/<rel>` and returns `rel`. */
function write(rel: string, text: string): string {
  mkdirSync(join(cwd, rel, '..'), { recursive: true });
  writeFileSync(join(cwd, rel), text);
  return rel;
}

const bad = [
  'id: Auth.Bad', //             line 1: upper case in the id
  'name: bad watch',
  'schedule:',
  '  every: 10 seconds', //      line 4: not a duration
  'input:',
  '  search:',
  '    indices: [auth-*]',
  '    window: { size: 30s }',
  'condition: { always: true }',
  'actions:',
  '  mail:',
  '    type: carrier_pigeon', // line 12: unknown action type
  'colour: red', //              line 13: unknown key
  '',
].join('\n');

afterAll(async () => {
  await dropPrefix(es, prefix);
  await es.close();
});

describe('vigil watch validate', () => {
  it('accepts valid files and folders without any service running', async () => {
    write('ok/auth/one.yaml', watchYaml('auth.one'));
    write('ok/auth/two.yaml', watchYaml('auth.two'));
    const closed = await freePort();
    const result = await vigil(['watch', 'validate', 'ok'], { VIGIL_ELASTICSEARCH_URL: `http://127.0.0.1:${closed}`, VIGIL_REDIS_URL: `redis://127.0.0.1:${closed}` });
    expect(result).toEqual({ code: 0, stdout: 'ok: 2 watches\n', stderr: '' });
  });

  it('warns, on stderr and with exit 0, of a per-entity terms aggregation that is not paged', async () => {
    const perEntity = (id: string, aggs: string[], path: string, key: string) =>
      watchYaml(id)
        .replace('    query: { term: { event.outcome: failure } }', ['    query: { term: { event.outcome: failure } }', '    aggs:', ...aggs].join('\n'))
        .replace('  always: true', ['  buckets:', `    path: ${path}`, `    key: { source.ip: ${key} }`, '    where: doc_count >= 10'].join('\n'));
    const topN = write('lint/auth/top_n.yaml', perEntity('auth.top_n', ['      by_source:', '        terms: { field: source.ip, size: 500 }'], 'aggregations.by_source.buckets[]', 'key'));
    write('lint/auth/paged.yaml', perEntity('auth.paged', ['      by_source:', '        composite:', '          sources: [{ source: { terms: { field: source.ip } } }]'], 'aggregations.by_source.buckets[]', 'key.source'));
    const result = await vigil(['watch', 'validate', 'lint']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('ok: 2 watches\n');
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${topN}:12: input\\.search\\.aggs\\.by_source\\.terms: warning: "by_source" is a terms aggregation on the per-entity path .*composite`)),
    ]);
  });

  it('prints every problem as file:line: path: message and exits 1', async () => {
    const file = write('broken/auth/bad.yaml', bad);
    const closed = await freePort();
    const result = await vigil(['watch', 'validate', file, 'no/such/folder'], { VIGIL_ELASTICSEARCH_URL: `http://127.0.0.1:${closed}` });
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual([
      'no/such/folder: no such watch file or folder: no/such/folder',
      `${file}:1: id: must be 1-128 lower-case letters, digits, ".", "_" or "-"`,
      expect.stringMatching(new RegExp(`^${file}:4: schedule\\.every: .*not a duration`)),
      expect.stringMatching(new RegExp(`^${file}:12: actions\\.mail.*: unknown or missing action type: expected one of .*log`)),
      `${file}:13: colour: unknown key`,
    ]);
  });
});

describe('vigil watch registry commands', () => {
  let subscriber: Redis;
  const notices: string[] = [];

  beforeAll(async () => {
    subscriber = new Redis(env.VIGIL_REDIS_URL);
    subscriber.on('message', (_channel: string, message: string) => notices.push(message));
    await subscriber.subscribe(`${prefix}:watches:changed`);
  });

  afterAll(async () => {
    await subscriber.quit();
  });

  /** Waits until the notices include `ids` (pub/sub is asynchronous), then empties the list. */
  async function noticed(ids: string[]): Promise<string[]> {
    const deadline = Date.now() + 5000;
    while (!ids.every((id) => notices.includes(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return notices.splice(0).sort();
  }

  it('stores nothing when any file is invalid', async () => {
    write('mixed/auth/good.yaml', watchYaml('auth.good'));
    write('mixed/auth/bad.yaml', bad);
    const result = await vigil(['watch', 'put', 'mixed']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('mixed/auth/bad.yaml:13: colour: unknown key');
    expect((await vigil(['watch', 'get', 'auth.good'])).code).toBe(1);
  });

  it('puts idempotently: created, unchanged, updated with the next version, and announces changes', async () => {
    const first = await vigil(['watch', 'put', 'ok']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout.split('\n').filter(Boolean)).toEqual(['created   auth.one (version 1)', 'created   auth.two (version 1)']);
    expect(await noticed(['auth.one', 'auth.two'])).toEqual(['auth.one', 'auth.two']);

    const again = await vigil(['watch', 'put', 'ok']);
    expect(again.stdout.split('\n').filter(Boolean)).toEqual(['unchanged auth.one (version 1)', 'unchanged auth.two (version 1)']);

    write('ok/auth/two.yaml', watchYaml('auth.two', '    level: error'));
    const edited = await vigil(['watch', 'put', 'ok/auth/two.yaml']);
    expect(edited.stdout).toBe('updated   auth.two (version 2)\n');
    expect(await noticed(['auth.two'])).toEqual(['auth.two']);
  });

  it('still puts, with a warning, when Redis is down', async () => {
    write('ok2/auth/three.yaml', watchYaml('auth.three'));
    const closed = await freePort();
    const result = await vigil(['watch', 'put', 'ok2'], { VIGIL_REDIS_URL: `redis://127.0.0.1:${closed}` });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('created   auth.three (version 1)\n');
    expect(result.stderr).toMatch(/^vigil: warning: could not notify the scheduler through Redis at redis:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\)/);
  });

  it('gets and lists, deactivates and activates, deletes', async () => {
    const got = JSON.parse((await vigil(['watch', 'get', 'auth.two', '--json'])).stdout) as { version: number; enabled: boolean; source_file: string; definition: { actions: { log: { level: string } } } };
    expect(got).toMatchObject({ version: 2, enabled: true, source_file: 'ok/auth/two.yaml', definition: { actions: { log: { level: 'error' } } } });
    const text = await vigil(['watch', 'get', 'auth.two']);
    expect(text.stdout).toMatch(/^version: +2$/m);
    expect(text.stdout).toMatch(/^schedule: +every 10s$/m);

    expect((await vigil(['watch', 'deactivate', 'auth.one'])).stdout).toBe('deactivated auth.one\n');
    expect(await noticed(['auth.one'])).toEqual(['auth.one']);
    const list = await vigil(['watch', 'list']);
    expect(list.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^ID +ENABLED +VERSION +SCHEDULE +LAST RUN +LAST FIRED$/),
      expect.stringMatching(/^auth\.one +no +1 +every 10s +- +-$/),
      expect.stringMatching(/^auth\.three +yes +1 +every 10s +- +-$/),
      expect.stringMatching(/^auth\.two +yes +2 +every 10s +- +-$/),
    ]);
    expect((await vigil(['watch', 'activate', 'auth.one'])).code).toBe(0);
    const json = JSON.parse((await vigil(['watch', 'list', '--json'])).stdout) as { id: string; enabled: boolean }[];
    expect(json.map((w) => [w.id, w.enabled])).toEqual([['auth.one', true], ['auth.three', true], ['auth.two', true]]);

    expect((await vigil(['watch', 'delete', 'auth.three'])).stdout).toBe('deleted auth.three\n');
    const again = await vigil(['watch', 'delete', 'auth.three']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no watch "auth.three"');
    expect((await vigil(['watch', 'activate', 'auth.three'])).code).toBe(1);
    expect(await noticed(['auth.one', 'auth.three'])).toEqual(['auth.one', 'auth.three']);
  });
});

describe('vigil watch history, alerts list, ack and silence', () => {
  const attacker = { 'source.ip': '203.0.113.7', 'destination.ip': '10.0.0.5' };
  const other = { 'source.ip': '198.51.100.9', 'destination.ip': '10.0.0.5' };
  const alert = (entity: Record<string, unknown>, overrides: Partial<AlertRecord> = {}): AlertRecord =>
    testAlert('auth.one', entity, entityKey(entity), { payload: {}, notify_count: 1, ...overrides });

  beforeAll(async () => {
    await setupIndices(es, prefix);
    const alerts = new ElasticsearchAlertStore({ client: es, prefix });
    await alerts.write(alert(attacker, { state: 'ongoing', last_seen: '2026-11-22T09:00:20.000Z', count: 3 }), 'create');
    await alerts.write(alert(other), 'create');
    await alerts.write(alert({ 'source.ip': '192.0.2.1', 'destination.ip': '10.0.0.5' }, { state: 'resolved', last_seen: '2026-11-22T08:00:00.000Z' }), 'create');
    const history = new ElasticsearchHistoryStore({ client: es, prefix });
    for (const [i, started] of ['2026-11-21T23:59:50.000Z', '2026-11-22T00:00:00.000Z', '2026-11-22T00:00:10.000Z'].entries()) {
      const record: HistoryRecord = {
        '@timestamp': started,
        watch_id: 'auth.one',
        watch_version: 1,
        run_id: `run-${i}`,
        scheduled_time: started,
        started,
        lateness_ms: 15,
        duration_ms: 30,
        window: { from: new Date(Date.parse(started) - 30_000).toISOString(), to: started },
        hits: i,
        condition_met: i > 0,
        entities: i > 0 ? [entityKey(attacker)] : [],
        state: 'executed',
        actions: i > 0 ? [{ id: 'log', type: 'log', status: 'executed', entity_key: entityKey(attacker) }] : [],
      };
      await history.record(record);
    }
    await history.recordAttempt({ '@timestamp': '2026-11-22T00:00:11.000Z', kind: 'delivery', watch_id: 'auth.one', notification_id: 'n01', entity_key: entityKey(attacker), action: { id: 'mail', type: 'email' }, attempt: 1, status: 'retrying', duration_ms: 5, error: 'SMTP: ECONNREFUSED' });
    await history.recordAttempt({ '@timestamp': '2026-11-22T00:00:13.000Z', kind: 'delivery', watch_id: 'auth.one', notification_id: 'n01', entity_key: entityKey(attacker), action: { id: 'mail', type: 'email' }, attempt: 2, status: 'delivered', duration_ms: 7 });
  });

  it('shows history newest first across days, limited', async () => {
    const json = JSON.parse((await vigil(['watch', 'history', 'auth.one', '--limit', '2', '--json'])).stdout) as HistoryRecord[];
    expect(json.map((r) => r.started)).toEqual(['2026-11-22T00:00:10.000Z', '2026-11-22T00:00:00.000Z']);
    const text = await vigil(['watch', 'history', 'auth.one']);
    expect(text.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^STARTED +WINDOW +HITS +MET +ENTITIES +STATE +LATE +TOOK +ACTIONS$/),
      expect.stringMatching(/^2026-11-22T00:00:10\.000Z +2026-11-21T23:59:40\.000Z \.\. 2026-11-22T00:00:10\.000Z +2 +yes +1 +executed +15ms +30ms +log:executed$/),
      expect.stringMatching(/^2026-11-22T00:00:00\.000Z .* 1 +yes +1 +executed .* log:executed$/),
      expect.stringMatching(/^2026-11-21T23:59:50\.000Z .* 0 +no +0 +executed .* -$/),
    ]);
    expect((await vigil(['watch', 'history', 'auth.one', '--limit', 'many'])).code).toBe(2);
  });

  it('shows the delivery attempts of the notifications with --deliveries, and leaves them out of the runs', async () => {
    const text = await vigil(['watch', 'history', 'auth.one', '--deliveries']);
    expect(text.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^TIME +NOTIFICATION +ACTION +ENTITY +ATTEMPT +STATUS +TOOK +ERROR$/),
      expect.stringMatching(/^2026-11-22T00:00:13\.000Z +n01 +mail \(email\) .* 2 +delivered +7ms +-$/),
      expect.stringMatching(/^2026-11-22T00:00:11\.000Z +n01 +mail \(email\) .* 1 +retrying +5ms +SMTP: ECONNREFUSED$/),
    ]);
    const runs = JSON.parse((await vigil(['watch', 'history', 'auth.one', '--json'])).stdout) as HistoryRecord[];
    expect(runs.map((r) => r.started)).toHaveLength(3);
  });

  it('lists undelivered notifications with --undelivered, and vigil doctor counts the failed ones', async () => {
    const ledger = new ElasticsearchDeliveryLedger({ client: es, prefix });
    const record = (id: string, status: 'queued' | 'delivered' | 'failed', last_error?: string) => ({
      id,
      watch_id: 'auth.one',
      entity_key: entityKey(attacker),
      alert_id: 'auth.one:x',
      action: 'mail',
      type: 'email',
      kind: 'notify' as const,
      window: { from: '2026-11-22T00:00:00.000Z', to: '2026-11-22T00:00:10.000Z' },
      created: '2026-11-22T00:00:10.000Z',
      updated: '2026-11-22T00:00:10.000Z',
      deadline: '2026-11-22T01:00:10.000Z',
      status,
      attempts: 3,
      ...(last_error === undefined ? {} : { last_error }),
      notification: {},
    });
    await ledger.open(record('n-failed', 'failed', 'the SMTP server answered 550 5.1.1 no such user'));
    await ledger.open(record('n-retrying', 'queued', 'connect ECONNREFUSED'));
    await ledger.open(record('n-done', 'delivered'));
    const listed = JSON.parse((await vigil(['alerts', 'list', '--undelivered', '--json'])).stdout) as { id: string; status: string }[];
    expect(listed.map((r) => [r.id, r.status]).sort()).toEqual([
      ['n-failed', 'failed'],
      ['n-retrying', 'queued'],
    ]);
    const text = (await vigil(['alerts', 'list', '--undelivered'])).stdout;
    expect(text).toMatch(/auth\.one .* mail \(email\) +failed .* 3 +the SMTP server answered 550 5\.1\.1 no such user/);
    expect(text).toMatch(/auth\.one .* mail \(email\) +retrying .* 3 +connect ECONNREFUSED/);
    const doctor = await vigil(['doctor', '--json']);
    const { checks } = JSON.parse(doctor.stdout) as { checks: { name: string; status: string; summary: string }[] };
    expect(checks.find((c) => c.name === 'notifications')).toMatchObject({ status: 'warn', summary: '1 notification(s) failed for good, 1 being delivered' });
    expect((await vigil(['alerts', 'list', '--undelivered'])).stderr).toBe('');

    // more than the list shows: it says how many it left out
    const operations = Array.from({ length: 1000 }, (_, i) => [{ create: { _index: `${prefix}-deliveries`, _id: `n-more-${i}` } }, record(`n-more-${i}`, 'queued', 'connect ECONNREFUSED')]).flat();
    expect((await es.bulk({ operations, refresh: true })).errors).toBe(false);
    const cut = await vigil(['alerts', 'list', '--undelivered', '--json']);
    expect(cut.stderr.trim()).toBe('vigil: showing the newest 1000 of 1002 undelivered notifications');
    expect(JSON.parse(cut.stdout)).toHaveLength(1000);
  });

  it('lists alerts by watch and state, with the entity key ack and silence accept', async () => {
    const all = JSON.parse((await vigil(['alerts', 'list', '--watch', 'auth.one', '--json'])).stdout) as AlertRecord[];
    expect(all.map((a) => a.entity['source.ip'])).toEqual(['203.0.113.7', '198.51.100.9', '192.0.2.1']);
    const active = await vigil(['alerts', 'list', '--watch', 'auth.one', '--state', 'new,ongoing']);
    const lines = active.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^WATCH +ENTITY +STATE +FIRST SEEN +LAST SEEN +COUNT +ACKED +SILENCED UNTIL$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^auth\.one +\{"destination\.ip":"10\.0\.0\.5","source\.ip":"203\.0\.113\.7"\} +ongoing .* 3 +no +-$/),
      expect.stringMatching(/^auth\.one +\{"destination\.ip":"10\.0\.0\.5","source\.ip":"198\.51\.100\.9"\} +new .* 1 +no +-$/),
    ]);
    expect((await vigil(['alerts', 'list', '--state', 'open'])).code).toBe(2);
  });

  it('acks one entity by its printed key, then the rest of the watch', async () => {
    const one = await vigil(['watch', 'ack', 'auth.one', '--entity', entityKey(attacker)]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(`acked auth.one ${entityKey(attacker)}`);
    expect(one.stdout).toContain('1 alert(s) acknowledged');
    const rest = await vigil(['watch', 'ack', 'auth.one']);
    expect(rest.stdout).toContain(`acked auth.one ${entityKey(other)}`);
    expect(rest.stdout).toContain('1 alert(s) acknowledged, 1 already acknowledged');
    const acked = JSON.parse((await vigil(['alerts', 'list', '--watch', 'auth.one', '--state', 'new,ongoing', '--json'])).stdout) as AlertRecord[];
    expect(acked.map((a) => a.acked)).toEqual([true, true]);
    const nobody = await vigil(['watch', 'ack', 'auth.one', '--entity', 'source.ip=192.0.2.99,destination.ip=10.0.0.5']);
    expect(nobody.code).toBe(1);
  });

  it('silences one entity given as field=value, or the whole watch, until a time', async () => {
    const before = Date.now();
    const one = await vigil(['watch', 'silence', 'auth.one', '--entity', 'destination.ip=10.0.0.5,source.ip=198.51.100.9', '--until', '2h']);
    expect(one.code).toBe(0);
    const until = /until (\S+)$/m.exec(one.stdout)?.[1] ?? '';
    expect(Date.parse(until) - before).toBeGreaterThanOrEqual(2 * 3_600_000 - 1000);
    expect(Date.parse(until) - before).toBeLessThan(2 * 3_600_000 + 30_000);
    const alerts = JSON.parse((await vigil(['alerts', 'list', '--watch', 'auth.one', '--json'])).stdout) as AlertRecord[];
    expect(alerts.find((a) => a.entity['source.ip'] === '198.51.100.9')?.silenced_until).toBe(until);
    expect(alerts.find((a) => a.entity['source.ip'] === '203.0.113.7')?.silenced_until).toBeUndefined();

    const whole = await vigil(['watch', 'silence', 'auth.one', '--until', '2099-01-01T00:00:00Z']);
    expect(whole.stdout).toBe('silenced auth.one (all entities) until 2099-01-01T00:00:00.000Z\n');
    const got = JSON.parse((await vigil(['watch', 'get', 'auth.one', '--json'])).stdout) as { status: { silenced_until?: string } };
    expect(got.status.silenced_until).toBe('2099-01-01T00:00:00.000Z');

    const past = await vigil(['watch', 'silence', 'auth.one', '--until', '2001-01-01T00:00:00Z']);
    expect(past.code).toBe(2);
    expect(past.stderr).toContain('is not in the future');
    expect((await vigil(['watch', 'silence', 'no.such', '--until', '1h'])).code).toBe(1);
  });
});
