// `vigil stats top-sources` and `vigil stats source` against the real Elasticsearch. The corpus is
// made of real log lines (sshd, ufw, tcpdump, OSSEC, Windows) run through Vigil's own parsers, so
// the attack-evidence clauses are checked against what the parsers really write; every figure is
// compared with a model of the corpus computed here.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ResponseAuditDocument } from '@vigil/actions';
import type { EcsEvent } from '@vigil/core';
import { parserFor, toEvent, type ParseContext } from '@vigil/parsers';
import { createElasticsearchClient, eventIndex, setupIndices } from '@vigil/store';
import { ResponseAudit } from '@vigil/watcher';
import { dropPrefix, repoRoot, runVigil, serviceEnv, uniquePrefix, type VigilResult } from '@vigil/testkit';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('stats-cli');
const empty = uniquePrefix('stats-cli-none');
const cwd = mkdtempSync(join(tmpdir(), 'vigil-stats-cli-'));
const es = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const UNTIL = '2026-11-23T00:00:00.000Z';
const RANGE = ['--since', '6d', '--until', UNTIL];
const ctx: ParseContext = { timezone: 'UTC', now: new Date(UNTIL) };

function vigil(args: string[], options: { prefix?: string } = {}): Promise<VigilResult> {
  return runVigil(args, { cwd, prefix: options.prefix ?? prefix });
}

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `2026 Nov 20 10:00:01`, as OSSEC and the Windows WinEvtLog lines write times. */
const spelled = (t: Date) => `${t.getUTCFullYear()} ${MONTHS[t.getUTCMonth()]} ${pad(t.getUTCDate())} ${t.toISOString().slice(11, 19)}`;

/** A real log line, what the statistics call it, and whether it is attack evidence. */
interface Line {
  source: string;
  text: string;
  dataset: string;
  action: string;
  evidence: boolean;
}
type Kind = (t: Date, ip: string) => Line;
const line = (source: string, text: string, dataset: string, action: string, evidence = true): Line => ({ source, text, dataset, action, evidence });

/** `tcpdump -n -tttt` packet lines, IPv4 or IPv6. */
function packet(t: Date, ip: string, rest: string): string {
  const v6 = ip.includes(':');
  const time = `${t.toISOString().slice(0, 10)} ${t.toISOString().slice(11, 19)}.000000`;
  return `${time} ${v6 ? 'IP6' : 'IP'} ${ip}.51234 > ${v6 ? '2001:db8::1' : '10.0.0.8'}.22: ${rest}`;
}
const UFW = [
  '[UFW BLOCK] IN=eth0 OUT= MAC=08:00:27:00:00:01:08:00:27:00:00:02:08:00 SRC=',
  ' DST=10.0.2.15 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP',
  ' SPT=51514 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0',
];
/** A Windows 4625 as OSSEC/Wazuh forward it (../shared/fixtures/excerpts/windows-4625-winevtlog-legacy.log), around its source address. */
const WINDOWS = [
  'WinEvtLog: Security: AUDIT_FAILURE(4625): Microsoft-Windows-Security-Auditing: (no user): no domain: WIN-1: An account failed to log on.',
  'Subject: Security ID: S-1-5-10 Account Name: WIN-1$ Account Domain: WORKGROUP Logon ID: 0x3E7 Logon Type: 10',
  'Account For Which Logon Failed: Security ID: S-1-0-0 Account Name: Santiago Account Domain: test2',
  'Failure Information: Failure Reason: Unknown user name or bad password. Status: 0xC000006D Sub Status: 0xC0000064',
  'Process Information: Caller Process ID: 0xb50 Caller Process Name: C:\\Windows\\System32\\winlogon.exe',
  'Network Information: Workstation Name: WIN-1 Source Network Address:',
].join(' ');
const WINDOWS_TAIL =
  'Source Port: 0 Detailed Authentication Information: Logon Process: User32 Authentication Package: Negotiate Transited Services: - ' +
  'Package Name (NTLM only): - Key Length: 0 This event is generated when a logon request fails. It.';
/** An OSSEC alerts.log block of a web attack rule: no authentication group, so no outcome — matched by event.kind: alert alone. */
function ossecAlert(t: Date, ip: string, rule: string): string {
  const head = `** Alert ${t.getTime() / 1000}.1: - web,accesslog,attack,\n${spelled(t)} web1->/var/log/nginx/access.log`;
  return `${head}\nRule: 31104 (level 6) -> '${rule}'\nSrc IP: ${ip}\n${ip} - - [20/Nov/2026:10:00:01 +0000] "GET /?id=1%27 HTTP/1.1" 200 512`;
}

const KINDS: Record<string, Kind> = {
  ssh: (t, ip) => line('syslog', `${t.toISOString()} web1 sshd[123]: Failed password for root from ${ip} port 51514 ssh2`, 'auth', 'ssh_login'),
  invalid: (t, ip) => line('syslog', `${t.toISOString()} web1 sshd[124]: Invalid user admin from ${ip} port 51515`, 'auth', 'ssh_login'),
  ufw: (t, ip) => line('syslog', `${t.toISOString()} fw kernel: ${UFW[0]}${ip}${UFW[1]}${UFW[2]}`, 'netfilter', 'drop'),
  syn: (t, ip) => line('tcpdump', packet(t, ip, 'Flags [S], seq 1, win 64240, length 0'), 'tcpdump', 'tcp_syn'),
  ossec: (t, ip) => line('ossec', ossecAlert(t, ip, 'Common web attack.'), 'ossec', 'Common web attack.'),
  windows: (t, ip) => line('windows', `${spelled(t)} ${WINDOWS} ${ip} ${WINDOWS_TAIL}`, 'windows', 'logon-failed'),
  // not evidence
  accepted: (t, ip) => line('syslog', `${t.toISOString()} web1 sshd[125]: Accepted password for bob from ${ip} port 51516 ssh2`, 'auth', 'ssh_login', false),
  ack: (t, ip) => line('tcpdump', packet(t, ip, 'Flags [.], ack 1, win 64240, length 0'), 'tcpdump', 'tcp_ack', false),
};
const EVIDENCE_V4 = ['ssh', 'invalid', 'ufw', 'syn', 'ossec', 'windows'];
const EVIDENCE_V6 = ['ssh', 'invalid', 'syn'];

interface Made {
  ip: string;
  time: string;
  dataset: string;
  action: string;
  evidence: boolean;
  event: EcsEvent;
}
const made: Made[] = [];
let clock = 0;
/** Adds one event of `kind` from `ip` on one of the five days, at a time no other event has. */
function add(ip: string, kind: string, day: number): void {
  clock += 1;
  const t = new Date(Date.parse('2026-11-18T00:00:00Z') + day * 86_400_000 + ((clock * 7919) % 86_000) * 1000);
  const k = (KINDS[kind] as Kind)(t, ip);
  const event = toEvent(parserFor(k.source), k.text, ctx);
  if (event.source?.ip !== ip || event['@timestamp'].slice(0, 19) !== t.toISOString().slice(0, 19)) {
    throw new Error(`the ${kind} line did not parse as expected: ${JSON.stringify(event)}`);
  }
  made.push({ ip, time: t.toISOString(), dataset: k.dataset, action: k.action, evidence: k.evidence, event });
}

// 300 sources with 1 to 13 evidence events (a quarter with 3 others), 30 of them IPv6
for (let n = 0; n < 300; n += 1) {
  const ip = n < 150 ? `203.0.113.${n + 1}` : n < 270 ? `198.51.100.${n - 149}` : `2001:db8:1::${(n - 269).toString(16)}`;
  const kinds = ip.includes(':') ? EVIDENCE_V6 : EVIDENCE_V4;
  for (let k = 0; k < 1 + ((n * 5) % 13); k += 1) add(ip, kinds[(n + k) % kinds.length] as string, (n + k) % 5);
  if (n % 4 === 0) for (let k = 0; k < 3; k += 1) add(ip, k === 0 ? 'accepted' : 'ack', k);
}
const HEAVY: [string, number][] = [['218.92.0.107', 300], ['61.177.172.13', 200], ['2001:db8:ffff::7', 120], ['45.148.10.1', 60]];
for (const [ip, count] of HEAVY) {
  const kinds = ip.includes(':') ? EVIDENCE_V6 : EVIDENCE_V4;
  for (let k = 0; k < count; k += 1) add(ip, kinds[k % kinds.length] as string, k % 5);
}
// the most active of all, on a local network
for (let k = 0; k < 400; k += 1) add('10.20.30.40', EVIDENCE_V4[k % 6] as string, k % 5);
// one address per kind, 3 events each: which kinds count as attack evidence
const PROBES = Object.keys(KINDS).map((kind, i) => ({ kind, ip: `192.0.2.${i + 1}` }));
for (const { kind, ip } of PROBES) for (let k = 0; k < 3; k += 1) add(ip, kind, k);

/** First and last time of some events. */
function seen(ms: Made[]): { first_seen: string; last_seen: string } {
  const times = ms.map((m) => m.time).sort();
  return { first_seen: times[0] as string, last_seen: times.at(-1) as string };
}

/** The model: evidence per source, outside local networks unless `local`. */
function ranked(options: { local?: boolean; all?: boolean } = {}) {
  const by = new Map<string, Made[]>();
  const counted = made.filter((m) => (options.all === true || m.evidence) && (options.local === true || !m.ip.startsWith('10.')));
  for (const m of counted) by.set(m.ip, [...(by.get(m.ip) ?? []), m]);
  const frequent = (values: string[]) => {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
  };
  return [...by.entries()]
    .map(([ip, ms]) => ({ ip, count: ms.length, ...seen(ms), datasets: frequent(ms.map((m) => m.dataset)), actions: frequent(ms.map((m) => m.action)) }))
    .sort((a, b) => b.count - a.count || order(a.ip) - order(b.ip));
}
/** Elasticsearch's order of `ip` keys, enough for this corpus: IPv4 numerically, then IPv6 by text (same length prefix). */
function order(ip: string): number {
  if (ip.includes(':')) return 2 ** 33 + parseInt(ip.split(':').at(-1) as string, 16) + (ip.startsWith('2001:db8:ffff') ? 2 ** 20 : 0);
  return ip.split('.').reduce((v, o) => v * 256 + Number(o), 0);
}

const audit = new ResponseAudit({ client: es, prefix });

beforeAll(async () => {
  await setupIndices(es, prefix);
  const operations = made.flatMap((m) => [{ index: { _index: eventIndex(prefix, m.event.event.dataset, m.event['@timestamp']) } }, m.event]);
  const response = await es.bulk({ operations, refresh: true });
  if (response.errors) throw new Error(JSON.stringify(response.items.find((i) => i.index?.error !== undefined)));
  // a block of 218.92.0.107 in force on web-1 at --until, and an earlier one that ran out
  const blocked = (request: string, at: string, expires: string, step: number): ResponseAuditDocument => ({
    id: `${request}:blocked`,
    '@timestamp': at,
    request_id: request,
    action: 'block',
    outcome: 'blocked',
    ip: '218.92.0.107',
    host: { name: 'web-1' },
    backend: 'ipset',
    expires,
    duration_ms: Date.parse(expires) - Date.parse(at),
    step,
    reason: 'brute force',
    origin: 'watch',
    watch_id: 'auth.credential_access_ssh_bruteforce',
  });
  await audit.record(blocked('blk-aaaaaaaaaaaaaaaaaaaaaaaa-web-1', '2026-11-22T20:00:00.000Z', '2026-11-23T20:00:00.000Z', 2));
  await audit.record(blocked('blk-bbbbbbbbbbbbbbbbbbbbbbbb-web-1', '2026-11-19T08:00:00.000Z', '2026-11-19T09:00:00.000Z', 1));
}, 120_000);

afterAll(async () => {
  await dropPrefix(es, prefix);
  await dropPrefix(es, empty);
  await es.close();
});

describe('vigil stats top-sources', () => {
  it('--format json: the most frequent Internet sources, exactly as the model counts them; what --limit cut is on stderr', async () => {
    expect(made.length).toBeGreaterThan(2500);
    const result = await vigil(['stats', 'top-sources', ...RANGE, '--limit', '6', '--format', 'json']);
    expect(result.code).toBe(0);
    const model = ranked();
    expect(JSON.parse(result.stdout)).toEqual(model.slice(0, 6));
    expect(JSON.parse(result.stdout).map((r: { ip: string }) => r.ip).slice(0, 4)).toEqual(HEAVY.map(([ip]) => ip));
    const otherEvents = model.slice(6).reduce((s, r) => s + r.count, 0);
    expect(result.stderr).toBe(`vigil: ${model.length - 6} more sources (approx.) with ${otherEvents} events not listed: beyond --limit 6\n`);
  });

  it('counts each parser\'s attack evidence (failures, OSSEC alerts, firewall denials, SYN captures) and nothing else', async () => {
    const result = await vigil(['stats', 'top-sources', ...RANGE, '--limit', '1000', '--format', 'json']);
    const rows = JSON.parse(result.stdout) as { ip: string; count: number; datasets: string[]; actions: string[] }[];
    const probe = (kind: string) => rows.find((r) => r.ip === PROBES.find((p) => p.kind === kind)?.ip);
    for (const kind of EVIDENCE_V4) expect({ kind, count: probe(kind)?.count }).toEqual({ kind, count: 3 });
    expect(probe('ossec')).toMatchObject({ datasets: ['ossec'], actions: ['Common web attack.'] });
    expect(probe('accepted')).toBeUndefined();
    expect(probe('ack')).toBeUndefined();
    expect(rows).toEqual(ranked());
    expect(result.stderr).toBe('');
    // --all-events: every event with a source address
    const all = await vigil(['stats', 'top-sources', ...RANGE, '--limit', '1000', '--format', 'json', '--all-events']);
    expect(JSON.parse(all.stdout)).toEqual(ranked({ all: true }));
  });

  it('leaves local networks out by default and keeps them with --exclude none; --exclude replaces the default list', async () => {
    const none = await vigil(['stats', 'top-sources', ...RANGE, '--limit', '2', '--format', 'json', '--exclude', 'none']);
    expect(JSON.parse(none.stdout).map((r: { ip: string; count: number }) => [r.ip, r.count])).toEqual([['10.20.30.40', 400], ['218.92.0.107', 300]]);
    const custom = await vigil(['stats', 'top-sources', ...RANGE, '--limit', '2', '--format', 'json', '--exclude', '218.92.0.0/16, 10.0.0.0/8']);
    expect(JSON.parse(custom.stdout).map((r: { ip: string }) => r.ip)).toEqual(['61.177.172.13', '2001:db8:ffff::7']);
  });

  it('--min: only the sources that crossed it', async () => {
    const result = await vigil(['stats', 'top-sources', ...RANGE, '--min', '60', '--format', 'json']);
    expect(JSON.parse(result.stdout).map((r: { ip: string; count: number }) => [r.ip, r.count])).toEqual(HEAVY);
    expect(result.stderr).toMatch(/^vigil: \d+ more sources \(approx\.\) with \d+ events not listed: under --min 60\n$/);
  });

  it('table: aligned columns, counts right-aligned', async () => {
    const result = await vigil(['stats', 'top-sources', ...RANGE, '--limit', '3']);
    const lines = result.stdout.trimEnd().split('\n');
    const model = ranked();
    expect(lines).toHaveLength(4);
    const cells = [
      ['RANK', 'IP', 'EVENTS', 'FIRST SEEN', 'LAST SEEN', 'DATASETS', 'ACTIONS'],
      ...model.slice(0, 3).map((r, i) => [String(i + 1), r.ip, String(r.count), r.first_seen, r.last_seen, r.datasets.join(','), r.actions.join(',')]),
    ];
    const width = (c: number) => Math.max(...cells.map((row) => (row[c] as string).length));
    const right = new Set([0, 2]);
    const aligned = (cell: string, c: number) => (right.has(c) ? cell.padStart(width(c)) : c === 6 ? cell : cell.padEnd(width(c)));
    expect(lines).toEqual(cells.map((row) => row.map(aligned).join('  ')));
    expect(lines[0]).toMatch(/^RANK {2}IP {16}EVENTS {2}FIRST SEEN/);
    expect(lines[1]).toMatch(/^ {3}1 {2}218\.92\.0\.107 {9}300 {2}2026-11-18T/);
  });

  it('csv: RFC 4180, CRLF records, a cell that would be a formula is defused', async () => {
    // an OSSEC rule whose description is a spreadsheet formula
    const t = new Date('2026-11-21T12:00:00Z');
    const text = ossecAlert(t, '233.252.0.1', '=HYPERLINK("http://evil.example","x")');
    const written = await es.index({ index: eventIndex(prefix, 'ossec', t), document: toEvent(parserFor('ossec'), text, ctx), refresh: true });
    try {
      // everything but 224.0.0.0/3, where the address is
      const result = await vigil(['stats', 'top-sources', ...RANGE, '--format', 'csv', '--exclude', '0.0.0.0/1,128.0.0.0/2,192.0.0.0/3,2000::/3']);
      expect(result.stdout).toBe(
        'ip,count,first_seen,last_seen,datasets,actions\r\n' +
          '233.252.0.1,1,2026-11-21T12:00:00.000Z,2026-11-21T12:00:00.000Z,ossec,"\'=HYPERLINK(""http://evil.example"",""x"")"\r\n',
      );
    } finally {
      await es.delete({ index: written._index, id: written._id, refresh: true });
    }
  });

  it('--chart writes a PNG bar chart of the list', async () => {
    const file = join(cwd, 'top.png');
    const result = await vigil(['stats', 'top-sources', ...RANGE, '--limit', '5', '--format', 'json', '--chart', file]);
    expect(result).toMatchObject({ code: 0, stderr: expect.stringContaining(`wrote the chart of 5 sources to ${file}`) });
    const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(readFileSync(file).subarray(0, 8)).toEqual(PNG);
    // a chart holds at most 100 bars: a longer list is charted in part, and the note says so
    const long = await vigil(['stats', 'top-sources', ...RANGE, '--limit', '150', '--format', 'json', '--chart', file]);
    expect(long.stderr).toContain(`wrote the chart of 100 sources to ${file} (the first 100 of 150: a chart holds at most 100 bars)`);
    expect(JSON.parse(long.stdout)).toHaveLength(150);
    expect(readFileSync(file).subarray(0, 8)).toEqual(PNG);
  });

  it('an empty index prefix: nothing, no error', async () => {
    const table = await vigil(['stats', 'top-sources', ...RANGE], { prefix: empty });
    expect(table).toEqual({ code: 0, stdout: `no source addresses from 2026-11-17T00:00:00.000Z to ${UNTIL}\n`, stderr: '' });
    expect(await vigil(['stats', 'top-sources', ...RANGE, '--format', 'json'], { prefix: empty })).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('usage errors exit 2 with the reason', async () => {
    for (const [args, message] of [
      [['--exclude', '10.0.0.1/8'], /--exclude: "10.0.0.1\/8" is not a CIDR range or address: .*host bits set/],
      [['--limit', '0'], /--limit must be a whole number from 1 to 1000, got "0"/],
      [['--since', 'yesterday'], /--since must be a duration/],
      [['--until', '2026-11-23T00:00:00'], /--until must be an ISO time with a zone/],
      [['--format', 'xml'], /--format must be table, json, csv, got "xml"/],
    ] as const) {
      const result = await vigil(['stats', 'top-sources', ...args]);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
    }
  });
});

describe('vigil stats source', () => {
  it('--format json: per day, dataset and action, the responses and the block in force', async () => {
    const result = await vigil(['stats', 'source', '218.92.0.107', ...RANGE, '--format', 'json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(result.stdout);
    const mine = made.filter((m) => m.ip === '218.92.0.107');
    const groups = new Map<string, number>();
    for (const m of mine) {
      const key = `${m.time.slice(0, 10)}|${m.dataset}|${m.action}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    const days = [...groups.entries()]
      .map(([key, count]) => {
        const [day, dataset, action] = key.split('|') as [string, string, string];
        return { day, dataset, action, count };
      })
      // oldest day first; within a day most events first, then by dataset and action
      .sort((a, b) => (a.day !== b.day ? (a.day < b.day ? -1 : 1) : b.count - a.count || (a.dataset + a.action < b.dataset + b.action ? -1 : 1)));
    expect(report).toMatchObject({ ip: '218.92.0.107', count: 300, ...seen(mine), days, truncated: false });
    const ids = report.responses.map((d: { id: string }) => d.id);
    expect(ids).toEqual(['blk-aaaaaaaaaaaaaaaaaaaaaaaa-web-1:blocked', 'blk-bbbbbbbbbbbbbbbbbbbbbbbb-web-1:blocked']);
    const inForce = { ip: '218.92.0.107', host: 'web-1', expires: '2026-11-23T20:00:00.000Z', request_id: 'blk-aaaaaaaaaaaaaaaaaaaaaaaa-web-1' };
    expect(report.blocked).toEqual([expect.objectContaining(inForce)]);
  });

  it('table: the summary, whether it is blocked, the days, the audit; the address is canonicalized', async () => {
    const result = await vigil(['stats', 'source', '::ffff:218.92.0.107', ...RANGE]);
    const lines = result.stdout.split('\n');
    const { first_seen, last_seen } = seen(made.filter((m) => m.ip === '218.92.0.107'));
    expect(lines[0]).toBe(`218.92.0.107: 300 attack events from 2026-11-17T00:00:00.000Z to ${UNTIL}, first ${first_seen}, last ${last_seen}`);
    expect(lines[1]).toBe(`blocked at ${UNTIL} on web-1 until 2026-11-23T20:00:00.000Z (request blk-aaaaaaaaaaaaaaaaaaaaaaaa-web-1)`);
    expect(lines[3]).toMatch(/^DAY {9}DATASET {4}ACTION +EVENTS$/);
    expect(result.stdout).toMatch(/\nTIME {22}OUTCOME {2}ACTION {2}HOST {3}EXPIRES/);
    // a day later the block has run out
    const later = await vigil(['stats', 'source', '218.92.0.107', '--since', '7d', '--until', '2026-11-24T00:00:00Z']);
    expect(later.stdout.split('\n')[1]).toBe('not blocked at 2026-11-24T00:00:00.000Z');
  });

  it('an address with nothing recorded, and a text that is no address (exit 2)', async () => {
    const quiet = await vigil(['stats', 'source', '2001:DB8::dead', ...RANGE]);
    const stdout = `2001:db8::dead: no attack events from 2026-11-17T00:00:00.000Z to ${UNTIL}\nnot blocked at ${UNTIL}\n\nno responses recorded\n`;
    expect(quiet).toEqual({ code: 0, stdout, stderr: '' });
    const probe = PROBES.find((p) => p.kind === 'accepted')?.ip as string;
    const all = await vigil(['stats', 'source', probe, ...RANGE, '--all-events', '--format', 'json']);
    const days = [18, 19, 20].map((d) => ({ day: `2026-11-${d}`, dataset: 'auth', action: 'ssh_login', count: 1 }));
    expect(JSON.parse(all.stdout)).toMatchObject({ count: 3, days });
    for (const bad of ['10.0.0.0/8', '999.1.1.1', '203.0.113.7 ', 'ff02::1']) {
      const result = await vigil(['stats', 'source', bad]);
      expect({ bad, code: result.code, stdout: result.stdout }).toEqual({ bad, code: 2, stdout: '' });
      expect(result.stderr).toMatch(/^vigil: .*is not an IP address/);
    }
  });
});
