import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { VigilError } from '@vigil/core/errors';
import { redactUrl } from '@vigil/core/redact';
import { eventIndices } from '@vigil/store/indices';

/**
 * Where the events of a file went. A committed offset says "everything before this byte is stored
 * *there*": it means nothing for another cluster, another index prefix or another dataset, so every
 * offset is kept per destination.
 */
export interface OffsetDestination {
  /**
   * `cluster_uuid` of the cluster (`GET /`, else the cluster state); absent when the cluster did not
   * tell, and then {@link url} identifies it.
   */
  clusterUuid?: string;
  /** `cluster_name`, for messages only. */
  clusterName?: string;
  /** The Elasticsearch URL without credentials. */
  url: string;
  /** `VIGIL_INDEX_PREFIX` the events were written under. */
  prefix: string;
  /**
   * The dataset forced on every event (`--dataset`, `dataset:`), else `parser:<source>`: the datasets
   * that parser picks event by event (see {@link OffsetStore.datasetKey}).
   */
  dataset: string;
}

/** How far one file is safely stored. The inode tells a rotated (new) file from the one read before. */
export interface FileOffset {
  ino: number;
  offset: number;
  updated: string;
  /**
   * Where the bytes before {@link offset} were stored. Absent in state written before offsets knew
   * their destination (a plain `{path: offset}` file): such an offset is "destination unknown".
   */
  destination?: OffsetDestination;
}

/** One committed offset in the state file: a file and where its events went. */
interface OffsetEntry extends FileOffset {
  path: string;
}

/** What {@link OffsetStore.resume} found for a file. */
export interface ResumeLookup {
  /** Where to resume: the committed offset for this destination when it still applies, else 0. */
  offset: number;
  /** The entry of this destination, also when it no longer applies (rotated or truncated file). */
  committed?: FileOffset;
  /**
   * An offset of the same file (same inode, no longer than the file) written before destinations were
   * recorded, when this destination has none: it may or may not be about this destination.
   */
  legacy?: FileOffset;
  /** Destinations this file was ingested into before, other than this one. */
  elsewhere: OffsetDestination[];
}

/** {@link OffsetDestination.dataset} of an input that keeps the datasets its parser picks. */
const PARSER_DATASETS = 'parser:';

/** Version of the state file written by this code (version 1 was a plain `{path: FileOffset}` map). */
const STATE_VERSION = 2;

/** The entries of one state file, shared by every {@link OffsetStore} view of it. */
class OffsetState {
  readonly file: string;
  entries: OffsetEntry[];

  constructor(file: string) {
    this.file = file;
    this.entries = OffsetState.#read(file);
  }

  static #read(file: string): OffsetEntry[] {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new VigilError('FILE_UNREADABLE', `offset state is not valid JSON; move it away to re-read inputs from the start (duplicates are still prevented)`, { cause, location: { file } });
    }
    const bad = (why: string) =>
      new VigilError('FILE_UNREADABLE', `offset state ${why}; move it away to re-read inputs from the start (duplicates are still prevented)`, { location: { file } });
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('is not a JSON object');
    const state = parsed as Record<string, unknown>;
    if (!('version' in state)) {
      // version 1: {"/abs/path": {ino, offset, updated}} — kept, as offsets of an unknown destination
      return Object.entries(state).map(([path, value]) => checkEntry({ ...(value as object), path }, bad, false));
    }
    if (state.version !== STATE_VERSION) throw bad(`has version ${JSON.stringify(state.version)}, this Vigil reads version ${STATE_VERSION} (written by a newer Vigil?)`);
    if (!Array.isArray(state.files)) throw bad('has no "files" list');
    return state.files.map((value: unknown) => checkEntry(value, bad, true));
  }

  save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: STATE_VERSION, files: this.entries }, null, 1));
    renameSync(tmp, this.file);
  }
}

function checkEntry(value: unknown, bad: (why: string) => VigilError, withDestination: boolean): OffsetEntry {
  const entry = value as Partial<OffsetEntry> | null;
  const where = typeof entry?.path === 'string' ? ` for ${entry.path}` : '';
  if (typeof entry !== 'object' || entry === null || typeof entry.path !== 'string') throw bad('has an entry without a path');
  if (!Number.isSafeInteger(entry.ino) || !Number.isSafeInteger(entry.offset) || (entry.offset as number) < 0 || typeof entry.updated !== 'string') {
    throw bad(`has an entry${where} without a valid ino, offset and updated`);
  }
  const d = entry.destination;
  if (withDestination && d !== undefined && (typeof d !== 'object' || d === null || typeof d.url !== 'string' || typeof d.prefix !== 'string' || typeof d.dataset !== 'string')) {
    throw bad(`has an entry${where} with an invalid destination`);
  }
  return { path: entry.path, ino: entry.ino as number, offset: entry.offset as number, updated: entry.updated, ...(withDestination && d !== undefined ? { destination: d } : {}) };
}

/**
 * True when two destinations are the same place: same prefix and dataset, on the same cluster — by
 * `cluster_uuid` when both know it (a cluster reached under another URL is the same cluster, a new
 * cluster behind the same URL is not), else by URL. Two unknown destinations are the same.
 */
export function sameDestination(a: OffsetDestination | undefined, b: OffsetDestination | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.prefix !== b.prefix || a.dataset !== b.dataset) return false;
  if (a.clusterUuid !== undefined && b.clusterUuid !== undefined) return a.clusterUuid === b.clusterUuid;
  return a.url === b.url;
}

/** `prefix "vigil", dataset auth on cluster "prod" (uuid …)`: a destination in one phrase, for summaries. */
export function describeDestination(d: OffsetDestination | undefined): string {
  if (d === undefined) return 'an unknown destination (state written before offsets recorded it)';
  const cluster = d.clusterUuid === undefined ? `the cluster at ${d.url}` : `cluster "${d.clusterName ?? '?'}" (${d.clusterUuid})`;
  const dataset = d.dataset.startsWith(PARSER_DATASETS) ? `datasets of the ${d.dataset.slice(PARSER_DATASETS.length)} parser` : `dataset ${d.dataset}`;
  return `prefix "${d.prefix}", ${dataset} on ${cluster}`;
}

/**
 * Committed offsets of file inputs for one destination, kept in one JSON file replaced atomically
 * (write, then rename) so a crash at any moment leaves either the old or the new state, never a torn
 * one. Offsets only ever come from a {@link CommitTracker}, i.e. after Elasticsearch acknowledged
 * every record before them.
 *
 * An offset is keyed by the file (path and inode) *and* the destination: the same file ingested into
 * another prefix, dataset or cluster starts from its beginning. Views of one file for several
 * destinations ({@link forDestination}) share its entries, so one server writes one state file.
 */
export class OffsetStore {
  readonly #state: OffsetState;
  /** Absent: the destination is unknown (only entries of unknown destination are read and written). */
  readonly destination: OffsetDestination | undefined;

  constructor(file: string | OffsetState, destination?: OffsetDestination) {
    this.#state = typeof file === 'string' ? new OffsetState(file) : file;
    this.destination = destination;
  }

  /**
   * Asks the cluster behind `client` who it is and returns the destination for `prefix` and
   * `dataset`. `GET /` needs the `monitor` privilege and is missing from some distributions, so the
   * cluster state is asked next; when neither answers, the URL stands for the cluster.
   */
  static async destinationOf(client: Client, target: { url: string; prefix: string; dataset: string }): Promise<OffsetDestination> {
    const base = { url: redactUrl(target.url), prefix: target.prefix, dataset: target.dataset };
    const known = (uuid: unknown) => typeof uuid === 'string' && uuid !== '' && uuid !== '_na_';
    try {
      const info = await client.info();
      if (known(info.cluster_uuid)) return { clusterUuid: info.cluster_uuid, clusterName: info.cluster_name, ...base };
    } catch {
      // fall through to the cluster state
    }
    try {
      const state = (await client.cluster.state({ metric: 'metadata', filter_path: 'cluster_name,metadata.cluster_uuid' })) as { cluster_name?: string; metadata?: { cluster_uuid?: string } };
      const uuid = state.metadata?.cluster_uuid;
      if (known(uuid)) return { clusterUuid: uuid as string, ...(state.cluster_name === undefined ? {} : { clusterName: state.cluster_name }), ...base };
    } catch {
      // not allowed or unreachable: the URL identifies the cluster
    }
    return base;
  }

  /** {@link OffsetDestination.dataset} of an input: its forced dataset, else its parser's datasets. */
  static datasetKey(dataset: string | undefined, parserSource: string): string {
    return dataset ?? `${PARSER_DATASETS}${parserSource}`;
  }

  /** A view of the same state file for another destination (what `vigil ingest serve` gives each input). */
  forDestination(destination: OffsetDestination): OffsetStore {
    return new OffsetStore(this.#state, destination);
  }

  /**
   * Forgets the committed offsets of this destination whose events are no longer there (indices
   * deleted or emptied), so those files are read again from their start; returns one line per file
   * forgotten. For `vigil ingest serve`, whose file inputs resume without asking the cluster.
   */
  async forgetMissing(client: Client): Promise<string[]> {
    const destination = this.destination;
    if (destination === undefined) return [];
    const forgotten: string[] = [];
    for (const entry of this.#state.entries.filter((e) => e.offset > 0 && sameDestination(e.destination, destination))) {
      const { stored } = await storedEventsBefore(client, destination, entry.path, entry.offset);
      if (stored !== 0) continue;
      this.#state.entries = this.#state.entries.filter((e) => e !== entry);
      forgotten.push(`${entry.path}: not resumed at byte ${entry.offset}: no event of this file is in ${describeDestination(destination)} (indices deleted or emptied?); read from the start, ids prevent duplicates`);
    }
    return forgotten;
  }

  /** The committed offset of `path` for this destination, and what else the state knows of the file. */
  resume(path: string, ino: number, size: number): ResumeLookup {
    const mine = this.#entry(path);
    const elsewhere = this.#state.entries.filter((e) => e.path === path && e.destination !== undefined && !sameDestination(e.destination, this.destination)).map((e) => e.destination as OffsetDestination);
    const applies = (e: FileOffset | undefined) => e !== undefined && e.ino === ino && e.offset <= size;
    const legacy = mine === undefined && this.destination !== undefined ? this.#state.entries.find((e) => e.path === path && e.destination === undefined) : undefined;
    return {
      offset: applies(mine) ? (mine as FileOffset).offset : 0,
      ...(mine === undefined ? {} : { committed: strip(mine) }),
      ...(legacy !== undefined && applies(legacy) ? { legacy: strip(legacy) } : {}),
      elsewhere,
    };
  }

  /** Where to resume `path`: its committed offset for this destination when the file is the same one and no shorter, else 0. */
  resumeAt(path: string, ino: number, size: number): number {
    return this.resume(path, ino, size).offset;
  }

  get(path: string): FileOffset | undefined {
    const entry = this.#entry(path);
    return entry === undefined ? undefined : strip(entry);
  }

  /**
   * Records how far `path` is stored in this destination. An entry of unknown destination for the
   * same path is dropped: from now on this file's offsets say where they apply.
   */
  set(path: string, ino: number, offset: number, now: Date): void {
    const entry: OffsetEntry = { path, ino, offset, updated: now.toISOString(), ...(this.destination === undefined ? {} : { destination: this.destination }) };
    const entries = this.#state.entries;
    const at = entries.findIndex((e) => e.path === path && sameDestination(e.destination, this.destination));
    if (at >= 0) entries[at] = entry;
    else entries.push(entry);
    if (this.destination !== undefined) this.#state.entries = entries.filter((e) => e.path !== path || e.destination !== undefined);
  }

  save(): void {
    this.#state.save();
  }

  #entry(path: string): OffsetEntry | undefined {
    return this.#state.entries.find((e) => e.path === path && sameDestination(e.destination, this.destination));
  }
}

function strip({ path: _path, ...offset }: OffsetEntry): FileOffset {
  return offset;
}

/**
 * Events of `path` before byte `offset` in the destination's event indices: 0 when its indices were
 * deleted or emptied. Undefined, with the reason, when the cluster could not be asked.
 */
export async function storedEventsBefore(client: Client, destination: OffsetDestination, path: string, offset: number): Promise<{ stored?: number; unchecked?: string }> {
  try {
    const res = await client.count({
      index: eventIndices(destination.prefix),
      ignore_unavailable: true,
      allow_no_indices: true,
      query: { bool: { filter: [{ term: { 'log.file.path': path } }, { range: { 'log.offset': { lt: offset } } }] } },
    });
    return { stored: res.count };
  } catch (err) {
    return { unchecked: err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err) };
  }
}
