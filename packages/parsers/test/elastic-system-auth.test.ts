// Vigil's events for Elastic's own system.auth pipeline test log, compared field by field with the
// pipeline's expected output (../shared/fixtures/elastic-integrations/system-auth, see SOURCES.md).
// Every ECS field both sides set is compared; Elastic's `event.type` values that ECS does not allow
// (`authentication_success`, `authentication_failure`) are dropped first, as Vigil keeps to ECS.
// When the fixtures folder is absent, readFixture fails saying so.
import { describe, expect, it } from '@jest/globals';
import { fixtureLines, readFixture } from '@vigil/testkit';
import { parserFor, toEvent } from '../src/index.ts';

/** The pipeline test ran on 2022-04-01 (`event.ingested`): yearless lines of February are 2022. */
const ctx = { timezone: 'UTC', now: new Date('2022-04-01T02:35:38Z'), hostOs: 'linux' as const };

/** ECS 8.x allowed values of `event.type`. */
const ECS_EVENT_TYPES = new Set(['access', 'admin', 'allowed', 'change', 'connection', 'creation', 'deletion', 'denied', 'end', 'error', 'group', 'indicator', 'info', 'installation', 'protocol', 'start', 'user']);

/** Field prefixes compared (a field is compared when both sides set it). */
const COMPARED = ['event.category', 'event.type', 'event.action', 'event.outcome', 'user.', 'group.', 'source.', 'destination.', 'host.', 'observer.name', 'rule.', 'related.'];

/** Fields whose values are sets (order carries no meaning). */
const SET_FIELDS = new Set(['event.category', 'event.type', 'related.ip', 'related.user', 'related.hosts']);

/**
 * Remaining differences, `<0-based line>:<field>` → why Vigil differs. A difference not listed here
 * fails the test, and so does a listed one that no longer occurs.
 */
const DIFFERENCES: Record<string, string> = {};

type Flat = Map<string, unknown>;

function flatten(value: unknown, prefix = '', out: Flat = new Map()): Flat {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else if (value !== undefined) out.set(prefix, value);
  return out;
}

function compared(field: string): boolean {
  return COMPARED.some((p) => (p.endsWith('.') ? field.startsWith(p) : field === p));
}

/** Elastic's doc with its non-ECS `event.type` values removed (an emptied list counts as unset). */
function elasticFields(doc: unknown): Flat {
  const flat = flatten(doc);
  const types = flat.get('event.type');
  if (Array.isArray(types)) {
    const valid = types.filter((t) => ECS_EVENT_TYPES.has(String(t)));
    if (valid.length === 0) flat.delete('event.type');
    else flat.set('event.type', valid);
  }
  return flat;
}

function same(field: string, a: unknown, b: unknown): boolean {
  if (SET_FIELDS.has(field) && Array.isArray(a) && Array.isArray(b)) {
    const sa = new Set(a.map(String));
    const sb = new Set(b.map(String));
    return sa.size === sb.size && [...sa].every((x) => sb.has(x));
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

describe('elastic-integrations system-auth: Vigil against Elastic, field by field', () => {
  const lines = fixtureLines('elastic-integrations/system-auth/test-auth.log');
  const expected = (JSON.parse(readFixture('elastic-integrations/system-auth/test-auth.log-expected.json')) as { expected: unknown[] }).expected;
  const parser = parserFor('syslog');
  const events = lines.map((l) => toEvent(parser, l, ctx));

  // per field: [agreeing lines, compared lines]; the differences seen, by `<line>:<field>`
  const tally = new Map<string, [number, number]>();
  const seen = new Map<string, { vigil: unknown; elastic: unknown }>();
  expected.forEach((doc, i) => {
    const theirs = elasticFields(doc);
    const ours = flatten(events[i]);
    for (const [field, value] of theirs) {
      if (!compared(field) || !ours.has(field)) continue;
      const t = tally.get(field) ?? [0, 0];
      t[1] += 1;
      if (same(field, ours.get(field), value)) t[0] += 1;
      else seen.set(`${i}:${field}`, { vigil: ours.get(field), elastic: value });
      tally.set(field, t);
    }
  });

  it('has the 11 lines and the 10 expected docs (line 11 was added upstream after this expected output)', () => {
    expect([lines.length, expected.length]).toEqual([11, 10]);
    expect(events.every((e) => e.event.kind === 'event')).toBe(true);
  });

  it('compares the fields Elastic rules read on these lines', () => {
    for (const field of ['event.category', 'event.type', 'event.action', 'event.outcome', 'user.name', 'user.id', 'user.effective.name', 'group.id', 'group.name', 'source.ip', 'source.port', 'host.hostname', 'related.hosts', 'related.user', 'related.ip']) {
      expect({ field, compared: (tally.get(field)?.[1] ?? 0) > 0 }).toEqual({ field, compared: true });
    }
  });

  it('agrees on at least 95 % of the compared lines for every field', () => {
    const below = [...tally].filter(([, [agree, total]]) => agree / total < 0.95).map(([field, [agree, total]]) => `${field}: ${agree}/${total}`);
    expect(below).toEqual([]);
  });

  it('differs only where DIFFERENCES says why, and every listed difference still occurs', () => {
    const unlisted = [...seen].filter(([key]) => DIFFERENCES[key] === undefined).map(([key, v]) => ({ key, ...v }));
    expect(unlisted).toEqual([]);
    expect(Object.keys(DIFFERENCES).filter((key) => !seen.has(key))).toEqual([]);
  });

  it('line 11 (no expected doc): the PAM line of an unknown user is a failed ssh_login', () => {
    const e = events[10];
    expect([e?.event.action, e?.event.outcome, e?.event.category, e?.user?.name, e?.source?.domain, e?.tags]).toEqual(['ssh_login', 'failure', ['authentication'], 'test', 'test.example.com', ['auth_failure']]);
  });
});
