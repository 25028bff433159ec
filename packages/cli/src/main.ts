// Entry point of the `vigil` command (started by bin/vigil.js under Node >= 24).
import { consoleOutput } from './output.ts';
import { run } from './program.ts';

process.exitCode = await run(process.argv.slice(2), consoleOutput);
