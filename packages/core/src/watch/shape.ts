import { parsePath, type PathSegment } from './path.ts';

/**
 * What a watch's input can produce, as far as its definition says: the fields of a search response,
 * of each aggregation's result by its type, of a bucket. `any` where the data is free (hits, the
 * contents of `top_hits`, an aggregation type not modelled here): nothing below it is checked.
 */
export type Shape =
  | { kind: 'any' }
  | { kind: 'leaf' }
  | { kind: 'array'; element: Shape }
  /** `placeholder`: this object is empty because the definition leaves it out (a search with no `aggs`); a miss in it is a warning saying so. */
  | { kind: 'object'; fields: Record<string, Shape>; placeholder?: string };

export const ANY: Shape = { kind: 'any' };
export const LEAF: Shape = { kind: 'leaf' };
export const arrayOf = (element: Shape): Shape => ({ kind: 'array', element });
export const objectOf = (fields: Record<string, Shape>): Shape => ({ kind: 'object', fields });
const leaves = (...names: string[]): Record<string, Shape> => Object.fromEntries(names.map((n) => [n, LEAF]));

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const SINGLE_VALUE = new Set(['cardinality', 'min', 'max', 'sum', 'avg', 'value_count', 'weighted_avg', 'median_absolute_deviation', 'sum_bucket', 'avg_bucket', 'derivative', 'cumulative_sum', 'cumulative_cardinality', 'serial_diff', 'bucket_script']);
const STATS = new Set(['stats', 'stats_bucket']);
const TERMS_LIKE = new Set(['terms', 'multi_terms', 'significant_terms', 'rare_terms']);
const HISTOGRAMS = new Set(['date_histogram', 'histogram', 'auto_date_histogram']);
const RANGES = new Set(['range', 'date_range', 'ip_range']);
const SINGLE_BUCKET = new Set(['filter', 'missing', 'nested', 'reverse_nested', 'sampler', 'diversified_sampler']);

/** The results of the aggregations under `aggs`, by name. */
function subAggregations(agg: Record<string, unknown>): Record<string, Shape> {
  const sub = agg.aggs ?? agg.aggregations;
  return isObject(sub) ? Object.fromEntries(Object.entries(sub).map(([name, def]) => [name, aggregationShape(def)])) : {};
}

function bucketsOf(bucket: Record<string, Shape>, keyed: boolean): Shape {
  return keyed ? ANY : arrayOf(objectOf(bucket));
}

/** The result of one aggregation in a response, from its definition. */
export function aggregationShape(definition: unknown): Shape {
  if (!isObject(definition)) return ANY;
  const type = Object.keys(definition).find((k) => k !== 'aggs' && k !== 'aggregations' && k !== 'meta');
  if (type === undefined) return ANY;
  const body = isObject(definition[type]) ? (definition[type] as Record<string, unknown>) : {};
  const sub = subAggregations(definition);
  const keyed = body.keyed === true;
  const meta: Record<string, Shape> = definition.meta === undefined ? {} : { meta: ANY };
  if (SINGLE_VALUE.has(type)) return objectOf({ ...leaves('value', 'value_as_string'), ...meta });
  if (type === 'max_bucket' || type === 'min_bucket') return objectOf({ ...leaves('value', 'value_as_string'), keys: arrayOf(LEAF), ...meta });
  if (STATS.has(type)) return objectOf({ ...leaves('count', 'min', 'max', 'avg', 'sum', 'min_as_string', 'max_as_string', 'avg_as_string', 'sum_as_string'), ...meta });
  if (TERMS_LIKE.has(type)) {
    const significance = type === 'significant_terms' ? leaves('score', 'bg_count') : {};
    const bucket = { ...leaves('key', 'key_as_string', 'doc_count', 'doc_count_error_upper_bound'), ...significance, ...sub };
    return objectOf({ buckets: arrayOf(objectOf(bucket)), ...leaves('doc_count_error_upper_bound', 'sum_other_doc_count', 'doc_count', 'bg_count'), ...meta });
  }
  if (type === 'composite') {
    const sources = Array.isArray(body.sources) ? body.sources.filter(isObject).flatMap((s) => Object.keys(s)) : [];
    const key = sources.length === 0 ? ANY : objectOf(leaves(...sources));
    return objectOf({ buckets: arrayOf(objectOf({ key, doc_count: LEAF, ...sub })), after_key: key, ...meta });
  }
  if (HISTOGRAMS.has(type)) return objectOf({ buckets: bucketsOf({ ...leaves('key', 'key_as_string', 'doc_count'), ...sub }, keyed), interval: LEAF, ...meta });
  if (RANGES.has(type)) return objectOf({ buckets: bucketsOf({ ...leaves('key', 'from', 'to', 'from_as_string', 'to_as_string', 'mask', 'doc_count'), ...sub }, keyed), ...meta });
  if (SINGLE_BUCKET.has(type)) return objectOf({ doc_count: LEAF, ...sub, ...meta });
  return ANY;
}

/**
 * A search response: what `hits` and `aggregations` hold for this search. A search without `aggs`
 * has no aggregations: a path into them (or anything else beside `hits`) is reported as a warning,
 * since such a watch is still being written or only reads hits.
 */
export function responseShape(search: { aggs?: Record<string, unknown> | undefined }): Shape {
  const defined = Object.entries(search.aggs ?? {});
  const fields: Record<string, Shape> = {
    ...leaves('took', 'timed_out'),
    _shards: ANY,
    hits: objectOf({ total: objectOf(leaves('value', 'relation')), max_score: LEAF, hits: arrayOf(ANY) }),
  };
  if (defined.length === 0) {
    const placeholder = 'the search defines no aggs, so its response holds only took, timed_out, _shards and hits';
    return { kind: 'object', fields: { ...fields, aggregations: { kind: 'object', fields: {}, placeholder } }, placeholder };
  }
  return objectOf({ ...fields, aggregations: objectOf(Object.fromEntries(defined.map(([name, def]) => [name, aggregationShape(def)]))) });
}

/** Where a path stops making sense in a shape: the path so far and what exists there. */
export interface PathMiss {
  /** The unknown step and the path to it, as written (`by_source.doc_cont`). */
  unknown: string;
  /** What exists at that place, or why nothing does. */
  known: string;
  /** Set when the place is empty because the definition leaves it out: a warning, not an error. */
  placeholder?: string;
}

function printed(segments: readonly PathSegment[]): string {
  const name = (s: string) => (s.includes('.') ? `[${s}]` : s);
  return segments.reduce<string>((out, s) => (typeof s === 'number' ? `${out}[${s}]` : s === '[]' ? `${out}[]` : out === '' ? name(s) : `${out}.${name(s)}`), '');
}

function describe(shape: Shape): string {
  if (shape.kind === 'object') {
    const names = Object.keys(shape.fields);
    return names.length === 0 ? 'nothing' : names.join(', ');
  }
  if (shape.kind === 'array') return 'a list (step in with [] or [n])';
  return 'a single value';
}

/** Follows `segments` in `shape`: the shape reached, or where it misses. */
export function followPath(shape: Shape, segments: readonly PathSegment[]): { shape: Shape } | { miss: PathMiss } {
  let current = shape;
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i]!;
    if (current.kind === 'any') return { shape: ANY };
    const here = current;
    const miss = () => ({
      miss: {
        unknown: printed(segments.slice(0, i + 1)),
        known: i === 0 ? describe(here) : `${printed(segments.slice(0, i))} has ${describe(here)}`,
        ...(here.kind === 'object' && here.placeholder !== undefined ? { placeholder: here.placeholder } : {}),
      },
    });
    if (current.kind === 'array') {
      if (segment === '[]' || typeof segment === 'number') current = current.element;
      else return miss();
    } else if (current.kind === 'object') {
      if (typeof segment !== 'string' || segment === '[]' || !Object.hasOwn(current.fields, segment)) return miss();
      current = current.fields[segment]!;
    } else return miss();
  }
  return { shape: current };
}

/** The same as {@link followPath} over a path's text. */
export function checkPath(shape: Shape, path: string): PathMiss | undefined {
  const found = followPath(shape, parsePath(path));
  return 'miss' in found ? found.miss : undefined;
}

/** A path miss as an error message, `what` naming the scope (`a by_source bucket`). */
export function missMessage(miss: PathMiss, what: string): string {
  if (miss.placeholder !== undefined) return `path "${miss.unknown}" never has a value: ${miss.placeholder}`;
  return `unknown path "${miss.unknown}": ${miss.known.includes(' has ') ? miss.known : `${what} has ${miss.known}`}`;
}

/**
 * The scope a per-entity condition's `where`, `key` and the transform see for each element at
 * `path` (with `[]` steps): the element's own fields, and each `[]` level by its name (the
 * segment before `[]`, or before `.buckets[]`), as expandPath and the condition build it.
 */
export function bucketScopeShape(root: Shape, path: string): Shape {
  const segments = parsePath(path);
  let current = root;
  const levels: Record<string, Shape> = {};
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i]!;
    if (current.kind === 'any') return ANY;
    const found = followPath(current, [segment]);
    if ('miss' in found) return ANY;
    current = found.shape;
    if (segment === '[]') {
      const before = segments[i - 1];
      const named = before === 'buckets' ? segments[i - 2] : before;
      levels[typeof named === 'string' && named !== '[]' ? named : `level${i}`] = current;
    }
  }
  if (current.kind === 'any') return ANY;
  const own = current.kind === 'object' ? current.fields : { value: current };
  return objectOf({ ...own, ...levels });
}
