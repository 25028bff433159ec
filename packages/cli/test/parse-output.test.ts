// `vigil parse` writes a whole input chunk's events at once (one write per read, one escape pass per
// batch), and toEvent completes the parser's result in place instead of copying it (issue 13). This
// proves neither changed a byte: over every third-party fixture line, with every source, the
// command's output is exactly `jsonLine` of each record's event as the record → event step made it
// before (the copying version, kept below as the reference), record by record.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ManualClock, type EcsEvent } from '@vigil/core';
import { DEFAULT_HOST_OS, LineSplitter } from '@vigil/ingest';
import { ECS_VERSION, isFailure, lineFramer, MAX_RECORD_BYTES, parserFor, type LogParser, type LogRecord, type ParseContext, type ParsedFields } from '@vigil/parsers';
import { fixturesDir, readFixture, repoRoot } from '@vigil/testkit';
import { jsonLine } from '../src/output.ts';

const root = repoRoot();
const bin = join(root, 'packages', 'cli', 'bin', 'vigil.js');
const work = mkdtempSync(join(tmpdir(), 'vigil-parse-output-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every sample log of the shared fixtures: text files, not licences, manifests or detection rules. */
function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return fixtureFiles(path);
    return /^(LICENSE|COPYING|README|SOURCES|MANIFEST)|\.(toml|md|tsv|sha256)$/.test(entry.name) ? [] : [path];
  });
}

/** All fixture lines in one input, each file ending with a newline (so no two files share a line). */
function allFixtureText(): string {
  readFixture('SOURCES.md'); // says plainly when the folder is absent
  const dir = fixturesDir(root);
  return fixtureFiles(dir)
    .sort()
    .filter((path) => statSync(path).size > 0)
    .map((path) => {
      const text = readFixture(relative(dir, path));
      return text.endsWith('\n') ? text : `${text}\n`;
    })
    .join('');
}

/** The reference: `toEvent` (packages/parsers/src/record.ts) as it was before issue 13, which copied the parser's result. */
function referenceEvent(parser: LogParser, record: string, ctx: ParseContext): EcsEvent {
  let text = record;
  let truncated = false;
  const bytes = Buffer.from(record, 'utf8');
  if (bytes.length > MAX_RECORD_BYTES) {
    let cut = MAX_RECORD_BYTES;
    while (cut > 0 && ((bytes[cut] as number) & 0xc0) === 0x80) cut -= 1;
    text = bytes.subarray(0, cut).toString('utf8');
    truncated = true;
  }
  const ingestedIso = ctx.now.toISOString();
  let failure: string;
  try {
    const result = parser.parse(text, ctx);
    if (!isFailure(result)) {
      const event: EcsEvent = { ...result, event: { kind: 'event', ...result.event, dataset: result.event?.dataset ?? parser.dataset, original: text, ingested: ingestedIso } };
      referenceCommonEcs(event, ctx);
      if (truncated) event.tags = [...(event.tags ?? []), 'truncated'];
      return event;
    }
    failure = result.failure;
  } catch (err) {
    failure = `parser ${parser.source} threw: ${err instanceof Error ? err.message : String(err)}`;
  }
  return {
    '@timestamp': ingestedIso,
    event: { kind: 'pipeline_error', dataset: parser.dataset, original: text, ingested: ingestedIso },
    error: { message: failure, type: `${parser.source}_parse_failure` },
    tags: truncated ? ['_parse_failure', 'truncated'] : ['_parse_failure'],
  };
}

/** addCommonEcs of the same version. */
function referenceCommonEcs(event: EcsEvent, ctx: ParseContext): void {
  event.ecs ??= { version: ECS_VERSION };
  const addRelated = (name: string) => {
    const related: NonNullable<ParsedFields['related']> = (event.related ??= {});
    if (related.hosts === undefined) related.hosts = [name];
    else if (!related.hosts.includes(name)) related.hosts = [...related.hosts, name];
  };
  let host = event.host;
  if (host !== undefined) {
    if (host.name === undefined && host.hostname !== undefined) host.name = host.hostname;
    if (host.id === undefined && host.name !== undefined) host.id = host.name;
    if (host.name !== undefined) addRelated(host.name);
    if (host.hostname !== undefined && host.hostname !== host.name) addRelated(host.hostname);
  }
  if (ctx.hostOs === undefined || host?.os?.type !== undefined) return;
  if (host === undefined) {
    if (event.process === undefined) return;
    host = event.host = {};
  }
  host.os = host.os === undefined ? { type: ctx.hostOs } : { ...host.os, type: ctx.hostOs };
}

/** The events the in-process pipeline makes of `text` with `source`, each as `jsonLine` prints it, at `clock`'s time. */
function expectedLines(source: string, text: string, clock: ManualClock): string[] {
  const parser = parserFor(source);
  const framer = parser.framer?.() ?? lineFramer();
  const records: LogRecord[] = [];
  const splitter = new LineSplitter();
  splitter.push(Buffer.from(text, 'utf8'), (line) => records.push(...framer.push(line)));
  splitter.end((line) => records.push(...framer.push(line)));
  records.push(...framer.flush());
  // what buildEvent passes for `vigil parse` without --timezone: UTC, the default host OS
  const ctx: ParseContext = { timezone: 'UTC', now: clock.now(), hostOs: DEFAULT_HOST_OS };
  return records.map((record) => jsonLine(referenceEvent(parser, record.text, ctx)));
}

/**
 * A printed event with its ingest time (the CLI's real clock: `event.ingested`, and `@timestamp` of a
 * pipeline_error, which is the same instant) set to `iso`, so it compares with a fixed-clock event.
 */
function atIngestTime(line: string, iso: string): string {
  const ingested = (JSON.parse(line) as { event: { ingested: string } }).event.ingested;
  return line.split(`"${ingested}"`).join(`"${iso}"`);
}

const text = allFixtureText();
const input = join(work, 'all-fixtures.log');
writeFileSync(input, text);

describe('vigil parse prints every fixture record exactly as jsonLine of its event', () => {
  const at = '2026-12-02T12:00:00.000Z';
  const clock = new ManualClock(at);

  it.each(['syslog', 'tcpdump', 'ossec', 'windows', 'auto'])('--source %s', (source) => {
    const result = spawnSync(process.execPath, [bin, 'parse', '--source', source, input], { encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const printed = result.stdout.split('\n');
    expect(printed.pop()).toBe(''); // the output ends with a newline
    const expected = expectedLines(source, text, clock);
    expect(printed).toHaveLength(expected.length);
    const differing = printed.map((line, i) => [atIngestTime(line, at), expected[i]]).filter(([got, want]) => got !== want);
    expect(differing.slice(0, 3)).toEqual([]);
  });

  it('the same input read from stdin gives the same bytes as from the file', () => {
    const fromFile = spawnSync(process.execPath, [bin, 'parse', '--source', 'auto', input], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const fromStdin = spawnSync(process.execPath, [bin, 'parse', '--source', 'auto'], { input: readFileSync(input), encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(fromStdin.status).toBe(0);
    const normalize = (out: string) => out.split('\n').filter((l) => l !== '').map((l) => atIngestTime(l, at));
    expect(normalize(fromStdin.stdout)).toEqual(normalize(fromFile.stdout));
    expect(normalize(fromFile.stdout).length).toBeGreaterThan(1000);
  });
});
