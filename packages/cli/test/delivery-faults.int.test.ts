// Fault tests of notification delivery with real `vigil scheduler` and `vigil worker` processes,
// the real Elasticsearch and Redis, and an SMTP capture server of the test's own (so its messages
// can be counted and it can be stopped): SMTP away for 30 s, and a worker SIGKILLed at each crash
// point of a notification's way. Nothing may be lost; nothing may arrive twice but the one resend
// of a message whose acknowledgement was lost, which carries the same Message-ID.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { entityKey, WATCH_ENTITY } from '@vigil/core';
import { createElasticsearchClient, ElasticsearchAlertStore, ElasticsearchDeliveryLedger } from '@vigil/store';
import { createRedisConnection } from '@vigil/watcher';
import { deleteRedisPrefix, dropPrefix, listMessages, repoRoot, runVigil, serviceEnv, startCaptureServer, TcpProxy, uniquePrefix, until, type CaptureServer } from '@vigil/testkit';

const root = repoRoot();
const env = serviceEnv(root);
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const children: ChildProcess[] = [];
const prefixes: string[] = [];
let capture: CaptureServer;
let smtp: TcpProxy;

beforeAll(async () => {
  capture = await startCaptureServer({ smtpPort: 0, httpPort: 0, dir: mkdtempSync(join(tmpdir(), 'vigil-faults-mail-')) });
  smtp = await new TcpProxy(capture.smtpPort).start();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  const redis = createRedisConnection(env.VIGIL_REDIS_URL);
  for (const prefix of prefixes) {
    await deleteRedisPrefix(redis, prefix);
    await dropPrefix(client, prefix);
  }
  await redis.quit();
  await smtp.cut();
  await capture.close();
  await client.close();
});

/** A fresh prefix and working directory with one watch that mails soc@example.org. */
async function scenario(name: string, throttle?: string) {
  const prefix = uniquePrefix(`faults-${name}`);
  prefixes.push(prefix);
  const cwd = mkdtempSync(join(tmpdir(), `vigil-faults-${name}-`));
  mkdirSync(join(cwd, 'watches', 'test'), { recursive: true });
  const id = `test.${name}`;
  const file = join(cwd, 'watches', 'test', `${name}.yaml`);
  writeFileSync(
    file,
    [
      `id: ${id}`,
      `name: Fault test ${name}`,
      'schedule:',
      '  every: 1s',
      'input:',
      '  search:',
      '    indices: [nothing-*]',
      '    window:',
      '      size: 1s',
      'condition:',
      '  always: true',
      ...(throttle === undefined ? [] : ['throttle:', `  period: ${throttle}`]),
      'actions:',
      '  mail:',
      '    type: email',
      `    to: [soc-${name}@example.org]`,
      `    subject: '${prefix} window {{alert.window.to}}'`,
      '',
    ].join('\n'),
  );
  const smtpUrl = `smtp://127.0.0.1:${smtp.port}`;
  const extra = { VIGIL_SMTP_URL: smtpUrl, VIGIL_DELIVERY_LOCK_DURATION: '2s' };
  expect((await runVigil(['setup'], { cwd, prefix, extra })).code).toBe(0);
  expect((await runVigil(['watch', 'put', file], { cwd, prefix, extra })).code).toBe(0);
  const role = (args: string[], more: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [join(root, 'packages/cli/bin/vigil.js'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', VIGIL_ELASTICSEARCH_URL: env.VIGIL_ELASTICSEARCH_URL, VIGIL_REDIS_URL: env.VIGIL_REDIS_URL, VIGIL_INDEX_PREFIX: prefix, ...extra, ...more },
      stdio: ['ignore', 'pipe', 'pipe'],
    }) as ChildProcess & { output: string[] };
    child.output = [];
    child.stderr?.on('data', (d: Buffer) => child.output.push(d.toString()));
    children.push(child);
    return child;
  };
  const ledger = new ElasticsearchDeliveryLedger({ client, prefix });
  const alerts = new ElasticsearchAlertStore({ client, prefix });
  /** Message-ID → how many times it arrived, for this scenario's messages. */
  const arrived = async () => {
    const counts = new Map<string, number>();
    for (const m of await listMessages(`http://127.0.0.1:${capture.httpPort}`)) if (m.Subject.startsWith(`${prefix} `)) counts.set(m.MessageID, (counts.get(m.MessageID) ?? 0) + 1);
    return counts;
  };
  const stopFiring = async () => {
    expect((await runVigil(['watch', 'deactivate', id], { cwd, prefix, extra })).code).toBe(0);
  };
  /** How many notifications the alert writes decided (one action: one per notified window). */
  const decided = async () => (await alerts.get(id, entityKey(WATCH_ENTITY)))?.value.notify_count ?? 0;
  return { prefix, cwd, id, role, ledger, arrived, stopFiring, decided };
}

const exited = (child: ChildProcess) => new Promise<NodeJS.Signals | number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.signalCode ?? child.exitCode) : child.once('exit', (code, signal) => resolve(signal ?? code))));

/** Every decided notification delivered, each Message-ID once; with `oneResend`, one of them may have come twice. */
async function expectEachOnce(s: Awaited<ReturnType<typeof scenario>>, oneResend = false): Promise<void> {
  await until('no notification still queued', async () => (await s.ledger.count({ watchId: s.id, statuses: ['queued'] })) === 0, 60_000, 250);
  const decided = await s.decided();
  const delivered = await s.ledger.list({ watchId: s.id, limit: 10_000 });
  expect(decided).toBeGreaterThan(0);
  expect(delivered.map((r) => r.status)).toEqual(delivered.map(() => 'delivered'));
  expect(delivered).toHaveLength(decided);
  const arrived = await s.arrived();
  expect([...arrived.keys()].sort()).toEqual(delivered.map((r) => `${r.id}@vigil.local`).sort());
  const twice = [...arrived.values()].filter((n) => n === 2).length;
  expect([...arrived.values()].every((n) => n === 1 || (oneResend && n === 2))).toBe(true);
  expect(twice).toBeLessThanOrEqual(oneResend ? 1 : 0);
}

describe('notification delivery under faults (real processes)', () => {
  it('SMTP stopped for 30 s while a watch fires: the mail arrives once after it is back', async () => {
    const s = await scenario('smtp_down', '1h');
    await smtp.cut();
    const scheduler = s.role(['scheduler', '--interval', '600']);
    const worker = s.role(['worker']);
    await until('the notification decided', async () => (await s.decided()) === 1, 20_000, 200);
    const [record] = await s.ledger.list({ watchId: s.id });
    expect(record).toMatchObject({ status: 'queued' });
    await until('a failed attempt', async () => ((await s.ledger.get(record!.id))?.attempts ?? 0) >= 1, 10_000, 200);
    await new Promise((r) => setTimeout(r, 30_000));
    expect((await s.arrived()).size).toBe(0);
    await smtp.restore();
    await until('the mail after SMTP came back', async () => (await s.arrived()).size === 1, 60_000, 250);
    await s.stopFiring();
    await expectEachOnce(s);
    expect((await s.ledger.get(record!.id))?.attempts).toBeGreaterThan(1);
    for (const c of [scheduler, worker]) c.kill('SIGTERM');
  }, 150_000);

  for (const point of ['after_state_write', 'during_send', 'after_send'] as const) {
    it(`a worker SIGKILLed ${point.replaceAll('_', ' ')}: every notification delivered, none twice${point === 'after_send' ? ' beyond the one unacknowledged resend' : ''}`, async () => {
      const s = await scenario(`crash_${point}`);
      const marker = join(s.cwd, 'crashed');
      const scheduler = s.role(['scheduler', '--interval', '600']);
      const doomed = s.role(['worker'], { VIGIL_TEST_CRASH_AT: point, VIGIL_TEST_CRASH_MARKER: marker });
      expect(await exited(doomed)).toBe('SIGKILL');
      expect(existsSync(marker)).toBe(true);
      const before = await s.decided();
      const survivor = s.role(['worker']);
      // the killed worker's watch lock expires (30 s), then runs resume, their sweep queueing what the crash left
      await until('runs after the crash', async () => (await s.decided()) >= before + 3, 60_000, 250);
      await s.stopFiring();
      await expectEachOnce(s, point === 'after_send');
      if (point === 'after_state_write') expect(survivor.output.join('')).toMatch(/queued 1 notification\(s\) a crash left unqueued/);
      for (const c of [scheduler, survivor]) c.kill('SIGTERM');
    }, 150_000);
  }
});
