import { render } from '@vigil/actions';
import { expandPath, getPath, type Watch } from '@vigil/core';
import type { Candidate } from '../condition/index.ts';
import { expression } from '../condition/index.ts';
import type { TimeWindow } from '../input/index.ts';

/** What a template sees besides the payload. */
export interface TransformContext {
  watch: Pick<Watch, 'id' | 'name' | 'description' | 'severity' | 'tags' | 'metadata'>;
  window: TimeWindow;
}

/** A path's value; with `[]` steps (`users.buckets[].key`), the array of every value it reaches. */
function pick(scope: Record<string, unknown>, path: string): unknown {
  if (!path.includes('[]')) return getPath(scope, path) ?? null;
  return expandPath(scope, path)
    .map((item) => item.value)
    .filter((v) => v !== undefined);
}

/**
 * The alert payload of a candidate: `pick` paths from its scope, then `compute` expressions (over
 * scope and payload so far), then `template`s over `{ watch, entity, payload, window, metadata }`.
 * Without a transform the payload is the scope itself (a bucket, or the whole search response).
 */
export function buildPayload(transform: Watch['transform'], candidate: Candidate, context: TransformContext): Record<string, unknown> {
  if (transform === undefined) return candidate.scope;
  const payload: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(transform.pick ?? {})) payload[name] = pick(candidate.scope, path);
  for (const [name, source] of Object.entries(transform.compute ?? {})) payload[name] = expression(source).evaluate({ ...candidate.scope, ...payload }) ?? null;
  for (const [name, template] of Object.entries(transform.template ?? {})) {
    payload[name] = render(template, { watch: context.watch, metadata: context.watch.metadata, entity: candidate.entity, payload, window: context.window });
  }
  return payload;
}
