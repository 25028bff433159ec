// npm run bench:scheduler — trigger delay of scheduled watch runs, for docs/benchmarks.md.
//   --watches 1000 --every 10 --duration 300 (seconds) --workers 2 --concurrency 50 (the defaults)
// One scheduler (in this process, over an in-memory registry) makes a job scheduler per watch; worker
// processes run a no-op run function, so the figure is Vigil's scheduling path alone (BullMQ delayed
// job promotion, the per-watch lock, the job bookkeeping), not Elasticsearch. Each call reports
// (watch, scheduled time, start time) to this process over IPC, which counts skipped and duplicated runs.
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { StoredWatch, Watch, WatchRegistry } from '@vigil/core';
import { deleteRedisPrefix, repoRoot, serviceEnv, uniquePrefix } from '@vigil/testkit';
import { createRedisConnection, WatchScheduler, WatchWorker } from '../src/index.ts';

const { values: flags } = parseArgs({
  options: {
    watches: { type: 'string', default: '1000' },
    every: { type: 'string', default: '10' },
    duration: { type: 'string', default: '300' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '50' },
    role: { type: 'string' },
    prefix: { type: 'string' },
  },
});
const env = serviceEnv(repoRoot());
const connect = () => createRedisConnection(env.VIGIL_REDIS_URL);

/** [watch index, scheduled ms, started ms], batched to the parent. */
type Call = [number, number, number];

async function workerRole(prefix: string, concurrency: number): Promise<void> {
  let batch: Call[] = [];
  const flush = () => {
    if (batch.length > 0) process.send?.(batch);
    batch = [];
  };
  const timer = setInterval(flush, 200);
  const worker = new WatchWorker({
    prefix,
    connect,
    concurrency,
    run: async (watchId, scheduledTime) => {
      batch.push([Number(watchId.slice(2)), scheduledTime.getTime(), Date.now()]);
      return { state: 'executed', windows: [] };
    },
    log: (line) => console.error(`[worker ${process.pid}] ${line}`),
  });
  await worker.start();
  process.send?.('ready');
  process.once('message', async () => {
    await worker.close();
    clearInterval(timer);
    flush();
    process.disconnect();
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

async function main(): Promise<void> {
  const count = Number(flags.watches);
  const every = Number(flags.every) * 1000;
  const duration = Number(flags.duration) * 1000;
  const workers = Number(flags.workers);
  const concurrency = Number(flags.concurrency);
  const prefix = uniquePrefix('bench-sched');
  console.log(`vigil bench:scheduler — node ${process.version}, ${new Date().toISOString()}`);
  console.log(`${count} watches every ${every / 1000} s for ${duration / 1000} s; ${workers} worker process(es) x concurrency ${concurrency}; no-op run function`);

  const calls: Call[] = [];
  const children = Array.from({ length: workers }, () =>
    fork(new URL(import.meta.url).pathname, ['--role', 'worker', '--prefix', prefix, '--concurrency', String(concurrency)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  await Promise.all(children.map((c) => new Promise((r) => c.once('message', r))));
  for (const c of children) c.on('message', (m) => Array.isArray(m) && calls.push(...(m as Call[])));

  const watches: StoredWatch[] = Array.from({ length: count }, (_, i) => ({
    id: `w-${i}`,
    version: 1,
    enabled: true,
    definition: { id: `w-${i}`, schedule: { every, max_catch_up: 3_600_000 } } as unknown as Watch,
    updated: new Date().toISOString(),
    status: {},
  }));
  const registry = { list: async () => watches } as unknown as WatchRegistry;
  const scheduler = new WatchScheduler({ registry, prefix, connect, log: (l) => console.log(`[scheduler] ${l}`) });
  const started = Date.now();
  await scheduler.start();

  // Measure whole slots: from the first slot after the schedulers exist to the last one that ended
  // at least 2 s before the stop (late runs of it have had time to report).
  const firstSlot = Math.ceil((Date.now() + 1) / every) * every;
  const stopAt = started + duration;
  const lastSlot = Math.floor((stopAt - 2_000) / every) * every;
  await new Promise((r) => setTimeout(r, stopAt - Date.now()));
  for (const c of children) c.send('stop');
  await Promise.all(children.map((c) => new Promise((r) => c.once('disconnect', r))));
  await scheduler.stop();

  const inRange = calls.filter(([, s]) => s >= firstSlot && s <= lastSlot);
  const seen = new Map<string, number>();
  for (const [w, s] of inRange) seen.set(`${w}@${s}`, (seen.get(`${w}@${s}`) ?? 0) + 1);
  const slots = (lastSlot - firstSlot) / every + 1;
  const expected = count * slots;
  let skipped = 0;
  for (let w = 0; w < count; w += 1) for (let s = firstSlot; s <= lastSlot; s += every) if (!seen.has(`${w}@${s}`)) skipped += 1;
  const duplicated = [...seen.values()].reduce((n, k) => n + k - 1, 0);
  const delays = inRange.map(([, s, a]) => a - s).sort((a, b) => a - b);

  console.log(`\nscheduled runs measured: ${expected.toLocaleString('en')} (${slots} slots x ${count} watches), executed ${inRange.length.toLocaleString('en')}`);
  console.log('\n| trigger delay (ms) | p1 | p20 | p50 | p80 | p99 | max |\n|---|---:|---:|---:|---:|---:|---:|');
  console.log(`| actual start − scheduled | ${[1, 20, 50, 80, 99].map((p) => percentile(delays, p)).join(' | ')} | ${delays.at(-1)} |`);
  console.log(`\nskipped runs: ${skipped}, duplicated runs: ${duplicated}`);

  // Clean up this prefix's keys only: the Redis may be shared.
  const redis = connect();
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
}

if (flags.role === 'worker') await workerRole(flags.prefix as string, Number(flags.concurrency));
else await main();
