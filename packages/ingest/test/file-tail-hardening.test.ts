import { mkdirSync, mkdtempSync, rmdirSync, writeFileSync } from 'node:fs';
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
  async write(text: string, _id: string, _origin: unknown, onDone?: () => void): Promise<void> {
    this.texts.push(text);
    onDone?.();
  }
}

const POLL_MS = 10;

/** A tail input over `path` polling every 10 ms, its log lines collected. */
function tailOf(path: string) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tail-hardening-'));
  const target = new MemoryTarget();
  const logs: string[] = [];
  const input = new FileTailInput({ name: 'auth', paths: [path], parser: plain, target, offsets: new OffsetStore(join(dir, 'offsets.json')), clock: systemClock, pollMs: POLL_MS, saveEveryMs: POLL_MS, log: (line) => logs.push(line) });
  return { input, target, logs };
}

/** Lets the input poll `polls` times: a problem that lasts must still be one line. */
const polls = (n: number) => new Promise((r) => setTimeout(r, n * POLL_MS));

describe('FileTailInput: problems with a path are reported once', () => {
  it('a directory given as a file path is one error naming it, not an error at every poll', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-tail-dir-'));
    const { input, target, logs } = tailOf(dir);
    await input.start();
    try {
      await until('the first log line', () => logs.length > 0);
      await polls(40);
    } finally {
      await input.stop();
    }
    expect(logs).toEqual([`auth: ${dir}: error: is a directory, not a file: nothing is read from it (name the files to follow)`]);
    expect(target.texts).toEqual([]);
  });

  it('a missing path is one warning at start naming it, and is followed when it appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-tail-missing-'));
    const path = join(dir, 'later', 'auth.log');
    const { input, target, logs } = tailOf(path);
    await input.start();
    try {
      await until('the first log line', () => logs.length > 0);
      await polls(40);
      expect(logs).toEqual([`auth: ${path}: warning: does not exist (yet): it is followed when it appears`]);
      mkdirSync(join(dir, 'later'));
      writeFileSync(path, 'first line\nsecond line\n');
      await until('both lines read', () => target.texts.length === 2);
    } finally {
      await input.stop();
    }
    expect(target.texts).toEqual(['first line', 'second line']);
    expect(logs).toEqual([`auth: ${path}: warning: does not exist (yet): it is followed when it appears`, `auth: ${path}: readable now, following it`]);
  });

  it('a file replaced by a directory and back is reported once for each change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-tail-swap-'));
    const path = join(dir, 'auth');
    mkdirSync(path);
    const { input, target, logs } = tailOf(path);
    await input.start();
    try {
      await until('the first log line', () => logs.length > 0);
      await polls(20);
      rmdirSync(path);
      writeFileSync(path, 'after\n');
      await until('the line read', () => target.texts.length === 1);
      await polls(20);
    } finally {
      await input.stop();
    }
    expect(logs).toEqual([expect.stringContaining('is a directory'), `auth: ${path}: readable now, following it`]);
  });
});
