import { isAscii } from 'node:buffer';
import { stat } from 'node:fs/promises';
import { escapeControlCharacters } from '@vigil/core/control-chars';
import { VigilError, type ErrorCode } from '@vigil/core/errors';

/** Where a command writes: stdout for results, stderr for diagnostics. Injected so tests can read it. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

// What the CLI prints is full of attacker data (user names, hosts, history errors, log lines): this is
// the one place that keeps it from reaching the terminal as control characters.

/**
 * Control characters without the layout of the CLI's own output: newline and tab (help, `--json`),
 * and a carriage return that ends a line (CSV records end with CRLF). A carriage return inside a line,
 * which would let data overwrite what the line showed before it, is still escaped.
 */
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]|\r(?!\n|$)/g;

// Escapes are written in the `json` form (`\u001b`): also JSON string escapes, so `--json` output
// stays valid JSON meaning the same value after escaping.

/**
 * A data value made safe for one cell or one line of terminal output: every control character,
 * newline included, written visibly (`\n`, `\u001b`), so a value cannot start a line of its own or
 * drive the terminal. Printable text is left as it is.
 */
export function escapeControls(text: string): string {
  return escapeControlCharacters(text, 'json');
}

/**
 * Text about to be written to a terminal: control characters written visibly except the newline and
 * tab that lay out the CLI's own multi-line output. The last line of defence under
 * {@link escapeControls}, applied by {@link consoleOutput} to everything it prints.
 */
export function escapeTerminal(text: string): string {
  return escapeControlCharacters(text, 'json', CONTROL_BUT_LAYOUT);
}

/**
 * A value as one line of JSON that is safe on a terminal: `JSON.stringify` escapes C0 controls, and
 * DEL, C1 controls and the Unicode line separators, which it leaves raw, get `\u` escapes. The result
 * parses back to the same value.
 */
export function jsonLine(value: unknown): string {
  return escapeControls(JSON.stringify(value) ?? 'null');
}

/**
 * The control characters `JSON.stringify` leaves raw in its output: DEL, C1 and the Unicode line
 * separators (C0, newline included, it escapes itself). Only these can occur in serialized JSON.
 */
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029]/g;
const DEL = 0x7f;
const NEWLINE = 0x0a;

/**
 * JSON lines written straight into a growing byte buffer, to print many values with one write. The
 * bytes are the same text as {@link jsonLine} of each value followed by a newline: JSON text holds no
 * raw C0 character but the newlines between the lines, and the batch is almost always plain ASCII
 * without DEL, which `take` sees at memory speed (`isAscii`, a byte search); only a batch that holds
 * something else goes through the escaping pass. Encoding each line into the buffer as it comes costs
 * a fraction of joining the lines into one string first (the join flattens and copies it twice).
 */
export class JsonLinesBuffer {
  #bytes: Buffer;
  #length = 0;

  /** `capacity`: the first allocation, in bytes; the buffer doubles when a line does not fit. */
  constructor(capacity = 1 << 20) {
    this.#bytes = Buffer.allocUnsafe(capacity);
  }

  /** Bytes held so far. */
  get byteLength(): number {
    return this.#length;
  }

  /** Appends `JSON.stringify(value)` and a newline. */
  add(value: unknown): void {
    const json = JSON.stringify(value) ?? 'null';
    const room = json.length * 3 + 1; // UTF-8 takes at most 3 bytes per UTF-16 code unit
    if (this.#length + room > this.#bytes.length) this.#grow(room);
    this.#length += this.#bytes.write(json, this.#length, 'utf8');
    this.#bytes[this.#length++] = NEWLINE;
  }

  /**
   * The lines as terminal-safe bytes, handed over: the buffer starts a new allocation, so the caller
   * may keep them (a stream write that completes later) while more lines are added.
   */
  take(): Buffer {
    const bytes = this.#bytes.subarray(0, this.#length);
    this.#bytes = Buffer.allocUnsafe(this.#bytes.length);
    this.#length = 0;
    if (isAscii(bytes) && bytes.indexOf(DEL) === -1) return bytes;
    return Buffer.from(escapeControlCharacters(bytes.toString('utf8'), 'json', RAW_IN_JSON), 'utf8');
  }

  #grow(room: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#length + room));
    this.#bytes.copy(next, 0, 0, this.#length);
    this.#bytes = next;
  }
}

export const consoleOutput: Output = {
  log: (line) => process.stdout.write(`${escapeTerminal(line)}\n`),
  error: (line) => process.stderr.write(`${escapeTerminal(line)}\n`),
};

// ── errors: every failure of the CLI is reported here, as one line ──

/** `--verbose`: accepted before or after any command name (not after `--`); see `takeVerbose` in program.ts. */
export const VERBOSE = '--verbose';

/** Codes of mistakes in what the user wrote (options, configuration, files): exit 2. Others are runtime failures: exit 1. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['CONFIG_INVALID', 'YAML_SYNTAX', 'FILE_UNREADABLE', 'KQL_INVALID']);

/** Reasons of the file-system errors that name a path the user gave. */
const FILE_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
};

/** A file the user named that cannot be read (exit 2): `FILE: cannot read: no such file or directory`. */
export function unreadableFile(file: string, err: unknown): VigilError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code === undefined ? undefined : FILE_REASONS[code]) ?? (err instanceof Error ? err.message : String(err));
  return new VigilError('FILE_UNREADABLE', `cannot read: ${reason}`, { cause: err, location: { file } });
}

/** Refuses, before any work, a path the user named that is missing, unreadable or not a regular file. */
export async function assertReadableFile(file: string): Promise<void> {
  const stats = await stat(file).catch((err: unknown) => {
    throw unreadableFile(file, err);
  });
  if (stats.isDirectory()) throw unreadableFile(file, Object.assign(new Error(`EISDIR: ${file}`), { code: 'EISDIR' }));
}

/**
 * Any error as a `VigilError`: a file-system error naming a path is that file being unreadable (a
 * user's mistake); anything else that escaped a command is an internal failure.
 */
export function asVigilError(err: unknown): VigilError {
  if (err instanceof VigilError) return err;
  const sys = err as NodeJS.ErrnoException | undefined;
  if (sys?.code !== undefined && FILE_REASONS[sys.code] !== undefined && typeof sys.path === 'string') return unreadableFile(sys.path, err);
  // the first line only: the one-line report; --verbose prints the rest with the stack
  const message = (err instanceof Error ? err.message : String(err)).split('\n', 1)[0] ?? '';
  return new VigilError('INTERNAL', `${message} (${VERBOSE} prints the stack trace)`, { cause: err });
}

/** The exit code an error ends the CLI with: 2 for usage and configuration mistakes, 1 for runtime failures. */
export function exitCodeOf(err: VigilError): number {
  return USAGE_CODES.has(err.code) ? 2 : 1;
}

/** The lines an error is reported with: one, `vigil: file:line: message`; with `--verbose` its causes and stack after it. */
export function errorLines(err: unknown, verbose: boolean): string[] {
  const error = asVigilError(err);
  const lines = [`vigil: ${error.toString()}`];
  if (!verbose) return lines;
  const seen = new Set<unknown>();
  for (let e: unknown = error; e !== undefined && e !== null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e !== error) lines.push(`caused by: ${e instanceof Error ? e.message : String(e)}`);
    if (e instanceof Error && e.stack !== undefined) lines.push(...e.stack.split('\n').slice(1));
  }
  return lines;
}

