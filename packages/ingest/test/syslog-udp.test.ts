import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@vigil/testkit';
import { SyslogUdpInput } from '../src/inputs/syslog-udp/input.ts';
import { newCounters } from '../src/sink.ts';
import { GatedTarget, until } from './support/streams.ts';

const clients: Socket[] = [];
afterAll(() => {
  for (const c of clients) c.close();
});

function client(): Socket {
  const socket = createSocket('udp4');
  clients.push(socket);
  return socket;
}

function sendTo(socket: Socket, port: number, message: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.send(message, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
}

/**
 * Sends datagrams in small batches, each batch once the input has read the previous one: loopback
 * UDP drops what overflows the receive buffer, and this test is about Vigil's queue, not the kernel's.
 */
async function sendAll(input: SyslogUdpInput, socket: Socket, messages: string[]): Promise<void> {
  for (let at = 0; at < messages.length; at += 50) {
    const before = input.counters.datagrams;
    const batch = messages.slice(at, at + 50);
    for (const m of batch) await sendTo(socket, input.port, m);
    await until('batch read', () => input.counters.datagrams >= before + batch.length); // >=: other senders may run at once
  }
}

const spillFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.spill.ndjson'));
const spilledLines = (dir: string) => spillFiles(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));

async function started(target: GatedTarget, options: { spillDir?: string; maxQueued?: number; counters?: ReturnType<typeof newCounters> } = {}) {
  const input = new SyslogUdpInput({
    name: 'syslog-udp',
    target,
    host: '127.0.0.1',
    port: await freePort(),
    spillDir: options.spillDir ?? mkdtempSync(join(tmpdir(), 'vigil-spill-')),
    ...(options.maxQueued === undefined ? {} : { maxQueued: options.maxQueued }),
    ...(options.counters === undefined ? {} : { counters: options.counters }),
  });
  await input.start();
  return input;
}

describe('SyslogUdpInput', () => {
  it('makes one record of each datagram, framing newlines and NULs stripped, from several senders', async () => {
    const target = new GatedTarget();
    const counters = newCounters();
    const input = await started(target, { counters });
    await sendAll(input, client(), ['<13>Nov 22 10:00:00 h app: one\n', '<13>two\r\n', '<13>three\0', '<13>multi\nline alert kept whole', '\n']);
    const senders = Array.from({ length: 5 }, () => client());
    await Promise.all(senders.map((s, n) => sendAll(input, s, Array.from({ length: 40 }, (_, i) => `<13>s${n} m${i}`))));
    await until('all records', () => target.texts.length === 4 + 5 * 40);
    await input.stop();
    expect(target.texts.slice(0, 4)).toEqual(['<13>Nov 22 10:00:00 h app: one', '<13>two', '<13>three', '<13>multi\nline alert kept whole']);
    for (let n = 0; n < 5; n += 1) expect(target.texts.filter((t) => t.startsWith(`<13>s${n} `))).toEqual(Array.from({ length: 40 }, (_, i) => `<13>s${n} m${i}`));
    expect(counters.linesIn).toBe(4 + 5 * 40); // the empty datagram is no line
    expect(input.counters).toMatchObject({ datagrams: 5 + 5 * 40, spilled: 0, backlog: 0, errors: 0 });
  });

  it('spills to disk while the target refuses, then delivers everything in order and removes the spill', async () => {
    const target = new GatedTarget();
    target.block();
    const spillDir = mkdtempSync(join(tmpdir(), 'vigil-spill-'));
    const input = await started(target, { spillDir, maxQueued: 20 });
    const messages = Array.from({ length: 1000 }, (_, i) => `<13>Nov 22 10:00:00 h app: message ${i}`);
    await sendAll(input, client(), messages);
    // one write pending in the target, 20 in memory, the rest on disk
    expect(input.counters.spilled).toBe(1000 - 1 - 20);
    await until('spill written', () => spilledLines(spillDir).length === input.counters.spilled);
    expect(spilledLines(spillDir).map((l) => (JSON.parse(l) as { text: string }).text)).toEqual(messages.slice(21));
    expect(target.texts).toHaveLength(1);
    expect(input.counters.backlog).toBe(1000);

    target.release();
    await until('everything delivered', () => target.acked === 1000);
    expect(target.texts).toEqual(messages);
    expect(new Set(target.ids).size).toBe(1000);
    await until('spill removed', () => spillFiles(spillDir).length === 0);
    // the spill is drained: new messages go through memory again
    await sendAll(input, client(), ['<13>after recovery']);
    await until('after recovery', () => target.texts.length === 1001);
    await input.stop();
    expect(input.counters).toMatchObject({ spilled: 979, backlog: 0, errors: 0 });
  });

  it('stop delivers what is queued in memory and in the spill', async () => {
    const target = new GatedTarget();
    target.block();
    const spillDir = mkdtempSync(join(tmpdir(), 'vigil-spill-'));
    const input = await started(target, { spillDir, maxQueued: 5 });
    const messages = Array.from({ length: 100 }, (_, i) => `<13>m${i}`);
    await sendAll(input, client(), messages);
    const stopped = input.stop();
    target.release();
    await stopped;
    expect(target.texts).toEqual(messages);
    expect(spillFiles(spillDir)).toEqual([]);
  });

  it('sends the spill left by a crashed run first, with its ids, before anything new', async () => {
    const spillDir = mkdtempSync(join(tmpdir(), 'vigil-spill-'));
    const left = Array.from({ length: 30 }, (_, i) => ({ id: `left-${i}`, text: `<13>left ${i}` }));
    writeFileSync(join(spillDir, 'syslog-udp.00000003.spill.ndjson'), left.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const target = new GatedTarget();
    const input = await started(target, { spillDir });
    await sendAll(input, client(), ['<13>new']);
    await until('all', () => target.texts.length === 31);
    await input.stop();
    expect(target.texts).toEqual([...left.map((r) => r.text), '<13>new']);
    expect(target.ids.slice(0, 30)).toEqual(left.map((r) => r.id));
    expect(spillFiles(spillDir)).toEqual([]);
  });
});
