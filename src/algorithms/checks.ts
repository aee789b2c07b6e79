/**
 * Argument checks shared by the algorithms: every bad input is a `PliantError` naming the API.
 */
import { DNA } from '../geno/dna.js';
import type { DNASpec } from '../geno/dna-spec.js';
import { PliantError } from '../base/errors.js';

/** Throws a `PliantError` from `api` unless `dna` is a DNA that fits `spec`. */
export function checkDNA(spec: DNASpec, dna: unknown, api: string): asserts dna is DNA {
  if (!(dna instanceof DNA)) throw new PliantError(api, 'argument', `expects a DNA, found ${String(dna)}`);
  try {
    spec.validate(dna);
  } catch (error) {
    if (error instanceof PliantError) {
      throw new PliantError(api, 'argument', `${dna.toString()} does not fit the search space: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** Throws a `PliantError` from `api` unless `reward` is a number (not NaN). */
export function checkReward(reward: unknown, api: string): asserts reward is number {
  if (typeof reward !== 'number' || Number.isNaN(reward)) throw new PliantError(api, 'argument', `a reward must be a number, found ${String(reward)}`);
}

/** Throws a `PliantError` from `api` unless `value` is an integer ≥ `min`; returns it. */
export function checkInteger(value: unknown, name: string, api: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new PliantError(api, 'argument', `${name} must be an integer ≥ ${min}, found ${String(value)}`);
  }
  return value;
}

/** Throws a `PliantError` from `api` when an algorithm is used before `setup`; returns the state. */
export function requireSetup<T>(state: T | undefined, api: string): T {
  if (state === undefined) throw new PliantError(api, 'argument', 'call setup(spec, context) first');
  return state;
}

/** Throws a `PliantError` from `api` unless `fn` is a function. */
export function checkFunction(fn: unknown, name: string, api: string): void {
  if (typeof fn !== 'function') throw new PliantError(api, 'argument', `${name} must be a function, found ${String(fn)}`);
}
