// npm run bench:parse — peak RSS of multi-line framing over an OSSEC alerts.log block that never
// closes (issue 12, case 1), for docs/benchmarks.md. Not a test: it asserts nothing.
//  1. framing + record → event in one process per run, this code's bounded framer next to the
//     unbounded one main had before issue 12 (copied below as it was), at 100k and 400k lines;
//  2. `vigil parse --source ossec FILE > /dev/null`, the whole CLI path, at the same sizes.
// Each figure is the child process's peak RSS (getrusage maxrss). BENCH_LINES=1000,100000,400000 (the default) sets the sizes.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parserFor, toEvent, type Line, type LogRecord, type ParseContext, type RecordFramer } from '../src/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const ctx: ParseContext = { timezone: 'UTC', now: new Date('2026-11-22T12:00:00Z') };

/** main's OSSEC framer before issue 12 (startLineFramer with dropBlank), kept here only to measure against. */
function unboundedFramer(starts: (text: string) => boolean): RecordFramer {
  let open: Line[] = [];
  const close = (): LogRecord[] => {
    if (open.length === 0) return [];
    let last = open.length - 1;
    while (last > 0 && (open[last] as Line).text.trim() === '') last -= 1;
    const lines = open.slice(0, last + 1);
    const record = { text: lines.map((l) => l.text).join('\n'), offset: (lines[0] as Line).offset, end: (open[open.length - 1] as Line).end };
    open = [];
    return [record];
  };
  return {
    push(line) {
      if (starts(line.text)) {
        const done = close();
        open = [line];
        return done;
      }
      if (open.length > 0) {
        open.push(line);
        return [];
      }
      return line.text.trim() === '' ? [] : [{ text: line.text, offset: line.offset, end: line.end }];
    },
    flush: close,
  };
}

/** A well-formed alerts.log head, then `lines` sshd lines and never the blank line that would end it. */
async function writeNeverClosingBlock(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) => (out.write(s) ? undefined : new Promise<void>((r) => out.once('drain', () => r())));
  await write("** Alert 1795341000.4242: - syslog,sshd,authentication_failed,\n2026 Nov 22 09:50:00 (web-01) 10.0.0.4->/var/log/auth.log\nRule: 5716 (level 5) -> 'SSHD authentication failed.'\n");
  for (let i = 0; i < lines; i += 1) await write(`Nov 22 09:49:${String(i % 60).padStart(2, '0')} web-01 sshd[${i % 99999}]: Failed password for invalid user u${i} from 198.51.100.${(i % 250) + 1} port ${(i % 60000) + 1024} ssh2\n`);
  await new Promise<void>((r) => out.end(() => r()));
}

/** Child mode: frames FILE with the given framer, turns every record into an event, prints peak RSS (kB) and counts. */
async function child(variant: string, file: string): Promise<void> {
  const parser = parserFor('ossec');
  const framer = variant === 'unbounded' ? unboundedFramer((t) => t.startsWith('** Alert ')) : (parser.framer?.() as RecordFramer);
  let offset = 0;
  let records = 0;
  let events = 0;
  const handle = (done: LogRecord[]) => {
    for (const record of done) {
      records += 1;
      if (toEvent(parser, record.text, ctx).event.original !== undefined) events += 1;
    }
  };
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    const end = offset + Buffer.byteLength(text) + 1;
    handle(framer.push({ text, offset, end }));
    offset = end;
  }
  handle(framer.flush());
  process.stdout.write(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, records, events }));
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
/** Prints maxrss (kB) to stderr as the process exits: measures a child we do not otherwise control. */
const RSS_ON_EXIT = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxrss='+process.resourceUsage().maxRSS+'\\n'))`;

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_LINES ?? '1000,100000,400000').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-framing-'));
  console.log(`vigil bench:parse — node ${process.version}, ${new Date().toISOString()}`);
  console.log('\nPeak RSS, an OSSEC block that never closes (well-formed head + N sshd lines, no blank line)\n');
  console.log('| lines | framing + toEvent, unbounded (before) | framing + toEvent, bounded (after) | `vigil parse --source ossec` (after) | events (after) |\n|---:|---:|---:|---:|---:|');
  try {
    for (const n of sizes) {
      const file = join(dir, `never-closing-${n}.log`);
      await writeNeverClosingBlock(file, n);
      const run = (variant: string) => JSON.parse(spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', variant, file], { encoding: 'utf8', maxBuffer: 1 << 20 }).stdout) as { maxRssKb: number; records: number; events: number };
      const before = run('unbounded');
      const after = run('bounded');
      const cli = spawnSync(process.execPath, ['--import', RSS_ON_EXIT, join(root, 'packages/cli/bin/vigil.js'), 'parse', '--source', 'ossec', file], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
      const cliKb = Number(/maxrss=(\d+)/.exec(cli.stderr)?.[1] ?? 0);
      console.log(`| ${n.toLocaleString('en')} | ${mb(before.maxRssKb)} (${before.records} event) | ${mb(after.maxRssKb)} | ${cliKb === 0 ? `failed (exit ${cli.status})` : mb(cliKb)} | ${after.events.toLocaleString('en')} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3] as string, process.argv[4] as string);
else await main();
