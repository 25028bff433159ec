import { expect } from '@jest/globals';
import { VigilError } from '@vigil/core';

/** The VigilError `run` throws; fails the test when it throws nothing or something else. */
export function refusal(run: () => unknown): VigilError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(VigilError);
    return error as VigilError;
  }
  throw new Error('expected a VigilError');
}
