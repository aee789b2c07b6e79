import { expect } from 'vitest';
import { PliantError } from '../../src/index.js';

/** Runs `f`, expects it to throw a `PliantError`, and returns the error. */
export function errorOf(f: () => unknown): PliantError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(PliantError);
    return error as PliantError;
  }
  throw new Error('expected a PliantError, nothing was thrown');
}
