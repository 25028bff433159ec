// The shipped auth watches on events made by the real parsers from lines written here: seed 001's
// cross-platform password guessing (sshd and Windows 4625 attempts counted together per source
// address, each attempt once whatever lines sshd and PAM wrote for it) and seed 000's join of sshd's
// user-enumeration probe with the evidence that names its address, or says that none does.
// packages/watcher/test/sshd-watches.int.test.ts runs the same watches on a real sshd's lines.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadWatchFile, ManualClock } from '@vigil/core';
import { watchSchema } from '@vigil/actions';
import { RecordSink, recordId } from '@vigil/ingest';
import { parserFor } from '@vigil/parsers';
import { BulkWriter, createElasticsearchClient, MemoryAlertStore, MemoryHistoryStore, MemoryWatchRegistry, setupIndices } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { runOnce, type RunDeps } from '../src/run/index.ts';

const root = repoRoot();
const client = createElasticsearchClient({ url: serviceEnv(root).VIGIL_ELASTICSEARCH_URL });
const prefix = uniquePrefix('auth-watches');
const clock = new ManualClock('2026-11-22T10:00:00Z');

const sshd = (second: number, pid: number, message: string, host = 'web1') => `2026-11-22T09:49:${String(second).padStart(2, '0')}.000000+00:00 ${host} sshd[${pid}]: ${message}`;
const firewall = (second: number, source: string, host = 'web1') =>
  `2026-11-22T09:49:${String(second).padStart(2, '0')}.000000+00:00 ${host} kernel: [12345.678901] [netfilter] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${source} DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=4242 DF PROTO=TCP SPT=41234 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0`;
const windows4625 = (second: number, source: string, user: string) =>
  JSON.stringify({
    '@timestamp': `2026-11-22T09:49:${String(second).padStart(2, '0')}.000Z`,
    winlog: { event_id: 4625, channel: 'Security', provider_name: 'Microsoft-Windows-Security-Auditing', computer_name: 'dc1.corp.example', event_data: { TargetUserName: user, IpAddress: source, IpPort: '50123', LogonType: '3', SubStatus: '0xc000006a' } },
  });

const pamFailure = (second: number, pid: number, source: string, user?: string) =>
  sshd(second, pid, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${source}${user === undefined ? ' ' : `  user=${user}`}`);

const syslogLines = [
  // 8 guesses from the guesser, as OpenSSH and PAM log them: `Invalid user`, PAM's failure, sshd's `Failed`
  ...['root', 'admin', 'oracle', 'test', 'root', 'ubuntu', 'pi', 'admin'].flatMap((user, i) => [
    sshd(10 + i, 900 + i, `Invalid user ${user} from 203.0.113.9 port ${50000 + i}`),
    pamFailure(10 + i, 900 + i, '203.0.113.9'),
    sshd(10 + i, 900 + i, `Failed password for invalid user ${user} from 203.0.113.9 port ${50000 + i} ssh2`),
  ]),
  // 3 typos of an ordinary user: PAM's failure and sshd's `Failed password`, one attempt each
  ...[0, 1, 2].flatMap((i) => [pamFailure(20 + i, 950 + i, '198.51.100.7', 'alice'), sshd(20 + i, 950 + i, `Failed password for alice from 198.51.100.7 port ${51000 + i} ssh2`)]),
  // the probe has no address; the firewall logged the connection in the same second
  sshd(32, 812, 'fatal: ssh_packet_get_string: incomplete message [preauth]'),
  firewall(32, '203.0.113.77'),
  // port 22 connections that are no probe: another time, another host
  firewall(50, '198.51.100.20'),
  firewall(33, '203.0.113.88', 'web2'),
  // a probe on web3 while two addresses connected, neither of them logged by sshd: no single source
  sshd(40, 813, 'fatal: userauth_pubkey: parse publickey packet: incomplete message [preauth]', 'web3'),
  firewall(40, '203.0.113.101', 'web3'),
  firewall(39, '198.51.100.102', 'web3'),
];
// 2 Windows failures from the same guesser: 8 + 2 = 10, the threshold, only when both are counted
const windowsLines = [windows4625(40, '203.0.113.9', 'administrator'), windows4625(41, '203.0.113.9', 'backup')];

async function ingest(source: string, lines: string[]): Promise<void> {
  const writer = new BulkWriter({ client, prefix });
  const sink = new RecordSink({ parser: parserFor(source), writer, prefix, clock, timezone: 'UTC' });
  for (const [i, line] of lines.entries()) await sink.write(line, recordId(`test:${source}`, i, line), {});
  await writer.close();
  expect(writer.stats).toMatchObject({ indexed: lines.length, deadLettered: 0 });
}

let deps: RunDeps;

beforeAll(async () => {
  await setupIndices(client, prefix);
  await ingest('syslog', syslogLines);
  await ingest('windows', windowsLines);
  await client.indices.refresh({ index: `${prefix}-*` });
  deps = { registry: new MemoryWatchRegistry(), alerts: new MemoryAlertStore(), history: new MemoryHistoryStore(), elasticsearch: client, indexPrefix: prefix, clock, log: () => undefined, services: { elasticsearch: client } };
});

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

const watch = (file: string) => loadWatchFile(join(root, 'watches', file), watchSchema()).watch;
const at = new Date('2026-11-22T09:50:00Z');

describe('watches/auth on events from the real parsers', () => {
  it('password guessing: one alert for the address failing on Linux and Windows together, none for a user who mistyped', async () => {
    const report = await runOnce(deps, watch('auth/credential_access_brute_force.yaml'), { at, dryRun: true, runId: 'brute' });
    expect(report.alerts.map((a) => [a.entity, a.payload.failures, a.payload.distinct_users])).toEqual([[{ 'source.ip': '203.0.113.9' }, 10, 8]]);
    expect(report.alerts[0]?.payload.summary).toBe('10 failed logins for 8 user name(s) from 203.0.113.9 within 6 minutes.');
  });

  it('user enumeration: the firewall line of the same host and second names the prober; where two could be it, none is named', async () => {
    const report = await runOnce(deps, watch('auth/discovery_ssh_user_enumeration.yaml'), { at, dryRun: true, runId: 'enum' });
    expect(report.alerts.map((a) => [a.entity, a.payload.ambiguous, a.payload.candidates, a.payload.evidence])).toEqual([
      [{ 'host.hostname': 'web1', 'source.ip': '203.0.113.77' }, false, ['203.0.113.77'], 'connection'],
      [{ 'host.hostname': 'web3', 'source.ip': null }, true, ['203.0.113.101', '198.51.100.102'], 'connection'],
    ]);
    expect(report.alerts.map((a) => a.payload.summary)).toEqual([
      'SSH user enumeration probe on web1 from 203.0.113.77.',
      'SSH user enumeration probe on web3 from an address the logs do not single out (one of 203.0.113.101, 198.51.100.102): nothing blocked.',
    ]);
    expect(report.hits).toBe(2);
  });

  it("user enumeration: a block_ip action with condition '!payload.ambiguous' (watches/README.md) blocks the named prober only", async () => {
    const shipped = readFileSync(join(root, 'watches', 'auth', 'discovery_ssh_user_enumeration.yaml'), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-enum-'));
    const file = join(dir, 'discovery_ssh_user_enumeration.yaml');
    writeFileSync(file, `${shipped}  block:\n    type: block_ip\n    condition: '!payload.ambiguous'\n    duration: 60s\n    repeated_offenders: []\n    responders: [web1, web3]\n`);
    const withBlock = loadWatchFile(file, watchSchema()).watch;
    rmSync(dir, { recursive: true });
    const report = await runOnce(deps, withBlock, { at, dryRun: true, runId: 'enum-block' });
    const blocks = report.actions.filter((a) => a.id === 'block').map((a) => [a.entity_key, a.status, (a.detail as { ip?: string } | undefined)?.ip ?? a.reason]);
    expect(blocks).toEqual([
      ['{"host.hostname":"web1","source.ip":"203.0.113.77"}', 'simulated', '203.0.113.77'],
      ['{"host.hostname":"web3","source.ip":null}', 'skipped', 'condition is false: !payload.ambiguous'],
    ]);
  });
});
