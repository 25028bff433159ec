// `vigil up`'s pure parts: the line prefixer, the services decision, the summary from an ingest folder,
// the responder's default configuration; and the supervisor on small scripted children (no services).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadInputConfigs } from '@vigil/ingest';
import { loadResponderConfig } from '@vigil/responder';
import { LinePrefixer } from '../src/commands/up/lines.ts';
import { defaultResponderConfig, planResponder } from '../src/commands/up/responder-config.ts';
import { roleSpecs } from '../src/commands/up/roles.ts';
import {
  isLocalDefault,
  ownedByScript,
  parseEnvFile,
  planServices,
  probesFrom,
  shutdownPlan,
  startedServicesEnv,
  type ServiceProbe,
} from '../src/commands/up/services.ts';
import { inputLine, mailLines, summaryLines } from '../src/commands/up/summary.ts';
import { describeExit, Supervisor } from '../src/commands/up/supervisor.ts';
import type { CheckResult } from '../src/doctor/index.ts';

const temp = (label: string) => mkdtempSync(join(tmpdir(), `vigil-up-${label}-`));

/** Feeds `chunks` to a prefixer and returns what it wrote, one string per write. */
function prefix(chunks: ReadonlyArray<string | Buffer>, options: { maxLineChars?: number; end?: boolean } = {}): string[] {
  const written: string[] = [];
  const limit = options.maxLineChars === undefined ? {} : { maxLineChars: options.maxLineChars };
  const p = new LinePrefixer({ prefix: '[w] ', write: (line) => written.push(line), ...limit });
  for (const chunk of chunks) p.push(chunk);
  if (options.end !== false) p.end();
  return written;
}

describe('LinePrefixer', () => {
  it('writes whole lines only: a line split over chunks is written once it ends', () => {
    const written: string[] = [];
    const p = new LinePrefixer({ prefix: '[w] ', write: (line) => written.push(line) });
    p.push('first li');
    expect(written).toEqual([]);
    p.push('ne\nsecond\nthi');
    expect(written).toEqual(['[w] first line', '[w] second']);
    p.push('rd\n');
    expect(written).toEqual(['[w] first line', '[w] second', '[w] third']);
  });

  it('flushes a final line without a newline at the end, and nothing more when the stream ended on a newline', () => {
    expect(prefix(['a\nlast words'])).toEqual(['[w] a', '[w] last words']);
    expect(prefix(['a\n'])).toEqual(['[w] a']);
    expect(prefix([])).toEqual([]);
    expect(prefix(['a\nb'], { end: false })).toEqual(['[w] a']);
  });

  it('ends lines at \\r\\n as at \\n, also when \\r and \\n arrive in different chunks; keeps empty lines and inner \\r', () => {
    expect(prefix(['one\r\ntwo\r', '\nthree\r\n'])).toEqual(['[w] one', '[w] two', '[w] three']);
    expect(prefix(['\n\r\nx\ry\n'])).toEqual(['[w] ', '[w] ', '[w] x\ry']);
    expect(prefix(['no newline\r'])).toEqual(['[w] no newline']);
  });

  it('decodes a UTF-8 character split between chunks', () => {
    const bytes = Buffer.from('café ☕\n');
    const cut = bytes.indexOf(0xa9); // inside "é"
    expect(prefix([bytes.subarray(0, cut), bytes.subarray(cut, cut + 3), bytes.subarray(cut + 3)])).toEqual(['[w] café ☕']);
  });

  it('writes a huge line in prefixed pieces of at most the limit, losing nothing, even when it never ends', () => {
    const huge = 'x'.repeat(25);
    const pieces = prefix([huge.slice(0, 7), huge.slice(7, 20), `${huge.slice(20)}\nnext\n`], { maxLineChars: 10 });
    expect(pieces).toEqual(['[w] xxxxxxxxxx', '[w] xxxxxxxxxx', '[w] xxxxx', '[w] next']);
    // a child that writes megabytes without a newline: written as it comes, the buffer stays under the limit
    const written: string[] = [];
    const p = new LinePrefixer({ prefix: '[w] ', write: (line) => written.push(line), maxLineChars: 1000 });
    for (let i = 0; i < 3000; i++) p.push('y'.repeat(1000));
    expect(written.length).toBe(2999); // the last 1000 wait: a newline (or \r\n) may still end them
    p.end();
    expect(written.length).toBe(3000);
    expect(written.every((line) => line === `[w] ${'y'.repeat(1000)}`)).toBe(true);
  });

  it('never cuts a surrogate pair in two', () => {
    const pieces = prefix(['ab😀cd\n'], { maxLineChars: 3 }).map((l) => l.slice(4));
    expect(pieces.join('')).toBe('ab😀cd');
    expect(pieces).toEqual(['ab', '😀c', 'd']);
  });
});

const ok = (name: string): CheckResult => ({ name, status: 'ok', summary: `${name} fine` });
const down = (name: string): CheckResult => ({ name, status: 'fail', summary: `${name} unreachable`, fix: 'start it' });
const config = (es = 'http://vigil:pw@127.0.0.1:9200', redis = 'redis://127.0.0.1:6379', smtp = 'smtp://127.0.0.1:1025') => ({
  elasticsearch: { url: es },
  redis: { url: redis },
  smtp: { url: smtp, from: 'Vigil <vigil@localhost>', to: ['security@localhost'] },
});
const script = { path: '/checkout/scripts/services', present: true };

describe('which services vigil up starts', () => {
  it('reads reachability from the doctor: elasticsearch, redis and smtp, not the policy checks', () => {
    const probes = probesFrom(config(), [ok('elasticsearch'), ok('indices'), down('redis policy'), ok('redis'), down('smtp')]);
    expect(probes.map((p) => [p.name, p.up])).toEqual([['elasticsearch', true], ['redis', true], ['smtp', false]]);
    expect(probes[2]?.line).toBe('FAIL smtp           smtp unreachable -- fix: start it');
    expect(probesFrom(config(), [ok('redis'), ok('smtp')])[0]).toMatchObject({ name: 'elasticsearch', up: false });
  });

  it('counts as local default only the scheme, loopback host and port scripts/services uses (its port variables too)', () => {
    expect(isLocalDefault('elasticsearch', 'http://vigil:pw@127.0.0.1:9200', {})).toBe(true);
    expect(isLocalDefault('elasticsearch', 'http://localhost:9200', {})).toBe(true);
    expect(isLocalDefault('elasticsearch', 'https://127.0.0.1:9200', {})).toBe(false);
    expect(isLocalDefault('elasticsearch', 'http://127.0.0.1', {})).toBe(false);
    expect(isLocalDefault('elasticsearch', 'http://es.example.org:9200', {})).toBe(false);
    expect(isLocalDefault('elasticsearch', 'http://127.0.0.1:9201', {})).toBe(false);
    expect(isLocalDefault('elasticsearch', 'http://127.0.0.1:9201', { VIGIL_ES_PORT: '9201' })).toBe(true);
    expect(isLocalDefault('redis', 'redis://[::1]:6379', {})).toBe(true);
    expect(isLocalDefault('redis', 'rediss://127.0.0.1:6379', {})).toBe(false);
    expect(isLocalDefault('smtp', 'smtp://127.0.0.1:1025', {})).toBe(true);
    expect(isLocalDefault('smtp', 'smtp://127.0.0.1:25', {})).toBe(false);
    expect(isLocalDefault('smtp', 'not a url', {})).toBe(false);
  });

  const probe = (name: ServiceProbe['name'], up: boolean, url: string): ServiceProbe => ({ name, up, url, line: `${up ? 'ok  ' : 'FAIL'} ${name}` });
  const local = [
    probe('elasticsearch', true, 'http://127.0.0.1:9200'),
    probe('redis', true, 'redis://127.0.0.1:6379'),
    probe('smtp', true, 'smtp://127.0.0.1:1025'),
  ];

  it('does nothing when all answer, even with --no-services', () => {
    expect(planServices(local, { noServices: false, servicesScript: script, env: {} })).toEqual({ action: 'none' });
    expect(planServices(local, { noServices: true, servicesScript: script, env: {} })).toEqual({ action: 'none' });
  });

  it('starts the local services when every one that is down is a local default', () => {
    const probes = [probe('elasticsearch', false, 'http://127.0.0.1:9200'), local[1]!, probe('smtp', false, 'smtp://127.0.0.1:1025')];
    expect(planServices(probes, { noServices: false, servicesScript: script, env: {} })).toEqual({
      action: 'start',
      services: ['elasticsearch', 'smtp'],
      lines: ['FAIL elasticsearch', 'FAIL smtp'],
    });
  });

  it('fails with the doctor lines under --no-services', () => {
    const probes = [local[0]!, probe('redis', false, 'redis://127.0.0.1:6379'), local[2]!];
    expect(planServices(probes, { noServices: true, servicesScript: script, env: {} })).toEqual({
      action: 'fail',
      message: 'redis failing its check, and --no-services says not to start them',
      lines: ['FAIL redis'],
    });
  });

  it('never starts anything for a remote service that is down, naming it without its password and the variable to set', () => {
    const probes = [probe('elasticsearch', false, 'https://vigil:secret@es.example.org:9200'), probe('redis', false, 'redis://127.0.0.1:6379'), local[2]!];
    const plan = planServices(probes, { noServices: false, servicesScript: script, env: {} });
    expect(plan.action).toBe('fail');
    if (plan.action !== 'fail') return;
    expect(plan.message).toContain('elasticsearch at https://vigil:***@es.example.org:9200 failing its check');
    expect(plan.message).toContain('point VIGIL_ELASTICSEARCH_URL at a running one');
    expect(plan.message).not.toContain('secret');
    expect(plan.lines).toEqual(['FAIL elasticsearch', 'FAIL redis']);
  });

  it('says what is missing in an installation without scripts/services', () => {
    const probes = [local[0]!, local[1]!, probe('smtp', false, 'smtp://127.0.0.1:1025')];
    const plan = planServices(probes, { noServices: false, servicesScript: { path: '/app/scripts/services', present: false }, env: {} });
    expect(plan).toEqual({
      action: 'fail',
      message:
        'smtp failing its check, and /app/scripts/services, which starts the local services in a checkout, ' +
        'is not in this installation: start them yourself or point VIGIL_SMTP_URL at running ones',
      lines: ['FAIL smtp'],
    });
  });

  it('takes from .services/env the URLs of the services it started, and the mail API, nothing else', () => {
    const file = parseEnvFile(
      [
        'VIGIL_ELASTICSEARCH_URL=http://vigil:pw@127.0.0.1:9200',
        'export VIGIL_REDIS_URL=redis://127.0.0.1:6379',
        '',
        '# comment',
        'VIGIL_SMTP_URL=smtp://127.0.0.1:1025',
        'VIGIL_MAIL_API_URL=http://127.0.0.1:8025',
        '',
      ].join('\n'),
    );
    expect(file.VIGIL_REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(startedServicesEnv(file, ['elasticsearch'])).toEqual({
      VIGIL_ELASTICSEARCH_URL: 'http://vigil:pw@127.0.0.1:9200',
      VIGIL_MAIL_API_URL: 'http://127.0.0.1:8025',
    });
    expect(startedServicesEnv({}, ['redis'])).toEqual({});
  });

  it('runs scripts/services down at the end only when it ran up, and not when down would stop what was running before', () => {
    const status = [
      'elasticsearch up    http://127.0.0.1:9200 (started by scripts/services)',
      'redis         up    redis://127.0.0.1:6379 (found running)',
      'smtp-capture  down  smtp://127.0.0.1:1025, http://127.0.0.1:8025',
    ].join('\n');
    expect(ownedByScript(status)).toEqual(['elasticsearch']);
    expect(shutdownPlan(false, [])).toEqual({ action: 'none' });
    expect(shutdownPlan(false, ['elasticsearch'])).toEqual({ action: 'none' });
    expect(shutdownPlan(true, [])).toEqual({ action: 'down' });
    const keep = shutdownPlan(true, ['elasticsearch']);
    expect(keep.action).toBe('keep');
    expect(keep.action === 'keep' && keep.message).toContain('would also stop elasticsearch, which was running before vigil up');
  });
});

describe('the ready summary', () => {
  const ingestDir = temp('ingest');
  writeFileSync(join(ingestDir, 'auth.yaml'), 'type: file\nparser: syslog\npaths: [/var/log/auth.log, /var/log/secure]\n');
  writeFileSync(join(ingestDir, 'syslog-tcp.yaml'), 'type: syslog_tcp\nlisten: 127.0.0.1:5514\nparser: syslog\n');
  writeFileSync(join(ingestDir, 'syslog-udp.yaml'), 'type: syslog_udp\nlisten: 127.0.0.1:5514\nparser: syslog\n');
  writeFileSync(join(ingestDir, 'tcpdump.yaml'), 'type: tcp_lines\nlisten: 127.0.0.1:5001\nparser: tcpdump\n');
  writeFileSync(join(ingestDir, 'z-ossec.yaml'), 'type: tcp_lines\nlisten: "[::1]:5002"\nparser: ossec\ndataset: ossec\n');
  writeFileSync(join(ingestDir, 'z-stdin.yaml'), 'type: stdin\nparser: auto\n');
  const inputs = loadInputConfigs(ingestDir);
  const exists = (path: string) => path === '/var/log/auth.log';

  it('says, per input, where to send logs and how, from the ingest definitions', () => {
    expect(inputs.map((i) => inputLine(i.config, undefined, exists))).toEqual([
      'file       /var/log/auth.log, /var/log/secure (syslog); not there yet (read once they appear): /var/log/secure',
      "syslog_tcp 127.0.0.1:5514 (syslog): logger -T -n 127.0.0.1 -P 5514 'test message', or rsyslog *.* @@127.0.0.1:5514",
      "syslog_udp 127.0.0.1:5514 (syslog): logger -d -n 127.0.0.1 -P 5514 'test message', or rsyslog *.* @127.0.0.1:5514",
      "tcp_lines  127.0.0.1:5001 (tcpdump): tcpdump -n -tttt -l 'tcp[13]==2' | nc 127.0.0.1 5001",
      'tcp_lines  [::1]:5002 (ossec, dataset ossec): tail -F <log file> | nc ::1 5002',
      'stdin      (auto): nothing to read under vigil up (pipe into vigil ingest serve instead)',
    ]);
  });

  it('shows the listen host VIGIL_INGEST_LISTEN_HOST puts in place, and a local address to send to', () => {
    const tcpdump = inputs.find((i) => i.name === 'tcpdump')!;
    expect(inputLine(tcpdump.config, '0.0.0.0')).toBe("tcp_lines  0.0.0.0:5001 (tcpdump): tcpdump -n -tttt -l 'tcp[13]==2' | nc 127.0.0.1 5001");
  });

  it('says where mail goes: the local capture server and how to read it, or the relay without its password', () => {
    expect(mailLines({ smtpUrl: 'smtp://127.0.0.1:1025', to: ['security@localhost'], mailApiUrl: 'http://127.0.0.1:8025' })).toEqual([
      'smtp://127.0.0.1:1025, to security@localhost: kept by the local capture server (nothing leaves this machine)',
      'read it: http://127.0.0.1:8025/api/v1/messages, or scripts/services mail',
    ]);
    expect(mailLines({ smtpUrl: 'smtps://vigil:secret@mail.example.org:465', to: ['soc@example.org', 'oncall@example.org'] })).toEqual([
      'smtps://vigil:***@mail.example.org:465, to soc@example.org, oncall@example.org',
    ]);
  });

  it('is the whole text, ending with how to stop', () => {
    const lines = summaryLines({
      processes: [{ role: 'ingest', pid: 101 }, { role: 'scheduler', pid: 102 }, { role: 'worker', pid: 103 }],
      inputs: inputs.filter((i) => ['tcpdump', 'syslog-udp'].includes(i.name)),
      mail: { smtpUrl: 'smtp://127.0.0.1:1025', to: ['security@localhost'], mailApiUrl: 'http://127.0.0.1:8025' },
      watches: { registered: 5, enabled: 4 },
      responder: 'not started: --no-responder',
      metrics: '127.0.0.1:9464',
      exists,
    });
    expect(lines).toEqual([
      'vigil up: ready',
      '  processes  ingest (pid 101), scheduler (pid 102), worker (pid 103)',
      '  mail       smtp://127.0.0.1:1025, to security@localhost: kept by the local capture server (nothing leaves this machine)',
      '             read it: http://127.0.0.1:8025/api/v1/messages, or scripts/services mail',
      "  logs       syslog_udp 127.0.0.1:5514 (syslog): logger -d -n 127.0.0.1 -P 5514 'test message', or rsyslog *.* @127.0.0.1:5514",
      "             tcp_lines  127.0.0.1:5001 (tcpdump): tcpdump -n -tttt -l 'tcp[13]==2' | nc 127.0.0.1 5001",
      '  watches    5 registered, 4 enabled (vigil watch list)',
      '  responder  not started: --no-responder',
      '  metrics    http://127.0.0.1:9464/metrics',
      'Ctrl-C stops everything.',
    ]);
    const mail = { smtpUrl: 'smtp://relay:25', to: ['a@b.c'] };
    const free = summaryLines({ processes: [], inputs: [], mail, watches: { registered: 0, enabled: 0 }, responder: 'x', metrics: '127.0.0.1:0' });
    expect(free).toContain('  metrics    on a free port: see the "[ingest] ... metrics on" line');
    expect(free).toContain('  logs       none');
  });
});

describe('the responder of vigil up', () => {
  it('is not started without root or with --no-responder, saying why', () => {
    const stateDir = temp('noroot');
    expect(planResponder({ wanted: true, root: false, stateDir })).toEqual({
      start: false,
      why: "it changes this host's firewall and needs root (run vigil up as root to start it)",
    });
    expect(planResponder({ wanted: false, root: true, stateDir })).toEqual({ start: false, why: '--no-responder' });
    expect(roleSpecs({ ingestDir: '/i', metrics: 'off' }).map((r) => r.name)).toEqual(['ingest', 'scheduler', 'worker']);
  });

  it('writes a valid nftables configuration once when missing, keeps an existing one, and uses --responder-config as it is', () => {
    const stateDir = join(temp('root'), '.services');
    const first = planResponder({ wanted: true, root: true, stateDir });
    expect(first).toEqual({ start: true, config: join(stateDir, 'responder.yaml'), written: true });
    const loaded = loadResponderConfig(join(stateDir, 'responder.yaml'), { env: {}, hostname: () => 'web1' });
    expect(loaded).toMatchObject({ stateDir: join(stateDir, 'responder'), backend: { type: 'nftables', table: 'vigil' } });

    writeFileSync(join(stateDir, 'responder.yaml'), `${defaultResponderConfig(stateDir)}# edited\n`);
    expect(planResponder({ wanted: true, root: true, stateDir })).toEqual({ start: true, config: join(stateDir, 'responder.yaml'), written: false });
    expect(readFileSync(join(stateDir, 'responder.yaml'), 'utf8')).toContain('# edited');
    const given = planResponder({ wanted: true, root: true, stateDir, configFile: '/etc/vigil/responder.yaml' });
    expect(given).toEqual({ start: true, config: '/etc/vigil/responder.yaml', written: false });
    expect(roleSpecs({ ingestDir: '/i', metrics: 'off', responderConfig: '/r.yaml' }).at(-1)?.args).toEqual(['responder', '--config', '/r.yaml']);
  });
});

describe('Supervisor', () => {
  // A stand-in for `vigil`: behaves as its first argument says.
  const dir = temp('children');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'child.mjs');
  writeFileSync(
    entry,
    [
      'const [mode] = process.argv.slice(2);',
      'const idle = setInterval(() => {}, 1000);',
      // the handler before the ready line: a SIGTERM right after that line is handled
      "if (mode === 'polite') {",
      "  process.on('SIGTERM', () => { clearInterval(idle); process.stdout.write('bye without newline'); });",
      "  process.stderr.write('err line\\r\\nI am ready\\n');",
      '}',
      "if (mode === 'stubborn') { process.on('SIGTERM', () => console.log('not stopping')); console.log('I am ready'); }",
      "if (mode === 'crash') { console.log('I am ready'); setTimeout(() => { process.stdout.write('dying words'); process.exit(3); }, 50); }",
    ].join('\n'),
  );
  const supervisor = (lines: string[]) =>
    new Supervisor({ node: process.execPath, entry, globalArgs: [], env: {}, cwd: dir, write: (line) => lines.push(line) });
  const spec = (name: 'ingest' | 'worker', mode: string) => ({ name, args: [mode], ready: /I am ready/ });

  it('prefixes both streams, is ready once every child said so, and stops them with SIGTERM, flushing a last partial line', async () => {
    const lines: string[] = [];
    const s = supervisor(lines);
    s.start([spec('ingest', 'polite'), spec('worker', 'polite')]);
    await s.ready;
    expect(s.starting).toEqual([]);
    expect(s.processes.map((p) => p.role)).toEqual(['ingest', 'worker']);
    const { exits, killed } = await s.stop(30_000);
    expect(killed).toEqual([]);
    expect(exits.map(describeExit)).toEqual(['exit code 0', 'exit code 0']);
    expect(lines.filter((l) => l.startsWith('[ingest] '))).toEqual(['[ingest] err line', '[ingest] I am ready', '[ingest] bye without newline']);
    expect(lines.filter((l) => l.startsWith('[worker] '))).toEqual(['[worker] err line', '[worker] I am ready', '[worker] bye without newline']);
  });

  it('kills a child that ignores SIGTERM once the stop timeout is over', async () => {
    const lines: string[] = [];
    const s = supervisor(lines);
    s.start([spec('ingest', 'polite'), spec('worker', 'stubborn')]);
    await s.ready;
    const { exits, killed } = await s.stop(300);
    expect(killed).toEqual(['worker']);
    expect(exits.map(describeExit)).toEqual(['exit code 0', 'signal SIGKILL']);
    expect(lines).toContain('[worker] not stopping');
  });

  it('kills at once on kill() during a stop (a second Ctrl-C)', async () => {
    const s = supervisor([]);
    s.start([spec('worker', 'stubborn')]);
    await s.ready;
    const stopping = s.stop(600_000);
    s.kill();
    expect((await stopping).killed).toEqual(['worker']);
  });

  it('reports a child that exits on its own as a crash, after its last output', async () => {
    const lines: string[] = [];
    const s = supervisor(lines);
    s.start([spec('ingest', 'polite'), spec('worker', 'crash')]);
    const crash = await s.crashed;
    expect(crash).toMatchObject({ role: 'worker', code: 3, signal: null });
    expect(lines).toContain('[worker] dying words');
    expect((await s.stop(30_000)).exits.map(describeExit)).toEqual(['exit code 0', 'exit code 3']);
  });
});
