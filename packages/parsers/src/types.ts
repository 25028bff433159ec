import type { EcsEvent } from '@vigil/core';

/** Settings every parser gets; time is injected so year inference and tests never read the wall clock. */
export interface ParseContext {
  /**
   * IANA zone for timestamps written without one (RFC 3164 syslog, `tcpdump -tttt`, wevtutil text).
   * Default `UTC`.
   */
  timezone: string;
  /** "Now", for inferring the year of RFC 3164 timestamps so that an event is never in the future. */
  now: Date;
  /**
   * ECS `host.os.type` of the hosts whose logs this input carries (the ingest input's `host_os`).
   * Set on events that describe a host and whose parser did not name an OS itself (a Windows event
   * log says `windows`). Absent: left unset; `vigil ingest` and `vigil parse` pass `linux` when the
   * input says nothing.
   */
  hostOs?: HostOsType;
}

/** ECS `host.os.type` allowed values (ECS 8.x, `os.type`). */
export const HOST_OS_TYPES = ['linux', 'macos', 'unix', 'windows', 'ios', 'android'] as const;
export type HostOsType = (typeof HOST_OS_TYPES)[number];

/** The ECS version Vigil's events follow (`ecs.version`). */
export const ECS_VERSION = '8.17.0';

/** A record: one line, or the lines of one multi-line entry joined with `\n`. */
export interface LogRecord {
  text: string;
  /** Byte offset of the record's first line in its input (file inputs commit offsets from this). */
  offset: number;
  /** Byte offset just past the record's last line, newline included. */
  end: number;
}

/** One physical line as read, without its line terminator. */
export interface Line {
  text: string;
  offset: number;
  end: number;
}

/**
 * How large one multi-line record may grow. A record is closed before it would exceed either bound,
 * and the line that did not fit starts a record of its own, so a block that never ends (or an
 * attacker's forged first line) costs bounded memory and loses no line. Defaults:
 * `DEFAULT_RECORD_BOUNDS` in framing.ts.
 */
export interface RecordBounds {
  /** Most physical lines in one record (a positive integer). Default 512. */
  maxLines: number;
  /**
   * Most UTF-8 bytes of a record's text (its lines joined with `\n`), a positive integer of at most
   * `MAX_RECORD_BYTES` (64 KiB): the record stage cuts anything longer, so a larger value would lose
   * lines. Default `MAX_RECORD_BYTES`. A single line longer than this is still a record of its own
   * (the record stage cuts it and tags it `truncated`).
   */
  maxBytes: number;
}

/**
 * The shape of a multi-line block, for the framers: how it starts, which head lines make it a block
 * of this format at all, and how it ends.
 */
export interface BlockFormat {
  /** True for a line that opens a block (`** Alert ...`, `Event[0]:`). */
  starts(line: string): boolean;
  /**
   * The verdict on the line after `head` (the block's lines so far, its first line first) while the
   * fixed head of the block is being read: `more` (part of the head, still incomplete), `done` (part
   * of the head, which is now complete: every later line up to the block's end is its body) or
   * `broken` (this is not a block of the format: its first line becomes a record of its own and the
   * lines after it are framed again). Absent: the first line alone is a complete head.
   */
  next?(head: readonly string[], line: string): 'more' | 'done' | 'broken';
  /** A blank line ends the block (OSSEC alerts.log); false where blank lines occur inside (wevtutil text). */
  endsAtBlank: boolean;
}

/**
 * Groups physical lines into records, for formats whose entries span lines (OSSEC alerts.log,
 * wevtutil text). Stateful: one framer per input stream. Memory is bounded by its
 * {@link RecordBounds}: only the open record is held.
 */
export interface RecordFramer {
  /** Feeds one line; returns the records it completed (usually none or one). */
  push(line: Line): LogRecord[];
  /** End of input (or an idle timeout on a live stream): the record still open, if any. */
  flush(): LogRecord[];
}

/** What a parser returns for a record it understood; the runner adds `event.original`, `ingested`, defaults. */
export type ParsedFields = Omit<EcsEvent, 'event'> & { event?: Partial<EcsEvent['event']> };

/** A record the parser does not understand, with the reason (it becomes a `pipeline_error` event). */
export interface ParseFailure {
  failure: string;
}

/**
 * One log format. Implementations are pure (no I/O, no clock but `ctx.now`), never throw on any
 * input, and run in time linear in the record's length (no regex that can backtrack catastrophically).
 */
export interface LogParser {
  /** Registry key and the value of `vigil parse --source`: `syslog`, `tcpdump`, `ossec`, `windows`. */
  source: string;
  /** The dataset of events that do not set `event.dataset` themselves. */
  dataset: string;
  /** One line for `vigil parse --help`. */
  description: string;
  /**
   * A new framer for one input stream; absent for formats where every line is a record. `bounds`
   * overrides the defaults of {@link RecordBounds} field by field.
   */
  framer?(bounds?: Partial<RecordBounds>): RecordFramer;
  /**
   * Multi-line formats: true for the first line of a record (`** Alert ...`, `Event[0]:`); the same
   * test as `block.starts`.
   */
  startsRecord?(line: string): boolean;
  /** Multi-line formats: the block's shape. Lets `--source auto` frame blocks of several formats in one stream. */
  block?: BlockFormat;
  /** Cheap test of whether a record looks like this format, for `--source auto`. */
  detect(record: string): boolean;
  /**
   * The record's fields, or why it is not this format. The fields are a fresh object on every call,
   * nested objects and arrays included: `toEvent` (record.ts) completes them into the event in place.
   */
  parse(record: string, ctx: ParseContext): ParsedFields | ParseFailure;
}

export function isFailure(result: ParsedFields | ParseFailure): result is ParseFailure {
  return 'failure' in result && typeof (result as ParseFailure).failure === 'string';
}
