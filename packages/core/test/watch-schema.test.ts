import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { VigilValidationError } from '../src/errors.ts';
import { parseDuration } from '../src/watch/duration.ts';
import { loadWatches } from '../src/watch/load.ts';
import { createWatchSchema } from '../src/watch/schema.ts';

/** A schema with one stand-in action type; the real registry lives in @vigil/actions (tested there). */
const schema = createWatchSchema({ note: z.strictObject({ text: z.string() }) });

const VALID = `id: area.tactic_what
name: Example
schedule:
  every: 10s
input:
  search:
    indices: [tcpdump-*]
    window: { size: 30s }
condition:
  buckets:
    path: aggregations.by_source.buckets[]
    key: { source.ip: key }
    where: doc_count > 5
actions:
  tell:
    type: note
    text: hi
`;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-watches-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function problems(dir: string): string[] {
  try {
    loadWatches([dir], schema);
  } catch (error) {
    expect(error).toBeInstanceOf(VigilValidationError);
    return (error as VigilValidationError).problems.map((p) => p.toString().replace(`${dir}/`, ''));
  }
  throw new Error('expected the watches to be rejected');
}

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['10 s', undefined],
    ['1.5s', undefined],
    ['10', undefined],
  ])('%s → %p', (text, ms) => expect(parseDuration(text)).toBe(ms));
});

describe('watch files', () => {
  it('loads a valid watch with defaults applied and durations in milliseconds', () => {
    const [loaded] = loadWatches([folder({ 'area/tactic_what.yaml': VALID })], schema);
    expect(loaded?.watch).toMatchObject({
      id: 'area.tactic_what',
      enabled: true,
      severity: 'medium',
      schedule: { every: 10_000, max_catch_up: 3_600_000 },
      input: { search: { window: { size: 30_000, field: '@timestamp', delay: 0 }, size: 0 } },
    });
  });

  it('loads JSON watches too, and skips schema.json and templates/', () => {
    const json = JSON.stringify({ id: 'a.json_watch', name: 'J', schedule: { cron: '*/5 * * * *', timezone: 'Europe/Tallinn' }, input: { search: { indices: ['auth-*'], window: { size: '5m' } } }, condition: { compare: { path: 'hits.total.value', op: 'gt', value: 0 } } });
    const loaded = loadWatches([folder({ 'a/json_watch.json': json, 'schema.json': '{"not": "a watch"}', 'templates/x.yaml': 'nope: 1' })], schema);
    expect(loaded.map((l) => l.watch.schedule)).toEqual([{ cron: '*/5 * * * *', timezone: 'Europe/Tallinn', max_catch_up: 3_600_000 }]);
  });

  it('reports every problem of every file as file:line: path: message', () => {
    const bad = VALID.replace('every: 10s', 'every: 10 s\n  crn: "* * * * *"')
      .replace('doc_count > 5', 'doc_count >> 5')
      .replace('type: note', 'type: email')
      .replace('name: Example', 'name: Example\nseverity: urgent');
    expect(problems(folder({ 'a/bad.yaml': bad, 'b/syntax.yaml': 'id: [unclosed\n' }))).toEqual([
      'a/bad.yaml:3: severity: Invalid option: expected one of "low"|"medium"|"high"|"critical"',
      'a/bad.yaml:5: schedule.every: "10 s" is not a duration: write a whole number and a unit (ms, s, m, h, d), for example 30s',
      'a/bad.yaml:6: schedule.crn: unknown key',
      'a/bad.yaml:15: condition.buckets.where: bad expression: unexpected ">" at column 12',
      'a/bad.yaml:18: actions.tell.type: unknown or missing action type: expected one of note',
      expect.stringMatching(/^b\/syntax\.yaml:2: /),
    ]);
  });

  it.each([
    ['schedule: both every and cron', VALID.replace('every: 10s', 'every: 10s\n  cron: "* * * * *"'), 'schedule: schedule needs exactly one of every, cron (found every and cron)'],
    ['schedule: bad cron', VALID.replace('every: 10s', 'cron: "61 * * * *"'), 'schedule.cron: bad cron expression'],
    ['schedule: bad zone', VALID.replace('every: 10s', 'cron: "* * * * *"\n  timezone: Mars/Olympus'), 'schedule.timezone: unknown IANA time zone'],
    ['input: none', VALID.replace(/input:[\s\S]*?condition:/, 'input: {}\ncondition:'), 'input: input needs exactly one of search, chain, join'],
    ['index pattern with prefix-like capitals', VALID.replace('tcpdump-*', 'Vigil-TCPDUMP'), 'input.search.indices[0]: must be a lower-case index name'],
    ['window too short', VALID.replace('size: 30s', 'size: 10ms'), 'input.search.window.size: 10ms is out of range'],
    ['buckets path without []', VALID.replace('buckets[]', 'buckets'), 'condition.buckets.path: must step into an array with []'],
    ['bad template', VALID.replace('actions:', 'transform:\n  template:\n    s: "{{#if x}}"\nactions:'), 'transform.template.s: bad template'],
    ['unknown action option', VALID.replace('text: hi', 'text: hi\n    txt: typo'), 'actions.tell.txt: unknown key'],
    ['bad id', VALID.replace('id: area.tactic_what', 'id: Area/What'), 'id: must be 1-128 lower-case letters'],
  ])('rejects %s', (_, text, message) => {
    const [problem] = problems(folder({ 'w.yaml': text }));
    expect(problem).toContain(message);
    expect(problem).toMatch(/^w\.yaml:\d+: /);
  });

  it('rejects a second watch with the same id at its id line', () => {
    expect(problems(folder({ 'a/one.yaml': VALID, 'b/two.yaml': `# copy\n${VALID}` }))).toEqual([expect.stringMatching(/^b\/two\.yaml:2: id: duplicate watch id "area\.tactic_what" \(also in .*a\/one\.yaml\)$/)]);
  });
});
