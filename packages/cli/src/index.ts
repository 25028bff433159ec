export { run, buildProgram } from './program.ts';
export { runChecks, exitCode, formatResult, type CheckResult } from './doctor/index.ts';
export type { Output } from './output.ts';
