import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { createElasticsearchClient, ElasticsearchHistoryStore, eventIndex, setupIndices } from '@vigil/store';
import { dropPrefix, repoRoot, runVigil, serviceEnv, uniquePrefix, waitForMessage } from '@vigil/testkit';

const root = repoRoot();
const prefix = uniquePrefix('cli-run');
const cwd = mkdtempSync(join(tmpdir(), 'vigil-cli-run-'));
const portscan = join(root, 'watches', 'network', 'discovery_portscan.yaml');
let client: Client;

const vigil = (args: string[]) => runVigil(args, { cwd, prefix });

/** SYN events: a scan of 80 ports in 8 s from .66, and a client touching 2 ports, from 12:00:00Z. */
function events(): Record<string, unknown>[] {
  const syn = (ms: number, source: string, port: number) => ({
    '@timestamp': new Date(Date.parse('2026-11-22T12:00:00Z') + ms).toISOString(),
    tags: ['tcp_connection_started'],
    source: { ip: source, port: 50_000 + port },
    destination: { ip: '192.0.2.10', port },
  });
  return [...Array.from({ length: 80 }, (_, i) => syn(i * 100, '198.51.100.66', i + 1)), syn(500, '198.51.100.7', 22), syn(900, '198.51.100.7', 443)];
}

beforeAll(async () => {
  client = createElasticsearchClient({ url: serviceEnv(root).VIGIL_ELASTICSEARCH_URL });
  await setupIndices(client, prefix);
  const operations = events().flatMap((doc) => [{ create: { _index: eventIndex(prefix, 'tcpdump', doc['@timestamp'] as string) } }, doc]);
  expect((await client.bulk({ operations, refresh: 'wait_for' })).errors).toBe(false);
});

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

describe('vigil watch run', () => {
  it('--dry-run --json prints the one object scripts rely on, and changes no state', async () => {
    const result = await vigil(['watch', 'run', portscan, '--at', '2026-11-22T12:00:20Z', '--dry-run', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).toEqual({
      watch: 'network.discovery_portscan',
      window: { from: '2026-11-22T11:59:40.000Z', to: '2026-11-22T12:00:20.000Z' },
      hits: 82,
      alerts: [{ entity: { 'source.ip': '198.51.100.66', 'destination.ip': '192.0.2.10' }, payload: expect.objectContaining({ unique_ports: 80 }), state: 'new' }],
      actions: [expect.objectContaining({ id: 'mail', status: 'simulated' }), expect.objectContaining({ id: 'log', status: 'simulated' }), expect.objectContaining({ id: 'notable', status: 'simulated' })],
      truncated: [],
      kept_active: 0,
    });
    const alerts = await client.count({ index: `${prefix}-alerts` });
    expect(alerts.count).toBe(0);
  });

  it('a real run raises the alert, runs the actions and writes history; a second run of the same window notifies nobody', async () => {
    const first = await vigil(['watch', 'run', portscan, '--at', '2026-11-22T12:00:20Z']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('1 alert(s)');
    expect(first.stdout).toMatch(/action log \(log\) executed/);
    expect(first.stdout).toMatch(/action mail \(email\) executed/);
    expect(first.stderr).toContain('Port scan from 198.51.100.66 to 192.0.2.10: 80 distinct ports');
    const again = await vigil(['watch', 'run', portscan, '--at', '2026-11-22T12:00:20Z', '--json']);
    expect((JSON.parse(again.stdout) as { actions: { status: string }[] }).actions.map((a) => a.status)).toEqual(['skipped', 'skipped', 'skipped']);
    await client.indices.refresh({ index: `${prefix}-*` });
    expect((await client.count({ index: `${prefix}-watch-history-*` })).count).toBe(2);
    expect((await client.count({ index: `${prefix}-alerts` })).count).toBe(1);
  });

  it('a watch with email, webhook and Slack actions: --dry-run shows what each would send, secrets by name only; a real run mails the team', async () => {
    const file = join(cwd, 'notify.yaml');
    const stamp = prefix.slice(-8);
    writeFileSync(
      file,
      readFileSync(portscan, 'utf8').replace('id: network.discovery_portscan', 'id: network.discovery_portscan_notify').replace(
        /\nactions:[\s\S]*$/,
        [
          '\nactions:',
          '  mail:',
          '    type: email',
          `    to: [soc-${stamp}@example.org]`,
          '  st2:',
          '    type: webhook',
          '    url: http://127.0.0.1:9/api/v1/webhooks/portscan',
          '    headers:',
          `      St2-Api-Key: '{{secret "st2_api_key"}}'`,
          `    body: '{"src": "{{entity.[source.ip]}}"}'`,
          '  chat:',
          '    type: slack',
          '    secret: slack_ops',
          '',
        ].join('\n'),
      ),
    );
    const secrets = { VIGIL_SECRET_ST2_API_KEY: 'st2-key-0b1c2d', VIGIL_SECRET_SLACK_OPS: 'http://127.0.0.1:9/hooks/T000/B000/XXXX' };
    const dry = await runVigil(['watch', 'run', file, '--at', '2026-11-22T12:00:20Z', '--dry-run', '--json'], { cwd, prefix, extra: secrets });
    expect(dry.code).toBe(0);
    expect(dry.stdout).not.toContain('st2-key-0b1c2d');
    expect(dry.stdout).not.toContain('XXXX');
    const report = JSON.parse(dry.stdout) as { actions: { id: string; status: string; detail: Record<string, any> }[] };
    const byId = Object.fromEntries(report.actions.map((a) => [a.id, a]));
    expect(Object.values(byId).map((a) => a.status)).toEqual(['simulated', 'simulated', 'simulated']);
    expect(byId.mail!.detail.subject).toContain('198.51.100.66');
    expect(byId.mail!.detail.subject).toContain('192.0.2.10');
    expect(byId.mail!.detail.text).toContain('vigil watch ack network.discovery_portscan_notify --entity');
    expect(byId.st2!.detail.request.headers['St2-Api-Key']).toBe('[secret:st2_api_key]');
    expect(JSON.parse(byId.st2!.detail.request.body as string)).toEqual({ src: '198.51.100.66' });
    expect(byId.chat!.detail.request.url).toBe('[secret:slack_ops]');

    // a real run, the mail only (the HTTP endpoints above are closed ports)
    const mailOnly = join(cwd, 'mail.yaml');
    writeFileSync(mailOnly, readFileSync(file, 'utf8').replace(/\n  st2:[\s\S]*$/, '\n'));
    const real = await runVigil(['watch', 'run', mailOnly, '--at', '2026-11-22T12:00:20Z', '--json'], { cwd, prefix, extra: secrets });
    expect(real.code).toBe(0);
    const message = await waitForMessage(serviceEnv(root).VIGIL_MAIL_API_URL, (m) => m.To.some((t) => t.Address === `soc-${stamp}@example.org`));
    expect(message.Subject).toContain('198.51.100.66');
    expect(message.Subject).toContain('192.0.2.10');
    expect(message.Text).toContain('198.51.100.66');
    expect(message.Text).toContain('192.0.2.10');
  });

  it('names a watch that is neither a file nor registered', async () => {
    const result = await vigil(['watch', 'run', 'no.such_watch']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no watch file or registered watch "no.such_watch"');
  });

  it('rejects a bad --at', async () => {
    const result = await vigil(['watch', 'run', portscan, '--at', 'yesterday']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--at: "yesterday" is not a time');
  });
});

describe('a run whose result was cut', () => {
  /** The port-scan watch under another id, optionally with an entity bound. */
  function portscanCopy(name: string, id: string, paging = ''): string {
    const file = join(cwd, name);
    writeFileSync(file, readFileSync(portscan, 'utf8').replace('id: network.discovery_portscan', `id: ${id}`).replace('    query:\n', `${paging}    query:\n`));
    return file;
  }

  it('prints the truncation (text and --json), records it in history, keeps the alert it no longer sees, and vigil doctor lists the watch', async () => {
    const id = 'network.discovery_portscan_bounded';
    const full = portscanCopy('full.yaml', id);
    // one entity per run: the composite's first pair is the ordinary client's (198.51.100.7 < .66), the scanner is cut
    const bounded = portscanCopy('bounded.yaml', id, '    paging: { max_entities: 1 }\n');
    expect((await vigil(['watch', 'run', full, '--at', '2026-11-22T12:00:20Z'])).stdout).toContain('1 alert(s)');

    const dry = await vigil(['watch', 'run', bounded, '--at', '2026-11-22T12:00:30Z', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const cut = { path: 'aggregations.by_pair', reason: 'entity bound', entities: 1, pages: 1, bound: 1, affects_entities: true };
    expect(JSON.parse(dry.stdout)).toMatchObject({ alerts: [], truncated: [cut], kept_active: 1 });

    const real = await vigil(['watch', 'run', bounded, '--at', '2026-11-22T12:00:30Z']);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain('  truncated aggregations.by_pair: entity bound (entities 1, pages 1, bound 1): entities may be missing\n');
    expect(real.stdout).toContain('  1 active alert(s) not matched and kept, not resolved: the result was truncated\n');
    const history = await new ElasticsearchHistoryStore({ client, prefix }).list(id);
    expect(history.map((h) => [h.window.to, h.truncated, h.kept_active])).toEqual([
      ['2026-11-22T12:00:30.000Z', [cut], 1],
      ['2026-11-22T12:00:20.000Z', undefined, undefined],
    ]);
    const alerts = await client.search<{ state: string }>({ index: `${prefix}-alerts`, query: { term: { watch_id: id } } });
    expect(alerts.hits.hits.map((h) => h._source?.state)).toEqual(['new']);

    const doctor = await vigil(['doctor', '--json']);
    const { checks } = JSON.parse(doctor.stdout) as { checks: { name: string; status: string; summary: string }[] };
    expect(checks.find((c) => c.name === 'truncation')).toMatchObject({ status: 'warn', summary: expect.stringContaining(`${id} (1 run(s), last `) });
  });
});

describe('vigil watch test', () => {
  it('replays window by window: one notification for the scan, throttled after, then resolved', async () => {
    const file = join(cwd, 'portscan-with-resolve.yaml');
    const text = (await import('node:fs')).readFileSync(portscan, 'utf8');
    writeFileSync(file, `${text}on_resolve:\n  resolved:\n    type: log\n`);
    const result = await vigil(['watch', 'test', file, '--from', '2026-11-22T11:59:50Z', '--to', '2026-11-22T12:01:00Z', '--json']);
    expect(result.code).toBe(0);
    const reports = JSON.parse(result.stdout) as { window: { to: string }; alerts: { state: string }[]; actions: { id: string; status: string }[] }[];
    expect(reports.map((r) => [r.window.to.slice(11, 19), r.alerts.map((a) => a.state).join(), r.actions.map((a) => `${a.id}:${a.status}`).join()])).toEqual([
      ['12:00:00', '', ''],
      ['12:00:10', 'new', 'mail:simulated,log:simulated,notable:simulated'],
      ['12:00:20', 'ongoing', 'mail:throttled,log:throttled,notable:throttled'],
      ['12:00:30', 'ongoing', 'mail:throttled,log:throttled,notable:throttled'],
      // within: 30s searches 40 s per run: the scan stays in view one window longer, throttled still
      ['12:00:40', 'ongoing', 'mail:throttled,log:throttled,notable:throttled'],
      ['12:00:50', '', 'resolved:simulated'],
      ['12:01:00', '', ''],
    ]);
  });
});
