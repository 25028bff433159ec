import type { StoredWatch, Watch } from '@vigil/core';
import { canonicalJson } from '../state/canonical.ts';

/**
 * A `<prefix>-watches` document: the {@link StoredWatch} plus copies of the definition's `name`,
 * `severity` and `tags` at the top level, where the mapping indexes them for search and Kibana
 * (the definition itself is stored unindexed).
 */
export interface WatchDocument extends StoredWatch {
  name: string;
  severity: string;
  tags: string[];
}

export function toDocument(watch: StoredWatch): WatchDocument {
  return { ...watch, name: watch.definition.name, severity: watch.definition.severity, tags: watch.definition.tags };
}

export function fromDocument(doc: WatchDocument): StoredWatch {
  const { id, version, enabled, definition, source_file, updated, status } = doc;
  return { id, version, enabled, definition, ...(source_file === undefined ? {} : { source_file }), updated, status: status ?? {} };
}

export function sameDefinition(a: Watch, b: Watch): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * The stored watch after a `put` of `watch` over `existing` (undefined: a new watch). A changed
 * definition gets the next version and keeps the status (checkpoint, last run…) so the watch resumes
 * where it was. `enabled` follows the file only when the file's own `enabled` changed: editing a
 * watch that an operator deactivated does not switch it back on.
 */
export function nextStored(watch: Watch, sourceFile: string | undefined, existing: StoredWatch | undefined, now: Date): StoredWatch {
  const file = sourceFile ?? existing?.source_file;
  const base = { id: watch.id, definition: watch, updated: now.toISOString(), ...(file === undefined ? {} : { source_file: file }) };
  if (existing === undefined) return { ...base, version: 1, enabled: watch.enabled, status: {} };
  const enabled = existing.definition.enabled === watch.enabled ? existing.enabled : watch.enabled;
  return { ...base, version: existing.version + 1, enabled, status: existing.status };
}
