// Issue 12, case 6: `vigil ingest FILE` refreshes the indices it wrote before it prints its summary,
// so a search started right after it (a `vigil watch run`) finds every document it counted.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createElasticsearchClient, eventIndices } from '@vigil/store';
import { dropPrefix, repoRoot, runVigil, serviceEnv, uniquePrefix } from '@vigil/testkit';

const root = repoRoot();
const env = serviceEnv(root);
const prefix = uniquePrefix('ingest-refresh');
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const dir = mkdtempSync(join(tmpdir(), 'vigil-ingest-refresh-'));

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

const ingest = (args: string[]) => runVigil(['ingest', ...args], { cwd: dir, prefix });

/** A search as `vigil watch run` makes it: no refresh of its own, no retry. */
async function searchableNow(): Promise<number> {
  const res = await client.search({ index: eventIndices(prefix), size: 0, track_total_hits: true, allow_no_indices: true, ignore_unavailable: true, query: { term: { 'event.dataset': 'auth' } } });
  const total = res.hits.total;
  return typeof total === 'number' ? total : (total?.value ?? 0);
}

const lines = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `Nov 22 10:${String(Math.floor((from + i) / 60) % 60).padStart(2, '0')}:${String((from + i) % 60).padStart(2, '0')} web3 sshd[${300 + from + i}]: Failed password for root from 10.2.0.${(from + i) % 250} port 22 ssh2\n`).join('');

describe('vigil ingest FILE refresh', () => {
  it('leaves every document it reports searchable when it exits, even where background refresh is off', async () => {
    const file = join(dir, 'auth.log');
    const state = join(dir, 'state');
    writeFileSync(file, lines(0, 500));
    const first = await ingest(['--source', 'auto', '--state', state, file]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/indexed 500, .*; searchable now \(1 index\(es\) refreshed\)/);
    expect(await searchableNow()).toBe(500);

    // A busy cluster with a long refresh interval: here none at all, so only an explicit refresh shows new documents.
    await client.indices.putSettings({ index: `${prefix}-auth-*`, settings: { index: { refresh_interval: '-1' } } });
    appendFileSync(file, lines(500, 519));
    const second = await ingest(['--source', 'auto', '--state', state, file]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/indexed 519,/);
    expect(await searchableNow()).toBe(1019);
  });
});
