import { randomBytes } from 'node:crypto';

/**
 * An index prefix of its own for one test file, so runs and parallel workers never see each other's
 * indices or templates. It starts with `vt-`, not `vigil-`, so the default prefix's index patterns
 * (`vigil-*`) never match test indices.
 */
export function uniquePrefix(label: string): string {
  const clean = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 20);
  return `vt-${clean}-${randomBytes(4).toString('hex')}`;
}
