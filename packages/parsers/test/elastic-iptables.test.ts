// Vigil's events against Elastic's own `iptables` integration, line by line, on its pipeline test
// log (../shared/fixtures/elastic-integrations/iptables, see SOURCES.md): every ECS field Elastic sets
// in the compared groups must agree on at least 95 % of the lines that have it on either side, and
// every remaining difference is listed below with its reason.
import { describe, expect, it } from '@jest/globals';
import type { EcsEvent } from '@vigil/core';
import { fixtureLines, readFixture } from '@vigil/testkit';
import { parserFor } from '../src/registry.ts';
import { toEvent } from '../src/record.ts';
import type { ParseContext } from '../src/types.ts';

const LOG = 'elastic-integrations/iptables/test-iptables-raw.log';

/**
 * "Now" for year inference: the day after the fixture's latest yearless line (Oct 10), as when
 * Elastic generated most of its expected docs (2023); `@timestamp` is compared too.
 */
const ctx: ParseContext = { timezone: 'UTC', now: new Date('2023-10-11T00:00:00Z'), hostOs: 'linux' };

/** The field groups the issue compares (the ECS fields Elastic Security's rules and pages read). */
const COMPARED = [/^@timestamp$/, /^event\.(category|type|action|outcome)$/, /^(user|group|source|destination|host|rule|related)\./, /^observer\.name$/];

/** Fields Elastic sets that Vigil does not produce at parse time, with the reason (not compared). */
const NOT_PRODUCED: Record<string, string> = {
  'source.geo': 'GeoIP enrichment is done by an Elasticsearch ingest processor, not by a log parser',
  'source.as': 'ASN enrichment (GeoLite2-ASN), as source.geo',
  'destination.geo': 'GeoIP enrichment, as source.geo',
  'destination.as': 'ASN enrichment, as source.geo',
};

/** ECS `event.type` allowed values: Elastic's non-ECS ones are not compared. */
const ECS_EVENT_TYPES = new Set(['access', 'admin', 'allowed', 'change', 'connection', 'creation', 'deletion', 'denied', 'end', 'error', 'group', 'indicator', 'info', 'installation', 'protocol', 'start', 'user']);

/**
 * Differences that remain, by field and 1-based line: Vigil's value, Elastic's, and why. An unlisted
 * difference fails the test, and so does a listed one that no longer occurs.
 */
const KNOWN_DIFFERENCES: { field: string; line: number; vigil: unknown; elastic: unknown; reason: string }[] = [
  {
    field: '@timestamp', line: 22, vigil: '2023-01-05T20:17:01.000Z', elastic: '2024-01-05T20:17:01.000Z',
    reason: 'a yearless RFC 3164 line: Elastic generated this doc a year after lines 17-21 of the same date, so no one "now" infers both years',
  },
];

/** What Elastic sets in those groups on this log (the test checks the list, so a new field is noticed). */
const FIELDS = [
  '@timestamp', 'destination.ip', 'destination.mac', 'destination.port', 'event.action', 'event.category', 'event.type',
  'observer.name', 'related.ip', 'rule.id', 'rule.name', 'source.ip', 'source.mac', 'source.port',
];

type Flat = Map<string, unknown>;

/** Leaf fields as dotted paths; arrays are leaves (compared as sets). */
function flatten(value: unknown, path = '', out: Flat = new Map()): Flat {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, path === '' ? k : `${path}.${k}`, out);
  } else if (path !== '') out.set(path, value);
  return out;
}

function compared(field: string): boolean {
  return COMPARED.some((re) => re.test(field)) && !Object.keys(NOT_PRODUCED).some((p) => field === p || field.startsWith(`${p}.`));
}

/** A value in the form both sides are compared in: sets sorted, Elastic's non-ECS event types removed. */
function normal(field: string, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const items = field === 'event.type' ? value.filter((v) => ECS_EVENT_TYPES.has(String(v))) : value;
  return [...new Set(items.map(String))].sort();
}

describe('Elastic iptables integration: field agreement on test-iptables-raw.log', () => {
  const lines = fixtureLines(LOG);
  const expected = (JSON.parse(readFixture(`${LOG}-expected.json`)) as { expected: Record<string, unknown>[] }).expected;
  // the parser the ingest uses for this file (ingest/kernel.yaml: `parser: syslog`), through the common layer
  const parser = parserFor('syslog');
  const events: EcsEvent[] = lines.map((l) => toEvent(parser, l, ctx));
  const vigilDocs = events.map((e) => flatten(e));
  const elasticDocs = expected.map((d) => flatten(d));
  const fields = [...new Set(elasticDocs.flatMap((d) => [...d.keys()]))].filter(compared).sort();

  /** Every difference of a field: line, Vigil's value, Elastic's value. */
  function differences(field: string): { line: number; vigil: unknown; elastic: unknown }[] {
    const out: { line: number; vigil: unknown; elastic: unknown }[] = [];
    vigilDocs.forEach((v, i) => {
      const vigil = normal(field, v.get(field));
      const elastic = normal(field, elasticDocs[i]?.get(field));
      if (JSON.stringify(vigil) !== JSON.stringify(elastic)) out.push({ line: i + 1, vigil, elastic });
    });
    return out;
  }

  it('has one expected document per line, every line a netfilter event', () => {
    expect([lines.length, expected.length]).toEqual([24, 24]);
    expect(events.map((e) => `${e.event.kind}:${e.event.dataset}:${e.event.module}`)).toEqual(Array(24).fill('event:netfilter:iptables'));
  });

  it('compares the fields Elastic sets in the issue\'s groups', () => {
    expect(fields).toEqual(FIELDS);
  });

  it.each(FIELDS)('%s: agreement >= 95 %% of the lines that have it, every difference listed', (field) => {
    const withValue = vigilDocs.filter((v, i) => v.has(field) || elasticDocs[i]?.has(field)).length;
    const found = differences(field);
    const listed = KNOWN_DIFFERENCES.filter((d) => d.field === field).map(({ line, vigil, elastic }) => ({ line, vigil, elastic }));
    expect(found).toEqual(listed);
    expect(withValue).toBeGreaterThan(0);
    expect((withValue - found.length) / withValue).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps the whole prefix in vigil.netfilter.prefix and names the zones as Elastic', () => {
    const e = events[0] as EcsEvent;
    expect([(e.vigil?.netfilter as { prefix?: string }).prefix, e.observer?.ingress?.zone, e.observer?.egress?.zone]).toEqual(['[wan-lan-default-D]', 'wan', 'lan']);
    expect(expected[0]).toMatchObject({ observer: { ingress: { zone: 'wan' }, egress: { zone: 'lan' } } });
    events.forEach((v, i) => {
      expect({ line: i + 1, zones: [v.observer?.ingress?.zone, v.observer?.egress?.zone] }).toEqual({
        line: i + 1,
        zones: [elasticDocs[i]?.get('observer.ingress.zone'), elasticDocs[i]?.get('observer.egress.zone')],
      });
    });
  });
});
