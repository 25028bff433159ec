import { createReadStream } from 'node:fs';
import { systemClock } from '@vigil/core';
import { buildEvent, LineSplitter } from '@vigil/ingest';
import { lineFramer, parserFor, type LogRecord } from '@vigil/parsers';
import { assertReadableFile, jsonLine, unreadableFile } from '../output.ts';

export interface ParseOptions {
  source: string;
  timezone?: string;
  dataset?: string;
}

/** Writes a line to stdout, waiting when the pipe is full (large inputs into `head`, `jq`, files). */
function writeOut(text: string): Promise<void> | undefined {
  if (process.stdout.write(text)) return undefined;
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

/** The input stream: stdin for none or `-`, else the file, checked first to be a readable regular file. */
async function openInput(file: string | undefined): Promise<AsyncIterable<Buffer>> {
  if (file === undefined || file === '-') return process.stdin;
  await assertReadableFile(file);
  return createReadStream(file);
}

/**
 * `vigil parse`: reads lines (a file or stdin) and prints one JSON event per record, in input order —
 * what Vigil would store, without any service. Each event is one line of JSON whose control
 * characters are all escaped (see {@link jsonLine}): the log data cannot drive the terminal.
 */
export async function parseCommand(file: string | undefined, options: ParseOptions): Promise<number> {
  const parser = parserFor(options.source);
  const eventOptions = { parser, clock: systemClock, ...(options.timezone === undefined ? {} : { timezone: options.timezone }), ...(options.dataset === undefined ? {} : { dataset: options.dataset }) };
  const framer = parser.framer?.() ?? lineFramer();
  const splitter = new LineSplitter();
  const print = async (records: LogRecord[]) => {
    for (const record of records) await writeOut(`${jsonLine(buildEvent(eventOptions, record.text))}\n`);
  };
  const input = await openInput(file);
  try {
    for await (const chunk of input) {
      const records: LogRecord[] = [];
      splitter.push(chunk, (line) => records.push(...framer.push(line)));
      await print(records);
    }
  } catch (err) {
    if (file !== undefined && file !== '-' && (err as NodeJS.ErrnoException).syscall !== undefined && (err as NodeJS.ErrnoException).syscall !== 'write') throw unreadableFile(file, err);
    throw err;
  }
  const rest: LogRecord[] = [];
  splitter.end((line) => rest.push(...framer.push(line)));
  rest.push(...framer.flush());
  await print(rest);
  return 0;
}
