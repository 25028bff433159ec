// Issue 12, case 5: `vigil ingest FILE` keys its offsets by the destination, so the same file goes
// afresh into another VIGIL_INDEX_PREFIX or an emptied cluster, and a resume says what it skipped.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createElasticsearchClient, eventIndices } from '@vigil/store';
import { dropPrefix, repoRoot, runVigil, serviceEnv, uniquePrefix } from '@vigil/testkit';

const root = repoRoot();
const env = serviceEnv(root);
const first = uniquePrefix('ingest-offsets-a');
const second = uniquePrefix('ingest-offsets-b');
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const dir = mkdtempSync(join(tmpdir(), 'vigil-ingest-offsets-'));

afterAll(async () => {
  await dropPrefix(client, first);
  await dropPrefix(client, second);
  await client.close();
});

const ingest = (prefix: string, args: string[]) => runVigil(['ingest', ...args], { cwd: dir, prefix });

async function count(prefix: string): Promise<number> {
  await client.indices.refresh({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  return (await client.count({ index: eventIndices(prefix), allow_no_indices: true, ignore_unavailable: true })).count;
}

const LINES = 400;

describe('vigil ingest FILE offsets', () => {
  const file = join(dir, 'auth.log');
  writeFileSync(file, Array.from({ length: LINES }, (_, i) => `Nov 22 09:00:${String(i % 60).padStart(2, '0')} web2 sshd[${200 + i}]: Failed password for invalid user u${i} from 10.1.0.${i % 250} port 22 ssh2\n`).join(''));
  const state = join(dir, 'state');
  const size = statSync(file).size;

  it('indexes a file read into one prefix again into another prefix, and says where it went before', async () => {
    const a = await ingest(first, ['--source', 'auto', '--state', state, file]);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(await count(first)).toBe(LINES);

    const b = await ingest(second, ['--source', 'auto', '--state', state, file]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(b.stdout).toContain(`${file}: ${LINES} records\n`);
    expect(b.stdout).toContain(`ingested before into prefix "${first}"`);
    expect(b.stdout).toMatch(new RegExp(`indexed ${LINES}, already present 0`));
    expect(await count(second)).toBe(LINES);
  });

  it('resuming in the same destination says how much it skipped and where that data is', async () => {
    const again = await ingest(first, ['--source', 'auto', '--state', state, file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${file}: 0 records (resumed at byte ${size})\n`);
    expect(again.stdout).toMatch(new RegExp(`bytes 0-${size} skipped, already in prefix "${first}", datasets of the auto parser on cluster "[^"]+" \\(\\S+\\) \\(${LINES} events of this file\\)`));
    expect(await count(first)).toBe(LINES);
  });

  it('re-reads a file whose destination indices were deleted (same prefix), and says why', async () => {
    const names = (await client.indices.resolveIndex({ name: eventIndices(first) })).indices.map((i) => i.name);
    expect(names.length).toBeGreaterThan(0);
    await client.indices.delete({ index: names });
    expect(await count(first)).toBe(0);

    const refill = await ingest(first, ['--source', 'auto', '--state', state, file]);
    expect(refill.stderr).toBe('');
    expect(refill.code).toBe(0);
    expect(refill.stdout).toContain(`${file}: ${LINES} records\n`);
    expect(refill.stdout).toContain(`not resumed at byte ${size}: no event of this file is in prefix "${first}"`);
    expect(await count(first)).toBe(LINES);
  });
});
