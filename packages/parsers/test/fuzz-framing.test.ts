// Issue 12, "Done when": every parser and every framer fed 10^5 generated hostile lines — binary
// bytes, control characters, huge lines, truncated and never-closing multi-line blocks, interleaved
// formats. No throw, only well-formed blocks span lines, every record within its bounds, and every
// input line lands in exactly one record (and so one event's event.original), in order.
import { describe, expect, it } from '@jest/globals';
import type { EcsEvent } from '@vigil/core';
import { autoParser, DEFAULT_RECORD_BOUNDS, lineFramer, MAX_RECORD_BYTES, parsers, startLineFramer, toEvent, type BlockFormat, type Line, type LogParser, type LogRecord, type ParseContext, type RecordFramer } from '../src/index.ts';
import { linesOf } from './frame.ts';

const ctx: ParseContext = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };
const LINES = 100_000;

/** mulberry32: a small seeded generator, so a failure is reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The hostile input: chunks of lines of every kind, shuffled, until LINES lines. */
function hostileLines(seed: number): string[] {
  const rnd = random(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const ip = () => `${1 + int(223)}.${int(256)}.${int(256)}.${1 + int(254)}`;
  const sshd = () => `Nov 22 09:${String(int(60)).padStart(2, '0')}:00 web-01 sshd[${int(99999)}]: Failed password for invalid user ${pick(['root', 'admin', 'ö\u0000x', '** Alert 1.1: - a,', 'Event[0]:'])} from ${ip()} port ${int(65536)} ssh2`;
  const binary = () => Buffer.from(Array.from({ length: 1 + int(300) }, () => { const b = int(256); return b === 0x0a ? 0 : b; })).toString('utf8');
  const control = () => Array.from({ length: 1 + int(80) }, () => String.fromCharCode(pick([int(32), 0x7f, 0x1b, 0x85, 0x2028, 0xfeff, 0xd800 + int(0x800), 32 + int(95)]))).join('').replace(/\n/g, '\u0000');
  const alertHead = () => [`** Alert ${int(2e9)}.${int(9999)}:${pick(['', ' mail '])} - syslog,sshd,`, `2026 Nov 22 09:50:${String(int(60)).padStart(2, '0')} (web-01) ${ip()}->/var/log/auth.log`];
  const rule = () => `Rule: ${int(99999)} (level ${int(16)}) -> 'x'`;
  const wevtutilHead = () => [`Event[${int(100)}]:`, '  Log Name: Security', '  Source: Microsoft-Windows-Security-Auditing', '  Date: 2026-11-22T09:49:32.123', '  Event ID: 4625', '  Computer: DC01'];
  const chunks: Array<() => string[]> = [
    () => [sshd()],
    () => [`2026-11-22 09:49:59.123456 IP ${ip()}.${int(65536)} > 10.0.0.4.22: Flags [S], seq 1, win 64240, length 0`],
    () => [`Nov 22 09:49:59 fw kernel: [1.2] IN=eth0 OUT= SRC=${ip()} DST=10.0.0.4 LEN=60 TTL=52 PROTO=TCP SPT=${int(65536)} DPT=22 SYN URGP=0`],
    () => [`{"rule":{"level":5,"id":"5716","description":"x"},"timestamp":"2026-11-22T09:49:59.000+0000","agent":{"name":"w"},"full_log":"${'\\u0000'.repeat(int(3))}"}`],
    () => [`Nov 22 09:49:59 web-01 ossec: Alert Level: 5; Rule: 5716 - x; Location: (web-01) 10.0.0.4->/var/log/auth.log; srcip: ${ip()}; log`],
    () => ['2017 Apr 18 17:30:52 WinEvtLog: Security: AUDIT_FAILURE(4625): Microsoft-Windows-Security-Auditing: (no user): no domain: DC01: An account failed to log on.'],
    () => [binary()],
    () => [control()],
    () => [pick(['', ' ', '\t', '\r', '\u000b\u000c'])],
    () => [`${pick(['', '** Alert 1.1: - a,', 'Event[0]:'])}${'A'.repeat(MAX_RECORD_BYTES - 100 + int(3 * MAX_RECORD_BYTES))}`], // huge
    () => [...alertHead(), rule(), ...Array.from({ length: 1 + int(4) }, sshd), ''], // well-formed block
    () => [...alertHead(), ...Array.from({ length: int(3) }, () => `label.${int(9)}: v`), rule(), ...Array.from({ length: int(1500) }, sshd)], // never closes
    () => alertHead().slice(0, 1 + int(2)), // truncated head
    () => [alertHead()[0] as string, sshd(), sshd()], // forged first line
    () => [...wevtutilHead(), '  Description:', 'An account failed to log on.', '', `\tSource Network Address:\t${ip()}`, ''], // well-formed record
    () => [...wevtutilHead().slice(0, int(3))], // truncated record
    () => [...wevtutilHead(), ...Array.from({ length: int(1200) }, control)], // never reaches the next Event[N]:
  ];
  // the plain kinds are the most common; blocks and huge lines rarer, as in a real attack
  const weights = [30, 8, 6, 4, 4, 3, 6, 6, 4, 0.01, 3, 0.1, 2, 2, 2, 2, 0.1];
  const total = weights.reduce((a, b) => a + b, 0);
  const out: string[] = [];
  while (out.length < LINES) {
    let r = rnd() * total;
    let k = 0;
    while (r >= (weights[k] as number)) r -= weights[k++] as number;
    out.push(...(chunks[k] as () => string[])());
  }
  return out.slice(0, LINES);
}

const isBlank = (text: string): boolean => text.trim() === '';

/** Where a record's lines were not the input's, or the first input line no record holds; undefined when every line is in exactly one record, in order. */
function coverageError(lines: readonly Line[], records: readonly LogRecord[], mayDropBlank: boolean): string | undefined {
  let i = 0;
  const skipBlank = (until: (l: Line) => boolean): string | undefined => {
    while (i < lines.length && until(lines[i] as Line)) {
      if (!mayDropBlank || !isBlank((lines[i] as Line).text)) return `line ${i + 1} is in no record`;
      i += 1;
    }
    return undefined;
  };
  for (const [r, record] of records.entries()) {
    const skipped = skipBlank((l) => l.offset < record.offset);
    if (skipped !== undefined) return skipped;
    if (lines[i]?.offset !== record.offset) return `record ${r} starts at ${record.offset}, not at a line (${lines[i]?.offset})`;
    for (const text of record.text.split('\n')) {
      if (lines[i]?.text !== text) return `record ${r} holds ${JSON.stringify(text.slice(0, 40))} where line ${i + 1} is ${JSON.stringify(lines[i]?.text.slice(0, 40))}`;
      i += 1;
    }
    const separators = skipBlank((l) => l.end <= record.end);
    if (separators !== undefined) return separators;
    if (lines[i - 1]?.end !== record.end) return `record ${r} ends at ${record.end}, not after line ${i}`;
  }
  return skipBlank(() => true);
}

/** Whether `lines` are a block whose head `format` accepts in full. */
function wellFormed(format: BlockFormat, lines: string[]): boolean {
  if (!format.starts(lines[0] as string)) return false;
  if (format.next === undefined) return true;
  for (let n = 1; n < lines.length; n += 1) {
    const verdict = format.next(lines.slice(0, n), lines[n] as string);
    if (verdict !== 'more') return verdict === 'done';
  }
  return false;
}

function frameAll(framer: RecordFramer, lines: readonly Line[]): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of lines) for (const record of framer.push(line)) records.push(record);
  for (const record of framer.flush()) records.push(record);
  return records;
}

const text = `${hostileLines(12).join('\n')}\n`;
const input = linesOf(text);
const byteLength = (s: string) => Buffer.byteLength(s);

/** One event per record, none thrown, each holding its record whole (or, for one huge line, its first MAX_RECORD_BYTES). */
function checkEvents(parser: LogParser, records: readonly LogRecord[]): void {
  let wrong: string | undefined;
  for (const record of records) {
    const event: EcsEvent = toEvent(parser, record.text, ctx);
    const original = event.event.original ?? '';
    const cut = byteLength(record.text) > MAX_RECORD_BYTES;
    if (cut ? !(record.text.startsWith(original) && event.tags?.includes('truncated') === true && !record.text.includes('\n')) : original !== record.text) {
      wrong = `record at ${record.offset}: event.original ${JSON.stringify(original.slice(0, 60))}`;
      break;
    }
  }
  expect(wrong).toBeUndefined();
}

describe(`fuzz: ${LINES} hostile lines`, () => {
  it('the generated input has every kind of hostile line', () => {
    expect(input).toHaveLength(LINES);
    expect(input.some((l) => byteLength(l.text) > MAX_RECORD_BYTES)).toBe(true);
    expect(input.some((l) => l.text.includes('\u0000') || l.text.includes('\u001b'))).toBe(true);
    expect(input.some((l) => l.text.includes('\ufffd'))).toBe(true); // binary bytes, decoded
    expect(input.filter((l) => l.text.startsWith('** Alert ')).length).toBeGreaterThan(1000);
    expect(input.filter((l) => l.text.startsWith('Event[')).length).toBeGreaterThan(1000);
  });

  const multiLine = [...parsers.values(), autoParser].filter((p) => p.framer !== undefined);
  it.each(multiLine.map((p) => [p.source, p] as const))('%s framer: every line in exactly one record, in order; only well-formed blocks span lines, within the bounds', (source, parser) => {
    const records = frameAll((parser.framer as () => RecordFramer)(), input);
    // ossec drops blank separators outside blocks, ossec and auto the blank line(s) ending a block
    expect(coverageError(input, records, source === 'ossec' || source === 'auto')).toBeUndefined();
    const formats = source === 'auto' ? multiLine.flatMap((p) => p.block ?? []) : [parser.block as BlockFormat];
    const spanning = records.filter((r) => r.text.includes('\n'));
    expect(spanning.length).toBeGreaterThan(100);
    const bad = spanning.find((r) => {
      const lines = r.text.split('\n');
      return lines.length > DEFAULT_RECORD_BOUNDS.maxLines || byteLength(r.text) > DEFAULT_RECORD_BOUNDS.maxBytes || !formats.some((f) => wellFormed(f, lines));
    });
    expect(bad?.text.slice(0, 200)).toBeUndefined();
  });

  it.each([
    ['lineFramer', lineFramer, false],
    ['startLineFramer', () => startLineFramer((t) => t.startsWith('** Alert ')), false],
    ['startLineFramer with dropBlank', () => startLineFramer((t) => t.startsWith('** Alert '), { dropBlank: true }), true],
  ] as const)('%s: every line in exactly one record, in order, within the bounds', (_name, make, dropsBlank) => {
    const records = frameAll(make(), input);
    expect(coverageError(input, records, dropsBlank)).toBeUndefined();
    expect(records.find((r) => r.text.includes('\n') && (r.text.split('\n').length > DEFAULT_RECORD_BOUNDS.maxLines || byteLength(r.text) > DEFAULT_RECORD_BOUNDS.maxBytes))).toBeUndefined();
  });

  it.each([...parsers.values(), autoParser].map((p) => [p.source, p] as const))('%s parser: one event per record of its framer, none thrown, each holding its record', (_source, parser) => {
    checkEvents(parser, frameAll(parser.framer?.() ?? lineFramer(), input));
  });
});
