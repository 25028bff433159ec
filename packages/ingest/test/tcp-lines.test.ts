import { describe, expect, it } from '@jest/globals';
import { systemClock } from '@vigil/core';
import { MAX_RECORD_BYTES, parserFor } from '@vigil/parsers';
import { freePort } from '@vigil/testkit';
import { TcpLinesInput } from '../src/inputs/tcp-lines/input.ts';
import { buildEvent } from '../src/event.ts';
import { newCounters } from '../src/sink.ts';
import { GatedTarget, close, open, send, until, write } from './support/streams.ts';

const tcpdump = parserFor('tcpdump');
const syn = (i: number) => `2016-02-09 13:51:09.${String(i % 1_000_000).padStart(6, '0')} IP 10.0.0.${i % 250}.40000 > 192.168.1.5.22: Flags [S], seq ${i}, win 29200, length 0`;

async function started(target = new GatedTarget(), counters = newCounters()) {
  const input = new TcpLinesInput({ name: 'tcpdump', parser: tcpdump, target, host: '127.0.0.1', port: await freePort(), clock: systemClock, counters });
  await input.start();
  return input;
}

describe('TcpLinesInput', () => {
  it('reads newline-framed lines, one split across TCP writes, CRLF, and a last line without newline', async () => {
    const target = new GatedTarget();
    const counters = newCounters();
    const input = await started(target, counters);
    const socket = await open(input.port);
    await write(socket, `${syn(1)}\n${syn(2).slice(0, 30)}`);
    await until('first chunk read', () => input.counters.bytes === syn(1).length + 31);
    expect(target.texts).toEqual([syn(1)]); // the half line waits for its end
    await write(socket, `${syn(2).slice(30)}\r\n${syn(3)}`);
    await close(socket);
    await until('three lines', () => target.texts.length === 3);
    await input.stop();
    expect(target.texts).toEqual([syn(1), syn(2), syn(3)]);
    expect(counters.linesIn).toBe(3);
    expect(buildEvent({ parser: tcpdump, clock: systemClock }, target.texts[1] as string).event.kind).toBe('event');
  });

  it('truncates and flags a line over 64 KiB the way the file input does, and reads on after it', async () => {
    const target = new GatedTarget();
    const input = await started(target);
    const big = `${syn(7)} ${'z'.repeat(2 * MAX_RECORD_BYTES)}`;
    const stream = Buffer.from(`${big}\n${syn(8)}\n`);
    const socket = await open(input.port);
    for (let at = 0; at < stream.length; at += 10_000) await write(socket, stream.subarray(at, at + 10_000));
    await close(socket);
    await until('both lines', () => target.texts.length === 2);
    await input.stop();
    expect(Buffer.byteLength(target.texts[0] as string)).toBe(MAX_RECORD_BYTES + 1);
    expect(target.texts[1]).toBe(syn(8));
    const event = buildEvent({ parser: tcpdump, clock: systemClock }, target.texts[0] as string);
    expect(event.tags).toContain('truncated');
    expect(Buffer.byteLength(event.event.original as string)).toBe(MAX_RECORD_BYTES);
  });

  it('keeps each of many concurrent connections in order and counts every line', async () => {
    const target = new GatedTarget();
    const counters = newCounters();
    const input = await started(target, counters);
    const clients = 20;
    const each = 500;
    const lines = (c: number) => Array.from({ length: each }, (_, i) => syn(c * each + i));
    await Promise.all(Array.from({ length: clients }, (_, c) => send(input.port, ...lines(c).map((l) => `${l}\n`))));
    await until('all lines', () => target.texts.length === clients * each);
    await input.stop();
    const client = (text: string) => Math.floor(Number(/seq (\d+)/.exec(text)?.[1]) / each);
    for (let c = 0; c < clients; c += 1) expect(target.texts.filter((t) => client(t) === c)).toEqual(lines(c));
    expect(counters.linesIn).toBe(clients * each);
    expect(input.counters).toMatchObject({ connections: clients, openConnections: 0, backlog: 0 });
  });

  it('pauses the socket while the target is full and loses nothing once it takes records again', async () => {
    const target = new GatedTarget();
    target.block();
    const input = await started(target);
    const total = 200_000;
    const payload = Buffer.from(Array.from({ length: total }, (_, i) => `line ${i}\n`).join(''));
    const socket = await open(input.port);
    socket.write(payload); // far more than the kernel buffers: the rest waits in this client
    await until('paused on the first record', () => target.texts.length === 1 && input.counters.pausedConnections === 1);
    expect(input.counters.bytes).toBeLessThan(payload.length / 2);
    target.release();
    await close(socket);
    await until('every line', () => target.texts.length === total);
    await input.stop();
    expect(target.texts).toEqual(Array.from({ length: total }, (_, i) => `line ${i}`));
  });

  it('stop delivers what was already read, the partial last line included', async () => {
    const target = new GatedTarget();
    const input = await started(target);
    const socket = await open(input.port);
    socket.on('error', () => {});
    await write(socket, `${syn(1)}\n${syn(2)}`);
    await until('read', () => input.counters.bytes === syn(1).length + 1 + syn(2).length);
    await input.stop();
    expect(target.texts).toEqual([syn(1), syn(2)]);
  });
});
