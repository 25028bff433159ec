// Entry point of the `vigil` command (started by bin/vigil.js under Node >= 24).
import { asVigilError, consoleOutput, errorLines, exitCodeOf } from './output.ts';
import { run, takeVerbose } from './program.ts';

const { verbose } = takeVerbose(process.argv.slice(2));

// A closed stdout (`vigil watch history | head -1`) is the reader having seen enough: a normal exit,
// as a Unix filter ends on SIGPIPE, not an EPIPE trace. A closed stderr leaves nowhere to complain.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  fail(err);
});
process.stderr.on('error', () => process.exit(process.exitCode ?? 1));

/** An error no command caught (a stream's error event, a stray rejection): still one line, never a trace. */
function fail(err: unknown): never {
  for (const line of errorLines(err, verbose)) consoleOutput.error(line);
  process.exit(exitCodeOf(asVigilError(err)));
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

process.exitCode = await run(process.argv.slice(2), consoleOutput);
