import { existsSync, readFileSync } from 'node:fs';
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

/**
 * The text of a third-party fixture, `path` relative to `../shared/fixtures`. When the folder is
 * absent the test fails saying so, rather than passing on nothing.
 */
export function readFixture(path: string, root: string = repoRoot()): string {
  const dir = fixturesDir(root);
  if (!existsSync(dir)) {
    throw new Error(`the shared fixtures folder ${dir} is absent: these tests read third-party sample logs from it (see its SOURCES.md)`);
  }
  return readFileSync(join(dir, path), 'utf8');
}

/** The lines of a fixture, without the empty string after a final newline. */
export function fixtureLines(path: string, root?: string): string[] {
  const lines = readFixture(path, root).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
