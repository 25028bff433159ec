import { describe, expect, it } from '@jest/globals';
import { inferYear, isoWithFraction, lineFramer, MAX_RECORD_BYTES, startLineFramer, toEvent, zonedToEpochMs, type LogParser } from '../src/index.ts';
import { ECS_VERSION, type ParsedFields } from '../src/types.ts';
import { linesOf } from './frame.ts';

const ctx = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };


describe('framers', () => {
  it('lineFramer makes every line a record', () => {
    const framer = lineFramer();
    expect(linesOf('a\nb').flatMap((l) => framer.push(l))).toEqual([
      { text: 'a', offset: 0, end: 2 },
      { text: 'b', offset: 2, end: 4 },
    ]);
    expect(framer.flush()).toEqual([]);
  });

  it('startLineFramer joins continuation lines, keeps stray lines, drops blank separators', () => {
    const framer = startLineFramer((t) => t.startsWith('** Alert'), { dropBlank: true });
    const input = linesOf('stray\n** Alert 1:\nRule: 5716\n\n** Alert 2:\nRule: 5710');
    const records = input.flatMap((l) => framer.push(l));
    records.push(...framer.flush());
    expect(records).toEqual([
      { text: 'stray', offset: 0, end: 6 },
      { text: '** Alert 1:\nRule: 5716', offset: 6, end: 30 },
      { text: '** Alert 2:\nRule: 5710', offset: 30, end: 53 },
    ]);
  });
});

describe('toEvent', () => {
  const echo: LogParser = { source: 'echo', dataset: 'test', description: '', detect: () => true, parse: (t) => (t.startsWith('bad') ? { failure: 'starts with bad' } : { '@timestamp': '2026-11-22T09:00:00.000Z', message: t }) };
  const thrower: LogParser = { ...echo, source: 'thrower', parse: () => { throw new Error('boom'); } };

  it('adds original, dataset, ingested and ecs.version to what the parser returns', () => {
    expect(toEvent(echo, 'hello', ctx)).toEqual({
      '@timestamp': '2026-11-22T09:00:00.000Z',
      message: 'hello',
      ecs: { version: ECS_VERSION },
      event: { kind: 'event', dataset: 'test', original: 'hello', ingested: '2026-11-22T12:00:00.000Z' },
    });
  });

  it('leaves events that describe no host without host fields, even with hostOs', () => {
    const event = toEvent(echo, 'hello', { ...ctx, hostOs: 'linux' });
    expect([event.host, event.related]).toEqual([undefined, undefined]);
  });

  const hosted = (fields: Omit<ParsedFields, '@timestamp'>): LogParser => ({ ...echo, source: 'hosted', parse: () => ({ '@timestamp': '2026-11-22T09:00:00.000Z', ...fields }) });

  it('names the host from its hostname, uses the name as id, adds it to related.hosts and sets host.os.type from hostOs', () => {
    const event = toEvent(hosted({ host: { hostname: 'web1' }, related: { hosts: ['db.example.com'] } }), 'x', { ...ctx, hostOs: 'linux' });
    expect([event.host, event.related]).toEqual([{ hostname: 'web1', name: 'web1', id: 'web1', os: { type: 'linux' } }, { hosts: ['db.example.com', 'web1'] }]);
  });

  it("never overwrites what the parser set (windows stays windows; name, id and ecs.version kept)", () => {
    const event = toEvent(hosted({ ecs: { version: '8.0.0' }, host: { hostname: 'web1', name: 'WEB1.corp', id: 'abc', os: { type: 'windows' } }, related: { hosts: ['WEB1.corp'] } }), 'x', { ...ctx, hostOs: 'linux' });
    expect([event.ecs, event.host, event.related]).toEqual([{ version: '8.0.0' }, { hostname: 'web1', name: 'WEB1.corp', id: 'abc', os: { type: 'windows' } }, { hosts: ['WEB1.corp', 'web1'] }]);
  });

  it('sets host.os.type on a program line without a host name, and nothing without hostOs', () => {
    expect(toEvent(hosted({ process: { name: 'sshd' } }), 'x', { ...ctx, hostOs: 'macos' }).host).toEqual({ os: { type: 'macos' } });
    expect(toEvent(hosted({ host: { hostname: 'web1' } }), 'x', ctx).host).toEqual({ hostname: 'web1', name: 'web1', id: 'web1' });
  });

  it('turns a failure into a pipeline_error event that keeps the text and the reason', () => {
    expect(toEvent(echo, 'bad line', ctx)).toEqual({
      '@timestamp': '2026-11-22T12:00:00.000Z',
      event: { kind: 'pipeline_error', dataset: 'test', original: 'bad line', ingested: '2026-11-22T12:00:00.000Z' },
      error: { message: 'starts with bad', type: 'echo_parse_failure' },
      tags: ['_parse_failure'],
    });
  });

  it('never lets a throwing parser lose the record', () => {
    const event = toEvent(thrower, 'anything', ctx);
    expect(event.event).toMatchObject({ kind: 'pipeline_error', original: 'anything' });
    expect(event.error?.message).toBe('parser thrower threw: boom');
  });

  it('truncates an oversize record on a character boundary and flags it', () => {
    const text = `${'é'.repeat(MAX_RECORD_BYTES / 2)}tail`; // 2 bytes per é: the limit falls inside the text
    const event = toEvent(echo, text, ctx);
    expect(Buffer.byteLength(event.event.original)).toBe(MAX_RECORD_BYTES);
    expect(event.event.original.endsWith('é')).toBe(true);
    expect(event.tags).toEqual(['truncated']);
  });
});

describe('time helpers', () => {
  it('reads wall-clock time in a zone, across a DST change', () => {
    expect(new Date(zonedToEpochMs(2026, 7, 1, 12, 0, 0, 0, 'Europe/Paris')).toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(new Date(zonedToEpochMs(2026, 12, 1, 12, 0, 0, 0, 'Europe/Paris')).toISOString()).toBe('2026-12-01T11:00:00.000Z');
    expect(new Date(zonedToEpochMs(2026, 11, 22, 9, 49, 32, 5, 'UTC')).toISOString()).toBe('2026-11-22T09:49:32.005Z');
  });

  it('keeps microseconds', () => {
    expect(isoWithFraction(Date.UTC(2026, 10, 22, 9, 49, 32, 123), '123456')).toBe('2026-11-22T09:49:32.123456Z');
  });

  it('puts a yearless December line read in January in the previous year', () => {
    expect(inferYear(12, 31, new Date('2027-01-01T00:10:00Z'))).toBe(2026);
    expect(inferYear(11, 22, new Date('2026-11-22T12:00:00Z'))).toBe(2026);
    expect(inferYear(11, 23, new Date('2026-11-22T12:00:00Z'))).toBe(2026); // within a day: clock skew, same year
  });
});
