import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvFile, redactUrl, type VigilConfig } from '@vigil/core';
import { formatResult, type CheckResult } from '../../doctor/index.ts';
import { LinePrefixer } from './lines.ts';

// Which of Elasticsearch, Redis and SMTP `vigil up` may start itself, and how (scripts/services).
// The decisions are pure functions over the doctor's results, so they are tested without services.

/** The services `vigil up` needs, named as the doctor names their reachability check. */
export const SERVICES = ['elasticsearch', 'redis', 'smtp'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** What scripts/services starts for each service: the address it listens on and the variable that moves it. */
const LOCAL: Record<ServiceName, { protocol: string; portVariable: string; port: number; urlVariable: string }> = {
  elasticsearch: { protocol: 'http:', portVariable: 'VIGIL_ES_PORT', port: 9200, urlVariable: 'VIGIL_ELASTICSEARCH_URL' },
  redis: { protocol: 'redis:', portVariable: 'VIGIL_REDIS_PORT', port: 6379, urlVariable: 'VIGIL_REDIS_URL' },
  smtp: { protocol: 'smtp:', portVariable: 'VIGIL_SMTP_PORT', port: 1025, urlVariable: 'VIGIL_SMTP_URL' },
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** One service as the doctor found it. */
export interface ServiceProbe {
  name: ServiceName;
  /** The configured URL (may hold credentials: print it through `redactUrl`). */
  url: string;
  /** False when its reachability check failed. */
  up: boolean;
  /** The doctor's line for it (`FAIL redis  redis://127.0.0.1:6379 unreachable: ... -- fix: ...`). */
  line: string;
}

/** The reachability of each service from the doctor's results (`elasticsearch`, `redis`, `smtp`; not the policy checks). */
export function probesFrom(config: Pick<VigilConfig, 'elasticsearch' | 'redis' | 'smtp'>, results: readonly CheckResult[]): ServiceProbe[] {
  const urls: Record<ServiceName, string> = { elasticsearch: config.elasticsearch.url, redis: config.redis.url, smtp: config.smtp.url };
  return SERVICES.map((name) => {
    const result = results.find((r) => r.name === name);
    const up = result !== undefined && result.status !== 'fail';
    return { name, url: urls[name], up, line: result === undefined ? `FAIL ${name.padEnd(14)} not checked` : formatResult(result) };
  });
}

/**
 * True when `url` is where scripts/services puts `name`: plain scheme, loopback host and its port
 * (the default, or the `VIGIL_ES_PORT` / `VIGIL_REDIS_PORT` / `VIGIL_SMTP_PORT` it honours too).
 * Only those may be started by `vigil up`: a remote cluster that is down is the operator's to fix.
 */
export function isLocalDefault(name: ServiceName, url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const local = LOCAL[name];
  const port = Number(env[local.portVariable] ?? local.port);
  return parsed.protocol === local.protocol && LOOPBACK.has(parsed.hostname) && Number(parsed.port) === port;
}

/** What to do about the services before Vigil's own processes start. */
export type ServicePlan =
  | { action: 'none' }
  /** `lines`: the doctor's lines of the services that are down, printed before they are started. */
  | { action: 'start'; services: ServiceName[]; lines: string[] }
  /** `message` says why `vigil up` cannot go on; `lines` are the doctor's lines of the services that are down. */
  | { action: 'fail'; message: string; lines: string[] };

/** Options of {@link planServices}. */
export interface PlanOptions {
  /** `--no-services`: never start anything. */
  noServices: boolean;
  /** scripts/services of this installation. */
  servicesScript: { path: string; present: boolean };
  env?: NodeJS.ProcessEnv;
}

const names = (probes: readonly ServiceProbe[]) => probes.map((p) => p.name).join(', ');
const variables = (probes: readonly ServiceProbe[]) => probes.map((p) => LOCAL[p.name].urlVariable).join(', ');

/** Nothing to do when all answer; start them when every one that is down is a local default; else fail saying why. */
export function planServices(probes: readonly ServiceProbe[], options: PlanOptions): ServicePlan {
  const down = probes.filter((p) => !p.up);
  if (down.length === 0) return { action: 'none' };
  const lines = down.map((p) => p.line);
  if (options.noServices) return { action: 'fail', message: `${names(down)} failing its check, and --no-services says not to start them`, lines };
  const remote = down.filter((p) => !isLocalDefault(p.name, p.url, options.env));
  if (remote.length > 0) {
    const which = remote.map((p) => `${p.name} at ${redactUrl(p.url)}`).join(', ');
    return {
      action: 'fail',
      message:
        `${which} failing its check; scripts/services starts only the local services on 127.0.0.1, ` +
        `so start ${remote.length === 1 ? 'it' : 'them'} or point ${variables(remote)} at a running one`,
      lines,
    };
  }
  if (!options.servicesScript.present) {
    return {
      action: 'fail',
      message:
        `${names(down)} failing its check, and ${options.servicesScript.path}, which starts the local services in a checkout, ` +
        `is not in this installation: start them yourself or point ${variables(down)} at running ones`,
      lines,
    };
  }
  return { action: 'start', services: down.map((p) => p.name), lines };
}

export { parseEnvFile };


/** The `.services/env` written by scripts/services, or an empty record when there is none. */
export function readServicesEnv(stateDir: string): Record<string, string> {
  try {
    return parseEnvFile(readFileSync(join(stateDir, 'env'), 'utf8'));
  } catch {
    return {};
  }
}

/**
 * The variables to set after scripts/services started `started`: their URLs as it wrote them (the
 * Elasticsearch one carries its credentials), and the capture server's mail API. A service that was
 * answering keeps the URL it was configured with.
 */
export function startedServicesEnv(file: Record<string, string>, started: readonly ServiceName[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [...started.map((name) => LOCAL[name].urlVariable), 'VIGIL_MAIL_API_URL']) {
    const value = file[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

/**
 * The services `scripts/services status` reports as up and started by scripts/services (a pid file):
 * `scripts/services down` stops every one of them, including those `vigil up` found running.
 */
export function ownedByScript(statusText: string): string[] {
  return statusText
    .split('\n')
    .map((line) => /^(\S+)\s+up\s.*\(started by scripts\/services\)\s*$/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** What to do with the services when `vigil up` stops. */
export type ServicesShutdown = { action: 'none' } | { action: 'down' } | { action: 'keep'; message: string };

/**
 * `scripts/services down` only when this `vigil up` ran `scripts/services up`, and only when no
 * service it found running was started by scripts/services before (down would stop that one too).
 */
export function shutdownPlan(ranUp: boolean, ownedBefore: readonly string[]): ServicesShutdown {
  if (!ranUp) return { action: 'none' };
  if (ownedBefore.length === 0) return { action: 'down' };
  return {
    action: 'keep',
    message:
      `leaving the services running: scripts/services down would also stop ${ownedBefore.join(', ')}, ` +
      `which ${ownedBefore.length === 1 ? 'was' : 'were'} running before vigil up; stop them with scripts/services down when done`,
  };
}

/** Runs `bash scripts/services <command>`; every output line goes to `write` prefixed, and is also returned. */
export function runServicesScript(
  script: string,
  command: 'up' | 'down' | 'status',
  options: { cwd: string; env: NodeJS.ProcessEnv; write?: (line: string) => void },
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [script, command], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const write = (line: string) => {
      lines.push(line.slice('[services] '.length));
      options.write?.(line);
    };
    for (const stream of [child.stdout, child.stderr]) {
      const prefixer = new LinePrefixer({ prefix: '[services] ', write });
      stream.on('data', (chunk: Buffer) => prefixer.push(chunk));
      stream.on('end', () => prefixer.end());
    }
    child.once('error', (err) => {
      lines.push(`cannot run bash ${script}: ${err.message}`);
      options.write?.(`[services] cannot run bash ${script}: ${err.message}`);
    });
    child.once('close', (code) => {
      resolve({ code: code ?? 1, output: lines.join('\n') });
    });
  });
}
