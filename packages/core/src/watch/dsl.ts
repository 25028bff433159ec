/**
 * What a watch may ask Elasticsearch: query clauses and aggregation types from an allow-list, no
 * scripts (unless the watch says `allow_scripts: true`), bounded bucket counts and bounded patterns.
 * A watch file is configuration, not code: what runs in the cluster is what these lists name.
 */

/** One thing a search asks that is not allowed, at its place under the search (`aggs.by_source.terms.size`). */
export interface DslProblem {
  path: (string | number)[];
  message: string;
}

/** Largest `size` / `shard_size` of a bucket aggregation (terms, composite pages…): Elasticsearch's own composite page maximum. */
export const MAX_BUCKET_SIZE = 10_000;
/** Largest `size` of a `top_hits` aggregation (Elasticsearch's `index.max_inner_result_window` default). */
export const MAX_TOP_HITS = 100;
/** Longest `regexp`, `wildcard` or `prefix` pattern and `include`/`exclude` regexp of a terms aggregation. */
export const MAX_PATTERN_LENGTH = 256;
/** Highest `max_determinized_states` a regexp may ask for (Elasticsearch's default). */
export const MAX_DETERMINIZED_STATES = 10_000;

/** Keys that carry a script, wherever they stand in a query or an aggregation. */
const SCRIPT_KEYS = new Set(['script', 'script_score', 'script_fields', 'runtime_mappings', 'scripted_metric', 'bucket_script', 'bucket_selector', 'moving_fn', '_script', 'minimum_should_match_script', 'init_script', 'map_script', 'combine_script', 'reduce_script']);

/** Query clauses that hold other queries: clause → its keys that hold a query or a list of them. */
const COMPOUND_QUERIES: Record<string, readonly string[]> = {
  bool: ['must', 'filter', 'should', 'must_not'],
  constant_score: ['filter'],
  dis_max: ['queries'],
  nested: ['query'],
  boosting: ['positive', 'negative'],
  function_score: ['query'],
};

/** Leaf query clauses a watch may use (KQL compiles to these too). */
const LEAF_QUERIES = new Set([
  'term', 'terms', 'terms_set', 'range', 'exists', 'prefix', 'wildcard', 'regexp', 'fuzzy', 'ids', 'match_all', 'match_none',
  'match', 'match_phrase', 'match_phrase_prefix', 'match_bool_prefix', 'multi_match', 'combined_fields', 'query_string', 'simple_query_string',
]);

/** Query clauses that run a script: only with `allow_scripts: true`. */
const SCRIPT_QUERIES = new Set(['script', 'script_score']);

/** Aggregation types a watch may use. `global` is left out: it escapes the query, and so the window. */
const AGGREGATIONS = new Set([
  // buckets
  'terms', 'multi_terms', 'composite', 'significant_terms', 'rare_terms', 'date_histogram', 'auto_date_histogram', 'histogram', 'range', 'date_range',
  'ip_range', 'ip_prefix', 'filter', 'filters', 'missing', 'nested', 'reverse_nested', 'sampler', 'diversified_sampler',
  // metrics
  'cardinality', 'min', 'max', 'sum', 'avg', 'value_count', 'stats', 'extended_stats', 'percentiles', 'percentile_ranks', 'top_hits', 'top_metrics',
  'median_absolute_deviation', 'weighted_avg', 'string_stats', 'boxplot',
  // pipelines
  'sum_bucket', 'avg_bucket', 'max_bucket', 'min_bucket', 'stats_bucket', 'extended_stats_bucket', 'percentiles_bucket', 'bucket_sort', 'derivative',
  'cumulative_sum', 'cumulative_cardinality', 'serial_diff',
]);

/** Aggregation types that run a script: only with `allow_scripts: true`. */
const SCRIPT_AGGREGATIONS = new Set(['scripted_metric', 'bucket_script', 'bucket_selector', 'moving_fn']);

/** Bucket aggregations whose `size` / `shard_size` is bounded by {@link MAX_BUCKET_SIZE}. */
const SIZED_AGGREGATIONS = new Set(['terms', 'multi_terms', 'composite', 'significant_terms', 'top_metrics']);

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const scriptsHint = 'scripts run code in the cluster: set allow_scripts: true on the watch to allow them';

/** Every key of `value` that carries a script, at any depth (a `script` inside a terms aggregation, a `_script` sort). */
function scriptKeys(value: unknown, path: (string | number)[], out: DslProblem[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => scriptKeys(v, [...path, i], out));
  else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (SCRIPT_KEYS.has(key)) out.push({ path: [...path, key], message: `"${key}" is not allowed: ${scriptsHint}` });
      else scriptKeys(v, [...path, key], out);
    }
  }
}

/** A pattern's text in `{ field: "pattern" }` or `{ field: { value | wildcard: "pattern", ... } }`. */
function patternChecks(clause: string, body: unknown, path: (string | number)[], out: DslProblem[]): void {
  if (!isObject(body)) return;
  for (const [field, spec] of Object.entries(body)) {
    const key = isObject(spec) ? (spec.value !== undefined ? 'value' : 'wildcard') : undefined;
    const text = key === undefined ? spec : (spec as Record<string, unknown>)[key];
    const at = key === undefined ? [...path, field] : [...path, field, key];
    if (typeof text === 'string' && text.length > MAX_PATTERN_LENGTH) out.push({ path: at, message: `${clause} pattern of ${text.length} characters: at most ${MAX_PATTERN_LENGTH}` });
    if (isObject(spec) && typeof spec.max_determinized_states === 'number' && spec.max_determinized_states > MAX_DETERMINIZED_STATES) {
      out.push({ path: [...path, field, 'max_determinized_states'], message: `at most ${MAX_DETERMINIZED_STATES}` });
    }
  }
}

function checkQuery(query: unknown, path: (string | number)[], allowScripts: boolean, out: DslProblem[]): void {
  if (Array.isArray(query)) {
    query.forEach((q, i) => checkQuery(q, [...path, i], allowScripts, out));
    return;
  }
  if (!isObject(query)) return;
  for (const [clause, body] of Object.entries(query)) {
    const at = [...path, clause];
    const inner = COMPOUND_QUERIES[clause];
    if (inner !== undefined) {
      if (!isObject(body)) continue;
      for (const key of inner) if (body[key] !== undefined) checkQuery(body[key], [...at, key], allowScripts, out);
      // the rest of a compound clause (function_score's functions, minimum_should_match…) may still hold a script
      if (!allowScripts) for (const [key, value] of Object.entries(body)) if (!inner.includes(key)) scriptKeys({ [key]: value }, at, out);
      continue;
    }
    if (SCRIPT_QUERIES.has(clause)) {
      if (!allowScripts) out.push({ path: at, message: `query clause "${clause}" is not allowed: ${scriptsHint}` });
      continue;
    }
    if (!LEAF_QUERIES.has(clause)) {
      out.push({ path: at, message: `query clause "${clause}" is not allowed; the allowed clauses are ${[...Object.keys(COMPOUND_QUERIES), ...LEAF_QUERIES].join(', ')}` });
      continue;
    }
    if (clause === 'regexp' || clause === 'wildcard' || clause === 'prefix') patternChecks(clause, body, at, out);
    if (!allowScripts) scriptKeys(body, at, out);
  }
}

function checkSize(body: Record<string, unknown>, type: string, at: (string | number)[], out: DslProblem[]): void {
  const bound = type === 'top_hits' ? MAX_TOP_HITS : MAX_BUCKET_SIZE;
  for (const key of ['size', 'shard_size'] as const) {
    const value = body[key];
    if (typeof value === 'number' && value > bound) out.push({ path: [...at, key], message: `${type} ${key} ${value} is more than ${bound}${type === 'composite' ? ' (a composite is paged through: a smaller page loses nothing)' : ''}` });
  }
  for (const key of ['include', 'exclude'] as const) {
    const value = body[key];
    if (typeof value === 'string' && value.length > MAX_PATTERN_LENGTH) out.push({ path: [...at, key], message: `${key} regexp of ${value.length} characters: at most ${MAX_PATTERN_LENGTH}` });
  }
}

function checkAggs(aggs: unknown, path: (string | number)[], allowScripts: boolean, out: DslProblem[]): void {
  if (!isObject(aggs)) return;
  for (const [name, agg] of Object.entries(aggs)) {
    if (!isObject(agg)) continue;
    for (const [key, body] of Object.entries(agg)) {
      const at = [...path, name, key];
      if (key === 'aggs' || key === 'aggregations') {
        checkAggs(body, at, allowScripts, out);
        continue;
      }
      if (key === 'meta') continue;
      if (SCRIPT_AGGREGATIONS.has(key)) {
        if (!allowScripts) out.push({ path: at, message: `aggregation "${key}" is not allowed: ${scriptsHint}` });
        continue;
      }
      if (!AGGREGATIONS.has(key)) {
        out.push({ path: at, message: `aggregation type "${key}" is not allowed; the allowed types are ${[...AGGREGATIONS].join(', ')}` });
        continue;
      }
      const isFilter = key === 'filter' || key === 'filters';
      if (isObject(body)) {
        if (SIZED_AGGREGATIONS.has(key) || key === 'top_hits') checkSize(body, key, at, out);
        if (key === 'filter') checkQuery(body, at, allowScripts, out);
        if (key === 'filters' && body.filters !== undefined) {
          const filters = body.filters;
          for (const [k, q] of Array.isArray(filters) ? filters.entries() : Object.entries(isObject(filters) ? filters : {})) checkQuery(q, [...at, 'filters', k], allowScripts, out);
        }
      }
      if (!allowScripts && !isFilter) scriptKeys(body, at, out);
    }
  }
}

/** The problems of one search's `query`, `aggs` and `sort`, each at its path under the search. */
export function searchDslProblems(search: { query?: unknown; aggs?: unknown; sort?: unknown }, allowScripts: boolean): DslProblem[] {
  const out: DslProblem[] = [];
  if (search.query !== undefined) checkQuery(search.query, ['query'], allowScripts, out);
  if (search.aggs !== undefined) checkAggs(search.aggs, ['aggs'], allowScripts, out);
  if (search.sort !== undefined && !allowScripts) scriptKeys(search.sort, ['sort'], out);
  return out;
}
