/** Where in the responder's configuration file a problem is: printed as `file:line: path: message`. */
export interface ConfigProblem {
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** Dotted path of the offending key (`backend.block[2]`). */
  path?: string;
  message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  return problem.path === undefined || problem.path === '' ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}

/**
 * The responder's configuration is wrong: every problem found, each located. The responder does not
 * start (the CLI exits 2). It is the responder's own class: the package imports nothing of Vigil's
 * core, so `vigil responder` turns it into a VigilValidationError.
 */
export class ResponderConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ResponderConfigError';
    this.problems = problems;
  }
}

/**
 * The responder cannot start for a reason outside its configuration: a backend tool missing, the
 * state file unreadable, the firewall refusing to create its set. The message says what to fix.
 */
export class ResponderStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResponderStartError';
  }
}
