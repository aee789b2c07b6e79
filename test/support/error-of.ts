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

/** Runs `f`, expects it to throw an `Error` (of any class: from `src` or from the built package), and returns it. */
export function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected an error, nothing was thrown');
}

/** Awaits `promise`, expects it to reject with an `Error`, and returns it. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-error: ${String(error)}`);
  }
  throw new Error('expected a rejection');
}
