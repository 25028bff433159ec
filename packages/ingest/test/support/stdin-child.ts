// Runs a StdinInput on this process's real stdin and prints each record it delivers as a JSON line:
// the stdin test spawns it to check the default stream, EOF and the pipe's backpressure path.
import { systemClock } from '@vigil/core';
import { parserFor } from '@vigil/parsers';
import { StdinInput } from '../../src/inputs/stdin/input.ts';
import { newCounters } from '../../src/sink.ts';

const counters = newCounters();
const input = new StdinInput({
  name: 'stdin',
  parser: parserFor(process.argv[2] ?? 'syslog'),
  clock: systemClock,
  counters,
  target: { write: async (text) => void process.stdout.write(`${JSON.stringify({ text })}\n`) },
});
await input.start();
await input.done;
process.stdout.write(`${JSON.stringify({ linesIn: counters.linesIn })}\n`);
