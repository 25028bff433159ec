import type { Clock } from '@vigil/core';
import type { LogParser } from '@vigil/parsers';
import type { InputConfig, InputType } from '../config.ts';
import type { OffsetStore } from '../offsets.ts';
import type { IngestCounters } from '../sink.ts';
import { join } from 'node:path';
import { FileTailInput, type RecordTarget } from './file/tail.ts';
import { StdinInput } from './stdin/input.ts';
import { SyslogTcpInput } from './syslog-tcp/input.ts';
import { SyslogUdpInput } from './syslog-udp/input.ts';
import { readTlsFiles, type TlsServerSettings } from './network/tcp-server.ts';
import { TcpLinesInput } from './tcp-lines/input.ts';

/** A running input: started and stopped by `vigil ingest serve`. */
export interface Input {
  start(): Promise<void>;
  /** Stops reading and waits for what it already read to reach its target. */
  stop(): Promise<void>;
}

/** What the server gives every input it builds. */
export interface InputDeps {
  name: string;
  parser: LogParser;
  target: RecordTarget;
  offsets: OffsetStore;
  clock: Clock;
  stateDir: string;
  log: (line: string) => void;
  /** The input's counters, shared with its sink: the input counts lines in, the sink events out. */
  counters: IngestCounters;
  /**
   * Replaces the host of every `listen:` address when set: a container binds 0.0.0.0 so that its
   * published ports reach the inputs, while the definitions keep the safe loopback default.
   */
  listenHost?: string;
}

type Factory<T extends InputType> = (config: Extract<InputConfig, { type: T }>, deps: InputDeps) => Input;

/** Input types by `type:`. Adding an input: a folder under inputs/ and one line here. */
const FACTORIES: { [T in InputType]?: Factory<T> } = {
  file: (c, d) => new FileTailInput({ name: d.name, paths: c.paths, parser: d.parser, target: d.target, offsets: d.offsets, clock: d.clock, log: d.log, counters: d.counters }),
  syslog_udp: (c, d) => new SyslogUdpInput({ name: d.name, target: d.target, ...listenOn(c.listen, d), spillDir: c.spill_dir ?? join(d.stateDir, 'spill'), log: d.log, counters: d.counters }),
  syslog_tcp: (c, d) => new SyslogTcpInput({ name: d.name, target: d.target, ...listenOn(c.listen, d), ...tlsOf(c), log: d.log, counters: d.counters }),
  tcp_lines: (c, d) => new TcpLinesInput({ name: d.name, parser: d.parser, target: d.target, ...listenOn(c.listen, d), ...tlsOf(c), clock: d.clock, log: d.log, counters: d.counters }),
  stdin: (_c, d) => new StdinInput({ name: d.name, parser: d.parser, target: d.target, clock: d.clock, log: d.log, counters: d.counters }),
};

function listenOn(listen: { host: string; port: number }, deps: InputDeps): { host: string; port: number } {
  return { host: deps.listenHost ?? listen.host, port: listen.port };
}

/** The input's `tls:` files, read now (the input is about to start): an error names the bad file. */
function tlsOf(config: { tls?: Parameters<typeof readTlsFiles>[0] | undefined }): { tls?: TlsServerSettings } {
  return config.tls === undefined ? {} : { tls: readTlsFiles(config.tls) };
}

export function createInput(config: InputConfig, deps: InputDeps): Input {
  const factory = FACTORIES[config.type] as Factory<typeof config.type> | undefined;
  if (factory === undefined) throw new Error(`input type ${config.type} is not available in this build`);
  return factory(config as never, deps);
}
