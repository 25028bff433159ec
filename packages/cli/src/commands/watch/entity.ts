import { entityKey, type AlertRecord } from '@vigil/core';
import { badOption } from './context.ts';

/**
 * Reads `--entity`: the entity key as `vigil alerts list` prints it (canonical JSON, any key order),
 * or `field=value,field=value`. The second form carries only text, so it matches an alert whose
 * entity has exactly those fields with values that print the same (`destination.port=22` matches 22).
 */
export function entityMatcher(text: string): (alert: AlertRecord) => boolean {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw badOption(`--entity: not valid JSON (${(err as Error).message}); give the key as vigil alerts list prints it, or field=value,...`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badOption('--entity: must be a JSON object such as {"source.ip":"203.0.113.7"}');
    const key = entityKey(parsed as Record<string, unknown>);
    return (alert) => alert.entity_key === key;
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw badOption(`--entity: "${part}" is not field=value; give the key as vigil alerts list prints it, or field=value,...`);
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return (alert) => {
    const names = Object.keys(alert.entity);
    return names.length === fields.size && names.every((n) => fields.has(n) && String(alert.entity[n]) === fields.get(n));
  };
}
