import { loadWatches, locatedWarnings, VigilError, VigilValidationError, watchFilesUnder, type LoadedWatch } from '@vigil/core';
import { watchSchema } from '@vigil/actions';
import type { Output } from '../../output.ts';

/**
 * Loads and validates every watch under `paths` (files or folders). Problems are printed one per
 * line as `file:line: path: message`, all of them in one pass; returns undefined when there were any.
 * Warnings (a valid watch that probably misses something, such as per-entity `terms` without
 * paging) go to stderr as `file:line: path: warning: message` and fail nothing.
 */
export function loadOrReport(paths: readonly string[], out: Output): LoadedWatch[] | undefined {
  // a missing path is reported like any other problem, and the other paths are still checked
  const problems: VigilError[] = [];
  const existing = paths.filter((path) => {
    try {
      watchFilesUnder(path);
      return true;
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      problems.push(err);
      return false;
    }
  });
  let loaded: LoadedWatch[] = [];
  try {
    loaded = loadWatches(existing, watchSchema());
  } catch (err) {
    if (err instanceof VigilValidationError) problems.push(...err.problems);
    else if (err instanceof VigilError) problems.push(err);
    else throw err;
  }
  for (const problem of problems) out.log(problem.toString());
  if (problems.length > 0) return undefined;
  for (const warning of loaded.flatMap(locatedWarnings)) out.error(warning);
  return loaded;
}

/** `vigil watch validate <paths...>`: checks watch files without any service; exit 1 on problems. */
export function validateCommand(paths: string[], out: Output): number {
  const watches = loadOrReport(paths, out);
  if (watches === undefined) return 1;
  out.log(`ok: ${watches.length} watch${watches.length === 1 ? '' : 'es'}`);
  return 0;
}
