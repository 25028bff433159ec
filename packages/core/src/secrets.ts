import { readFileSync } from 'node:fs';
import { VigilError } from './errors.ts';
import { parseLocated } from './yaml.ts';

/**
 * Secrets are named in watches, never written in them: `secret: slack_ops` or `'{{secret "st2_api_key"}}'`.
 * A name is resolved only when an action really sends, from `VIGIL_SECRET_<NAME>` (upper case) or a
 * secrets file (`VIGIL_SECRETS_FILE`: a YAML mapping `name: value`); the environment wins.
 *
 * Values never leave the process that sends: registry documents, Redis job data, history, logs and
 * `--dry-run` output hold `[secret:<name>]` instead. A resolver remembers every value it revealed, so
 * {@link SecretResolver.scrub} can take them out of anything that is about to be stored or printed.
 */
export interface SecretResolver {
  /** The value of a secret; a placeholder when `reveal` is false. Throws CONFIG_INVALID naming the variable when it is not set. */
  get(name: string): string;
  /** False for simulate / dry-run: `get` returns `[secret:<name>]` and nothing needs to be set. */
  readonly reveal: boolean;
  /** A deep copy of `value` with every revealed secret value replaced by its placeholder. */
  scrub<T>(value: T): T;
}

/** Secret names: what may follow `VIGIL_SECRET_` in an environment variable. */
export const SECRET_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export function secretPlaceholder(name: string): string {
  return `[secret:${name}]`;
}

export function secretEnvName(name: string): string {
  return `VIGIL_SECRET_${name.toUpperCase()}`;
}

function readSecretsFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new VigilError('CONFIG_INVALID', `cannot read secrets file: ${(cause as Error).message}`, { cause, location: { file } });
  }
  const doc = parseLocated(file, text);
  const value = doc.value ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new VigilError('CONFIG_INVALID', 'must be a mapping of secret names to values', { location: { file, line: 1 } });
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!SECRET_NAME.test(name)) throw new VigilError('CONFIG_INVALID', `"${name}" is not a secret name (lower-case letters, digits and _)`, { location: { file, line: doc.lineOf([name]) ?? 1, path: name } });
    if (typeof v !== 'string' || v === '') throw new VigilError('CONFIG_INVALID', 'must be a non-empty string', { location: { file, line: doc.lineOf([name]) ?? 1, path: name } });
    out[name] = v;
  }
  return out;
}

function scrubWith<T>(value: T, revealed: ReadonlyMap<string, string>): T {
  if (revealed.size === 0) return value;
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let s = v;
      for (const [secret, name] of revealed) {
        // the value as sent, and as it appears inside a JSON string (a webhook body)
        for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) if (s.includes(form)) s = s.split(form).join(secretPlaceholder(name));
      }
      return s;
    }
    if (Array.isArray(v)) return v.map(visit);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
    return v;
  };
  return visit(value) as T;
}

/** Options of {@link createSecretResolver}. */
export interface SecretResolverOptions {
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** False: placeholders only (simulate). Default true. */
  reveal?: boolean;
}

/**
 * A resolver over the environment and `VIGIL_SECRETS_FILE`. Make one per delivery: what it revealed
 * is what its `scrub` removes, and a resolver that revealed nothing scrubs nothing.
 */
export function createSecretResolver(options: SecretResolverOptions = {}): SecretResolver {
  const env = options.env ?? process.env;
  const reveal = options.reveal ?? true;
  const revealed = new Map<string, string>();
  let file: Record<string, string> | undefined;
  return {
    reveal,
    get(name) {
      if (!SECRET_NAME.test(name)) throw new VigilError('CONFIG_INVALID', `"${name}" is not a secret name (lower-case letters, digits and _)`);
      if (!reveal) return secretPlaceholder(name);
      let value = env[secretEnvName(name)];
      if (value === undefined || value === '') {
        const path = env.VIGIL_SECRETS_FILE;
        if (path !== undefined && path !== '') {
          file ??= readSecretsFile(path);
          value = file[name];
        }
      }
      if (value === undefined || value === '') {
        throw new VigilError('CONFIG_INVALID', `secret "${name}" is not set: export ${secretEnvName(name)} or add "${name}:" to the file named by VIGIL_SECRETS_FILE`);
      }
      // longest first, so a secret containing another is replaced whole
      revealed.set(value, name);
      const sorted = [...revealed].sort((a, b) => b[0].length - a[0].length);
      revealed.clear();
      for (const [v, n] of sorted) revealed.set(v, n);
      return value;
    },
    scrub: (value) => scrubWith(value, revealed),
  };
}
