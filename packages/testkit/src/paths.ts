import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The checkout's root: the nearest folder above `from` holding `tsconfig.base.json`. */
export function repoRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'tsconfig.base.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no Vigil checkout (tsconfig.base.json) above ${from}`);
    dir = parent;
  }
  return dir;
}

/** `../shared/fixtures` beside the checkout: third-party sample logs, never copied into the repository. */
export function fixturesDir(root: string = repoRoot()): string {
  return join(root, '..', 'shared', 'fixtures');
}
