import { describe, expect, it } from '@jest/globals';
import { systemClock } from '@vigil/core';
import { MAX_RECORD_BYTES, parserFor } from '@vigil/parsers';
import { freePort } from '@vigil/testkit';
import { buildEvent } from '../src/event.ts';
import { newCounters } from '../src/sink.ts';
import { SyslogFrameDecoder } from '../src/inputs/syslog-tcp/framing.ts';
import { SyslogTcpInput } from '../src/inputs/syslog-tcp/input.ts';
import type { RecordTarget } from '../src/inputs/file/tail.ts';
import { GatedTarget, close, open, send, until, write } from './support/streams.ts';

const counted = (msg: string) => `${Buffer.byteLength(msg, 'utf8')} ${msg}`;

async function started(target: RecordTarget = new GatedTarget(), counters = newCounters()) {
  const input = new SyslogTcpInput({ name: 'syslog-tcp', target, host: '127.0.0.1', port: await freePort(), counters });
  await input.start();
  return input;
}

function decode(chunks: Buffer[]): string[] {
  const decoder = new SyslogFrameDecoder();
  return [...chunks.flatMap((c) => decoder.push(c)), ...decoder.end()];
}

// octet-counted (with newlines, a NUL, non-ASCII), LF, CRLF and NUL terminated, in one stream
const MIXED_MESSAGES = ['<13>Nov 22 10:00:00 h app: one\nstill one', '<13>two', '<13>three', '<13>four', '<13>fünf\n\0 counted', '2016-02-09 13:51:09 raw line'];
const MIXED = Buffer.from(`${counted(MIXED_MESSAGES[0] as string)}<13>two\n<13>three\r\n<13>four\0${counted(MIXED_MESSAGES[4] as string)}2016-02-09 13:51:09 raw line\n`, 'utf8');

describe('SyslogFrameDecoder (RFC 6587)', () => {
  it('detects octet counting and non-transparent framing per message', () => {
    expect(decode([MIXED])).toEqual(MIXED_MESSAGES);
  });

  it('gives the same messages however the stream is cut (random cuts, property-style)', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 500; run += 1) {
      const cuts = [...new Set(Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * MIXED.length)))].sort((a, b) => a - b);
      const chunks = [0, ...cuts].map((from, i) => MIXED.subarray(from, cuts[i] ?? MIXED.length));
      expect(decode(chunks)).toEqual(MIXED_MESSAGES);
    }
  });

  it('keeps at most MAX_RECORD_BYTES + 1 bytes of an oversize frame, either framing, and reads on after it', () => {
    const big = 'x'.repeat(3 * MAX_RECORD_BYTES);
    const stream = Buffer.from(`${counted(big)}<13>after counted\n${big}\n<13>after line\n`);
    const chunks = Array.from({ length: Math.ceil(stream.length / 1000) }, (_, i) => stream.subarray(i * 1000, (i + 1) * 1000));
    const out = decode(chunks);
    expect(out.map((m) => m.length)).toEqual([MAX_RECORD_BYTES + 1, '<13>after counted'.length, MAX_RECORD_BYTES + 1, '<13>after line'.length]);
    expect(out[1]).toBe('<13>after counted');
    expect(out[3]).toBe('<13>after line');
  });

  it('delivers what arrived of a frame cut by the end of the stream', () => {
    expect(decode([Buffer.from('<13>no newline')])).toEqual(['<13>no newline']);
    expect(decode([Buffer.from('50 <13>short')])).toEqual(['<13>short']);
    expect(decode([Buffer.from('<13>a\n123')])).toEqual(['<13>a', '123']);
    expect(decode([Buffer.from('\n\n\0')])).toEqual([]);
  });
});

describe('SyslogTcpInput', () => {
  it('reads octet-counted messages with embedded newlines, newline-framed and mixed messages', async () => {
    const target = new GatedTarget();
    const input = await started(target);
    await send(input.port, counted('<34>Oct 11 22:14:15 mymachine su: line one\nline two'), counted('<13>second\r\nthird'));
    await until('counted', () => target.texts.length === 2);
    await send(input.port, '<13>nl one\n<13>nl two\r\n<13>nul\0');
    await until('newline framed', () => target.texts.length === 5);
    await send(input.port, MIXED);
    await until('mixed', () => target.texts.length === 11);
    await input.stop();
    expect(target.texts).toEqual(['<34>Oct 11 22:14:15 mymachine su: line one\nline two', '<13>second\r\nthird', '<13>nl one', '<13>nl two', '<13>nul', ...MIXED_MESSAGES]);
    expect(new Set(target.ids).size).toBe(11);
    expect(input.counters).toMatchObject({ connections: 3, openConnections: 0, pausedConnections: 0, backlog: 0, errors: 0 });
  });

  it('gives the same messages when the stream is split between TCP writes at every byte boundary', async () => {
    const target = new GatedTarget();
    const input = await started(target);
    for (let cut = 1; cut < MIXED.length; cut += 1) {
      const socket = await open(input.port);
      const before = input.counters.bytes;
      await write(socket, MIXED.subarray(0, cut));
      await until(`first part (cut ${cut})`, () => input.counters.bytes === before + cut); // read apart
      await write(socket, MIXED.subarray(cut));
      await close(socket);
      await until(`messages (cut ${cut})`, () => target.texts.length === cut * MIXED_MESSAGES.length);
      expect(target.texts.slice(-MIXED_MESSAGES.length)).toEqual(MIXED_MESSAGES);
    }
    await input.stop();
  });

  it('keeps every connection in order with many connections at once', async () => {
    const target = new GatedTarget();
    const input = await started(target);
    const connections = 50;
    const each = 200;
    await Promise.all(
      Array.from({ length: connections }, (_, c) => {
        const messages = Array.from({ length: each }, (_, i) => (i % 2 === 0 ? counted(`<13>c${c} m${i}\nx`) : `<13>c${c} m${i}\n`));
        return send(input.port, ...messages);
      }),
    );
    await until('all messages', () => target.texts.length === connections * each);
    await input.stop();
    for (let c = 0; c < connections; c += 1) {
      const mine = target.texts.filter((t) => t.startsWith(`<13>c${c} `));
      expect(mine).toEqual(Array.from({ length: each }, (_, i) => (i % 2 === 0 ? `<13>c${c} m${i}\nx` : `<13>c${c} m${i}`)));
    }
    expect(input.counters.connections).toBe(connections);
  });

  it('truncates and flags a message over 64 KiB like the file input, and counts messages in', async () => {
    const target = new GatedTarget();
    const counters = newCounters();
    const input = await started(target, counters);
    const big = `<13>Nov 22 10:00:00 web1 app: ${'y'.repeat(MAX_RECORD_BYTES + 5000)}`;
    await send(input.port, counted(big), '<13>Nov 22 10:00:01 web1 app: after\n');
    await until('both messages', () => target.texts.length === 2);
    await input.stop();
    expect(Buffer.byteLength(target.texts[0] as string)).toBe(MAX_RECORD_BYTES + 1);
    const event = buildEvent({ parser: parserFor('syslog'), clock: systemClock }, target.texts[0] as string);
    expect(event.tags).toContain('truncated');
    expect(Buffer.byteLength(event.event.original as string)).toBe(MAX_RECORD_BYTES);
    expect(target.texts[1]).toBe('<13>Nov 22 10:00:01 web1 app: after');
    expect(counters.linesIn).toBe(2);
  });

  it('delivers a partial last message when the connection closes', async () => {
    const target = new GatedTarget();
    const input = await started(target);
    await send(input.port, '<13>complete\n<13>cut short');
    await send(input.port, '<13>complete\n40 <13>counted but cut');
    await until('partials', () => target.texts.length === 4);
    await input.stop();
    expect(target.texts).toEqual(['<13>complete', '<13>cut short', '<13>complete', '<13>counted but cut']);
  });

  it('stops reading a connection while the target is busy, and loses nothing when it catches up', async () => {
    const target = new GatedTarget();
    target.block();
    const input = await started(target);
    const total = 500_000;
    const payload = Buffer.from(Array.from({ length: total }, (_, i) => `m${i}\n`).join(''));
    const a = await open(input.port);
    a.write(payload); // more than the kernel buffers hold: the rest waits in the client
    await until('first write pending', () => target.texts.length === 1 && input.counters.pausedConnections === 1);
    // a second connection gets read while the first one stays paused
    const b = await open(input.port);
    const backlogBefore = input.counters.backlog;
    await write(b, 'other\n');
    await until('second connection read', () => input.counters.backlog === backlogBefore + 1);
    expect(input.counters.bytes).toBeLessThan(payload.length / 4);
    expect(input.counters.backlog).toBeLessThan(total / 10);
    target.release();
    await Promise.all([close(a), close(b)]);
    await until('everything', () => target.texts.length === total + 1);
    await input.stop();
    expect(target.texts.filter((t) => t !== 'other')).toEqual(Array.from({ length: total }, (_, i) => `m${i}`));
    expect(input.counters).toMatchObject({ backlog: 0, pausedConnections: 0, openConnections: 0 });
  });

  it('stop delivers what was read, the partial message included, and refuses new connections', async () => {
    const target = new GatedTarget();
    const input = await started(target);
    const socket = await open(input.port);
    socket.on('error', () => {});
    await write(socket, '<13>whole\n<13>half');
    await until('read', () => input.counters.bytes === Buffer.byteLength('<13>whole\n<13>half'));
    await input.stop();
    expect(target.texts).toEqual(['<13>whole', '<13>half']);
    await expect(open(input.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
