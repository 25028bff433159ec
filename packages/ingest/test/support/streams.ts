// Shared by the network and stdin input tests: an in-memory target, polling with a deadline (testkit), and
// small promise wrappers around node:net client sockets.
import { connect, type Socket } from 'node:net';
import type { RecordTarget } from '../../src/inputs/file/tail.ts';
import type { RecordOrigin } from '../../src/event.ts';

/** Keeps what it is given; while blocked, every write stays pending until `release` (backpressure). */
export class GatedTarget implements RecordTarget {
  readonly texts: string[] = [];
  readonly ids: string[] = [];
  /** Writes whose `onDone` ran (what a real sink reports once Elasticsearch stored them). */
  acked = 0;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;

  block(): void {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#gate = promise;
    this.#open = resolve;
  }

  release(): void {
    this.#gate = undefined;
    this.#open?.();
  }

  async write(text: string, id: string, _origin: RecordOrigin, onDone?: () => void): Promise<void> {
    this.texts.push(text);
    this.ids.push(id);
    if (this.#gate !== undefined) await this.#gate;
    this.acked += 1;
    onDone?.();
  }
}

export { until } from '@vigil/testkit';

export function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

export function write(socket: Socket, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
}

export function close(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.end();
  });
}

/** Sends parts on one connection, one TCP write each, then closes it. */
export async function send(port: number, ...parts: Array<string | Buffer>): Promise<void> {
  const socket = await open(port);
  for (const part of parts) await write(socket, part);
  await close(socket);
}
