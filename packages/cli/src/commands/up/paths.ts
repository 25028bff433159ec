import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where this installation of Vigil keeps what `vigil up` needs, found from the CLI package itself. */
export interface Installation {
  /** The checkout (or image) root: the folder holding `packages/`. */
  root: string;
  /** The CLI entry every child runs: `packages/cli/bin/vigil.js`. */
  cliEntry: string;
  /** `<root>/scripts/services`, the starter of the local services; `present` is false in an installed image without it. */
  servicesScript: { path: string; present: boolean };
  /** Where `scripts/services` keeps its state and `env` file: `VIGIL_STATE_DIR`, else `<root>/.services`. */
  stateDir: string;
}

/** This module is packages/cli/src/commands/up/paths.ts: the CLI package is three folders up, the root five. */
export function installation(env: NodeJS.ProcessEnv = process.env): Installation {
  const cli = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
  const root = resolve(fileURLToPath(new URL('../../../../../', import.meta.url)));
  const script = join(root, 'scripts', 'services');
  return {
    root,
    cliEntry: join(cli, 'bin', 'vigil.js'),
    servicesScript: { path: script, present: existsSync(script) },
    stateDir: env.VIGIL_STATE_DIR ?? join(root, '.services'),
  };
}
