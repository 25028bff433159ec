import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadInputConfigs } from '@vigil/ingest';
import { repoRoot } from '@vigil/testkit';

const dir = join(repoRoot(), 'ingest');

describe('ingest/ definitions', () => {
  it('every *.yaml in ingest/ is a valid input definition', () => {
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
    const loaded = loadInputConfigs(dir);
    expect(loaded.map((i) => `${i.name}.yaml`)).toEqual(files);
    expect(files.length).toBeGreaterThan(0);
  });

  it('file names are lower-case words, the input name in logs and metrics', () => {
    for (const input of loadInputConfigs(dir)) expect(input.name).toMatch(/^[a-z][a-z0-9-]*$/);
  });
});
