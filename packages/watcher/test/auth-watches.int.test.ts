// The shipped auth watches on events made by the real parsers from lines written here: seed 001's
// cross-platform password guessing (sshd and Windows 4625 counted together per source address) and
// seed 000's join of sshd's user-enumeration probe with the firewall line that names its address.
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

const syslogLines = [
  // 8 sshd failures from the guesser, 3 from an ordinary user who mistyped
  ...['root', 'admin', 'oracle', 'test', 'root', 'ubuntu', 'pi', 'admin'].map((user, i) => sshd(10 + i, 900 + i, `Failed password for invalid user ${user} from 203.0.113.9 port ${50000 + i} ssh2`)),
  ...[0, 1, 2].map((i) => sshd(20 + i, 950 + i, `Failed password for alice from 198.51.100.7 port ${51000 + i} ssh2`)),
  // the probe has no address; the firewall logged the connection in the same second
  sshd(32, 812, 'fatal: ssh_packet_get_string: incomplete message [preauth]'),
  firewall(32, '203.0.113.77'),
  // port 22 connections that are no probe: another time, another host
  firewall(50, '198.51.100.20'),
  firewall(33, '203.0.113.88', 'web2'),
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
    expect(report.alerts[0]?.payload.summary).toBe('10 failed logins for 8 user name(s) from 203.0.113.9 in 5 minutes.');
  });

  it('user enumeration: the probe joined with the firewall line of the same host and second names the attacker', async () => {
    const report = await runOnce(deps, watch('auth/discovery_ssh_user_enumeration.yaml'), { at, dryRun: true, runId: 'enum' });
    expect(report.alerts.map((a) => [a.entity, a.payload.host])).toEqual([[{ 'source.ip': '203.0.113.77' }, 'web1']]);
    expect(report.hits).toBe(1);
  });
});
