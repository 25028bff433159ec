// `query: { kql: ... }` in watch files: compiled to query DSL at validation, errors at file:line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { VigilValidationError } from '../src/errors.ts';
import { loadWatchFile } from '../src/watch/load.ts';
import { createWatchSchema } from '../src/watch/schema.ts';

const schema = createWatchSchema({ note: z.strictObject({ text: z.string() }) });

/** A watch file whose search query is `query` (YAML lines, indented under `query:`). */
function watchWithQuery(query: string): string {
  return `id: auth.kql_failures
name: KQL failures
schedule:
  every: 1m
input:
  search:
    indices: [auth-*]
    window: { size: 5m }
    query:
${query}
condition:
  always: true
`;
}

function write(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-kql-')), 'kql_failures.yaml');
  writeFileSync(file, text);
  return file;
}

function problems(file: string): string[] {
  try {
    loadWatchFile(file, schema);
  } catch (error) {
    expect(error).toBeInstanceOf(VigilValidationError);
    return (error as VigilValidationError).problems.map((p) => p.toString().replace(file, 'FILE'));
  }
  throw new Error('expected the watch to be rejected');
}

describe('query: { kql } in a watch', () => {
  it('validates to the compiled query DSL', () => {
    const file = write(watchWithQuery("      kql: 'event.category:authentication and event.outcome:failure and not user.name:(root or \"admin\")'"));
    expect(loadWatchFile(file, schema).watch.input.search?.query).toEqual({
      bool: {
        filter: [
          { match: { 'event.category': 'authentication' } },
          { match: { 'event.outcome': 'failure' } },
          { bool: { must_not: { bool: { should: [{ match: { 'user.name': 'root' } }, { match_phrase: { 'user.name': 'admin' } }], minimum_should_match: 1 } } } },
        ],
      },
    });
  });

  it('compiles the KQL of every search of a chain', () => {
    const text = watchWithQuery("      kql: 'x:1'").replace(/  search:\n[\s\S]*?condition:/, `  chain:
    - name: first
      search:
        indices: [auth-*]
        window: { size: 5m }
        query: { kql: 'event.action:ssh_login' }
    - name: second
      search:
        indices: [auth-*]
        window: { size: 5m }
        query: { term: { event.outcome: failure } }
condition:`);
    const chain = loadWatchFile(write(text), schema).watch.input.chain;
    expect(chain?.map((step) => step.search.query)).toEqual([{ match: { 'event.action': 'ssh_login' } }, { term: { 'event.outcome': 'failure' } }]);
  });

  it('leaves a query DSL clause as written', () => {
    const file = write(watchWithQuery('      match: { event.outcome: failure }'));
    expect(loadWatchFile(file, schema).watch.input.search?.query).toEqual({ match: { 'event.outcome': 'failure' } });
  });

  it('reports a KQL syntax error at the kql line, with the column in the query', () => {
    const file = write(watchWithQuery("      kql: 'event.outcome:failure and (user.name:root'"));
    expect(problems(file)).toEqual([
      'FILE:10: input.search.query.kql: KQL syntax error at line 1, column 42: expected ")", and, or, or whitespace but end of input found',
    ]);
  });

  it('takes kql alone: another key beside it is an unknown key', () => {
    const file = write(watchWithQuery("      kql: 'event.outcome:failure'\n      size: 10"));
    expect(problems(file)).toEqual(['FILE:11: input.search.query.size: unknown key']);
  });

  it('says what a query must be when it is neither DSL nor kql', () => {
    expect(problems(write(watchWithQuery('      - event.outcome:failure')))).toEqual(['FILE:9: input.search.query: must be a query DSL object or { kql: "..." }']);
    expect(problems(write(watchWithQuery('      kql: 42')))).toEqual(['FILE:10: input.search.query.kql: Invalid input: expected string, received number']);
  });
});
