// npm run bench:cli — `vigil parse` next to liblognorm's lognormalizer (C; rsyslog's mmnormalize) on
// the same generated lines, for docs/benchmarks.md (issue 13). Not a test: it asserts nothing.
//  1. per format (sshd, netfilter, tcpdump): BENCH_LINES lines (default 1,000,000), BENCH_ROUNDS
//     rounds (default 3) that alternate the two programs, each writing to a file; medians of wall
//     time, CPU and peak RSS (GNU time), output bytes per line, and vigil's ratio to lognormalizer;
//  2. start-up: an empty input (wall, RSS) and the time from spawn to the first event on stdout.
// lognormalizer runs with the rulebases in ./lognormalizer, which extract the same core fields.
// BENCH_VIGIL_MAIN=dist/packages/cli/bin/vigil.js measures the compiled CLI of scripts/build.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchLog, type BenchFormat } from './generate.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const vigilMain = join(root, process.env.BENCH_VIGIL_MAIN ?? 'packages/cli/bin/vigil.js');
const lines = Number(process.env.BENCH_LINES ?? 1_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const GNU_TIME = '/usr/bin/time';

/** `vigil parse --source` of each format: netfilter lines are syslog lines the syslog parser hands on. */
const SOURCE: Record<BenchFormat, string> = { sshd: 'syslog', netfilter: 'syslog', tcpdump: 'tcpdump' };

interface Run {
  wallS: number;
  cpuS: number;
  rssMb: number;
  bytes: number;
}

/** Runs `argv` under GNU time with stdin from `input` (or empty) and stdout into `output`. */
function timed(argv: string[], input: string | undefined, output: string): Run {
  const script = `exec "$@" < ${input === undefined ? '/dev/null' : JSON.stringify(input)} > ${JSON.stringify(output)}`;
  const r = spawnSync(GNU_TIME, ['-f', 'BENCH %e %U %S %M', 'sh', '-c', script, 'sh', ...argv], { encoding: 'utf8' });
  const m = /BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || m === null) throw new Error(`${argv.join(' ')} failed (${String(r.status)}): ${r.stderr.slice(-2000)}`);
  return { wallS: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024, bytes: statSync(output).size };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function medianRun(runs: Run[]): Run {
  return { wallS: median(runs.map((r) => r.wallS)), cpuS: median(runs.map((r) => r.cpuS)), rssMb: median(runs.map((r) => r.rssMb)), bytes: median(runs.map((r) => r.bytes)) };
}

const vigilArgv = (format: BenchFormat) => [process.execPath, vigilMain, 'parse', '--source', SOURCE[format]];
const lognormArgv = (format: BenchFormat) => ['lognormalizer', '-r', join(here, 'lognormalizer', `${format}.rulebase`), '-e', 'json'];

/**
 * Milliseconds from spawn to the first byte of output, for one line written to stdin at once and
 * stdin then closed: lognormalizer, like most C programs, holds its output in a stdio buffer until
 * exit when stdout is a pipe, so an open stdin would never show its first event.
 */
function firstEvent(argv: string[], line: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout.once('data', () => {
      resolve(Number(process.hrtime.bigint() - started) / 1e6);
      child.stdout.resume();
    });
    child.on('error', reject);
    child.stdin.end(`${line}\n`);
  });
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
/** GNU time counts wall time in hundredths of a second: a 0 means below 10 ms. */
const wallMs = (r: Run) => (r.wallS === 0 ? '< 10' : fmt(r.wallS * 1000, 0));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-cli-'));
  try {
    console.log(`vigil bench:cli — node ${process.version}, ${new Date().toISOString()}, ${lines.toLocaleString('en')} lines, ${rounds} rounds, ${vigilMain.slice(root.length + 1)}`);
    const version = spawnSync('lognormalizer', ['-V'], { encoding: 'utf8' });
    console.log(`${version.stdout}${version.stderr}`.split('\n').find((l) => l.trim() !== '') ?? 'lognormalizer (no version)');
    // the first start fills Node's compile cache (bin/vigil.js enables it): later starts are measured
    timed(vigilArgv('sshd'), undefined, join(dir, 'warm.json'));
    console.log('\n1. Parse to JSON lines in a file, medians\n');
    console.log('| lines | program | wall s | CPU s | peak RSS MB | B/line | lines/s | vigil ÷ lognormalizer (wall) |');
    console.log('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const format of ['sshd', 'netfilter', 'tcpdump'] as const) {
      const input = join(dir, `${format}.log`);
      await writeBenchLog(input, format, lines);
      const vigil: Run[] = [];
      const lognorm: Run[] = [];
      for (let round = 0; round < rounds; round += 1) {
        // alternate which goes first, so neither always runs on a warmer page cache
        const pair = [() => vigil.push(timed(vigilArgv(format), input, join(dir, 'vigil.json'))), () => lognorm.push(timed(lognormArgv(format), input, join(dir, 'lognorm.json')))];
        if (round % 2 === 1) pair.reverse();
        for (const run of pair) run();
      }
      const v = medianRun(vigil);
      const l = medianRun(lognorm);
      const row = (name: string, r: Run, ratio: string) => console.log(`| ${format} | ${name} | ${fmt(r.wallS)} | ${fmt(r.cpuS)} | ${fmt(r.rssMb, 0)} | ${fmt(r.bytes / lines, 0)} | ${Math.round(lines / r.wallS).toLocaleString('en')} | ${ratio} |`);
      row('vigil parse', v, `**${fmt(v.wallS / l.wallS)}×** (CPU ${fmt(v.cpuS / l.cpuS)}×, RSS ${fmt(v.rssMb / l.rssMb, 1)}×)`);
      row('lognormalizer', l, '');
      console.log(`|  | rounds, vigil wall s | ${vigil.map((r) => fmt(r.wallS)).join(', ')} | lognormalizer | ${lognorm.map((r) => fmt(r.wallS)).join(', ')} |  |  |  |`);
      rmSync(input);
    }
    console.log('\n2. Start-up, medians of 5\n');
    const empty = (argv: string[]) => medianRun(Array.from({ length: 5 }, () => timed(argv, undefined, join(dir, 'empty.json'))));
    const sample = 'Dec 31 23:59:59 srv001 sshd[4242]: Failed password for root from 185.1.2.3 port 40022 ssh2';
    const first = async (argv: string[]) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i += 1) times.push(await firstEvent(argv, sample));
      return median(times);
    };
    const ve = empty(vigilArgv('sshd'));
    const le = empty(lognormArgv('sshd'));
    console.log('| program | empty input: wall ms | RSS MB | spawn → first event ms |');
    console.log('|---|---:|---:|---:|');
    console.log(`| vigil parse | ${wallMs(ve)} | ${fmt(ve.rssMb, 0)} | ${fmt(await first(vigilArgv('sshd')), 0)} |`);
    console.log(`| lognormalizer | ${wallMs(le)} | ${fmt(le.rssMb, 0)} | ${fmt(await first(lognormArgv('sshd')), 0)} |`);
    const bare = empty([process.execPath, '--input-type=module', '-e', '']);
    console.log(`| bare node (an empty ES module, \`-e ''\`) | ${wallMs(bare)} | ${fmt(bare.rssMb, 0)} | |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
