// Issue 12, case 4 (and case 3's alias bomb and nested `where`): validation as strict as the runtime.
// Each watch is a small YAML file written here; every refusal is a located error, never a stack trace.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { VigilValidationError } from '../src/errors.ts';
import { compileExpression } from '../src/watch/expression.ts';
import { loadWatches, locatedWarnings } from '../src/watch/load.ts';
import { createWatchSchema, templateSchema } from '../src/watch/schema.ts';

/** A stand-in action type with one template option, as the notifying actions have (the real registry is tested in @vigil/actions). */
const schema = createWatchSchema({ note: z.strictObject({ text: templateSchema.optional() }) });

function write(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-strict-'));
  const file = join(dir, 'w.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

/** What `vigil watch validate` prints for the file (paths shown relative: `w.yaml:12: ...`), `[]` when valid. */
function problems(text: string): string[] {
  const { dir } = write(text);
  try {
    loadWatches([dir], schema);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(VigilValidationError);
    return (error as VigilValidationError).problems.map((p) => p.toString().replace(`${dir}/`, ''));
  }
}

function warnings(text: string): string[] {
  const { dir } = write(text);
  const [loaded] = loadWatches([dir], schema);
  return locatedWarnings(loaded!).map((w) => w.replace(`${dir}/`, ''));
}

/** A per-entity watch over one terms aggregation; `parts` replace its sections (YAML text, each ends in a newline). */
function watch(parts: { search?: string; condition?: string; transform?: string; actions?: string; top?: string } = {}): string {
  return [
    'id: test.strict',
    'name: Strict',
    'schedule: { every: 10s }',
    parts.top ?? '',
    'input:',
    '  search:',
    parts.search ??
      [
        '    indices: [auth-*]',
        '    window: { size: 1m }',
        '    aggs:',
        '      by_source:',
        '        terms: { field: source.ip, size: 100 }',
        '        aggs:',
        '          users: { cardinality: { field: user.name } }',
      ].join('\n'),
    parts.condition ?? ['condition:', '  buckets:', '    path: aggregations.by_source.buckets[]', '    key: { source.ip: key }', '    where: doc_count >= 3'].join('\n'),
    parts.transform ?? '',
    parts.actions ?? '',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('YAML alias bombs', () => {
  it('refuses a billion-laughs file at its first alias, without expanding it', () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i += 1) {
      const [prev, name] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const text = `${watch()}\nmetadata:\n  ${levels.join('\n  ')}\n`;
    const found = problems(text);
    expect(found).toEqual([`w.yaml:${lineOf(text, 'b: &b')}: YAML aliases expand to too many nodes (more than 100 times the document): refused as a resource-exhaustion ("billion laughs") file, not expanded`]);
  });

  it('still reads a file with a few aliases', () => {
    const text = `${watch()}\nmetadata:\n  base: &base { runbook: wiki/ssh }\n  copy: *base\n`;
    expect(problems(text)).toEqual([]);
  });
});

describe('expression bounds', () => {
  it('20,000 nested parentheses in where are a syntax error at the where line, not a stack overflow', () => {
    const deep = `${'('.repeat(20_000)}doc_count${')'.repeat(20_000)} >= 3`;
    // under the length bound too, so the nesting bound is what refuses it
    const nested = `${'('.repeat(1000)}doc_count${')'.repeat(1000)} >= 3`;
    for (const where of [deep, nested]) {
      const text = watch({ condition: ['condition:', '  buckets:', '    path: aggregations.by_source.buckets[]', '    key: { source.ip: key }', `    where: '${where}'`].join('\n') });
      const [problem, ...rest] = problems(text);
      expect(rest).toEqual([]);
      expect(problem).toMatch(new RegExp(`^w\\.yaml:${lineOf(text, 'where:')}: condition\\.buckets\\.where: bad expression: `));
      expect(problem).toContain(where === deep ? 'expression too long (40014 characters, at most 4096)' : 'nested too deeply (more than 64 levels of parentheses, ! or unary -) at column 65');
    }
  });

  it('bounds prefix operators and compute expressions the same way', () => {
    const text = watch({ transform: ['transform:', '  compute:', `    flipped: '${'!'.repeat(500)}true'`, `    negated: '${'-'.repeat(500)}doc_count'`].join('\n') });
    expect(problems(text)).toEqual([
      `w.yaml:${lineOf(text, 'flipped:')}: transform.compute.flipped: bad expression: nested too deeply (more than 64 levels of parentheses, ! or unary -) at column 65`,
      `w.yaml:${lineOf(text, 'negated:')}: transform.compute.negated: bad expression: nested too deeply (more than 64 levels of parentheses, ! or unary -) at column 65`,
    ]);
  });

  it('20,000 nested parentheses in a KQL query are a located error, not a stack overflow', () => {
    const kql = `${'('.repeat(20_000)}event.outcome:failure${')'.repeat(20_000)}`;
    const text = watch({ search: ['    indices: [auth-*]', '    window: { size: 1m }', `    query: { kql: '${kql}' }`].join('\n'), condition: 'condition: { always: true }' });
    expect(problems(text)).toEqual([`w.yaml:${lineOf(text, 'kql:')}: input.search.query.kql: KQL query nested too deeply to compile (use fewer levels of parentheses)`]);
  });

  it('keeps ordinary nesting and long operator chains working', () => {
    expect(compileExpression('((((a + 1)))) > 2 && !!(b)').evaluate({ a: 5, b: true })).toBe(true);
    const chain = Array(1000).fill('a').join(' + ');
    expect(compileExpression(chain).evaluate({ a: 1 })).toBe(1000);
  });
});

describe('templates against the helpers that exist', () => {
  it('an unknown helper is an error naming the file, line and helper', () => {
    const text = watch({ transform: ['transform:', '  template:', `    summary: 'ran {{exec "id"}}'`].join('\n') });
    expect(problems(text)).toEqual([
      `w.yaml:${lineOf(text, 'summary:')}: transform.template.summary: bad template: unknown template helper "exec" (template line 1, column 5); the helpers are if, unless, each, with, lookup, json, secret`,
    ]);
  });

  it('checks action option templates too, and refuses partials, misused helpers and secrets in transforms', () => {
    const text = watch({
      transform: ['transform:', '  template:', `    leak: '{{secret "smtp"}}'`, `    inline_if: '{{if watch}}'`].join('\n'),
      actions: ['actions:', '  tell:', '    type: note', `    text: '{{> header}} {{#json payload}}x{{/json}} {{lookup entity}}'`].join('\n'),
    });
    const at = (needle: string) => `w.yaml:${lineOf(text, needle)}`;
    expect(problems(text)).toEqual([
      `${at('leak:')}: transform.template.leak: bad template: {{secret}} cannot be used here: a transform's output is stored in alert state, secrets are only for action options (template line 1, column 1)`,
      `${at('inline_if:')}: transform.template.inline_if: bad template: helper "if" is used as a value; write {{#if value}}...{{else}}...{{/if}} (template line 1, column 1)`,
      `${at('text:')}: actions.tell.text: bad template: partials ({{> name}}) are not supported in watch templates (template line 1, column 1)`,
      `${at('text:')}: actions.tell.text: bad template: helper "json" is used as a block; write {{json value}} (template line 1, column 14)`,
      `${at('text:')}: actions.tell.text: bad template: helper "lookup" takes 2 arguments, got 1: {{lookup object key}} (template line 1, column 42)`,
    ]);
  });

  it('accepts every helper used as documented', () => {
    const text = watch({
      transform: ['transform:', '  pick: { users: users.value }', '  template:', `    s: '{{#if payload.users}}{{json payload}}{{else}}{{lookup entity "source.ip"}}{{/if}}{{#each payload}}{{this}}{{/each}}{{#with window}}{{from}}{{/with}}{{#unless entity}}-{{/unless}}'`].join('\n'),
      actions: ['actions:', '  tell:', '    type: note', `    text: '{{secret "webhook_key"}} {{payload.s}}'`].join('\n'),
    });
    expect(problems(text)).toEqual([]);
  });
});

describe('paths against what the input produces', () => {
  it('a typo in where is an error naming the unknown path and what the bucket has', () => {
    const text = watch({ condition: ['condition:', '  buckets:', '    path: aggregations.by_source.buckets[]', '    key: { source.ip: key }', '    where: doc_cont >= 1'].join('\n') });
    expect(problems(text)).toEqual([
      `w.yaml:${lineOf(text, 'where:')}: condition.buckets.where: unknown path "doc_cont": each element at condition.buckets.path has key, key_as_string, doc_count, doc_count_error_upper_bound, users, by_source`,
    ]);
  });

  it('checks the buckets path, key, compare path, pick, compute and the fields of a metric', () => {
    const perEntity = watch({
      condition: ['condition:', '  buckets:', '    path: aggregations.by_sourc.buckets[]', '    key: { source.ip: key }'].join('\n'),
    });
    expect(problems(perEntity)).toEqual([
      `w.yaml:${lineOf(perEntity, 'path:')}: condition.buckets.path: unknown path "aggregations.by_sourc": aggregations has by_source`,
    ]);
    const fields = watch({
      condition: ['condition:', '  buckets:', '    path: aggregations.by_source.buckets[]', '    key: { source.ip: keys }', '    where: users.valeu > 1'].join('\n'),
      transform: ['transform:', '  pick: { n: doc_count, u: user.value }', '  compute: { ratio: n / total }'].join('\n'),
    });
    const at = (needle: string) => `w.yaml:${lineOf(fields, needle)}`;
    expect(problems(fields)).toEqual([
      `${at('key:')}: condition.buckets.key.source.ip: unknown path "keys": each element at condition.buckets.path has key, key_as_string, doc_count, doc_count_error_upper_bound, users, by_source`,
      `${at('where:')}: condition.buckets.where: unknown path "users.valeu": users has value, value_as_string`,
      `${at('pick:')}: transform.pick.u: unknown path "user": each element at condition.buckets.path has key, key_as_string, doc_count, doc_count_error_upper_bound, users, by_source`,
      `${at('compute:')}: transform.compute.ratio: unknown path "total": each element at condition.buckets.path (with the picked fields) has key, key_as_string, doc_count, doc_count_error_upper_bound, users, by_source, n, u`,
    ]);
    const compare = watch({ condition: ['condition:', '  compare: { path: hits.totl.value, op: gt, value: 0 }'].join('\n') });
    expect(problems(compare)).toEqual([`w.yaml:${lineOf(compare, 'compare:')}: condition.compare.path: unknown path "hits.totl": hits has total, max_score, hits`]);
  });

  it('knows composite sources, nested levels and pipeline results', () => {
    const search = [
      '    indices: [tcpdump-*]',
      '    window: { size: 1m }',
      '    aggs:',
      '      by_source:',
      '        composite: { size: 1000, sources: [ { source: { terms: { field: source.ip } } } ] }',
      '        aggs:',
      '          by_target:',
      '            terms: { field: destination.ip, size: 100 }',
      '            aggs: { ports: { cardinality: { field: destination.port } } }',
      '          pairs: { sum_bucket: { buckets_path: by_target>ports } }',
    ].join('\n');
    const ok = watch({
      search,
      condition: ['condition:', '  buckets:', '    path: aggregations.by_source.buckets[].by_target.buckets[]', '    key: { source.ip: by_source.key.source, destination.ip: key }', '    where: ports.value > 5 && by_source.pairs.value > 10'].join('\n'),
    });
    expect(problems(ok)).toEqual([]);
    const bad = watch({
      search,
      condition: ['condition:', '  buckets:', '    path: aggregations.by_source.buckets[]', '    key: { source.ip: key.src }', '    where: pairs.values > 10'].join('\n'),
    });
    expect(problems(bad)).toEqual([
      `w.yaml:${lineOf(bad, 'key:')}: condition.buckets.key.source.ip: unknown path "key.src": key has source`,
      `w.yaml:${lineOf(bad, 'where:')}: condition.buckets.where: unknown path "pairs.values": pairs has value, value_as_string`,
    ]);
  });

  it('checks template and action-condition paths into payload, entity and response', () => {
    const text = watch({
      transform: ['transform:', '  pick: { failures: doc_count }', '  template:', `    summary: '{{payload.failure}} from {{entity.[source.ip]}} {{entity.source.ip}}'`].join('\n'),
      actions: ['actions:', '  tell:', '    type: note', '    condition: payload.failures > 3 && alert.payload.sumary != ""', `    text: '{{payload.summary}} {{payload.sumary}} {{response.ip}}'`].join('\n'),
    });
    const at = (needle: string) => `w.yaml:${lineOf(text, needle)}`;
    expect(problems(text)).toEqual([
      `${at('summary:')}: transform.template.summary: unknown path "payload.failure": payload has failures`,
      `${at('summary:')}: transform.template.summary: unknown path "entity.source": entity has source.ip`,
      `${at('condition: payload')}: actions.tell.condition: unknown path "alert.payload.sumary": alert.payload has failures, summary`,
      `${at('text:')}: actions.tell.text: unknown path "payload.sumary": payload has failures, summary`,
      `${at('text:')}: actions.tell.text: unknown path "response.ip": response is only set in on_response actions`,
    ]);
  });

  it('warns, without refusing, where nothing can be known yet: a search with no aggs, a whole-watch entity', () => {
    const text = watch({
      search: ['    indices: [auth-*]', '    window: { size: 1m }'].join('\n'),
      condition: ['condition:', '  compare: { path: aggregations.total.value, op: gt, value: 0 }'].join('\n'),
      actions: ['actions:', '  tell:', '    type: note', `    text: '{{entity.[source.ip]}}'`].join('\n'),
    });
    expect(warnings(text)).toEqual([
      `w.yaml:${lineOf(text, 'compare:')}: condition.compare.path: warning: path "aggregations.total" never has a value: the search defines no aggs, so its response holds only took, timed_out, _shards and hits`,
      `w.yaml:${lineOf(text, 'text:')}: actions.tell.text: warning: path "entity.[source.ip]" never has a value: the condition is for the watch as a whole (not condition.buckets), so the entity is {}`,
    ]);
  });
});

describe('indices under the prefix', () => {
  it.each(['*', '*-auth-*', '-auth-*', 'other:auth-*', 'auth-*,alerts', 'watches', 'auth*'])('refuses %s', (pattern) => {
    const text = watch({ search: [`    indices: ['${pattern}']`, '    window: { size: 1m }'].join('\n'), condition: 'condition: { always: true }' });
    expect(problems(text)).toEqual([
      `w.yaml:${lineOf(text, 'indices:')}: input.search.indices[0]: must be a lower-case index name or pattern under the prefix: a dataset name, "-", then a date or *, for example tcpdump-* or auth-2026.* (no leading *, no - exclusions, no commas, no other prefix or cluster)`,
    ]);
  });

  it.each(['auth-*', 'auth-2026.12.*', 'watch-history-*', 'deadletter-2026.12.02'])('accepts %s', (pattern) => {
    expect(problems(watch({ search: [`    indices: ['${pattern}']`, '    window: { size: 1m }'].join('\n'), condition: 'condition: { always: true }' }))).toEqual([]);
  });
});

describe('queries and aggregations against the allow-list', () => {
  const scripted = [
    '    indices: [auth-*]',
    '    window: { size: 1m }',
    '    query:',
    '      bool:',
    '        filter:',
    "          - script: { script: { source: \"doc['x'].value > 1\" } }",
    '        should:',
    '          - script_score: { query: { match_all: {} }, script: { source: "1" } }',
    '          - terms_set: { tags: { terms: [a], minimum_should_match_script: { source: "1" } } }',
    '          - function_score: { query: { match_all: {} }, functions: [ { script_score: { script: "1" } } ] }',
    '    aggs:',
    "      by_source: { terms: { script: { source: \"doc['x']\" } } }",
    '      everything: { scripted_metric: { map_script: "state.x = 1" } }',
    '      ratio: { bucket_script: { buckets_path: { a: _count }, script: "params.a" } }',
    '      picked: { top_hits: { size: 1, script_fields: { f: { script: "1" } } } }',
    '    sort: [ { _script: { type: number, script: "1" } } ]',
  ].join('\n');

  it('refuses scripts anywhere in a search unless the watch says allow_scripts: true', () => {
    const text = watch({ search: scripted, condition: 'condition: { always: true }' });
    const at = (needle: string) => `w.yaml:${lineOf(text, needle)}`;
    const hint = 'scripts run code in the cluster: set allow_scripts: true on the watch to allow them';
    expect(problems(text)).toEqual([
      `${at('- script: {')}: input.search.query.bool.filter[0].script: query clause "script" is not allowed: ${hint}`,
      `${at('- script_score:')}: input.search.query.bool.should[0].script_score: query clause "script_score" is not allowed: ${hint}`,
      `${at('- terms_set:')}: input.search.query.bool.should[1].terms_set.tags.minimum_should_match_script: "minimum_should_match_script" is not allowed: ${hint}`,
      `${at('- function_score:')}: input.search.query.bool.should[2].function_score.functions[0].script_score: "script_score" is not allowed: ${hint}`,
      `${at('by_source:')}: input.search.aggs.by_source.terms.script: "script" is not allowed: ${hint}`,
      `${at('everything:')}: input.search.aggs.everything.scripted_metric: aggregation "scripted_metric" is not allowed: ${hint}`,
      `${at('ratio:')}: input.search.aggs.ratio.bucket_script: aggregation "bucket_script" is not allowed: ${hint}`,
      `${at('picked:')}: input.search.aggs.picked.top_hits.script_fields: "script_fields" is not allowed: ${hint}`,
      `${at('sort:')}: input.search.sort[0]._script: "_script" is not allowed: ${hint}`,
    ]);
    expect(problems(watch({ search: scripted, condition: 'condition: { always: true }', top: 'allow_scripts: true' }))).toEqual([]);
  });

  it('allow_scripts is strictly a boolean', () => {
    const text = watch({ top: 'allow_scripts: "yes"' });
    expect(problems(text)).toEqual([`w.yaml:${lineOf(text, 'allow_scripts')}: allow_scripts: Invalid input: expected boolean, received string`]);
  });

  it('refuses clause and aggregation types outside the allow-list, and global (it escapes the window)', () => {
    const text = watch({
      search: ['    indices: [auth-*]', '    window: { size: 1m }', '    query: { percolate: { field: q, document: {} } }', '    aggs:', '      all: { global: {}, aggs: { n: { value_count: { field: user.name } } } }'].join('\n'),
      condition: 'condition: { always: true }',
    });
    const [query, agg] = problems(text);
    expect(query).toMatch(new RegExp(`^w\\.yaml:${lineOf(text, 'percolate')}: input\\.search\\.query\\.percolate: query clause "percolate" is not allowed; the allowed clauses are bool, `));
    expect(agg).toMatch(new RegExp(`^w\\.yaml:${lineOf(text, 'global')}: input\\.search\\.aggs\\.all\\.global: aggregation type "global" is not allowed; the allowed types are terms, `));
  });

  it('bounds bucket sizes and pattern lengths', () => {
    const long = 'a'.repeat(300);
    const text = watch({
      search: [
        '    indices: [auth-*]',
        '    window: { size: 1m }',
        '    query:',
        '      bool:',
        '        filter:',
        `          - regexp: { user.name: { value: '${long}', max_determinized_states: 1000000 } }`,
        `          - wildcard: { host.name: '${long}' }`,
        '    aggs:',
        '      huge: { terms: { field: source.ip, size: 10000000 } }',
        `      pages: { composite: { size: 50000, sources: [ { s: { terms: { field: source.ip } } } ] } }`,
        `      filtered: { terms: { field: user.name, size: 10, include: '${long}' } }`,
      ].join('\n'),
      condition: 'condition: { always: true }',
    });
    const at = (needle: string) => `w.yaml:${lineOf(text, needle)}`;
    expect(problems(text)).toEqual([
      `${at('- regexp:')}: input.search.query.bool.filter[0].regexp.user.name.value: regexp pattern of 300 characters: at most 256`,
      `${at('- regexp:')}: input.search.query.bool.filter[0].regexp.user.name.max_determinized_states: at most 10000`,
      `${at('- wildcard:')}: input.search.query.bool.filter[1].wildcard.host.name: wildcard pattern of 300 characters: at most 256`,
      `${at('huge:')}: input.search.aggs.huge.terms.size: terms size 10000000 is more than 10000`,
      `${at('pages:')}: input.search.aggs.pages.composite.size: composite size 50000 is more than 10000 (a composite is paged through: a smaller page loses nothing)`,
      `${at('filtered:')}: input.search.aggs.filtered.terms.include: include regexp of 300 characters: at most 256`,
    ]);
  });

  it('checks KQL queries after compiling them, and accepts what KQL compiles to', () => {
    const text = watch({ search: ['    indices: [auth-*]', '    window: { size: 1m }', "    query: { kql: 'event.outcome:failure and not user.name:root* and source.port >= 1024' }"].join('\n'), condition: 'condition: { always: true }' });
    expect(problems(text)).toEqual([]);
  });
});
