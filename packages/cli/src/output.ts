import { stat } from 'node:fs/promises';
import { escapeControlCharacters, VigilError, type ErrorCode } from '@vigil/core';

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

