/**
 * The tree kql.peggy builds: what a KQL query says, before it is turned into query DSL.
 * Kept apart from the grammar so compile.ts is typed.
 */

/** An unescaped `*` inside a field name or value. */
export interface Wildcard {
  wildcard: true;
}

/**
 * A field name or value as written: a quoted string is one text part; an unquoted literal is text
 * and wildcards, or a single number or boolean when it reads as one (as Kibana reads it).
 */
export interface KqlLiteral {
  quoted: boolean;
  parts: (string | number | boolean | Wildcard)[];
}

/** A value, or values combined inside `field:( ... )`. */
export type KqlValues =
  | KqlLiteral
  | { type: 'or' | 'and'; items: KqlValues[] }
  | { type: 'not'; item: KqlValues };

export type KqlNode =
  /** The empty query: every document. */
  | { type: 'all' }
  | { type: 'or' | 'and'; clauses: KqlNode[] }
  | { type: 'not'; clause: KqlNode }
  /** `field:values`, or free text when `field` is null. */
  | { type: 'field'; field: KqlLiteral | null; values: KqlValues }
  | { type: 'range'; field: KqlLiteral; operator: 'gt' | 'gte' | 'lt' | 'lte'; value: KqlLiteral }
  /** `path:{ query }`: the inner field names are relative to `path`. */
  | { type: 'nested'; path: KqlLiteral; query: KqlNode };
