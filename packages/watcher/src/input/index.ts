import type { Client } from '@elastic/elasticsearch';
import type { Watch, WatchSearch } from '@vigil/core';
import { joinHits } from './join.ts';
import { runSearch, searchRequest, totalHits, windowEndingAt, type TimeWindow } from './search.ts';
import { fillQuery } from './template.ts';

export { windowEndingAt, searchRequest, type TimeWindow } from './search.ts';
export { joinHits } from './join.ts';
export { fillQuery } from './template.ts';

export interface InputDeps {
  elasticsearch: Client;
  indexPrefix: string;
}

/** What an input produced for one window. */
export interface InputResult {
  /** What conditions and transforms read: a search's response; `{ inputs }` for a chain; `{ inputs, joined }` for a join. */
  payload: Record<string, unknown>;
  /** Hits the window matched (a chain: its last search; a join: the pairs). */
  hits: number;
  /** The widest window the input searched. */
  window: TimeWindow;
}

/** A join reads its hits; `size: 0` there means as many as one search returns. */
const JOIN_DEFAULT_SIZE = 10_000;

function widest(end: Date, searches: readonly WatchSearch[]): TimeWindow {
  const size = Math.max(...searches.map((s) => s.window.size + s.window.delay));
  return { from: new Date(end.getTime() - size).toISOString(), to: end.toISOString() };
}

/** Each search's window ends `delay` before the run's end; that shift is where late data is waited for. */
function searchWindow(search: WatchSearch, end: Date): TimeWindow {
  return windowEndingAt(search, new Date(end.getTime() - search.window.delay));
}

function sources(response: Record<string, unknown>): Record<string, unknown>[] {
  const hits = (response.hits as { hits?: { _source?: Record<string, unknown> }[] } | undefined)?.hits ?? [];
  return hits.map((hit) => hit._source ?? {});
}

/** Runs a watch's input for the run whose time is `end`. */
export async function executeInput(input: Watch['input'], end: Date, deps: InputDeps): Promise<InputResult> {
  const search = (s: WatchSearch, query?: unknown) => runSearch(deps.elasticsearch, searchRequest(s, searchWindow(s, end), deps.indexPrefix, query as WatchSearch['query']));
  if (input.search !== undefined) {
    const payload = await search(input.search);
    return { payload, hits: totalHits(payload), window: searchWindow(input.search, end) };
  }
  if (input.chain !== undefined) {
    const inputs: Record<string, Record<string, unknown>> = {};
    let last: Record<string, unknown> = {};
    for (const step of input.chain) {
      last = await search(step.search, fillQuery(step.search.query, { inputs }));
      inputs[step.name] = last;
    }
    return { payload: { inputs }, hits: totalHits(last), window: widest(end, input.chain.map((s) => s.search)) };
  }
  const join = input.join!;
  const sized = (s: WatchSearch) => (s.size === 0 ? { ...s, size: JOIN_DEFAULT_SIZE } : s);
  const [left, right] = await Promise.all([search(sized(join.left.search)), search(sized(join.right.search))]);
  const joined = joinHits(sources(left), sources(right), {
    leftName: join.left.name,
    rightName: join.right.name,
    on: join.on,
    within: join.within,
    timeField: join.time_field,
  });
  return {
    payload: { inputs: { [join.left.name]: left, [join.right.name]: right }, joined },
    hits: joined.length,
    window: widest(end, [join.left.search, join.right.search]),
  };
}
