import { appendFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { systemClock } from '@vigil/core';
import type { LogParser } from '@vigil/parsers';
import { until } from '@vigil/testkit';
import { FileTailInput, OffsetStore, type RecordTarget } from '../src/index.ts';

/** Every line is an event; enough to test the input without a real format. */
const plain: LogParser = { source: 'plain', dataset: 'test', description: 'test', detect: () => true, parse: (text) => ({ '@timestamp': '2026-11-22T00:00:00Z', message: text }) };

class MemoryTarget implements RecordTarget {
  readonly texts: string[] = [];
  readonly ids = new Set<string>();
  async write(text: string, id: string, _origin: unknown, onDone?: () => void): Promise<void> {
    this.texts.push(text);
    this.ids.add(id);
    onDone?.();
  }
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tail-'));
  const path = join(dir, 'auth.log');
  const stateFile = join(dir, 'state', 'offsets.json');
  const target = new MemoryTarget();
  const input = (offsets = new OffsetStore(stateFile)) =>
    new FileTailInput({ name: 'test', paths: [path], parser: plain, target, offsets, clock: systemClock, pollMs: 20, saveEveryMs: 20 });
  return { dir, path, stateFile, target, input };
}

describe('FileTailInput', () => {
  it('reads what exists, then what is appended, holding a partial line until it is complete', async () => {
    const { path, target, input } = setup();
    writeFileSync(path, 'one\ntwo\n');
    const tail = input();
    await tail.start();
    await until('existing lines', () => target.texts.length === 2);
    appendFileSync(path, 'three\nfou');
    await until('appended line', () => target.texts.length === 3);
    appendFileSync(path, 'r\n');
    await until('completed line', () => target.texts.length === 4);
    await tail.stop();
    expect(target.texts).toEqual(['one', 'two', 'three', 'four']);
  });

  it('finishes a rotated file, then follows the new one from its start', async () => {
    const { path, target, input } = setup();
    writeFileSync(path, 'old 1\n');
    const tail = input();
    await tail.start();
    await until('first line', () => target.texts.length === 1);
    appendFileSync(path, 'old 2\nold 3 without newline');
    renameSync(path, `${path}.1`);
    writeFileSync(path, 'new 1\n');
    await until('new file', () => target.texts.includes('new 1'));
    await tail.stop();
    expect(target.texts).toEqual(['old 1', 'old 2', 'old 3 without newline', 'new 1']);
    expect(tail.counters.rotations).toBe(1);
  });

  it('starts again from 0 when the file is truncated', async () => {
    const { path, target, input } = setup();
    writeFileSync(path, 'a long first line\nsecond\n');
    const tail = input();
    await tail.start();
    await until('lines', () => target.texts.length === 2);
    truncateSync(path, 0);
    appendFileSync(path, 'after\n');
    await until('line after truncation', () => target.texts.includes('after'));
    await tail.stop();
    expect(target.texts).toEqual(['a long first line', 'second', 'after']);
    expect(tail.counters.truncations).toBe(1);
  });

  it('resumes after a restart from the committed offset, sending nothing twice', async () => {
    const { path, stateFile, target, input } = setup();
    writeFileSync(path, '1\n2\n3\n');
    const first = input();
    await first.start();
    await until('lines', () => target.texts.length === 3);
    await first.stop();
    appendFileSync(path, '4\n');
    const second = input(new OffsetStore(stateFile));
    await second.start();
    await until('line 4', () => target.texts.length === 4);
    await second.stop();
    expect(target.texts).toEqual(['1', '2', '3', '4']);
    expect(target.ids.size).toBe(4);
  });
});
