import type { Client } from '@elastic/elasticsearch';
import type { Watch, WatchSearch } from '@vigil/core';
import { joinHits } from './join.ts';
import { searchEveryPage, type Cut } from './paging.ts';
import { searchRequest, totalHits, windowEndingAt, type TimeWindow } from './search.ts';
import { fillQuery } from './template.ts';
import { joinSideCut, termsCuts, underInput } from './truncation.ts';
import { executeTopSources } from './top-sources.ts';

export { windowEndingAt, searchRequest, type TimeWindow } from './search.ts';
export { joinHits } from './join.ts';
export { fillQuery } from './template.ts';
export type { Cut } from './paging.ts';

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
  /** What the results left out: `terms` cuts, paging bounds reached, join sides capped at their size. */
  cuts: Cut[];
}

/** One search's response, every composite page merged in, and what it left out. */
interface SearchResult {
  response: Record<string, unknown>;
  cuts: Cut[];
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

/** Runs one watch search through every composite page, and finds its `terms` cuts. */
async function searchOnce(s: WatchSearch, end: Date, deps: InputDeps, query?: unknown): Promise<SearchResult> {
  const request = searchRequest(s, searchWindow(s, end), deps.indexPrefix, query as WatchSearch['query']);
  const { response, cuts } = await searchEveryPage(deps.elasticsearch, request, s.paging);
  return { response, cuts: [...cuts, ...termsCuts(response)] };
}

/** Runs a watch's input for the run whose time is `end`. */
export async function executeInput(input: Watch['input'], end: Date, deps: InputDeps): Promise<InputResult> {
  if (input.top_sources !== undefined) {
    const { payload, ...rest } = await executeTopSources(input.top_sources, end, deps);
    return { payload: payload as Record<string, unknown>, ...rest };
  }
  const search = (s: WatchSearch, query?: unknown) => searchOnce(s, end, deps, query);
  if (input.search !== undefined) {
    const { response: payload, cuts } = await search(input.search);
    return { payload, hits: totalHits(payload), window: searchWindow(input.search, end), cuts };
  }
  if (input.chain !== undefined) {
    const inputs: Record<string, Record<string, unknown>> = {};
    const cuts: Cut[] = [];
    let last: Record<string, unknown> = {};
    for (const step of input.chain) {
      const result = await search(step.search, fillQuery(step.search.query, { inputs }));
      last = result.response;
      inputs[step.name] = last;
      cuts.push(...underInput(step.name, result.cuts));
    }
    return { payload: { inputs }, hits: totalHits(last), window: widest(end, input.chain.map((s) => s.search)), cuts };
  }
  const join = input.join!;
  // a side's hits are all the join sees: one that matched more than it returned was cut
  const side = async ({ name, search: s }: { name: string; search: WatchSearch }): Promise<SearchResult> => {
    const sized = s.size === 0 ? { ...s, size: JOIN_DEFAULT_SIZE } : s;
    const result = await search(sized);
    return { response: result.response, cuts: underInput(name, [...result.cuts, ...joinSideCut(result.response, sized.size)]) };
  };
  const [leftSide, rightSide] = await Promise.all([side(join.left), side(join.right)]);
  const [left, right] = [leftSide.response, rightSide.response];
  const joined = joinHits(sources(left), sources(right), {
    leftName: join.left.name,
    rightName: join.right.name,
    on: join.on,
    ...(join.origin === undefined ? {} : { origin: join.origin }),
    within: join.within,
    timeField: join.time_field,
  });
  return {
    payload: { inputs: { [join.left.name]: left, [join.right.name]: right }, joined },
    hits: joined.length,
    window: widest(end, [join.left.search, join.right.search]),
    cuts: [...leftSide.cuts, ...rightSide.cuts],
  };
}
