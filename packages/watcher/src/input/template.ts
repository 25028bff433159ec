import { expandPath, getPath } from '@vigil/core';

const WHOLE = /^\{\{\s*([^{}\s]+)\s*\}\}$/;
const PART = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** The value at a path; a path with `[]` steps collects every value it reaches into an array. */
function lookup(context: unknown, path: string): unknown {
  return path.includes('[]') ? expandPath(context, path).map((item) => item.value) : getPath(context, path);
}

/**
 * Fills a chained search's query from earlier results: a string that is exactly `{{path}}` becomes
 * the value at that path (`{{inputs.first.aggregations.ips.buckets[].key}}` an array, for `terms`);
 * `{{path}}` inside a longer string becomes its text. Values only ever land in JSON values of the
 * request, never in its structure.
 */
export function fillQuery(query: unknown, context: unknown): unknown {
  if (typeof query === 'string') {
    const whole = WHOLE.exec(query);
    if (whole !== null) return lookup(context, whole[1] ?? '');
    return query.replace(PART, (_, path: string) => {
      const value = lookup(context, path);
      return value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    });
  }
  if (Array.isArray(query)) return query.map((item) => fillQuery(item, context));
  if (query !== null && typeof query === 'object') return Object.fromEntries(Object.entries(query).map(([k, v]) => [k, fillQuery(v, context)]));
  return query;
}
