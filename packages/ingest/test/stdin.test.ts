import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { systemClock } from '@vigil/core';
import { MAX_RECORD_BYTES, parserFor } from '@vigil/parsers';
import { repoRoot } from '@vigil/testkit';
import { StdinInput } from '../src/inputs/stdin/input.ts';
import { buildEvent } from '../src/event.ts';
import { newCounters } from '../src/sink.ts';
import { GatedTarget, until } from './support/streams.ts';

const syslog = parserFor('syslog');

function started(input: PassThrough, target = new GatedTarget(), counters = newCounters()): StdinInput {
  const stdin = new StdinInput({ name: 'stdin', parser: syslog, target, clock: systemClock, input, counters });
  void stdin.start();
  return stdin;
}

describe('StdinInput', () => {
  it('reads lines split across chunks, truncates and flags an oversize one, and finishes at EOF', async () => {
    const stream = new PassThrough();
    const target = new GatedTarget();
    const counters = newCounters();
    const input = started(stream, target, counters);
    const big = `<13>Nov 22 10:00:00 h app: ${'q'.repeat(MAX_RECORD_BYTES)}`;
    stream.write('<13>Nov 22 10:00:00 h app: fir');
    stream.write('st\r\n<13>second\n');
    stream.write(`${big}\n`);
    stream.end('<13>last without newline');
    await input.done;
    expect(target.texts.map((t) => t.slice(0, 40))).toEqual(['<13>Nov 22 10:00:00 h app: first', '<13>second', big.slice(0, 40), '<13>last without newline']);
    expect(Buffer.byteLength(target.texts[2] as string)).toBe(MAX_RECORD_BYTES + 1);
    expect(buildEvent({ parser: syslog, clock: systemClock }, target.texts[2] as string).tags).toContain('truncated');
    expect(counters.linesIn).toBe(4);
    expect(input.counters.backlog).toBe(0);
  });

  it('does not read on while the target is full (the writer of the pipe waits)', async () => {
    const stream = new PassThrough({ highWaterMark: 1024 });
    const target = new GatedTarget();
    target.block();
    const input = started(stream, target);
    const lines = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(4, '0')} ${'x'.repeat(95)}`);
    for (const line of lines) stream.write(`${line}\n`); // 100 kB; the stream buffers what is not read
    await until('first record pending', () => target.texts.length === 1);
    await new Promise((r) => setImmediate(r));
    expect(input.counters.bytes).toBeLessThan(10_000); // one chunk read, the rest left in the pipe
    expect(stream.writableNeedDrain).toBe(true);
    target.release();
    stream.end();
    await input.done;
    expect(target.texts).toEqual(lines);
  });

  it('stop delivers what was read, the partial line included', async () => {
    const stream = new PassThrough();
    const target = new GatedTarget();
    const input = started(stream, target);
    stream.write('<13>whole\n<13>half');
    await until('read', () => input.counters.bytes === 18);
    await input.stop();
    expect(target.texts).toEqual(['<13>whole', '<13>half']);
  });

  it('reads the real stdin of a process to EOF', async () => {
    const child = spawn(process.execPath, [join(repoRoot(), 'packages/ingest/test/support/stdin-child.ts'), 'syslog'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines = Array.from({ length: 5000 }, (_, i) => `<13>Nov 22 10:00:00 h app: line ${i}`);
    child.stdin.end(`${lines.join('\n')}\n`);
    expect(await exited).toBe(0);
    const printed = out.trim().split('\n').map((l) => JSON.parse(l) as { text?: string; linesIn?: number });
    expect(printed.slice(0, -1).map((p) => p.text)).toEqual(lines);
    expect(printed.at(-1)).toEqual({ linesIn: 5000 });
  });
});
