import { resolve } from 'node:path';
import { VigilError, type VigilConfig } from '@vigil/core';
import { loadInputConfigs, type LoadedInput } from '@vigil/ingest';
import { openStores } from '@vigil/store';
import { exitCode, formatResult, runChecks } from '../../doctor/index.ts';
import type { Output } from '../../output.ts';
import { setupCommand } from '../setup.ts';
import { putCommand } from '../watch/put.ts';
import { installation, type Installation } from './paths.ts';
import { planResponder, type ResponderPlan } from './responder-config.ts';
import { roleSpecs } from './roles.ts';
import {
  ownedByScript,
  planServices,
  probesFrom,
  readServicesEnv,
  runServicesScript,
  shutdownPlan,
  startedServicesEnv,
} from './services.ts';
import { StopSignals } from './signals.ts';
import { summaryLines } from './summary.ts';
import { describeExit, Supervisor, type ChildExit } from './supervisor.ts';

/** Options of `vigil up` (see register.ts for the flags). */
export interface UpOptions {
  /** Folder of the input definitions for `ingest serve` (default `ingest`). */
  ingestDir: string;
  /** Folder (or file) of watch definitions stored with `watch put` (default `watches`). */
  watches: string;
  /** False with `--no-responder`. */
  responder: boolean;
  /** False with `--no-services`: never start the local services, fail when one is down. */
  services: boolean;
  /** `--responder-config`: the responder's configuration instead of `<state>/responder.yaml`. */
  responderConfig?: string;
  /** `--metrics`: the ingest metrics endpoint `host:port`, or `off` (default 127.0.0.1:9464). */
  metrics: string;
}

/** What `vigil up` runs with. */
export interface UpContext {
  out: Output;
  /** Reads the configuration (again after services were started: their variables are then in `process.env`). */
  config: () => Promise<VigilConfig>;
  /** The global `--config`, passed on to every child. */
  configFile: string | undefined;
  /** Default: found from this package ({@link installation}). */
  installation?: Installation;
  /** How long stopping children may take before they are killed (default 20 s). */
  stopTimeoutMs?: number;
  /** How long to wait for the children's ready lines before saying who is still starting (default 60 s). */
  slowStartMs?: number;
}

/** The registry after `watch put`: every watch of the prefix, and those enabled. */
interface WatchCounts {
  registered: number;
  enabled: number;
}

const STOP_TIMEOUT_MS = 20_000;
const SLOW_START_MS = 60_000;

/** One run of `vigil up`: what it started, so the end can undo exactly that. */
interface Run {
  ctx: UpContext;
  options: UpOptions;
  inst: Installation;
  signals: StopSignals;
  say: (line: string) => void;
  sayError: (line: string) => void;
  /** This run ran `scripts/services up`. */
  ranServicesUp: boolean;
  /** Services scripts/services had started before this run (its `down` would stop them too). */
  ownedBefore: string[];
  /** Children were started (the last line then says everything stopped). */
  supervised: boolean;
}

/**
 * `vigil up`: the local services when needed, `setup`, `watch put`, the doctor, then `ingest serve`,
 * `scheduler`, `worker` and (as root) `responder` as children, their lines prefixed; a summary once
 * all are ready; on SIGINT/SIGTERM or a child's crash, stops everything it started.
 */
export async function upCommand(ctx: UpContext, options: UpOptions): Promise<number> {
  const run: Run = {
    ctx,
    options,
    inst: ctx.installation ?? installation(),
    signals: new StopSignals(),
    say: (line) => ctx.out.log(`vigil up: ${line}`),
    sayError: (line) => ctx.out.error(`vigil up: ${line}`),
    ranServicesUp: false,
    ownedBefore: [],
    supervised: false,
  };
  try {
    return await upPhases(run);
  } finally {
    await servicesDown(run);
    run.signals.dispose();
    if (run.supervised) run.say('stopped');
  }
}

async function upPhases(run: Run): Promise<number> {
  const inputs = loadInputs(run.options.ingestDir);
  const config = await settleServices(run);
  if (config === undefined) return 1;
  if (run.signals.signal !== undefined) return 0;
  const watches = await storeWatches(run, config);
  if (watches === undefined) return 1;
  if (!(await doctor(run, config))) return 1;
  if (run.signals.signal !== undefined) return 0;
  const responder = responderPlan(run);
  return supervise(run, config, inputs, watches, responder);
}

/** The ingest definitions, validated before anything starts (a mistake there is exit 2, nothing left running). */
function loadInputs(dir: string): LoadedInput[] {
  const inputs = loadInputConfigs(resolve(dir));
  if (inputs.length === 0) throw new VigilError('CONFIG_INVALID', `no input definitions (*.yaml) in ${resolve(dir)}: --ingest-dir names the folder`);
  return inputs;
}

/** Checks the services, starts the local ones when needed and allowed; the configuration to go on with, or undefined. */
async function settleServices(run: Run): Promise<VigilConfig | undefined> {
  let config = await run.ctx.config();
  const plan = planServices(probesFrom(config, await runChecks(config)), {
    noServices: !run.options.services,
    servicesScript: run.inst.servicesScript,
  });
  if (plan.action === 'none') return config;
  if (plan.action === 'fail') {
    run.sayError(plan.message);
    for (const line of plan.lines) run.ctx.out.error(line);
    return undefined;
  }
  const script = run.inst.servicesScript.path;
  const scriptOptions = { cwd: run.inst.root, env: process.env };
  run.ownedBefore = ownedByScript((await runServicesScript(script, 'status', scriptOptions)).output);
  for (const line of plan.lines) run.ctx.out.log(`[doctor] ${line}`);
  run.say(`${plan.services.join(', ')} failed ${plan.services.length === 1 ? 'its check' : 'their checks'}: starting the local services (scripts/services up)`);
  run.ranServicesUp = true;
  const up = await runServicesScript(script, 'up', { ...scriptOptions, write: (line) => run.ctx.out.log(line) });
  if (up.code !== 0) {
    run.sayError(`scripts/services up failed (exit code ${up.code}): see its [services] lines above`);
    return undefined;
  }
  // the children inherit process.env; the configuration is read again from it
  Object.assign(process.env, startedServicesEnv(readServicesEnv(run.inst.stateDir), plan.services));
  config = await run.ctx.config();
  const still = probesFrom(config, await runChecks(config)).filter((p) => !p.up);
  if (still.length === 0) return config;
  run.sayError(`${still.map((p) => p.name).join(', ')} still failing after scripts/services up`);
  for (const p of still) run.ctx.out.error(p.line);
  return undefined;
}

/** Writes each line of an in-process command with a prefix, like a child's. */
function prefixed(out: Output, prefix: string): Output {
  return { log: (line) => out.log(`${prefix}${line}`), error: (line) => out.log(`${prefix}${line}`) };
}

/** `vigil setup` and `vigil watch put <dir>`, in this process; the registry's counts, or undefined when the put failed. */
async function storeWatches(run: Run, config: VigilConfig): Promise<WatchCounts | undefined> {
  if ((await setupCommand(config, prefixed(run.ctx.out, '[setup] '))) !== 0) return undefined;
  const putContext = { out: prefixed(run.ctx.out, '[watches] '), setExitCode: () => undefined, config: async () => config };
  const put = await putCommand(putContext, [resolve(run.options.watches)]);
  if (put !== 0) {
    run.sayError(`the watches in ${resolve(run.options.watches)} were not stored (above); fix them and run vigil up again`);
    return undefined;
  }
  const stores = openStores(config, { maxRetries: 1 });
  try {
    const all = await stores.registry.list();
    return { registered: all.length, enabled: all.filter((w) => w.enabled).length };
  } finally {
    await stores.close();
  }
}

/** The doctor's warnings and failures, prefixed; false when a required service failed. */
async function doctor(run: Run, config: VigilConfig): Promise<boolean> {
  const results = await runChecks(config);
  for (const r of results) if (r.status !== 'ok') run.ctx.out.log(`[doctor] ${formatResult(r)}`);
  if (exitCode(results) === 0) return true;
  run.sayError('a required service failed its check (above); fix it and run vigil up again');
  return false;
}

function responderPlan(run: Run): ResponderPlan {
  const plan = planResponder({
    wanted: run.options.responder,
    root: process.getuid?.() === 0,
    stateDir: run.inst.stateDir,
    ...(run.options.responderConfig === undefined ? {} : { configFile: run.options.responderConfig }),
  });
  if (!plan.start) run.say(`responder: not started (${plan.why})`);
  else if (plan.written) run.say(`wrote ${plan.config}: the responder blocks with nftables in table inet vigil (nft delete table inet vigil removes it)`);
  return plan;
}

/** Starts the children, prints the summary once they are ready, and stops them on a signal or a crash. */
async function supervise(run: Run, config: VigilConfig, inputs: LoadedInput[], watches: WatchCounts, responder: ResponderPlan): Promise<number> {
  const supervisor = new Supervisor({
    node: process.execPath,
    entry: run.inst.cliEntry,
    globalArgs: run.ctx.configFile === undefined ? [] : ['--config', resolve(run.ctx.configFile)],
    env: process.env,
    cwd: process.cwd(),
    write: (line) => run.ctx.out.log(line),
  });
  run.supervised = true;
  const responderConfig = responder.start ? { responderConfig: responder.config } : {};
  supervisor.start(roleSpecs({ ingestDir: resolve(run.options.ingestDir), metrics: run.options.metrics, ...responderConfig }));
  run.say(`started ${supervisor.processes.map((p) => `${p.role} (pid ${p.pid})`).join(', ')}`);
  const slow = setTimeout(() => run.say(`still waiting for the start line of ${supervisor.starting.join(', ')}`), run.ctx.slowStartMs ?? SLOW_START_MS);
  slow.unref();
  void supervisor.ready.then(() => {
    clearTimeout(slow);
    if (run.signals.signal !== undefined) return;
    const listenHost = process.env.VIGIL_INGEST_LISTEN_HOST || undefined;
    const lines = summaryLines({
      processes: supervisor.processes,
      inputs,
      ...(listenHost === undefined ? {} : { listenHost }),
      mail: { smtpUrl: config.smtp.url, to: config.smtp.to, ...mailApi(run, config) },
      watches,
      responder: responder.start ? `running with ${responder.config}` : `not started: ${responder.why}`,
      ...(run.options.metrics === 'off' ? {} : { metrics: run.options.metrics }),
    });
    for (const line of lines) run.ctx.out.log(line);
  });
  const reason = await Promise.race([run.signals.requested.then((signal) => ({ signal })), supervisor.crashed.then((crash) => ({ crash }))]);
  clearTimeout(slow);
  return stopChildren(run, supervisor, reason);
}

/** The capture server's API when mail goes to the local one: `VIGIL_MAIL_API_URL`, else the one in `.services/env`. */
function mailApi(run: Run, config: VigilConfig): { mailApiUrl?: string } {
  let host: string;
  try {
    host = new URL(config.smtp.url).hostname;
  } catch {
    return {};
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) return {};
  const url = process.env.VIGIL_MAIL_API_URL ?? readServicesEnv(run.inst.stateDir).VIGIL_MAIL_API_URL;
  return url === undefined || url === '' ? {} : { mailApiUrl: url.replace(/\/+$/, '') };
}

async function stopChildren(run: Run, supervisor: Supervisor, reason: { signal: NodeJS.Signals } | { crash: ChildExit }): Promise<number> {
  const others = supervisor.processes.map((p) => p.role).filter((role) => !('crash' in reason) || role !== reason.crash.role);
  if ('crash' in reason) run.sayError(`${reason.crash.role} ended on its own (${describeExit(reason.crash)}): stopping ${others.join(', ') || 'nothing else'}`);
  else run.say(`${reason.signal} received: stopping ${others.join(', ')} (Ctrl-C again kills them)`);
  run.signals.onRepeat = () => supervisor.kill();
  const timeoutMs = run.ctx.stopTimeoutMs ?? STOP_TIMEOUT_MS;
  const { exits, killed } = await supervisor.stop(timeoutMs);
  for (const exit of exits) {
    if ('crash' in reason && exit.role === reason.crash.role) continue;
    if (killed.includes(exit.role)) run.say(`${exit.role} did not stop within ${timeoutMs / 1000} s: killed (SIGKILL)`);
    else run.say(`${exit.role} stopped${exit.ready ? '' : ' while it was starting'} (${describeExit(exit)})`);
  }
  if ('crash' in reason) return 1;
  const clean = killed.length === 0 && exits.every(stoppedCleanly);
  if (!clean) run.sayError('not every process stopped cleanly (above)');
  return clean ? 0 : 1;
}

/** Exit code 0, or SIGTERM's default action on a role stopped before it had set up its handler (it had nothing to drain yet). */
function stoppedCleanly(exit: ChildExit): boolean {
  return exit.code === 0 || (!exit.ready && exit.signal === 'SIGTERM');
}

/** At the very end: `scripts/services down`, only when this run started the services. */
async function servicesDown(run: Run): Promise<void> {
  const plan = shutdownPlan(run.ranServicesUp, run.ownedBefore);
  if (plan.action === 'none') return;
  if (plan.action === 'keep') {
    run.say(plan.message);
    return;
  }
  run.say('stopping the services it started (scripts/services down)');
  const down = await runServicesScript(run.inst.servicesScript.path, 'down', { cwd: run.inst.root, env: process.env, write: (line) => run.ctx.out.log(line) });
  if (down.code !== 0) run.sayError(`scripts/services down failed (exit code ${down.code}); see scripts/services status`);
}
