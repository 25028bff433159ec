// `vigil blocklist export` against the real Elasticsearch: blocks written to the audit through
// ResponseAudit.record and alerts through the alert store; every format compared whole, and the
// ipset and nftables files loaded by the real tools in a network namespace of their own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ResponseAuditDocument } from '@vigil/actions';
import { createElasticsearchClient, ElasticsearchAlertStore, setupIndices } from '@vigil/store';
import { ResponseAudit } from '@vigil/watcher';
import { dropPrefix, findTool, repoRoot, runVigil, serviceEnv, testAlert, uniquePrefix, type VigilResult } from '@vigil/testkit';

const env = serviceEnv(repoRoot());
const prefix = uniquePrefix('blocklist-cli');
const empty = uniquePrefix('blocklist-none');
const cwd = mkdtempSync(join(tmpdir(), 'vigil-blocklist-cli-'));
const es = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const RANGE = ['--since', '30d', '--until', '2026-11-23T00:00:00Z'];

function vigil(args: string[], options: { prefix?: string } = {}): Promise<VigilResult> {
  return runVigil(args, { cwd, prefix: options.prefix ?? prefix });
}

/** A responder's outcome for the request `<decision>-<host>`. */
function outcome(decision: string, host: string, ip: string, kind: ResponseAuditDocument['outcome'], at: string): ResponseAuditDocument {
  const request = `${decision}-${host}`;
  const fixed = { action: 'block' as const, backend: 'ipset', reason: 'test', origin: 'watch' as const, expires: '2026-11-30T00:00:00.000Z' };
  return { ...fixed, id: `${request}:${kind}`, '@timestamp': at, request_id: request, outcome: kind, ip, host: { name: host } };
}
const decision = (letter: string) => `blk-${letter.repeat(24)}`;

const header = (count: string, allow = '') =>
  `# vigil blocklist as of 2026-11-23T00:00:00.000Z: ${count} Vigil blocked or alerted on since 2026-10-24T00:00:00.000Z, at least 1 decision each, ` +
  `from ${prefix}-responses-* and ${prefix}-alerts, without the responder's default allowlist${allow}`;
const HEADER = header('8 addresses (5 IPv4, 3 IPv6)');
const V4 = ['2.2.2.2', '23.1.1.1', '198.51.100.23', '203.0.113.5', '203.0.113.77'];
const V6 = ['2001:db8::1', '2001:db8::2', '2001:db8::a:1'];

beforeAll(async () => {
  await setupIndices(es, prefix);
  const audit = new ResponseAudit({ client: es, prefix });
  for (const document of [
    // one decision reaching two hosts counts once; the IPv4-mapped text of a second decision is the same address
    outcome(decision('a'), 'web-1', '198.51.100.23', 'blocked', '2026-11-20T10:00:00.000Z'),
    outcome(decision('a'), 'web-2', '198.51.100.23', 'blocked', '2026-11-20T10:00:01.000Z'),
    outcome(decision('b'), 'db-1', '::ffff:198.51.100.23', 'blocked', '2026-11-21T10:00:00.000Z'),
    outcome(decision('c'), 'web-1', '203.0.113.5', 'blocked', '2026-11-19T10:00:00.000Z'),
    // numeric, not text order: 2.2.2.2 < 23.1.1.1 < 198.51.100.23; IPv6 after IPv4, ::1 < ::2 < ::a:1
    outcome(decision('d'), 'web-1', '23.1.1.1', 'blocked', '2026-11-18T10:00:00.000Z'),
    outcome(decision('e'), 'web-1', '2.2.2.2', 'blocked', '2026-11-18T11:00:00.000Z'),
    outcome(decision('f'), 'web-1', '2001:db8::a:1', 'blocked', '2026-11-18T12:00:00.000Z'),
    outcome(decision('0'), 'web-1', '2001:DB8:0:0::2', 'blocked', '2026-11-18T13:00:00.000Z'),
    outcome(decision('1'), 'web-1', '2001:db8::1', 'blocked', '2026-11-18T14:00:00.000Z'),
    // allowlisted by default: never exported
    outcome(decision('2'), 'web-1', '10.0.0.5', 'blocked', '2026-11-20T10:00:00.000Z'),
    // not blocks in the range
    outcome(decision('3'), 'web-1', '192.0.2.10', 'blocked', '2026-10-01T10:00:00.000Z'),
    outcome(decision('4'), 'web-1', '192.0.2.11', 'requested', '2026-11-20T10:00:00.000Z'),
    outcome(decision('5'), 'web-1', '192.0.2.12', 'failed', '2026-11-20T10:00:00.000Z'),
    outcome(decision('6'), 'web-1', '192.0.2.13', 'blocked', '2026-11-23T00:00:00.000Z'),
    // what an old or foreign writer may have left
    outcome(decision('7'), 'web-1', 'not-an-ip', 'blocked', '2026-11-20T10:00:00.000Z'),
  ])
    await audit.record(document);
  const alerts = new ElasticsearchAlertStore({ client: es, prefix });
  const alert = (watch: string, entity: Record<string, unknown>, lastSeen: string) =>
    alerts.write(testAlert(watch, entity, JSON.stringify(entity), { last_seen: lastSeen }), 'create');
  await alert('auth.brute', { 'source.ip': '203.0.113.77' }, '2026-11-21T10:00:00.000Z');
  await alert('auth.brute', { 'source.ip': '198.51.100.23' }, '2026-11-21T10:00:00.000Z');
  await alert('scan.ports', { 'source.ip': '203.0.113.5' }, '2026-11-22T10:00:00.000Z');
  await alert('auth.brute', { 'source.ip': '192.168.1.9' }, '2026-11-21T10:00:00.000Z');
  await alert('auth.users', { 'user.name': 'root' }, '2026-11-21T10:00:00.000Z');
  await alert('auth.brute', { 'source.ip': '203.0.113.88' }, '2026-10-01T10:00:00.000Z');
});

afterAll(async () => {
  await dropPrefix(es, prefix);
  await dropPrefix(es, empty);
  await es.close();
});

const NOTES =
  'vigil: left out 2 allowlisted addresses: 10.0.0.5 (10.0.0.0/8, private (RFC 1918), a default entry), ' +
  '192.168.1.9 (192.168.0.0/16, private (RFC 1918), a default entry)\n' +
  'vigil: ignored 1 text that is not one host\'s address: "not-an-ip"\n';

describe('vigil blocklist export', () => {
  it('plain: canonical, de-duplicated, IPv4 numerically then IPv6, nothing allowlisted; what was left out on stderr', async () => {
    expect(await vigil(['blocklist', 'export', '--format', 'plain', ...RANGE])).toEqual({ code: 0, stdout: [...V4, ...V6, ''].join('\n'), stderr: NOTES });
  });

  it('hosts.deny and nginx: a header line, then one rule per address', async () => {
    expect((await vigil(['blocklist', 'export', '--format', 'hosts.deny', ...RANGE])).stdout).toBe(
      [HEADER, ...V4.map((ip) => `ALL: ${ip}`), ...V6.map((ip) => `ALL: [${ip}]`), ''].join('\n'),
    );
    const nginx = await vigil(['blocklist', 'export', '--format', 'nginx', ...RANGE]);
    expect(nginx.stdout).toBe([HEADER, ...[...V4, ...V6].map((ip) => `deny ${ip};`), ''].join('\n'));
  });

  it('ipset: a hash:ip set per family, created when missing, flushed, filled', async () => {
    const result = await vigil(['blocklist', 'export', '--format', 'ipset', '--name', 'edge', ...RANGE]);
    expect(result.stdout).toBe(
      [
        HEADER,
        '# load with: ipset restore < FILE; drop with: iptables -I INPUT -m set --match-set edge src -j DROP (ip6tables: edge6)',
        'create edge hash:ip family inet -exist',
        'flush edge',
        ...V4.map((ip) => `add edge ${ip} -exist`),
        'create edge6 hash:ip family inet6 -exist',
        'flush edge6',
        ...V6.map((ip) => `add edge6 ${ip} -exist`),
        '',
      ].join('\n'),
    );
  });

  it('nftables: the two sets with their elements in table inet filter', async () => {
    const result = await vigil(['blocklist', 'export', '--format', 'nftables', ...RANGE]);
    expect(result.stdout).toBe(
      [
        HEADER,
        '# load with: nft -f FILE; drop with rules in inet filter: ip saddr @vigil-blocklist drop; ip6 saddr @vigil-blocklist6 drop',
        'add table inet filter',
        'add set inet filter vigil-blocklist { type ipv4_addr; }',
        'add set inet filter vigil-blocklist6 { type ipv6_addr; }',
        'flush set inet filter vigil-blocklist',
        'flush set inet filter vigil-blocklist6',
        'table inet filter {',
        '\tset vigil-blocklist {',
        '\t\ttype ipv4_addr',
        '\t\telements = {',
        ...V4.map((ip, i) => `\t\t\t${ip}${i === V4.length - 1 ? '' : ','}`),
        '\t\t}',
        '\t}',
        '\tset vigil-blocklist6 {',
        '\t\ttype ipv6_addr',
        '\t\telements = {',
        ...V6.map((ip, i) => `\t\t\t${ip}${i === V6.length - 1 ? '' : ','}`),
        '\t\t}',
        '\t}',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('--min: only addresses with that many decisions (blocks + alerts); --allow adds to the allowlist', async () => {
    const min = await vigil(['blocklist', 'export', '--format', 'plain', '--min', '2', ...RANGE]);
    // 198.51.100.23: decisions a and b, and an alert; 203.0.113.5: decision c and an alert
    expect(min.stdout).toBe('198.51.100.23\n203.0.113.5\n');
    expect(min.stderr).toContain('vigil: left out 6 addresses with fewer than --min 2 decisions\n');
    const allowed = await vigil(['blocklist', 'export', '--format', 'nginx', '--allow', '23.1.1.0/24,2001:db8::/120', ...RANGE]);
    const rest = ['2.2.2.2', '198.51.100.23', '203.0.113.5', '203.0.113.77', '2001:db8::a:1'];
    const allowHeader = header('5 addresses (4 IPv4, 1 IPv6)', ' and 23.1.1.0/24, 2001:db8::/120');
    expect(allowed.stdout).toBe([allowHeader, ...rest.map((ip) => `deny ${ip};`), ''].join('\n'));
    expect(allowed.stderr).toContain('23.1.1.1 (23.1.1.0/24, from --allow)');
  });

  it('the ipset and nftables files load with the real tools, and loading a shorter list replaces the longer one', async () => {
    const files: Record<string, string> = {};
    for (const format of ['ipset', 'nftables']) {
      for (const [label, extra] of [['all', []], ['min2', ['--min', '2']]] as const) {
        const path = join(cwd, `${format}-${label}`);
        writeFileSync(path, (await vigil(['blocklist', 'export', '--format', format, ...extra, ...RANGE])).stdout);
        files[`${format}-${label}`] = path;
      }
    }
    const ipset = findTool('ipset');
    const nft = findTool('nft');
    // a network namespace of its own: the host's firewall is never touched
    const run = (script: string, ...args: string[]) => execFileSync(findTool('unshare'), ['-n', 'sh', '-ec', script, 'sh', ...args], { encoding: 'utf8' });
    const ipsetScript = '"$1" restore < "$2"; "$1" save vigil-blocklist; "$1" save vigil-blocklist6; "$1" restore < "$3"; echo ---; "$1" save vigil-blocklist';
    const sets = run(ipsetScript, ipset, files['ipset-all'] as string, files['ipset-min2'] as string);
    const [first, second] = sets.split('---\n') as [string, string];
    const members = [...V4.map((ip) => `add vigil-blocklist ${ip}`), ...V6.map((ip) => `add vigil-blocklist6 ${ip}`)];
    expect(first.split('\n').filter((l) => l.startsWith('add ')).sort()).toEqual(members.sort());
    expect(second.split('\n').filter((l) => l.startsWith('add ')).sort()).toEqual(['add vigil-blocklist 198.51.100.23', 'add vigil-blocklist 203.0.113.5']);
    const nftScript = '"$1" -f "$2"; "$1" -j list set inet filter vigil-blocklist6; echo ---; "$1" -f "$3"; "$1" -j list set inet filter vigil-blocklist';
    const listed = run(nftScript, nft, files['nftables-all'] as string, files['nftables-min2'] as string);
    const elements = (json: string) => (JSON.parse(json).nftables as { set?: { elem?: string[] } }[]).find((item) => item.set !== undefined)?.set?.elem ?? [];
    const [v6, v4] = listed.split('---\n') as [string, string];
    expect(elements(v6)).toEqual(V6);
    expect(elements(v4)).toEqual(['198.51.100.23', '203.0.113.5']);
  });

  it('an empty prefix: a header and empty sets, no error', async () => {
    const result = await vigil(['blocklist', 'export', '--format', 'hosts.deny', ...RANGE], { prefix: empty });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${HEADER.replace('8 addresses (5 IPv4, 3 IPv6)', '0 addresses (0 IPv4, 0 IPv6)').replaceAll(prefix, empty)}\n`);
    expect((await vigil(['blocklist', 'export', '--format', 'plain', ...RANGE], { prefix: empty })).stdout).toBe('');
  });

  it('usage errors exit 2 with the reason', async () => {
    for (const [args, message] of [
      [[], /--format is required: ipset, nftables, hosts.deny, nginx, plain/],
      [['--format', 'pf'], /--format must be ipset, nftables, hosts.deny, nginx, plain, got "pf"/],
      [['--format', 'ipset', '--name', 'a b'], /--name must be a letter then up to 29 letters/],
      [['--format', 'plain', '--allow', '10.0.0.0/33'], /--allow: "10.0.0.0\/33" is not a CIDR range/],
      [['--format', 'plain', '--min', '0'], /--min must be a whole number from 1/],
    ] as const) {
      const result = await vigil(['blocklist', 'export', ...args]);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(result.stderr).toMatch(message);
    }
  });
});
