// Seed 001 end to end on real traffic: a real `nmap -sT` scan and a few ordinary connections, captured by
// a real tcpdump in throwaway network namespaces, go through the ingest path (tcpdump parser, RecordSink,
// BulkWriter) into Elasticsearch, and `vigil watch run` with the shipped portscan watch must raise exactly
// one alert, for the scanning pair, and none for the ordinary client. Needs root, nmap and tcpdump
// (scripts/test installs them).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { systemClock } from '@vigil/core';
import { RecordSink, recordId } from '@vigil/ingest';
import { parserFor } from '@vigil/parsers';
import { BulkWriter, createElasticsearchClient, setupIndices } from '@vigil/store';
import { capturePortScan, dropPrefix, repoRoot, serviceEnv, uniquePrefix, type PortScanCapture, runVigil, type VigilResult } from '@vigil/testkit';

const root = repoRoot();
const env = serviceEnv(root);
const client = createElasticsearchClient({ url: env.VIGIL_ELASTICSEARCH_URL });
const prefix = uniquePrefix('portscan');
const watchFile = join(root, 'watches', 'network', 'discovery_portscan.yaml');

let capture: PortScanCapture;

afterAll(async () => {
  await dropPrefix(client, prefix);
  await client.close();
});

interface WatchRunOutput {
  watch: string;
  window: { from: string; to: string };
  alerts: Array<{ entity: Record<string, unknown>; payload: Record<string, unknown> }>;
  actions: unknown[];
}

/** `vigil watch run <file> --at <at> --dry-run --json` as a user runs it, against this test's prefix. */
function watchRun(at: string): Promise<VigilResult> {
  // A working directory without vigil.yaml: only this environment configures the CLI.
  const cwd = mkdtempSync(join(tmpdir(), 'vigil-portscan-'));
  return runVigil(['watch', 'run', watchFile, '--at', at, '--dry-run', '--json'], { cwd, prefix });
}

const totalOf = (total: number | { value: number } | undefined) => (typeof total === 'number' ? total : (total?.value ?? 0));

describe('seed 001: a real nmap scan captured by tcpdump', () => {
  beforeAll(async () => {
    capture = await capturePortScan();
    // the real ingest path, as `vigil ingest --source tcpdump` runs it
    await setupIndices(client, prefix);
    const parser = parserFor('tcpdump');
    const writer = new BulkWriter({ client, prefix });
    const sink = new RecordSink({ parser, writer, prefix, clock: systemClock, timezone: 'UTC' });
    const stream = `netns-capture:${prefix}`;
    for (const [i, line] of capture.lines.entries()) await sink.write(line, recordId(stream, i, line), {});
    await writer.close();
    expect(writer.stats).toMatchObject({ indexed: capture.lines.length, duplicates: 0, deadLettered: 0 });
    await client.indices.refresh({ index: `${prefix}-*` });
  }, 120_000);

  it('captures the scan and the ordinary connections, and indexes one tcp_connection_started event per SYN line', async () => {
    expect(capture.packetsDroppedByKernel).toBe(0);
    expect(capture.packetsCaptured).toBe(capture.lines.length);
    expect(capture.nmapOpenPorts).toEqual(capture.openPorts);
    expect(capture.clientConnections).toBe(3 * capture.openPorts.length);
    const from = (ip: string) => capture.lines.filter((l) => l.includes(` IP ${ip}.`)).length;
    expect(from(capture.scanner)).toBeGreaterThanOrEqual(500);
    expect(from(capture.client)).toBe(capture.clientConnections);
    expect(from(capture.scanner) + from(capture.client)).toBe(capture.lines.length);

    const result = await client.search({
      index: `${prefix}-tcpdump-*`,
      size: 0,
      track_total_hits: true,
      query: { term: { tags: 'tcp_connection_started' } },
      aggs: { sources: { terms: { field: 'source.ip', size: 10 } } },
    });
    expect(totalOf(result.hits.total)).toBe(capture.lines.length);
    const sources = (result.aggregations?.sources as { buckets: Array<{ key: string; doc_count: number }> }).buckets;
    expect(Object.fromEntries(sources.map((b) => [b.key, b.doc_count]))).toEqual({
      [capture.scanner]: from(capture.scanner),
      [capture.client]: capture.clientConnections,
    });
    const errors = await client.count({ index: `${prefix}-*`, query: { term: { 'event.kind': 'pipeline_error' } } });
    expect(errors.count).toBe(0);
  });

  it('vigil watch run raises exactly one alert, for the scanner and its target, and none for the ordinary client', async () => {
    const last = await client.search({ index: `${prefix}-tcpdump-*`, size: 0, aggs: { last: { max: { field: '@timestamp' } } } });
    const lastPacket = (last.aggregations?.last as { value: number }).value;
    // the window (30 s) ends one second after the last captured packet, so it covers the whole capture
    const at = new Date(lastPacket + 1_000).toISOString();

    const run = await watchRun(at);
    expect(run).toMatchObject({ code: 0 });
    const output = JSON.parse(run.stdout) as WatchRunOutput;
    expect(output.watch).toBe('network.discovery_portscan');
    expect(Date.parse(output.window.to)).toBe(Date.parse(at));
    // within: 30s and every: 10s: each run searches 40 s
    expect(Date.parse(output.window.to) - Date.parse(output.window.from)).toBe(40_000);

    expect(output.alerts).toHaveLength(1);
    const [alert] = output.alerts;
    expect(alert?.entity).toEqual({ 'source.ip': capture.scanner, 'destination.ip': capture.target });
    expect(alert?.payload.unique_ports).toEqual(expect.any(Number));
    expect(alert?.payload.unique_ports as number).toBeGreaterThan(50);
    expect(output.alerts.filter((a) => a.entity['source.ip'] === capture.client)).toEqual([]);
  });
});
