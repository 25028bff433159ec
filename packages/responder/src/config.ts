import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { parseRange } from './address.ts';
import { backendType } from './backends/registry.ts';
import { parseDuration } from './duration.ts';
import { ResponderConfigError, type ConfigProblem } from './errors.ts';
import { locateIssues, parseLocated, type LocatedDocument } from './located-yaml.ts';
import { HOST_ID } from './protocol.ts';

/** Where `vigil responder` reads its configuration unless `--config` or `VIGIL_RESPONDER_CONFIG` names another. */
export const DEFAULT_CONFIG_FILE = '/etc/vigil/responder.yaml';
export const DEFAULT_STATE_DIR = '/var/lib/vigil-responder';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_INDEX_PREFIX = 'vigil';
/** Longest block accepted unless `max_duration` says otherwise: 30 days. */
export const DEFAULT_MAX_DURATION_MS = 30 * 86_400_000;

const redisUrl = z.string().refine((value) => {
  try {
    return ['redis:', 'rediss:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be a redis:// or rediss:// URL, for example rediss://responder-web1:secret@redis.example.org:6380');

const indexPrefix = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 lower-case letters, digits, "-" or "_", starting with a letter or digit');

const cidr = z.string().superRefine((text, ctx) => {
  const parsed = parseRange(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
});

/**
 * The responder's configuration file (YAML), one per protected host. Every key is optional but
 * `backend`; unknown keys are errors naming the file, line and key. The backend is chosen here,
 * by the host's owner, never by a watch.
 */
export const responderFileSchema = z.strictObject({
  /** This host's id (its queue is `<prefix>-responder-<host>`); `--host` wins; default the hostname, lower-cased. */
  host: z.string().regex(HOST_ID, 'must be lower-case letters, digits, ".", "_" or "-" (at most 63), starting with a letter or digit').optional(),
  redis: z
    .strictObject({
      /** `VIGIL_REDIS_URL` wins. `rediss://` for TLS, `redis://user:pass@host:port` for an ACL user. */
      url: redisUrl.optional(),
    })
    .optional(),
  /** `VIGIL_INDEX_PREFIX` wins; default `vigil`. Must match Vigil's. */
  index_prefix: indexPrefix.optional(),
  /** Where the state file of active blocks lives (default `/var/lib/vigil-responder`). Absolute. */
  state_dir: z.string().refine(isAbsolute, 'must be an absolute path').optional(),
  /** Longest block accepted (`30d`, `12h`, `90m`...); longer requests are refused. Default 30 days. */
  max_duration: z
    .string()
    .refine((v) => parseDuration(v) !== undefined, 'must be a duration such as 30d, 12h, 90m or 600s')
    .optional(),
  /** Ranges never blocked, added to the defaults: CIDRs (`203.0.113.0/24`, `2001:db8::/32`) or addresses. */
  allowlist: z.array(cidr).optional(),
  /** Keep the default allowlist (loopback, link-local, private, multicast...): default true. */
  default_allowlist: z.boolean().optional(),
  /** The one backend this host uses: `type` is ipset, nftables, iptables, hosts.deny or command. */
  backend: z.looseObject({ type: z.string() }),
});

/** The backend section after its own schema: `type` plus that backend's options. */
export type BackendConfig = { type: string } & Record<string, unknown>;

/** The responder's validated configuration. */
export interface ResponderConfig {
  /** The file it was read from, when any. */
  file?: string;
  host: string;
  redisUrl: string;
  indexPrefix: string;
  stateDir: string;
  maxDurationMs: number;
  allowlist: string[];
  defaultAllowlist: boolean;
  backend: BackendConfig;
}

/** What overrides the file: the command line and the environment. */
export interface ResponderConfigOverrides {
  /** `--host`. */
  host?: string;
  env?: NodeJS.ProcessEnv;
  /** The default host id when neither `--host` nor the file names one (default the hostname). */
  hostname?: () => string;
}

function validateBackend(value: { type: string }, doc: LocatedDocument): { backend?: BackendConfig; problems: ConfigProblem[] } {
  const type = backendType(value.type);
  if (type === undefined) {
    const line = doc.lineOf(['backend', 'type']);
    return { problems: [{ file: doc.file, ...(line === undefined ? {} : { line }), path: 'backend.type', message: `unknown backend type ${JSON.stringify(value.type)} (one of ipset, nftables, iptables, hosts.deny, command)` }] };
  }
  const parsed = type.schema.safeParse(value);
  if (!parsed.success) return { problems: locateIssues(parsed.error.issues, doc, ['backend']) };
  return { backend: parsed.data as BackendConfig, problems: [] };
}

function problem(file: string, message: string, path?: string): ConfigProblem {
  return { file, message, ...(path === undefined ? {} : { path }) };
}

/**
 * Parses and validates the responder's configuration text (every problem at once, located), then
 * applies the overrides: `--host`, `VIGIL_REDIS_URL`, `VIGIL_INDEX_PREFIX`.
 */
export function parseResponderConfig(file: string, text: string, overrides: ResponderConfigOverrides = {}): ResponderConfig {
  const env = overrides.env ?? process.env;
  const doc = parseLocated(file, text);
  const parsed = responderFileSchema.safeParse(doc.value ?? {});
  // the backend section is checked by its own type's schema, even when the rest has problems: all are reported at once
  const rawBackend = (doc.value as { backend?: unknown } | null)?.backend;
  const hasType = typeof rawBackend === 'object' && rawBackend !== null && typeof (rawBackend as { type?: unknown }).type === 'string';
  const { backend, problems } = hasType ? validateBackend(rawBackend as { type: string }, doc) : { backend: undefined, problems: [] as ConfigProblem[] };
  if (!parsed.success) throw new ResponderConfigError([...locateIssues(parsed.error.issues, doc), ...problems]);
  const c = parsed.data;

  const host = (overrides.host ?? c.host ?? (overrides.hostname ?? hostname)()).toLowerCase();
  if (!HOST_ID.test(host)) {
    const from = overrides.host !== undefined ? '--host' : c.host !== undefined ? 'host' : 'the hostname';
    problems.push(problem(overrides.host !== undefined ? '--host' : file, `${JSON.stringify(host)} (${from}) is not a host id: lower-case letters, digits, ".", "_" or "-", at most 63, starting with a letter or digit; set host: or --host`));
  }
  const redis = env.VIGIL_REDIS_URL ?? c.redis?.url ?? DEFAULT_REDIS_URL;
  if (env.VIGIL_REDIS_URL !== undefined && !redisUrl.safeParse(redis).success) problems.push(problem('VIGIL_REDIS_URL', 'must be a redis:// or rediss:// URL'));
  const prefix = env.VIGIL_INDEX_PREFIX ?? c.index_prefix ?? DEFAULT_INDEX_PREFIX;
  if (env.VIGIL_INDEX_PREFIX !== undefined && !indexPrefix.safeParse(prefix).success) problems.push(problem('VIGIL_INDEX_PREFIX', 'must be 1-64 lower-case letters, digits, "-" or "_", starting with a letter or digit'));
  if (problems.length > 0 || backend === undefined) throw new ResponderConfigError(problems);

  return {
    file,
    host,
    redisUrl: redis,
    indexPrefix: prefix,
    stateDir: c.state_dir ?? DEFAULT_STATE_DIR,
    maxDurationMs: c.max_duration === undefined ? DEFAULT_MAX_DURATION_MS : (parseDuration(c.max_duration) as number),
    allowlist: c.allowlist ?? [],
    defaultAllowlist: c.default_allowlist ?? true,
    backend,
  };
}

/** Reads and validates the responder's configuration file; an unreadable file is a located error too. */
export function loadResponderConfig(file: string, overrides: ResponderConfigOverrides = {}): ResponderConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ResponderConfigError([{ file, message: `cannot read the responder's configuration: ${(error as Error).message}` }]);
  }
  return parseResponderConfig(file, text, overrides);
}
