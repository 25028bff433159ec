import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { VigilError } from '@vigil/core';

/** How far one file is safely stored. The inode tells a rotated (new) file from the one read before. */
export interface FileOffset {
  ino: number;
  offset: number;
  updated: string;
}

/**
 * Committed offsets of file inputs, one JSON file, replaced atomically (write, then rename) so a crash
 * at any moment leaves either the old or the new state, never a torn one. Offsets only ever come from
 * a {@link CommitTracker}, i.e. after Elasticsearch acknowledged every record before them.
 */
export class OffsetStore {
  readonly #file: string;
  readonly #offsets: Record<string, FileOffset>;

  constructor(file: string) {
    this.#file = file;
    this.#offsets = OffsetStore.#read(file);
  }

  static #read(file: string): Record<string, FileOffset> {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return {};
    }
    try {
      return JSON.parse(text) as Record<string, FileOffset>;
    } catch (cause) {
      throw new VigilError('FILE_UNREADABLE', `offset state is not valid JSON; move it away to re-read inputs from the start (duplicates are still prevented)`, { cause, location: { file } });
    }
  }

  /** Where to resume `path`: its committed offset when the file is the same one and no shorter, else 0. */
  resumeAt(path: string, ino: number, size: number): number {
    const known = this.#offsets[path];
    return known !== undefined && known.ino === ino && known.offset <= size ? known.offset : 0;
  }

  get(path: string): FileOffset | undefined {
    return this.#offsets[path];
  }

  set(path: string, ino: number, offset: number, now: Date): void {
    this.#offsets[path] = { ino, offset, updated: now.toISOString() };
  }

  save(): void {
    mkdirSync(dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.#offsets, null, 1));
    renameSync(tmp, this.#file);
  }
}
