import { VigilValidationError } from '@vigil/core';
import { parseInputConfig } from '../../src/config.ts';

/** The problems (`file:line: path: message`) an input definition is refused with; throws if it is accepted. */
export function problemsOf(file: string, text: string): string[] {
  try {
    parseInputConfig(file, text);
  } catch (err) {
    if (err instanceof VigilValidationError) return err.problems.map((p) => p.toString());
    throw err;
  }
  throw new Error(`expected a validation error for ${text}`);
}
