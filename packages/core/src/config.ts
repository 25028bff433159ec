import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { VigilError, VigilValidationError } from './errors.ts';
import { locateIssues, parseLocated, type LocatedDocument } from './yaml.ts';
import { durationSchema } from './watch/duration.ts';

function urlWithScheme(schemes: readonly string[], example: string) {
  return z.string().refine(
    (value) => {
      try {
        return schemes.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `must be a ${schemes.map((s) => `${s}://`).join(' or ')} URL, for example ${example}` },
  );
}

/**
 * An index name prefix. Elasticsearch index names are lower case and may not start with `-`, `_` or
 * `+`; every Vigil index is `<prefix>-<name>`, so the prefix keeps to letters, digits, `-` and `_`.
 */
export const indexPrefixSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 lower-case letters, digits, "-" or "_", starting with a letter or digit');

/**
 * `vigil.yaml`: every key is optional; the environment variable beside each key overrides it.
 * Unknown keys are errors, so a typo never silently falls back to a default.
 */
export const configFileSchema = z.strictObject({
  elasticsearch: z
    .strictObject({
      /** `VIGIL_ELASTICSEARCH_URL`. Credentials may be in the URL: `https://user:pass@host:9200`. */
      url: urlWithScheme(['http', 'https'], 'http://127.0.0.1:9200').default('http://127.0.0.1:9200'),
      /** `VIGIL_ELASTICSEARCH_API_KEY`: an encoded API key, used instead of URL credentials. */
      api_key: z.string().min(1, 'must not be empty').optional(),
    })
    .prefault({}),
  redis: z
    .strictObject({
      /** `VIGIL_REDIS_URL`: BullMQ's queues and the scheduler's runtime state. */
      url: urlWithScheme(['redis', 'rediss'], 'redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
    })
    .prefault({}),
  smtp: z
    .strictObject({
      /** `VIGIL_SMTP_URL`: where alert mail is sent, `smtp://user:pass@host:587` or `smtps://...`. */
      url: urlWithScheme(['smtp', 'smtps'], 'smtp://127.0.0.1:1025').default('smtp://127.0.0.1:1025'),
      /** `VIGIL_SMTP_FROM`: the sender of alert mail unless a watch's email action names one. */
      from: z.string().min(3).refine((v) => !/[\r\n]/.test(v) && /@/.test(v), 'must be an address such as "Vigil <vigil@example.org>"').default('Vigil <vigil@localhost>'),
      /**
       * `VIGIL_SMTP_TO`: the security team, comma-separated bare addresses: the recipients of an email
       * action that names none (Watcher's `email_defaults.to`). The shipped watches mail them.
       */
      to: z
        .string()
        .transform((v) => v.split(',').map((a) => a.trim()).filter((a) => a !== ''))
        .pipe(z.array(z.string().regex(/^[^\s@<>,;"]+@[^\s@<>,;"]+$/, 'must be bare addresses separated by commas: soc@example.org,oncall@example.org')).min(1, 'names no address'))
        .default(['security@localhost']),
    })
    .prefault({}),
  delivery: z
    .strictObject({
      /** `VIGIL_DELIVERY_DEADLINE`: how long a notification is retried before it counts as failed (default 1h). */
      deadline: durationSchema({ min: 1000 }).prefault('1h'),
      /** `VIGIL_DELIVERY_LOCK_DURATION`: how long a worker that stopped answering keeps its deliveries before another takes them over (default 30s). */
      lock_duration: durationSchema({ min: 1000, max: 600_000 }).prefault('30s'),
    })
    .prefault({}),
  /** `VIGIL_INDEX_PREFIX`: every index Vigil reads or writes starts with `<prefix>-` (default `vigil`). */
  index_prefix: indexPrefixSchema.default('vigil'),
});

/** Vigil's validated runtime configuration. */
export interface VigilConfig {
  elasticsearch: { url: string; apiKey?: string };
  redis: { url: string };
  /** `to`: the default recipients (the security team). */
  smtp: { url: string; from: string; to: string[] };
  /** Delivery of notifications: deadline and worker lock duration, in ms. */
  delivery: { deadlineMs: number; lockDurationMs: number };
  indexPrefix: string;
  /** The configuration file that was read, if any. */
  file?: string;
}

/** Environment variable → path in the file schema. */
export const CONFIG_ENV: Readonly<Record<string, readonly [string, string] | readonly [string]>> = {
  VIGIL_ELASTICSEARCH_URL: ['elasticsearch', 'url'],
  VIGIL_ELASTICSEARCH_API_KEY: ['elasticsearch', 'api_key'],
  VIGIL_REDIS_URL: ['redis', 'url'],
  VIGIL_SMTP_URL: ['smtp', 'url'],
  VIGIL_SMTP_FROM: ['smtp', 'from'],
  VIGIL_SMTP_TO: ['smtp', 'to'],
  VIGIL_DELIVERY_DEADLINE: ['delivery', 'deadline'],
  VIGIL_DELIVERY_LOCK_DURATION: ['delivery', 'lock_duration'],
  VIGIL_INDEX_PREFIX: ['index_prefix'],
};

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** An explicit configuration file (`--config`); it must exist. */
  file?: string;
  /** Where `vigil.yaml` is looked for when neither `file` nor `VIGIL_CONFIG` names one. */
  cwd?: string;
}

function readConfigFile(file: string): LocatedDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new VigilError('FILE_UNREADABLE', `cannot read configuration file: ${(cause as Error).message}`, {
      cause,
      location: { file },
    });
  }
  return parseLocated(file, text);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: string): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? { ...next } : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * Reads the configuration: defaults, then `vigil.yaml` (or `--config` / `VIGIL_CONFIG`), then the
 * `VIGIL_*` variables. Throws a {@link VigilValidationError} naming every bad key — the variable for
 * a value from the environment, `file:line` for one from the file.
 */
export function loadConfig(options: LoadConfigOptions = {}): VigilConfig {
  const env = options.env ?? process.env;
  const explicit = options.file ?? env.VIGIL_CONFIG;
  const candidate = explicit ?? resolve(options.cwd ?? process.cwd(), 'vigil.yaml');
  const doc = explicit !== undefined || existsSync(candidate) ? readConfigFile(candidate) : undefined;

  const raw = doc?.value ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new VigilError('CONFIG_INVALID', 'must be a mapping of keys to values', { location: { file: candidate, line: 1 } });
  }
  const merged: Record<string, unknown> = { ...raw };
  const fromEnv = new Map<string, string>();
  for (const [name, path] of Object.entries(CONFIG_ENV)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(merged, path, value);
    fromEnv.set(path.join('.'), `environment variable ${name}`);
  }

  const result = configFileSchema.safeParse(merged);
  if (!result.success) {
    const origin = (path: readonly PropertyKey[]) => fromEnv.get(path.join('.'));
    throw new VigilValidationError(locateIssues(result.error.issues, doc, candidate, origin));
  }
  const c = result.data;
  return {
    elasticsearch: { url: c.elasticsearch.url, ...(c.elasticsearch.api_key === undefined ? {} : { apiKey: c.elasticsearch.api_key }) },
    redis: { url: c.redis.url },
    smtp: { url: c.smtp.url, from: c.smtp.from, to: c.smtp.to },
    delivery: { deadlineMs: c.delivery.deadline, lockDurationMs: c.delivery.lock_duration },
    indexPrefix: c.index_prefix,
    ...(doc === undefined ? {} : { file: candidate }),
  };
}
