import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fixturesDir, repoRoot } from '@vigil/testkit';

// scripts/build compiles the workspace to JavaScript for the Docker image: the compiled CLI must do
// exactly what the TypeScript one does, under a Node that does not strip types.
const root = repoRoot();
let out: string;

function vigil(entry: string, args: string[], nodeFlags: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeFlags, entry, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tsCli = join(root, 'packages', 'cli', 'bin', 'vigil.js');
const jsCli = () => join(out, 'packages', 'cli', 'bin', 'vigil.js');
const noStripping = ['--no-experimental-strip-types'];
/** `event.ingested` is the time of the run, the one field two runs cannot share. */
const sameRun = (ndjson: string) => ndjson.replace(/"ingested":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/g, '"ingested":"<run time>"');

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'vigil-build-'));
  const r = spawnSync('bash', [join(root, 'scripts', 'build'), out], { cwd: root, encoding: 'utf8' });
  expect(r.stderr).toContain('files compiled');
  expect(r.status).toBe(0);
}, 60_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('scripts/build', () => {
  it('points every package export at a compiled .js file', () => {
    const manifest = JSON.parse(readFileSync(join(out, 'packages', 'core', 'package.json'), 'utf8')) as { exports: Record<string, string> };
    expect(Object.values(manifest.exports).length).toBeGreaterThan(0);
    for (const target of Object.values(manifest.exports)) expect(target).toMatch(/^\.\/src\/.+\.js$/);
  });

  it.each([
    ['syslog', 'loghub/Linux/Linux_2k.log'],
    ['tcpdump', 'tcpdump-derived/ssh.syn-tttt.txt'],
    ['ossec', 'excerpts/ossec-alerts.jsonl'],
  ])('gives byte-identical `parse -s %s` output over %s without type stripping', (source, fixture) => {
    const file = join(fixturesDir(root), fixture);
    const typescript = vigil(tsCli, ['parse', '-s', source, file]);
    const compiled = vigil(jsCli(), ['parse', '-s', source, file], noStripping);
    expect(typescript.status).toBe(0);
    expect(typescript.stdout.length).toBeGreaterThan(0);
    expect(compiled.stderr).toBe(typescript.stderr);
    expect(compiled.status).toBe(0);
    // byte-identical but for the run time (compared as booleans: a diff of 2,000 events is unreadable)
    expect(sameRun(compiled.stdout) === sameRun(typescript.stdout)).toBe(true);
    expect(compiled.stdout.length).toBe(typescript.stdout.length);
  });

  it('runs --help and reports an unknown command the same way without type stripping', () => {
    const help = vigil(jsCli(), ['--help'], noStripping);
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(vigil(tsCli, ['--help']).stdout);
    expect(help.stdout).toContain('ingest');
    const unknown = vigil(jsCli(), ['no-such-command'], noStripping);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toBe(vigil(tsCli, ['no-such-command']).stderr);
  });
});
