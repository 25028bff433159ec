import { createSecretResolver, secretEnvName, type StoredWatch, type WatchRegistry } from '@vigil/core';
import { ok, warn, type CheckResult } from './check.ts';

const TEMPLATE_SECRET = /\{\{\s*secret\s+"([a-z][a-z0-9_]{0,63})"\s*\}\}/g;

/** Secret names an action set uses: `secret:` options and `{{secret "name"}}` in any string. */
function secretsOf(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === 'string') for (const m of value.matchAll(TEMPLATE_SECRET)) into.add(m[1]!);
  else if (Array.isArray(value)) for (const v of value) secretsOf(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'secret' && typeof v === 'string') into.add(v);
      else secretsOf(v, into);
    }
  }
  return into;
}

/** Secret name → the enabled watches whose actions need it. */
export function secretsNeeded(watches: readonly StoredWatch[]): Map<string, string[]> {
  const needed = new Map<string, string[]>();
  for (const w of watches.filter((s) => s.enabled)) {
    const { actions, on_resolve, on_response } = w.definition;
    for (const name of secretsOf([actions, on_resolve, on_response], new Set())) needed.set(name, [...(needed.get(name) ?? []), w.id]);
  }
  return needed;
}

/**
 * Secrets that enabled watches name and this environment cannot resolve (a warning: those actions
 * fail for good at delivery, and the notifications are listed as undelivered). The worker reads the
 * same variables: run the doctor with the worker's environment.
 */
export async function checkSecrets(registry: Pick<WatchRegistry, 'list'>, env: NodeJS.ProcessEnv = process.env): Promise<CheckResult> {
  const needed = secretsNeeded(await registry.list());
  const resolver = createSecretResolver({ env });
  const missing = [...needed].sort(([a], [b]) => a.localeCompare(b)).filter(([name]) => {
    try {
      resolver.get(name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return ok('secrets', needed.size === 0 ? 'no watch needs a secret' : `${needed.size} secret(s) the watches need are set`);
  const list = missing.map(([name, ids]) => `${name} (${ids.join(', ')})`).join('; ');
  return warn('secrets', `not set: ${list}: those actions fail`, `export ${missing.map(([name]) => `${secretEnvName(name)}=...`).join(' ')} for vigil worker, or add them to the file VIGIL_SECRETS_FILE names; or deactivate the watch`);
}
