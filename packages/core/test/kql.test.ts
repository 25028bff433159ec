// KQL → query DSL, on the examples of Kibana's KQL documentation (docs/reference/query-languages/kql.md)
// and on the grammar's corners; the fixture rules' queries are in kql-rules.test.ts.
import { describe, expect, it } from '@jest/globals';
import { compileKql, KqlSyntaxError, VigilError } from '../src/index.ts';

const or = (...should: unknown[]) => ({ bool: { should, minimum_should_match: 1 } });
const and = (...filter: unknown[]) => ({ bool: { filter } });
const not = (mustNot: unknown) => ({ bool: { must_not: mustNot } });
const match = (field: string, value: unknown) => ({ match: { [field]: value } });
const phrase = (field: string, value: string) => ({ match_phrase: { [field]: value } });

describe('compileKql on the examples of Kibana’s documentation', () => {
  const table: [string, unknown][] = [
    ['http.response.status_code:400', match('http.response.status_code', 400)],
    ['http.request.method: GET OR http.response.status_code: 400', or(match('http.request.method', 'GET'), match('http.response.status_code', 400))],
    ['http.request.method: (GET OR POST OR DELETE)', or(match('http.request.method', 'GET'), match('http.request.method', 'POST'), match('http.request.method', 'DELETE'))],
    ['not http.request.method: GET', not(match('http.request.method', 'GET'))],
    ['http.request.method: GET AND http.response.status_code: 400', and(match('http.request.method', 'GET'), match('http.response.status_code', 400))],
    ['http.response.bytes < 10000', { range: { 'http.response.bytes': { lt: 10000 } } }],
    ['http.response.bytes > 10000 and http.response.bytes <= 20000', and({ range: { 'http.response.bytes': { gt: 10000 } } }, { range: { 'http.response.bytes': { lte: 20000 } } })],
    ['@timestamp < now-2w', { range: { '@timestamp': { lt: 'now-2w' } } }],
    ['@timestamp >= "2026-01-01T00:00:00Z"', { range: { '@timestamp': { gte: '2026-01-01T00:00:00Z' } } }],
    ['http.request.method: *', { exists: { field: 'http.request.method' } }],
    ['http.request.referrer: "https://example.com"', phrase('http.request.referrer', 'https://example.com')],
    ['http.request.body.content: "null pointer"', phrase('http.request.body.content', 'null pointer')],
    ['http.request.body.content: null pointer', match('http.request.body.content', 'null pointer')],
    ['machine.os:win*', { query_string: { fields: ['machine.os'], query: 'win*' } }],
    ['host.keyword:*elastic*', { query_string: { fields: ['host.keyword'], query: '*elastic*' } }],
    ['machine.os*:windows 10', { multi_match: { type: 'best_fields', fields: ['machine.os*'], query: 'windows 10', lenient: true } }],
    ['machine.os*:"windows 10"', { multi_match: { type: 'phrase', fields: ['machine.os*'], query: 'windows 10', lenient: true } }],
    ['machine.os*:*', { exists: { field: 'machine.os*' } }],
    ['*:*', { match_all: {} }],
    ['Hello', { multi_match: { type: 'best_fields', query: 'Hello', lenient: true } }],
    ['"Hello world"', { multi_match: { type: 'phrase', query: 'Hello world', lenient: true } }],
    ['Hel*', { query_string: { query: 'Hel*' } }],
    ['', { match_all: {} }],
    [
      'user.names:{ first: "Alice" and last: "White" }',
      { nested: { path: 'user.names', query: and(phrase('user.names.first', 'Alice'), phrase('user.names.last', 'White')), score_mode: 'none' } },
    ],
    [
      'user:{ names:{ first: Alice } }',
      { nested: { path: 'user', query: { nested: { path: 'user.names', query: match('user.names.first', 'Alice'), score_mode: 'none' } }, score_mode: 'none' } },
    ],
  ];

  it.each(table)('%s', (kql, dsl) => {
    expect(compileKql(kql)).toEqual(dsl);
  });
});

describe('compileKql precedence and grouping', () => {
  const a = match('a', 1);
  const b = match('b', 2);
  const c = match('c', 3);
  const table: [string, unknown][] = [
    // not binds tighter than and, and tighter than or
    ['a:1 or b:2 and c:3', or(a, and(b, c))],
    ['a:1 and b:2 or c:3', or(and(a, b), c)],
    ['not a:1 and b:2', and(not(a), b)],
    ['(a:1 or b:2) and c:3', and(or(a, b), c)],
    ['not (a:1 or b:2)', not(or(a, b))],
    ['a:1 AND b:2 aNd c:3', and(a, b, c)],
    ['NOT a:1', not(a)],
    ['field:(x or y and z)', or(match('field', 'x'), and(match('field', 'y'), match('field', 'z')))],
    ['field:(x and not (y or z))', and(match('field', 'x'), not(or(match('field', 'y'), match('field', 'z'))))],
    ['field:(telnet or not *)', or(match('field', 'telnet'), not({ exists: { field: 'field' } }))],
    ['field:("a b" or c)', or(phrase('field', 'a b'), match('field', 'c'))],
    ['  a:1\n  and\n  b:2  ', and(a, b)],
  ];

  it.each(table)('%s', (kql, dsl) => {
    expect(compileKql(kql)).toEqual(dsl);
  });
});

describe('compileKql values as written', () => {
  const table: [string, unknown][] = [
    // numbers and booleans as Kibana reads them; a leading zero keeps text
    ['port:0023', match('port', '0023')],
    ['ratio:-0.5', match('ratio', -0.5)],
    ['ok:true', match('ok', true)],
    ['port:"23"', phrase('port', '23')],
    // escaped special characters and keywords are literal
    ['path:C\\:\\\\Windows', match('path', 'C:\\Windows')],
    ['file.name:a\\*b', match('file.name', 'a*b')],
    ['f:\\(x\\) \\{y\\} \\<\\> \\"q\\"', match('f', '(x) {y} <> "q"')],
    ['f:x \\and y', match('f', 'x and y')],
    ['f:\\u00e9t\\u00E9', match('f', 'été')],
    ['f:a\\tb', match('f', 'a\tb')],
    ['f:"say \\"hi\\" \\\\ bye"', phrase('f', 'say "hi" \\ bye')],
    ['f:"a:(b) * c"', phrase('f', 'a:(b) * c')],
    // in a query_string, everything but the wildcards is escaped
    ['f:a b*', { query_string: { fields: ['f'], query: 'a\\ b*' } }],
    ['f:10.0.*/8\\*x*', { query_string: { fields: ['f'], query: '10.0.*\\/8\\*x*' } }],
    // a keyword only ends a value between spaces
    ['f:cannot order android', match('f', 'cannot order android')],
    ['source.ip:10.0.0.0/8', match('source.ip', '10.0.0.0/8')],
    ['"quoted.field":x', match('quoted.field', 'x')],
  ];

  it.each(table)('%s', (kql, dsl) => {
    expect(compileKql(kql)).toEqual(dsl);
  });
});

describe('compileKql syntax errors', () => {
  const table: [string, number, number, RegExp][] = [
    ['http.request.method:', 1, 21, /expected .*value.* but end of input found/],
    ['a:(b or c', 1, 10, /expected "\)".* but end of input found/],
    ['a:b and\n  (c:d or', 2, 10, /but end of input found/],
    ['a:b)', 1, 4, /but "\)" found/],
    ['a:{ b:c', 1, 8, /expected "}"/],
    ['a >= ', 1, 6, /but end of input found/],
    ['a:"open', 1, 3, /but "\\"" found/],
    ['(a:1', 1, 5, /expected "\)"/],
  ];

  it.each(table)('%j at line %i, column %i', (kql, line, column, message) => {
    let thrown: unknown;
    try {
      compileKql(kql);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KqlSyntaxError);
    const error = thrown as KqlSyntaxError;
    expect(error).toBeInstanceOf(VigilError);
    expect(error.code).toBe('KQL_INVALID');
    expect([error.line, error.column]).toEqual([line, column]);
    expect(error.message).toMatch(new RegExp(`^KQL syntax error at line ${line}, column ${column}: `));
    expect(error.message).toMatch(message);
  });

  it('rejects a range on a field-name pattern, which no DSL query takes', () => {
    expect(() => compileKql('machine.os* > 3')).toThrow(expect.objectContaining({ code: 'KQL_INVALID', message: expect.stringMatching(/field-name pattern machine\.os\*/) }));
  });
});
