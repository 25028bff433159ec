import { describe, expect, it } from '@jest/globals';
import { MAX_RECORD_BYTES, type Line } from '@vigil/parsers';
import { CommitTracker, LineSplitter } from '../src/index.ts';

function split(chunks: Buffer[], start = 0): Line[] {
  const splitter = new LineSplitter(start);
  const out: Line[] = [];
  for (const c of chunks) splitter.push(c, (l) => out.push(l));
  splitter.end((l) => out.push(l));
  return out;
}

describe('LineSplitter', () => {
  it('gives byte offsets, not character offsets, across chunk boundaries and CRLF', () => {
    const text = 'é1\r\nline two\n\nlast';
    const bytes = Buffer.from(text, 'utf8');
    const lines = split([bytes.subarray(0, 1), bytes.subarray(1, 7), bytes.subarray(7)]);
    expect(lines).toEqual([
      { text: 'é1', offset: 0, end: 5 },
      { text: 'line two', offset: 5, end: 14 },
      { text: '', offset: 14, end: 15 },
      { text: 'last', offset: 15, end: 19 },
    ]);
  });

  it('starts counting at a resume offset', () => {
    expect(split([Buffer.from('a\nb\n')], 100)).toEqual([
      { text: 'a', offset: 100, end: 102 },
      { text: 'b', offset: 102, end: 104 },
    ]);
  });

  it('keeps memory bounded on an oversize line and still accounts for every byte', () => {
    const huge = Buffer.alloc(MAX_RECORD_BYTES * 3, 0x61);
    const lines = split([huge.subarray(0, 100_000), huge.subarray(100_000), Buffer.from('\nnext\n')]);
    expect(lines).toHaveLength(2);
    expect(lines[0]?.text.length).toBe(MAX_RECORD_BYTES + 1);
    expect(lines[0]?.end).toBe(MAX_RECORD_BYTES * 3 + 1);
    expect(lines[1]).toEqual({ text: 'next', offset: MAX_RECORD_BYTES * 3 + 1, end: MAX_RECORD_BYTES * 3 + 6 });
  });

  it('passes binary bytes through as replacement characters instead of failing', () => {
    const lines = split([Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x0a])]);
    expect(lines).toEqual([{ text: '\u0000\uFFFD\uFFFDA', offset: 0, end: 5 }]);
  });
});

describe('CommitTracker', () => {
  it('commits only the longest acknowledged prefix when records finish out of order', () => {
    const tracker = new CommitTracker(10);
    const done = [20, 30, 40, 50].map((end) => tracker.track(end));
    done[1]?.();
    done[2]?.();
    expect(tracker.committed).toBe(10);
    done[0]?.();
    expect(tracker.committed).toBe(40);
    expect(tracker.outstanding).toBe(1);
    done[3]?.();
    expect(tracker.committed).toBe(50);
    expect(tracker.outstanding).toBe(0);
  });
});
