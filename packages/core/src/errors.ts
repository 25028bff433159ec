/** Where in a user-written file a problem is: printed as `file:line: path: message`. */
export interface SourceLocation {
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** Dotted path of the offending field inside the file (`elasticsearch.url`, `actions.mail.to`). */
  path?: string;
}

/**
 * Error codes, one per kind of failure a caller may treat differently. The code decides retrying:
 * `TRANSIENT_CODES` may succeed when tried again (a service down, a timeout); every other code is
 * permanent (bad configuration, bad input, a 4xx answer) and retrying only repeats it.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'FILE_UNREADABLE'
  | 'YAML_SYNTAX'
  /** A KQL query that does not parse, or asks for what no query DSL expresses. */
  | 'KQL_INVALID'
  | 'SERVICE_UNAVAILABLE'
  | 'SERVICE_REJECTED'
  | 'INTERNAL';

const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set(['SERVICE_UNAVAILABLE']);

export interface VigilErrorOptions {
  cause?: unknown;
  location?: SourceLocation;
}

/** The root of every error Vigil raises on purpose: a code, a message, an optional cause and location. */
export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;

  constructor(code: ErrorCode, message: string, options: VigilErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VigilError';
    this.code = code;
    this.location = options.location;
  }

  /** True when trying again later may succeed. */
  get transient(): boolean {
    return TRANSIENT_CODES.has(this.code);
  }

  /** `file:line: path: message`, the form editors and CI logs link to. */
  override toString(): string {
    return formatLocated(this.location, this.message);
  }
}

export function formatLocated(location: SourceLocation | undefined, message: string): string {
  if (location === undefined) return message;
  const where = location.line === undefined ? location.file : `${location.file}:${location.line}`;
  return location.path === undefined || location.path === '' ? `${where}: ${message}` : `${where}: ${location.path}: ${message}`;
}

/** Several located problems found in one pass (a file with three bad fields reports all three). */
export class VigilValidationError extends VigilError {
  readonly problems: readonly VigilError[];

  constructor(problems: readonly VigilError[]) {
    super('CONFIG_INVALID', problems.map((p) => p.toString()).join('\n'));
    this.name = 'VigilValidationError';
    this.problems = problems;
  }

  override toString(): string {
    return this.message;
  }
}
