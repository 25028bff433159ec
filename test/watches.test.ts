import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { expectedWatchId, loadWatches, watchFilesUnder } from '@vigil/core';
import { watchJsonSchema, watchSchema } from '@vigil/actions';
import { repoRoot } from '@vigil/testkit';

const dir = join(repoRoot(), 'watches');

describe('watches/ (the corpus)', () => {
  const loaded = loadWatches([dir], watchSchema());

  it('every watch file is valid', () => {
    expect(loaded.map((l) => relative(dir, l.file))).toEqual(watchFilesUnder(dir).map((f) => relative(dir, f)));
    expect(loaded.length).toBeGreaterThan(0);
  });

  it('files are <area>/<tactic>_<what>.yaml and the id is <area>.<tactic>_<what>', () => {
    for (const { file, watch } of loaded) {
      const path = relative(dir, file);
      expect(path).toMatch(/^[a-z0-9-]+\/[a-z]+_[a-z0-9_]+\.ya?ml$/);
      expect(watch.id).toBe(expectedWatchId(path));
    }
  });

  it('every watch has a description, tags and at least one action', () => {
    for (const { watch } of loaded) {
      expect(watch.description.length).toBeGreaterThan(20);
      expect(watch.tags.length).toBeGreaterThan(0);
      expect(Object.keys(watch.actions).length).toBeGreaterThan(0);
    }
  });

  it('watches/schema.json is the current JSON Schema (regenerate: npm run schema:watches)', () => {
    expect(JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8'))).toEqual(watchJsonSchema());
  });
});
