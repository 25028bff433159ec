// Issue 12, case 1: multi-line framing is bounded, a block needs its format's head, and a forged first
// line never swallows the lines after it. Real parsers and framers, data generated here.
import { describe, expect, it } from '@jest/globals';
import { VigilError, type EcsEvent } from '@vigil/core';
import { autoParser, DEFAULT_RECORD_BOUNDS, MAX_RECORD_BYTES, toEvent, type LogParser, type LogRecord, type ParseContext, type RecordBounds } from '../src/index.ts';
import { ossecParser } from '../src/ossec/index.ts';
import { windowsParser } from '../src/windows/index.ts';
import { linesOf } from './frame.ts';

const ctx: ParseContext = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };

/** Frames `lines` (joined with `\n`) with the parser's own framer, as every input does. */
function frame(parser: LogParser, lines: string[], bounds?: Partial<RecordBounds>): LogRecord[] {
  const framer = parser.framer?.(bounds);
  if (framer === undefined) throw new Error(`${parser.source} has no framer`);
  return [...linesOf(`${lines.join('\n')}\n`).flatMap((l) => framer.push(l)), ...framer.flush()];
}

const eventsOf = (parser: LogParser, records: LogRecord[]): EcsEvent[] => records.map((r) => toEvent(parser, r.text, ctx));
/** The physical lines the events hold, in order. */
const originalLines = (events: EcsEvent[]): string[] => events.flatMap((e) => (e.event.original ?? '').split('\n'));

const ALERT_HEADER = '** Alert 1795341000.4242: - syslog,sshd,authentication_failed,';
const ALERT_HEAD = [ALERT_HEADER, '2026 Nov 22 09:50:00 (web-01) 10.0.0.4->/var/log/auth.log', "Rule: 5716 (level 5) -> 'SSHD authentication failed.'"];
const sshdFailure = (i: number): string => `Nov 22 09:49:${String(i % 60).padStart(2, '0')} web-01 sshd[${4000 + i}]: Failed password for invalid user u${i} from 198.51.100.${(i % 250) + 1} port ${40000 + i} ssh2`;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('framing: a block that never closes (issue 12, case 1)', () => {
  it('"** Alert" followed by 2,000 lines that never close it: every line in its own event (no head, no block)', () => {
    const lines = [ALERT_HEADER, ...range(2000).map(sshdFailure)];
    const events = eventsOf(ossecParser, frame(ossecParser, lines));
    expect(events).toHaveLength(2001);
    expect(originalLines(events)).toEqual(lines);
  });

  it('a well-formed head followed by 2,000 lines: every line kept, in order, each record within the bounds, none cut', () => {
    const lines = [...ALERT_HEAD, ...range(2000).map(sshdFailure)];
    const records = frame(ossecParser, lines);
    const events = eventsOf(ossecParser, records);
    expect(originalLines(events)).toEqual(lines);
    for (const record of records) {
      expect(record.text.split('\n').length).toBeLessThanOrEqual(DEFAULT_RECORD_BOUNDS.maxLines);
      expect(Buffer.byteLength(record.text)).toBeLessThanOrEqual(DEFAULT_RECORD_BOUNDS.maxBytes);
    }
    expect(events.filter((e) => e.tags?.includes('truncated') === true)).toEqual([]);
    // the block is the head and the first lines that fit; each line past the bound is a record of its own
    expect(records[0]?.text.split('\n')).toEqual(lines.slice(0, DEFAULT_RECORD_BOUNDS.maxLines));
    expect(events[0]?.event.kind).toBe('alert');
    expect(records.slice(1).every((r) => !r.text.includes('\n'))).toBe(true);
    expect(records).toHaveLength(1 + lines.length - DEFAULT_RECORD_BOUNDS.maxLines);
  });

  it('the byte bound closes a block before it would be cut by the record stage', () => {
    const long = (i: number) => `${sshdFailure(i)} ${'x'.repeat(1000)}`;
    const lines = [...ALERT_HEAD, ...range(200).map(long)];
    const records = frame(ossecParser, lines);
    const first = records[0]?.text ?? '';
    expect(Buffer.byteLength(first)).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    expect(Buffer.byteLength(`${first}\n${lines[first.split('\n').length] ?? ''}`)).toBeGreaterThan(MAX_RECORD_BYTES); // as full as the bound allows
    expect(originalLines(eventsOf(ossecParser, records))).toEqual(lines);
  });

  it('a wevtutil record that never reaches the next Event[N]: is bounded the same way', () => {
    const lines = ['Event[0]:', '  Log Name: Security', '  Event ID: 4625', ...range(1500).map((i) => `line ${i} of a description that never ends`)];
    const records = frame(windowsParser, lines);
    expect(records.map((r) => r.text.split('\n').length)).toEqual([DEFAULT_RECORD_BOUNDS.maxLines, ...range(lines.length - DEFAULT_RECORD_BOUNDS.maxLines).map(() => 1)]);
    expect(originalLines(eventsOf(windowsParser, records))).toEqual(lines);
  });

  it('takes its bounds from the framer options: a line past the bound starts its own record, the next start a new block', () => {
    const lines = [...ALERT_HEAD, 'log 1', 'log 2', 'log 3', '', ...ALERT_HEAD, 'log 4'];
    const records = frame(ossecParser, lines, { maxLines: 4 });
    expect(records.map((r) => r.text)).toEqual([[...ALERT_HEAD, 'log 1'].join('\n'), 'log 2', 'log 3', [...ALERT_HEAD, 'log 4'].join('\n')]);
    expect(frame(ossecParser, lines, { maxBytes: Buffer.byteLength(ALERT_HEAD.join('\n')) }).map((r) => r.text)).toEqual([ALERT_HEAD.join('\n'), 'log 1', 'log 2', 'log 3', ALERT_HEAD.join('\n'), 'log 4']);
  });

  it.each<[Partial<RecordBounds>, string]>([
    [{ maxLines: 0 }, 'maxLines must be a positive integer'],
    [{ maxLines: 2.5 }, 'maxLines must be a positive integer'],
    [{ maxBytes: MAX_RECORD_BYTES + 1 }, `maxBytes must be at most ${MAX_RECORD_BYTES}`],
  ])('refuses bounds %j with a config error', (bounds, message) => {
    const make = () => ossecParser.framer?.(bounds);
    expect(make).toThrow(VigilError);
    expect(make).toThrow(message);
  });
});

describe('framing: a block needs the head its format requires', () => {
  it.each([
    ['no date line', [ALERT_HEADER, 'Rule: 5716 (level 5) -> \'x\'', 'log']],
    ['a header that is not an alert id', ['** Alert forged by a user name', ALERT_HEAD[1] as string, ALERT_HEAD[2] as string, 'log']],
    ['no Rule: line within the label lines', [...ALERT_HEAD.slice(0, 2), ...range(40).map((i) => `label${i}: v`)]],
    ['a blank line before the rule', [...ALERT_HEAD.slice(0, 2), '', 'log']],
  ])('ossec: %s → each line a record of its own', (_label, lines) => {
    const records = frame(ossecParser, lines);
    expect(records.map((r) => r.text)).toEqual(lines.filter((l) => l !== ''));
  });

  it('ossec: a head cut by the end of input is lines, not a block', () => {
    expect(frame(ossecParser, ALERT_HEAD.slice(0, 2)).map((r) => r.text)).toEqual(ALERT_HEAD.slice(0, 2));
  });

  it('ossec: a well-formed block ends at its blank line; what follows is framed on its own', () => {
    const lines = [...ALERT_HEAD, 'log', '', '', sshdFailure(1), ...ALERT_HEAD, 'log'];
    const records = frame(ossecParser, lines);
    const at = linesOf(`${lines.join('\n')}\n`);
    expect(records).toEqual([
      { text: [...ALERT_HEAD, 'log'].join('\n'), offset: 0, end: at[5]?.end },
      { text: sshdFailure(1), offset: at[6]?.offset, end: at[6]?.end },
      { text: [...ALERT_HEAD, 'log'].join('\n'), offset: at[7]?.offset, end: at[10]?.end },
    ]);
  });

  it('windows: Event[N]: without an indented header line after it is a line, not a record', () => {
    const lines = ['Event[0]:', sshdFailure(1), sshdFailure(2), 'Event[1]:', '  Log Name: Security', '  Event ID: 4625'];
    expect(frame(windowsParser, lines).map((r) => r.text)).toEqual(['Event[0]:', sshdFailure(1), sshdFailure(2), lines.slice(3).join('\n')]);
  });
});

describe('framing: --source auto with one hostile line (issue 12, case 1)', () => {
  it.each(['** Alert 1795341000.4242: - syslog,', 'Event[0]:'])('"%s" then 9 sshd failures: 10 events, the failures their own', (hostile) => {
    const lines = [hostile, ...range(9).map(sshdFailure)];
    const events = eventsOf(autoParser, frame(autoParser, lines));
    expect(events).toHaveLength(10);
    expect(originalLines(events)).toEqual(lines);
    expect(events.slice(1).map((e) => [e.event.kind, e.event.outcome, e.source?.ip])).toEqual(range(9).map((i) => ['event', 'failure', `198.51.100.${(i % 250) + 1}`]));
  });

  it('still frames the well-formed blocks of a mixed stream', () => {
    const wevtutil = ['Event[0]:', '  Log Name: Security', '  Event ID: 4625', '  Date: 2026-11-22T09:49:32.123'];
    const lines = [sshdFailure(1), ...ALERT_HEAD, sshdFailure(2), '', sshdFailure(3), ...wevtutil, '', sshdFailure(4)];
    expect(frame(autoParser, lines).map((r) => r.text)).toEqual([sshdFailure(1), [...ALERT_HEAD, sshdFailure(2)].join('\n'), sshdFailure(3), wevtutil.join('\n'), sshdFailure(4)]);
  });
});
