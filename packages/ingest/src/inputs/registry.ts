import type { Clock } from '@vigil/core';
import type { LogParser } from '@vigil/parsers';
import type { InputConfig, InputType } from '../config.ts';
import type { OffsetStore } from '../offsets.ts';
import type { IngestCounters } from '../sink.ts';
import { FileTailInput, type RecordTarget } from './file/tail.ts';

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
}

type Factory<T extends InputType> = (config: Extract<InputConfig, { type: T }>, deps: InputDeps) => Input;

/** Input types by `type:`. Adding an input: a folder under inputs/ and one line here. */
const FACTORIES: { [T in InputType]?: Factory<T> } = {
  file: (c, d) => new FileTailInput({ name: d.name, paths: c.paths, parser: d.parser, target: d.target, offsets: d.offsets, clock: d.clock, log: d.log, counters: d.counters }),
};

export function createInput(config: InputConfig, deps: InputDeps): Input {
  const factory = FACTORIES[config.type] as Factory<typeof config.type> | undefined;
  if (factory === undefined) throw new Error(`input type ${config.type} is not available in this build`);
  return factory(config as never, deps);
}
