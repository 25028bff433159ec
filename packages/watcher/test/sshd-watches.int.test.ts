// Issue 9, "attempts, not lines", end to end on a real OpenSSH with PAM (Debian's openssh-server in a
// network namespace, see @vigil/testkit createSshdLab): real clients log in, mistype, guess and probe
// at the same time; sshd's and PAM's lines and the firewall's port 22 lines go through the real parser
// and sink into Elasticsearch, and the shipped watches (plus seed 003's "3 or more failures" rule,
// written here) must alert on exactly the right entities:
// - password guessing counts attempts: 10 guesses are 10, not the 13 lines sshd and PAM wrote;
// - seed 003's rule leaves alone a user's second typo (4 lines) and one invalid user (3 lines);
// - seed 000's enumeration watch names the prober of 40 probes, never the user logging in meanwhile
//   nor the host making plain TCP connections to port 22, though their connections are as close.
// Needs root and Debian's openssh-server (scripts/test installs it); fails, never skips, without them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { watchSchema } from '@vigil/actions';
import { loadWatchFile, systemClock, type Watch } from '@vigil/core';
import { RecordSink, recordId } from '@vigil/ingest';
import { parserFor } from '@vigil/parsers';
import { BulkWriter, createElasticsearchClient, MemoryAlertStore, MemoryHistoryStore, MemoryWatchRegistry, setupIndices } from '@vigil/store';
import { createSshdLab, dropPrefix, repoRoot, serviceEnv, uniquePrefix, type SshdLab } from '@vigil/testkit';
import { join } from 'node:path';
import { runOnce, type RunDeps } from '../src/run/index.ts';

const root = repoRoot();
const client = createElasticsearchClient({ url: serviceEnv(root).VIGIL_ELASTICSEARCH_URL });
const prefix = uniquePrefix('sshd-watches');
const WRONG = 'not-the-password';

/** Seed 003 (AlienVault OSSIM): a directive that fires on 3 or more failed SSH logins from one address. */
const seed003 = watchSchema().parse({
  id: 'test.seed003_three_failures',
  name: 'Three failed SSH logins (seed 003)',
  schedule: { every: '1m' },
  input: {
    search: {
      indices: ['auth-*'],
      window: { size: '5m', delay: '10s' },
      query: { term: { tags: 'auth_failure' } },
      aggs: { by_source: { composite: { size: 1000, sources: [{ source: { terms: { field: 'source.ip' } } }] } } },
    },
  },
  condition: { buckets: { path: 'aggregations.by_source.buckets[]', key: { 'source.ip': 'key.source' }, where: 'doc_count >= 3' } },
  transform: { pick: { failures: 'doc_count' } },
}) as Watch;

const shipped = (file: string): Watch => loadWatchFile(join(root, 'watches', file), watchSchema()).watch;

let lab: SshdLab;
let roles: { prober: string; user: string; tcp: string; guesser: string; invalid: string; typist: string; three: string };
let deps: RunDeps;
let lines: { auth: string[]; firewall: string[] };
let at: Date;

/**
 * 40 probes, for names that exist (sshd logs no address) and names that do not (`Invalid user`), each
 * sent together with a login of the legitimate user (every 4th) or a plain TCP connection from a third
 * host (every 2nd), so that the benign connections reach port 22 in the same second as probes.
 */
async function probesAmongBenignConnections(): Promise<void> {
  const { user } = lab;
  const existing = ['root', 'daemon', user.name];
  for (let i = 0; i < 40; i++) {
    await Promise.all([
      lab.probe(roles.prober, i % 2 === 0 ? (existing[(i / 2) % 3] as string) : `enum-guess-${i}`),
      i % 4 === 1 ? lab.ssh({ from: roles.user, user: user.name, method: 'password', answers: [user.password] }) : undefined,
      i % 2 === 0 ? lab.connect(roles.tcp) : undefined,
    ]);
  }
}

/** Everything at once, as on a busy bastion: PAM's 2 s delay after each failure paces the guessers. */
async function traffic(): Promise<void> {
  const { user } = lab;
  await Promise.all([
    probesAmongBenignConnections(),
    // a guesser: 10 wrong passwords over two connections (sshd cuts one at MaxAuthTries, 6)
    lab.ssh({ from: roles.guesser, user: user.name, method: 'password', answers: Array(6).fill(WRONG) }),
    lab.ssh({ from: roles.guesser, user: 'root', method: 'password', answers: Array(4).fill(WRONG) }),
    // one invalid user, one attempt; a user's two typos before the right password; three guesses
    lab.ssh({ from: roles.invalid, user: 'enum-guess-x', method: 'password', answers: [WRONG] }),
    lab.ssh({ from: roles.typist, user: user.name, method: 'keyboard-interactive', answers: [WRONG, WRONG, user.password] }),
    lab.ssh({ from: roles.three, user: user.name, method: 'password', answers: [WRONG, WRONG, WRONG] }),
  ]);
}

async function ingest(source: string, records: string[]): Promise<void> {
  const writer = new BulkWriter({ client, prefix });
  const sink = new RecordSink({ parser: parserFor(source), writer, prefix, clock: systemClock, timezone: 'UTC' });
  for (const [i, line] of records.entries()) await sink.write(line, recordId(`sshd-lab:${source}`, i, line), {});
  await writer.close();
  expect(writer.stats).toMatchObject({ indexed: records.length, deadLettered: 0 });
}

beforeAll(async () => {
  lab = await createSshdLab({ clients: 7 });
  const [prober, user, tcp, guesser, invalid, typist, three] = lab.clients as [string, string, string, string, string, string, string];
  roles = { prober, user, tcp, guesser, invalid, typist, three };
  await traffic();
  lines = { auth: await lab.authLog(), firewall: await lab.firewallLog() };
  // RFC 3164 stamps are whole seconds: the window ends past the second of the last line
  at = new Date(Math.ceil((Date.now() + 1_000) / 1_000) * 1_000);
  await setupIndices(client, prefix);
  await ingest('syslog', [...lines.auth, ...lines.firewall]);
  await client.indices.refresh({ index: `${prefix}-*` });
  deps = { registry: new MemoryWatchRegistry(), alerts: new MemoryAlertStore(), history: new MemoryHistoryStore(), elasticsearch: client, indexPrefix: prefix, clock: systemClock, log: () => undefined, services: { elasticsearch: client } };
}, 60_000);

afterAll(async () => {
  await lab?.destroy();
  await dropPrefix(client, prefix);
  await client.close();
});

const run = (watch: Watch, id: string) => runOnce(deps, watch, { at, dryRun: true, runId: id });
/** When a line was logged, as the parser reads it. */
const second = (line: string) => Date.parse((parserFor('syslog').parse(line, { timezone: 'UTC', now: new Date() }) as { '@timestamp': string })['@timestamp']);
const linesFrom = (address: string, pattern: RegExp) => lines.auth.filter((l) => (l.includes(` ${address} `) || l.endsWith(` ${address}`) || l.includes(`rhost=${address} `)) && pattern.test(l)).length;

describe('watches on a real sshd with PAM', () => {
  it('the lab wrote what a bastion writes: real probe lines, and more failure lines than attempts', () => {
    expect(lines.auth.filter((l) => l.endsWith(': fatal: userauth_pubkey: parse publickey packet: incomplete message [preauth]'))).toHaveLength(40);
    expect(lines.auth.filter((l) => l.includes(`: Invalid user enum-guess-`) && l.includes(` from ${roles.prober} port `))).toHaveLength(20);
    expect(lines.auth.filter((l) => l.includes(`Accepted password for ${lab.user.name} from ${roles.user} `))).toHaveLength(10);
    expect(linesFrom(roles.guesser, /Failed password/)).toBe(10);
    expect(linesFrom(roles.guesser, /Failed password|authentication failure/)).toBeGreaterThan(10);
    // most probes have a benign connection to port 22 within 2 s: a join on host and time alone names them
    const benign = lines.firewall.filter((l) => l.includes(`SRC=${roles.user} `) || l.includes(`SRC=${roles.tcp} `)).map(second);
    expect(benign).toHaveLength(30);
    const probes = lines.auth.filter((l) => l.includes('incomplete message')).map(second);
    expect(probes.filter((p) => benign.some((b) => Math.abs(b - p) <= 2_000)).length).toBeGreaterThanOrEqual(30);
  });

  it('password guessing counts attempts: one alert, for the guesser, with its 10 guesses', async () => {
    const report = await run(shipped('auth/credential_access_brute_force.yaml'), 'brute');
    expect(report.alerts.map((a) => [a.entity, a.payload.failures])).toEqual([[{ 'source.ip': roles.guesser }, 10]]);
  });

  it("seed 003's rule (3 or more failures) fires for 3 and 10 guesses, not for a second typo nor for one invalid user", async () => {
    const report = await run(seed003, 'seed003');
    const failures = Object.fromEntries(report.alerts.map((a) => [a.entity['source.ip'] as string, a.payload.failures]));
    expect(failures).toEqual({ [roles.guesser]: 10, [roles.three]: 3 });
    // what a count of lines would have seen for those two
    expect(linesFrom(roles.typist, /authentication failure|Authentication failure|Failed/)).toBe(4);
    expect(linesFrom(roles.invalid, /Invalid user|authentication failure|Failed/)).toBe(3);
  });

  it('user enumeration names the prober only, never the user logging in nor the host connecting meanwhile', async () => {
    const report = await run(shipped('auth/discovery_ssh_user_enumeration.yaml'), 'enumeration');
    expect(report.hits).toBe(40);
    expect(report.alerts.map((a) => [a.entity, a.payload.ambiguous])).toEqual([[{ 'host.hostname': lab.hostname, 'source.ip': roles.prober }, false]]);
  });

  it('the same join on host and time only (seed 000 as written, and Vigil before issue 9) names the benign hosts too', async () => {
    const watch = shipped('auth/discovery_ssh_user_enumeration.yaml');
    const join = watch.input.join!;
    const plain = { ...watch, input: { join: { ...join, origin: undefined } }, condition: { buckets: { path: 'joined[]', key: { 'source.ip': 'connection.source.ip' } } } } as Watch;
    const named = (await run(plain, 'enumeration-pairs')).alerts.map((a) => a.entity['source.ip']);
    expect(named).toEqual(expect.arrayContaining([roles.prober, roles.user, roles.tcp]));
  });
});
