import type { ArgvRunner, RunOutput } from '../../src/index.ts';

/** A runner that runs nothing: it records each argv and answers from `answer` (default: success, no output). */
export function recordingRunner(answer: (argv: readonly string[]) => Promise<RunOutput> | RunOutput = () => ({ stdout: '', stderr: '' })): ArgvRunner & { calls: string[][] } {
  const calls: string[][] = [];
  const run = (async (argv: readonly string[]) => {
    calls.push([...argv]);
    return answer(argv);
  }) as ArgvRunner & { calls: string[][] };
  run.calls = calls;
  return run;
}
