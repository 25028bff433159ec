import { VigilError, VigilValidationError } from '@vigil/core';
import { DEFAULT_CONFIG_FILE, loadResponderConfig, redactRedisUrl, Responder, ResponderConfigError, ResponderStartError } from '@vigil/responder';
import type { Output } from '../output.ts';
import { untilStopSignal } from './signals.ts';

export interface ResponderCommandOptions {
  /** This host's id; default the configuration's `host`, else the hostname, lower-cased. */
  host?: string;
  /** The responder's configuration file; default `VIGIL_RESPONDER_CONFIG`, else /etc/vigil/responder.yaml. */
  config?: string;
}

/** The responder's located configuration problems as Vigil's own error, so `vigil` prints them and exits 2. */
function asVigilError(error: ResponderConfigError): VigilValidationError {
  return new VigilValidationError(
    error.problems.map((p) => new VigilError('CONFIG_INVALID', p.message, { location: { file: p.file, ...(p.line === undefined ? {} : { line: p.line }), ...(p.path === undefined ? {} : { path: p.path }) } })),
  );
}

/**
 * `vigil responder`: on a protected host, applies this host's block and unblock requests with the
 * backend its own configuration names, until SIGINT or SIGTERM; then finishes the request in
 * progress, removes its announcement and exits 0. Needs Redis only (no Elasticsearch credentials).
 */
export async function responderCommand(options: ResponderCommandOptions, out: Output): Promise<number> {
  const file = options.config ?? process.env.VIGIL_RESPONDER_CONFIG ?? DEFAULT_CONFIG_FILE;
  let config;
  try {
    config = loadResponderConfig(file, options.host === undefined ? {} : { host: options.host });
  } catch (error) {
    if (error instanceof ResponderConfigError) throw asVigilError(error);
    throw error;
  }
  const log = (line: string) => out.error(`${new Date().toISOString()} ${line}`);
  const responder = new Responder({ config, log });
  const stopped = untilStopSignal();
  const started = responder.start().then(() => 'started' as const);
  started.catch(() => undefined); // handled below, or moot once stopped
  try {
    // SIGTERM while it still waits for Redis at start: stop, do not wait for Redis forever
    if ((await Promise.race([started, stopped.then(() => 'stopped' as const)])) === 'stopped') {
      log('vigil responder: stopped before it was started');
      await Promise.race([responder.stop().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      return 0;
    }
  } catch (error) {
    await responder.stop().catch(() => undefined);
    if (error instanceof ResponderStartError) {
      out.error(`vigil responder: ${error.message}`);
      return 1;
    }
    throw error;
  }
  log(`vigil responder: host "${config.host}", backend ${responder.backend.type}, queue ${responder.queueName} on ${redactRedisUrl(config.redisUrl)}, state in ${config.stateDir}`);
  await stopped;
  log('vigil responder: stopping');
  await responder.stop();
  return 0;
}
