/**
 * Paths into JSON values, as watches write them: `aggregations.by_source.buckets[0].key`.
 * A segment is a name (any characters but `.` and `[`) or a `[n]` index; `[]` (only in
 * {@link expandPath}) stands for every element of an array.
 */
export type PathSegment = string | number | '[]';

const SEGMENT = /([^.[\]]+)|\[(\d*)\]/g;

/** Splits a path into segments; throws on an empty or malformed path. */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let consumed = 0;
  for (const match of path.matchAll(SEGMENT)) {
    const gap = path.slice(consumed, match.index);
    if (gap !== '' && !(gap === '.' && segments.length > 0)) throw new Error(`malformed path "${path}" near "${gap}"`);
    segments.push(match[1] ?? (match[2] === '' ? '[]' : Number(match[2])));
    consumed = match.index + match[0].length;
  }
  if (segments.length === 0 || consumed !== path.length) throw new Error(`malformed path "${path}"`);
  return segments;
}

/**
 * The value at `path` in `value`, or undefined when any step is missing. Only own properties are
 * read, so a path can never reach `constructor` or `__proto__` of the data.
 */
export function getPath(value: unknown, path: string | readonly PathSegment[]): unknown {
  const segments = typeof path === 'string' ? parsePath(path) : path;
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** One element reached by {@link expandPath}, with the array elements passed on the way, by level name. */
export interface ExpandedItem {
  value: unknown;
  /** Each `[]` level's element under the level's name (the segment before `[]`, or before `.buckets[]`). */
  levels: Record<string, unknown>;
}

/**
 * Every value reached by a path with `[]` steps, each with the elements it came through: for
 * `aggregations.by_source.buckets[].by_target.buckets[]` one item per target bucket, with
 * `levels.by_source` (its parent bucket) and `levels.by_target` (itself).
 */
export function expandPath(root: unknown, path: string): ExpandedItem[] {
  const segments = parsePath(path);
  let items: ExpandedItem[] = [{ value: root, levels: {} }];
  segments.forEach((segment, i) => {
    if (segment !== '[]') {
      items = items.map((item) => ({ value: getPath(item.value, [segment]), levels: item.levels }));
      return;
    }
    const name = levelName(segments, i);
    items = items.flatMap((item) =>
      Array.isArray(item.value) ? item.value.map((element) => ({ value: element, levels: { ...item.levels, [name]: element } })) : [],
    );
  });
  return items.filter((item) => item.value !== undefined);
}

function levelName(segments: readonly PathSegment[], arrayIndex: number): string {
  const before = segments[arrayIndex - 1];
  const named = before === 'buckets' ? segments[arrayIndex - 2] : before;
  return typeof named === 'string' && named !== '[]' ? named : `level${arrayIndex}`;
}
