import type { Client } from '@elastic/elasticsearch';
import type { AlertRecord } from '@vigil/core';
import { systemIndex } from '../indices.ts';
import { request, searchAll } from '../state/elasticsearch.ts';
import { checkRange, type EventRange } from './query.ts';

/** An alert whose entity names a source address: a threshold that address crossed. */
export interface AlertedSource {
  /** `entity["source.ip"]` as the watch wrote it (not canonicalized: the caller checks it). */
  ip: string;
  watch_id: string;
  entity_key: string;
  state: AlertRecord['state'];
  /** The alert's episode number (1 the first time the entity fired, +1 each time it fired again after resolving). */
  episode: number;
  /** Start and latest activity of the current episode (ISO). */
  first_seen: string;
  last_seen: string;
}

/** The address of an entity: the `source.ip` key field (flat, as conditions write keys), or a nested `source.ip`. */
function sourceIpOf(entity: Record<string, unknown>): string | undefined {
  const flat = entity['source.ip'];
  if (typeof flat === 'string') return flat;
  const source = entity.source;
  const nested = typeof source === 'object' && source !== null ? (source as Record<string, unknown>).ip : undefined;
  return typeof nested === 'string' ? nested : undefined;
}

/**
 * Alerts in `<prefix>-alerts` (any state: new, ongoing or resolved) whose entity has a `source.ip`
 * and whose latest activity (`last_seen`) is in [`since`, `until`), newest first. Entities are
 * stored unindexed, so every alert active in the range is read (paged, nothing capped) and the
 * address picked here; alert documents are one per watch and entity, few next to events.
 */
export async function alertedSources(client: Client, prefix: string, range: EventRange): Promise<AlertedSource[]> {
  checkRange(range);
  const options = { client, prefix };
  const query = { bool: { filter: [{ range: { last_seen: { gte: range.since.toISOString(), lt: range.until.toISOString() } } }] } };
  const hits = await request(options, 'reading alerts on source addresses', () =>
    searchAll<AlertRecord>(client, { index: systemIndex(prefix, 'alerts'), query, sort: [{ last_seen: 'desc' }, { watch_id: 'asc' }, { entity_key: 'asc' }] }),
  );
  return hits.flatMap((hit) => {
    const a = hit._source;
    const ip = a === undefined ? undefined : sourceIpOf(a.entity ?? {});
    if (a === undefined || ip === undefined) return [];
    return [{ ip, watch_id: a.watch_id, entity_key: a.entity_key, state: a.state, episode: a.episode, first_seen: a.first_seen, last_seen: a.last_seen }];
  });
}
