import { createReadStream } from 'node:fs';
import { systemClock } from '@vigil/core';
import { buildEvent, LineSplitter } from '@vigil/ingest';
import { lineFramer, parserFor, type LogRecord } from '@vigil/parsers';

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

/**
 * `vigil parse`: reads lines (a file or stdin) and prints one JSON event per record, in input order —
 * what Vigil would store, without any service.
 */
export async function parseCommand(file: string | undefined, options: ParseOptions): Promise<number> {
  const parser = parserFor(options.source);
  const eventOptions = { parser, clock: systemClock, ...(options.timezone === undefined ? {} : { timezone: options.timezone }), ...(options.dataset === undefined ? {} : { dataset: options.dataset }) };
  const framer = parser.framer?.() ?? lineFramer();
  const splitter = new LineSplitter();
  const print = async (records: LogRecord[]) => {
    for (const record of records) await writeOut(`${JSON.stringify(buildEvent(eventOptions, record.text))}\n`);
  };
  const input = file === undefined || file === '-' ? process.stdin : createReadStream(file);
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const records: LogRecord[] = [];
    splitter.push(chunk, (line) => records.push(...framer.push(line)));
    await print(records);
  }
  const rest: LogRecord[] = [];
  splitter.end((line) => rest.push(...framer.push(line)));
  rest.push(...framer.flush());
  await print(rest);
  return 0;
}
