// The corpus, run: every watch in watches/ against its own fixture in watches/fixtures/ (same path),
// in the real Elasticsearch. A fixture holds raw log lines as the sources write them (parsed by
// Vigil's parsers, as ingest would), the run time, and exactly the alerts the watch must raise there:
// no more (the fixture's legitimate traffic raises none), no fewer, each with the figures it carries
// and the actions it would run. Runs are dry: actions simulated, nothing sent, nothing blocked.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@elastic/elasticsearch';
import { watchSchema } from '@vigil/actions';
import { entityKey, loadWatches, ManualClock, parseLocated, watchFilesUnder, type Watch } from '@vigil/core';
import { RecordSink, recordId } from '@vigil/ingest';
import { parserFor } from '@vigil/parsers';
import { BulkWriter, createElasticsearchClient, MemoryAlertStore, MemoryHistoryStore, MemoryWatchRegistry, setupIndices } from '@vigil/store';
import { dropPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { runOnce } from '@vigil/watcher';
import { z } from 'zod';

const root = repoRoot();
const dir = join(root, 'watches');
const fixtureOf = (watchFile: string) => join(dir, 'fixtures', relative(dir, watchFile));

/** A fixture file (unknown keys are errors, as in every file a user writes). */
const fixtureSchema = z.strictObject({
  /** End of the window the watch is run for (its delay is added, as the scheduler does). */
  at: z.iso.datetime({ offset: true }),
  /** Raw lines per source format; syslog lines without a year take the year of `at`. */
  events: z
    .array(
      z.strictObject({
        parser: z.string().refine((p) => parserFor(p) !== undefined, 'must be a parser name: syslog, tcpdump, ossec, windows or auto'),
        dataset: z.string().optional(),
        timezone: z.string().default('UTC'),
        lines: z.string().min(1),
      }),
    )
    .min(1),
  /** Exactly the alerts of the run, in any order: the entity in full, the payload as a subset. */
  alerts: z.array(
    z.strictObject({
      entity: z.record(z.string(), z.unknown()),
      payload: z.record(z.string(), z.unknown()).default({}),
      /** The actions it runs (simulated), by name: every action whose condition holds. */
      actions: z.array(z.string()).optional(),
    }),
  ),
});
type Fixture = z.output<typeof fixtureSchema>;

function loadFixture(file: string): Fixture {
  const parsed = fixtureSchema.safeParse(parseLocated(file, readFileSync(file, 'utf8')).value);
  if (!parsed.success) throw new Error(`${relative(root, file)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const loaded = loadWatches([dir], watchSchema());
const env = serviceEnv(root);
let client: Client;

beforeAll(() => {
  client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
});
afterAll(async () => {
  await client.close();
});

/** Parses and indexes the fixture's lines under a prefix of its own; they are searchable on return. */
async function ingest(prefix: string, fixture: Fixture): Promise<number> {
  await setupIndices(client, prefix);
  const writer = new BulkWriter({ client, prefix });
  const clock = new ManualClock(fixture.at);
  let count = 0;
  for (const [n, source] of fixture.events.entries()) {
    const sink = new RecordSink({ parser: parserFor(source.parser)!, writer, prefix, clock, timezone: source.timezone, ...(source.dataset === undefined ? {} : { dataset: source.dataset }) });
    for (const [i, line] of source.lines.split('\n').filter((l) => l.trim() !== '').entries()) {
      await sink.write(line, recordId(`fixture:${n}`, i, line), {});
      count += 1;
    }
  }
  await writer.close();
  expect(writer.stats).toMatchObject({ indexed: count, deadLettered: 0 });
  await client.indices.refresh({ index: `${prefix}-*` });
  return count;
}

async function run(watch: Watch, fixture: Fixture, prefix: string) {
  const clock = new ManualClock(fixture.at);
  const deps = { registry: new MemoryWatchRegistry({ clock }), alerts: new MemoryAlertStore(), history: new MemoryHistoryStore(), elasticsearch: client, indexPrefix: prefix, clock, log: () => undefined, services: { elasticsearch: client } };
  return runOnce(deps, watch, { at: new Date(fixture.at), dryRun: true, runId: 'fixture' });
}

describe('every watch against its fixture (watches/fixtures/)', () => {
  it('every watch has a fixture, and every fixture a watch', () => {
    const missing = loaded.map((l) => l.file).filter((f) => !existsSync(fixtureOf(f)));
    expect(missing.map((f) => relative(dir, f))).toEqual([]);
    const fixtures = watchFilesUnder(join(dir, 'fixtures')).map((f) => relative(join(dir, 'fixtures'), f));
    expect(fixtures.filter((f) => !loaded.some((l) => relative(dir, l.file) === f))).toEqual([]);
  });

  it.each(loaded.map((l) => [relative(dir, l.file), l.watch] as const))('%s raises exactly the alerts of its fixture', async (path, watch) => {
    const fixture = loadFixture(fixtureOf(join(dir, path)));
    const prefix = uniquePrefix(`fixture-${watch.id.replace(/[^a-z0-9]+/g, '-')}`.slice(0, 40));
    try {
      expect(await ingest(prefix, fixture)).toBeGreaterThan(0);
      const report = await run(watch, fixture, prefix);
      expect(report.truncated).toEqual([]);
      const got = [...report.alerts].sort((a, b) => entityKey(a.entity).localeCompare(entityKey(b.entity)));
      const want = [...fixture.alerts].sort((a, b) => entityKey(a.entity).localeCompare(entityKey(b.entity)));
      expect(got.map((a) => a.entity)).toEqual(want.map((a) => a.entity));
      want.forEach((w, i) => {
        expect(got[i]!.payload).toMatchObject(w.payload);
        if (w.actions === undefined) return;
        const key = entityKey(w.entity);
        const ran = report.actions.filter((o) => o.status === 'simulated' && o.entity_key === key).map((o) => o.id);
        expect(ran.sort()).toEqual([...w.actions].sort());
      });
    } finally {
      await dropPrefix(client, prefix);
    }
  });
});
