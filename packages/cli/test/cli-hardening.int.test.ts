import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HistoryRecord } from '@vigil/core';
import { createElasticsearchClient, dailySystemIndex, setupIndices } from '@vigil/store';
import { dropPrefix, freePort, repoRoot, runVigil, serviceEnv, uniquePrefix, type VigilResult } from '@vigil/testkit';

const root = repoRoot();
const env = serviceEnv(root);
const prefix = uniquePrefix('cli-hardening');
const es = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
// A working directory without vigil.yaml, so only the environment given here configures the CLI.
const cwd = mkdtempSync(join(tmpdir(), 'vigil-cli-hardening-'));

afterAll(async () => {
  await dropPrefix(es, prefix);
  await es.close();
});

function vigil(args: string[], extra: Record<string, string> = {}): Promise<VigilResult> {
  return runVigil(args, { cwd, prefix, extra });
}

/** What every report of a mistake must be: exactly one line on stderr, no stack frame, nothing on stdout. */
function expectOneLine(result: VigilResult, code: number, line: string | RegExp): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr.endsWith('\n')).toBe(true);
  const lines = result.stderr.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  if (typeof line === 'string') expect(lines[0]).toBe(line);
  else expect(lines[0]).toMatch(line);
}

/**
 * Runs the real CLI with stdout a pipe whose reader goes away after the first chunk, as `| head -1`
 * does: the exit code and what was written to stderr.
 */
function runClosingStdout(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; firstChunk: string }> {
  const child = spawn(process.execPath, [join(root, 'packages', 'cli', 'bin', 'vigil.js'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', VIGIL_ELASTICSEARCH_URL: env.VIGIL_ELASTICSEARCH_URL, VIGIL_REDIS_URL: env.VIGIL_REDIS_URL, VIGIL_INDEX_PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let firstChunk = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.once('data', (d: Buffer) => {
    firstChunk = d.toString();
    child.stdout.destroy();
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr, firstChunk })));
}

describe('one error path: a user mistake is one line naming the file or option, exit 2', () => {
  it('a missing file for vigil parse', async () => {
    const file = join(cwd, 'no-such.log');
    expectOneLine(await vigil(['parse', '--source', 'auto', file]), 2, `vigil: ${file}: cannot read: no such file or directory`);
  });

  it('a directory given as the file of vigil parse', async () => {
    const dir = join(cwd, 'logs');
    mkdirSync(dir, { recursive: true });
    expectOneLine(await vigil(['parse', '--source', 'syslog', dir]), 2, `vigil: ${dir}: cannot read: is a directory, not a file`);
  });

  it('a directory or a missing file given to vigil ingest, refused before any work', async () => {
    const dir = join(cwd, 'ingest-logs');
    mkdirSync(dir, { recursive: true });
    expectOneLine(await vigil(['ingest', '--source', 'auto', dir]), 2, `vigil: ${dir}: cannot read: is a directory, not a file`);
    const missing = join(cwd, 'ingest-missing.log');
    expectOneLine(await vigil(['ingest', '--source', 'auto', missing]), 2, `vigil: ${missing}: cannot read: no such file or directory`);
  });

  it('an unknown option, named with the command it was given to', async () => {
    expectOneLine(await vigil(['watch', 'list', '--bogus']), 2, "vigil watch list: unknown option '--bogus' (see vigil watch list --help)");
    expectOneLine(await vigil(['parse', '--source', 'auto', '--tz', 'UTC']), 2, "vigil parse: unknown option '--tz' (see vigil parse --help)");
    expectOneLine(await vigil(['parse']), 2, "vigil parse: required option '-s, --source <name>' not specified (see vigil parse --help)");
    expectOneLine(await vigil(['nosuch']), 2, "vigil: unknown command 'nosuch' (see vigil --help)");
  });

  it('a bad configuration value, at its file:line and field', async () => {
    const config = join(cwd, 'bad.yaml');
    writeFileSync(config, 'delivery:\n  lock_duration: 30s\n  deadline: soon\n');
    expectOneLine(await vigil(['-c', config, 'watch', 'list']), 2, new RegExp(`^vigil: ${config.replaceAll('.', '\\.')}:3: delivery\\.deadline: `));
    expectOneLine(await vigil(['watch', 'list'], { VIGIL_SMTP_URL: 'mail.example.org:25' }), 2, /^vigil: environment variable VIGIL_SMTP_URL: smtp\.url: /);
    expectOneLine(await vigil(['-c', join(cwd, 'missing.yaml'), 'watch', 'list']), 2, new RegExp(`^vigil: ${join(cwd, 'missing.yaml').replaceAll('.', '\\.')}: cannot read`));
  });

  it('a bad option value of a command', async () => {
    expectOneLine(await vigil(['watch', 'history', 'auth.one', '--limit', 'many']), 2, 'vigil: --limit must be a whole number from 1 to 10000, got "many"');
  });

  it('a runtime failure (Elasticsearch unreachable) is one line with exit 1', async () => {
    const port = await freePort();
    expectOneLine(await vigil(['watch', 'list'], { VIGIL_ELASTICSEARCH_URL: `http://127.0.0.1:${port}` }), 1, new RegExp(`^vigil: elasticsearch at http://127\\.0\\.0\\.1:${port} unreachable`));
  });

  it('--verbose, before or after the command, adds the cause and the stack after the same first line', async () => {
    const file = join(cwd, 'no-such.log');
    for (const args of [['--verbose', 'parse', '-s', 'auto', file], ['parse', '-s', 'auto', file, '--verbose']]) {
      const result = await vigil(args);
      expect(result.code).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines[0]).toBe(`vigil: ${file}: cannot read: no such file or directory`);
      expect(lines).toContain(`caused by: ENOENT: no such file or directory, stat '${file}'`);
      expect(lines.some((l) => /^\s+at /.test(l))).toBe(true);
    }
  });
});

describe('terminal output escapes the control characters of the data it prints', () => {
  it('vigil parse prints hostile lines as JSON with DEL, C1 controls and line separators escaped, and the same value back', async () => {
    const hostile = ['Nov 22 09:00:00 web1 sshd[1]: Invalid user a\u001b[2J\u009b2Jb\u007f\u2028c from 198.51.100.7 port 22', '\u001b]0;owned\u0007 binary \u0000\u0001 tail'];
    const file = join(cwd, 'hostile.log');
    writeFileSync(file, `${hostile.join('\n')}\n`);
    const result = await vigil(['parse', '--source', 'auto', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
    const lines = result.stdout.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { event: { original: string } }).event.original)).toEqual(hostile);
    expect(lines[0]).toContain('a\\u001b[2J\\u009b2Jb\\u007f\\u2028c');
  });
});

describe('a closed stdout is a normal exit', () => {
  const watchId = 'auth.hardening';
  const runs = 2000;

  beforeAll(async () => {
    await setupIndices(es, prefix);
    const started = Date.parse('2026-11-22T00:00:00.000Z');
    const operations = Array.from({ length: runs }, (_, i) => {
      const at = new Date(started + i * 10_000).toISOString();
      const record: HistoryRecord = {
        '@timestamp': at,
        watch_id: watchId,
        watch_version: 1,
        run_id: `run-${i}`,
        scheduled_time: at,
        started: at,
        lateness_ms: 1,
        duration_ms: 2,
        window: { from: new Date(started + i * 10_000 - 30_000).toISOString(), to: at },
        hits: i,
        condition_met: false,
        entities: [],
        state: 'executed',
        actions: [],
        // what a failing service answered, quoting attacker data: a terminal escape and a forged row
        ...(i === runs - 1 ? { error: 'SMTP 550 <\u001b[2J\u001b[Hroot>\n2026-11-22T00:00:00.000Z  all clear' } : {}),
      };
      return [{ index: { _index: dailySystemIndex(prefix, 'watch-history', at) } }, record];
    });
    const res = await es.bulk({ operations: operations.flat(), refresh: true });
    expect(res.errors).toBe(false);
  });

  it('vigil watch history shows a hostile error on its own row, the escape visible', async () => {
    const result = await vigil(['watch', 'history', watchId, '--limit', '3']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('\u001b');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/ error: SMTP 550 <\\u001b\[2J\\u001b\[Hroot>\\n2026-11-22T00:00:00\.000Z  all clear$/);
  });

  it('vigil watch history | head -1 exits 0 without an EPIPE trace', async () => {
    const result = await runClosingStdout(['watch', 'history', watchId, '--limit', String(runs)]);
    expect(result.firstChunk).toMatch(/^STARTED +WINDOW/);
    expect({ code: result.code, signal: result.signal, stderr: result.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  });

  it('vigil parse FILE | head -1 exits 0 without an EPIPE trace', async () => {
    const file = join(cwd, 'many.log');
    writeFileSync(file, Array.from({ length: 50_000 }, (_, i) => `Nov 22 09:00:00 web1 sshd[${i}]: Failed password for root from 198.51.100.7 port ${i % 65_000} ssh2\n`).join(''));
    const result = await runClosingStdout(['parse', '--source', 'syslog', file]);
    expect(result.firstChunk).toMatch(/^\{"@timestamp"/);
    expect({ code: result.code, signal: result.signal, stderr: result.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  });
});
