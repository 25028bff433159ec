import { readFileSync } from 'node:fs';
import peggy from 'peggy';
import { VigilError } from '../errors.ts';
import type { KqlLiteral, KqlNode, KqlValues, Wildcard } from './ast.ts';

/** Query DSL, as Elasticsearch's `query` field takes it. */
export type QueryDsl = Record<string, unknown>;

/** A KQL query that does not parse: where, in the query's own lines and columns (1-based). */
export class KqlSyntaxError extends VigilError {
  readonly line: number;
  readonly column: number;
  /** 0-based offset of the problem in the query text. */
  readonly offset: number;

  constructor(message: string, position: { line: number; column: number; offset: number }, cause?: unknown) {
    super('KQL_INVALID', `KQL syntax error at line ${position.line}, column ${position.column}: ${message}`, { cause });
    this.name = 'KqlSyntaxError';
    this.line = position.line;
    this.column = position.column;
    this.offset = position.offset;
  }
}

let parser: peggy.Parser | undefined;

// Generated once, on first use: building the parser from the grammar takes a few milliseconds.
function kqlParser(): peggy.Parser {
  parser ??= peggy.generate(readFileSync(new URL('./kql.peggy', import.meta.url), 'utf8'), { grammarSource: 'kql.peggy' });
  return parser;
}

/** Parses KQL into its tree; a syntax error throws {@link KqlSyntaxError}. */
export function parseKql(source: string): KqlNode {
  const grammar = kqlParser();
  try {
    return grammar.parse(source) as KqlNode;
  } catch (error) {
    if (!(error instanceof grammar.SyntaxError)) throw error;
    // peggy says `Expected "(" or field name but end of input found.`
    const message = error.message.replace(/^Expected/, 'expected').replace(/\.$/, '');
    throw new KqlSyntaxError(message, error.location.start, error);
  }
}

/**
 * Turns a KQL query into query DSL the way Kibana does when it knows nothing of the index's
 * fields (so it cannot expand field-name wildcards itself nor add date formats):
 *
 * - `field:value` → `{ match: { field: value } }` (a single clause, not Kibana's one-clause
 *   `bool.should`); a value that reads as a number or `true`/`false` is passed as one.
 * - `field:"a phrase"` → `match_phrase`; `field:*` → `exists`.
 * - a value with `*` → `query_string` on that field (Kibana's choice: it works on text and keyword
 *   fields alike; keyword fields match case-sensitively), the other special characters escaped.
 * - `field >= v` (`>`, `<`, `<=`) → `range` with `gte` (`gt`, `lt`, `lte`); dates as written (`now-2w`).
 * - `a and b` → `bool.filter`, `a or b` → `bool.should` with `minimum_should_match: 1`,
 *   `not a` → `bool.must_not`; `field:(a or b)` applies the field to each value the same way.
 * - text without a field → `multi_match` (`best_fields`, or `phrase` when quoted; `lenient`) over the
 *   index's default fields; with `*` → `query_string`.
 * - `path:{ child:value }` → `nested` on `path` (`score_mode: none`), inner names prefixed by it.
 * - a field name with `*` (`machine.os*:windows`) → `multi_match` / `query_string` / `exists` over
 *   the pattern, which Elasticsearch expands; `*:*` → `match_all`; the empty query → `match_all`.
 *
 * A syntax error throws {@link KqlSyntaxError} (code `KQL_INVALID`, with line and column); a range
 * on a field-name pattern, which no DSL query takes, throws `KQL_INVALID` as well.
 */
export function compileKql(source: string): QueryDsl {
  return toDsl(parseKql(source), '');
}

function toDsl(node: KqlNode, nestedPath: string): QueryDsl {
  switch (node.type) {
    case 'all':
      return { match_all: {} };
    case 'or':
      return { bool: { should: node.clauses.map((c) => toDsl(c, nestedPath)), minimum_should_match: 1 } };
    case 'and':
      return { bool: { filter: node.clauses.map((c) => toDsl(c, nestedPath)) } };
    case 'not':
      return { bool: { must_not: toDsl(node.clause, nestedPath) } };
    case 'field':
      return valuesToDsl(node.field === null ? null : fieldName(node.field, nestedPath), node.values);
    case 'range':
      return rangeToDsl(fieldName(node.field, nestedPath), node.operator, node.value);
    case 'nested': {
      const path = fieldName(node.path, nestedPath);
      return { nested: { path: path.name, query: toDsl(node.query, path.name), score_mode: 'none' } };
    }
  }
}

interface FieldName {
  /** The full name (inside `nested`, prefixed by the path), `*` where the query had a wildcard. */
  name: string;
  pattern: boolean;
}

function isWildcard(part: KqlLiteral['parts'][number]): part is Wildcard {
  return typeof part === 'object';
}

function fieldName(field: KqlLiteral, nestedPath: string): FieldName {
  const name = field.parts.map((p) => (isWildcard(p) ? '*' : String(p))).join('');
  return { name: nestedPath === '' ? name : `${nestedPath}.${name}`, pattern: field.parts.some(isWildcard) };
}

function valuesToDsl(field: FieldName | null, values: KqlValues): QueryDsl {
  if ('quoted' in values) return isToDsl(field, values);
  switch (values.type) {
    case 'or':
      return { bool: { should: values.items.map((v) => valuesToDsl(field, v)), minimum_should_match: 1 } };
    case 'and':
      return { bool: { filter: values.items.map((v) => valuesToDsl(field, v)) } };
    case 'not':
      return { bool: { must_not: valuesToDsl(field, values.item) } };
  }
}

/** The value of a literal without wildcards: a number or boolean stays one. */
function plainValue(value: KqlLiteral): string | number | boolean {
  const [first] = value.parts;
  if (value.parts.length === 1 && !isWildcard(first!)) return first!;
  return value.parts.map(String).join('');
}

// query_string's reserved characters and whitespace, escaped so only the wildcards act as such
const QUERY_STRING_SPECIAL = /[+\-=&|><!(){}[\]^"~*?:\\/\s]/g;

function queryStringOf(value: KqlLiteral): string {
  return value.parts.map((p) => (isWildcard(p) ? '*' : String(p).replace(QUERY_STRING_SPECIAL, '\\$&'))).join('');
}

function isToDsl(field: FieldName | null, value: KqlLiteral): QueryDsl {
  const existsOnly = !value.quoted && value.parts.length === 1 && isWildcard(value.parts[0]!);
  const hasWildcard = !value.quoted && value.parts.some(isWildcard);
  if (field === null) {
    if (hasWildcard) return { query_string: { query: queryStringOf(value) } };
    return { multi_match: { type: value.quoted ? 'phrase' : 'best_fields', query: plainValue(value), lenient: true } };
  }
  if (existsOnly) return field.name === '*' ? { match_all: {} } : { exists: { field: field.name } };
  if (hasWildcard) return { query_string: { fields: [field.name], query: queryStringOf(value) } };
  if (field.pattern) return { multi_match: { type: value.quoted ? 'phrase' : 'best_fields', fields: [field.name], query: plainValue(value), lenient: true } };
  return { [value.quoted ? 'match_phrase' : 'match']: { [field.name]: plainValue(value) } };
}

function rangeToDsl(field: FieldName, operator: 'gt' | 'gte' | 'lt' | 'lte', value: KqlLiteral): QueryDsl {
  if (field.pattern) throw new VigilError('KQL_INVALID', `KQL range on the field-name pattern ${field.name}: a range needs one field name`);
  return { range: { [field.name]: { [operator]: plainValue(value) } } };
}
