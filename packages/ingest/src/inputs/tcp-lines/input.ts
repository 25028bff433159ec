import type { Clock } from '@vigil/core';
import type { LogParser } from '@vigil/parsers';
import { LineRecords } from '../network/line-records.ts';
import { TcpInput, type TcpInputOptions } from '../network/tcp-input.ts';

/** Options of {@link TcpLinesInput}. */
export interface TcpLinesOptions extends TcpInputOptions {
  /** Parser of the records; its framer groups lines into records (one framer per connection). */
  parser: LogParser;
  /** Source of "now" for the idle flush of multi-line records. */
  clock: Clock;
  /**
   * A multi-line record still open after this long without a new line on its connection is complete
   * (ms, measured on `clock`); the connection closing completes it at once. Default 2000.
   */
  framerIdleMs?: number;
  /** How often open connections are checked for such idle records (ms, a real timer). Default 250. */
  idleCheckMs?: number;
}

/**
 * Raw newline-delimited lines over TCP, as `tcpdump -n -tttt 'tcp[13] == 2' | nc host 5001` sends
 * them. Lines are bounded like a file's (LineSplitter) and grouped by the parser's framer, so
 * multi-line formats work over TCP too; a connection's last line and open record are delivered when
 * it closes. A connection is read only while the target keeps up (TCP slows the sender). Ids are
 * random: a raw stream has no identity that a resend would repeat.
 */
export class TcpLinesInput extends TcpInput {
  constructor(options: TcpLinesOptions) {
    const multiLine = options.parser.framer !== undefined;
    super(
      options,
      (lines) => new LineRecords({ parser: options.parser, clock: options.clock, framerIdleMs: options.framerIdleMs ?? 2_000, onLine: () => (lines.linesIn += 1) }),
      multiLine ? (options.idleCheckMs ?? 250) : undefined,
    );
  }
}
