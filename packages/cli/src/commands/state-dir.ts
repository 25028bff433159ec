import { homedir } from 'node:os';
import { join } from 'node:path';

// Its own module: `vigil ingest` and `vigil ingest serve` share the default, and the server must not
// load the one-shot command's dependencies (a progress bar) to learn it.

/** Where `vigil ingest` and `ingest serve` keep file offsets by default: `$XDG_STATE_HOME/vigil` (`~/.local/state/vigil`). */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'vigil');
}
