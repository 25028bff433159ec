import { createReadStream } from 'node:fs';
import { systemClock } from '@vigil/core/clock';
import { buildEvent, type EventOptions } from '@vigil/ingest/event';
import { LineSplitter } from '@vigil/ingest/lines';
import { lineFramer, parserFor, type Line, type RecordFramer } from '@vigil/parsers';
import { assertReadableFile, JsonLinesBuffer, unreadableFile } from '../output.ts';

// What this command loads is what its start-up costs: the clock, the parsers and the line splitter,
// through subpath imports. Never a package entry that brings the Elasticsearch client or the
// configuration schema (`vigil parse` needs no service and no configuration).

export interface ParseOptions {
  source: string;
  timezone?: string;
  dataset?: string;
}

/**
 * Bytes read at a time: one read becomes one write of its events (about 3-10× the input in JSON), so a
 * larger read means fewer system calls; 256 KiB keeps a batch around 1-2 MB.
 */
const READ_CHUNK_BYTES = 256 * 1024;

/** Writes a batch to stdout, waiting when the pipe is full (large inputs into `head`, `jq`, files). */
function writeOut(bytes: Buffer): Promise<void> | undefined {
  if (bytes.length === 0 || process.stdout.write(bytes)) return undefined;
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

/** The input stream: stdin for none or `-`, else the file, checked first to be a readable regular file. */
async function openInput(file: string | undefined): Promise<AsyncIterable<Buffer>> {
  if (file === undefined || file === '-') return process.stdin;
  await assertReadableFile(file);
  return createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
}

/**
 * Collects the JSON lines of the events of one input chunk, so that a chunk is one write to stdout
 * (a write per event spent most of the time in the system call).
 */
class EventBatch {
  readonly #lines = new JsonLinesBuffer();
  readonly #options: EventOptions;
  readonly #framer: RecordFramer;

  constructor(options: EventOptions, framer: RecordFramer) {
    this.#options = options;
    this.#framer = framer;
  }

  /** Feeds one line to the framer; every record it completes joins the batch. */
  readonly push = (line: Line): void => {
    for (const record of this.#framer.push(line)) this.#add(record.text);
  };

  /** End of input: the record the framer still holds. */
  flush(): void {
    for (const record of this.#framer.flush()) this.#add(record.text);
  }

  /** The batch as the terminal-safe bytes to print (see {@link JsonLinesBuffer}), emptied for the next chunk. */
  take(): Buffer {
    return this.#lines.take();
  }

  #add(text: string): void {
    this.#lines.add(buildEvent(this.#options, text));
  }
}

/**
 * `vigil parse`: reads lines (a file or stdin) and prints one JSON event per record, in input order —
 * what Vigil would store, without any service. Each event is one line of JSON whose control
 * characters are all escaped (the same text as `jsonLine` of the event): the log data cannot drive
 * the terminal.
 */
export async function parseCommand(file: string | undefined, options: ParseOptions): Promise<number> {
  const parser = parserFor(options.source);
  const eventOptions: EventOptions = { parser, clock: systemClock, ...(options.timezone === undefined ? {} : { timezone: options.timezone }), ...(options.dataset === undefined ? {} : { dataset: options.dataset }) };
  const batch = new EventBatch(eventOptions, parser.framer?.() ?? lineFramer());
  const splitter = new LineSplitter();
  const input = await openInput(file);
  try {
    for await (const chunk of input) {
      splitter.push(chunk, batch.push);
      await writeOut(batch.take());
    }
  } catch (err) {
    if (file !== undefined && file !== '-' && (err as NodeJS.ErrnoException).syscall !== undefined && (err as NodeJS.ErrnoException).syscall !== 'write') throw unreadableFile(file, err);
    throw err;
  }
  splitter.end(batch.push);
  batch.flush();
  await writeOut(batch.take());
  return 0;
}
