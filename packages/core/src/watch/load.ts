import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatLocated, VigilError, VigilValidationError } from '../errors.ts';
import { formatPath, loadValidated, parseLocated } from '../yaml.ts';
import type { Watch, WatchSchema } from './schema.ts';
import { watchWarnings } from './warnings.ts';

/** A validated watch and the file it came from. */
export interface LoadedWatch {
  watch: Watch;
  file: string;
}

const WATCH_FILE = /\.(ya?ml|json)$/;
/** Files and folders under a watch folder that are not watches. */
const NOT_WATCHES = new Set(['schema.json', 'templates', 'fixtures', 'node_modules']);

/** Parses and validates one watch file; problems come as a VigilValidationError naming `file:line`. */
export function loadWatchFile(file: string, schema: WatchSchema): LoadedWatch {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new VigilError('FILE_UNREADABLE', `cannot read watch file ${file}`, { cause, location: { file } });
  }
  return { watch: loadValidated(file, text, schema), file };
}

/** Watch files under `path` (a file is itself), sorted so errors come in a stable order. */
export function watchFilesUnder(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (cause) {
    throw new VigilError('FILE_UNREADABLE', `no such watch file or folder: ${path}`, { cause, location: { file: path } });
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => !NOT_WATCHES.has(entry.name) && !entry.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return watchFilesUnder(child);
      return WATCH_FILE.test(entry.name) ? [child] : [];
    });
}

/**
 * Loads every watch in the given files and folders, reporting all problems of all files at once;
 * two files with the same `id` are an error at the second one's `id` line.
 */
export function loadWatches(paths: readonly string[], schema: WatchSchema): LoadedWatch[] {
  const loaded: LoadedWatch[] = [];
  const problems: VigilError[] = [];
  const byId = new Map<string, string>();
  for (const file of paths.flatMap(watchFilesUnder)) {
    try {
      const one = loadWatchFile(file, schema);
      const earlier = byId.get(one.watch.id);
      if (earlier !== undefined) {
        const line = parseLocated(file, readFileSync(file, 'utf8')).lineOf(['id']);
        problems.push(new VigilError('CONFIG_INVALID', `duplicate watch id "${one.watch.id}" (also in ${earlier})`, { location: { file, line, path: 'id' } }));
        continue;
      }
      byId.set(one.watch.id, file);
      loaded.push(one);
    } catch (error) {
      if (error instanceof VigilValidationError) problems.push(...error.problems);
      else if (error instanceof VigilError) problems.push(error);
      else throw error;
    }
  }
  if (problems.length > 0) throw new VigilValidationError(problems);
  return loaded;
}

/** The id a watch file under a watch root should carry: `network/discovery_portscan.yaml` → `network.discovery_portscan`. */
export function expectedWatchId(relativePath: string): string {
  return relativePath.replace(/\\/g, '/').replace(WATCH_FILE, '').split('/').filter(Boolean).join('.');
}

/** The {@link watchWarnings} of a loaded watch, one line each: `file:line: path: warning: message`. */
export function locatedWarnings(loaded: LoadedWatch): string[] {
  const warnings = watchWarnings(loaded.watch);
  if (warnings.length === 0) return [];
  const doc = parseLocated(loaded.file, readFileSync(loaded.file, 'utf8'));
  return warnings.map((w) => formatLocated({ file: loaded.file, line: doc.lineOf(w.path), path: formatPath(w.path) }, `warning: ${w.message}`));
}
