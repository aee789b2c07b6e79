/**
 * Argument checks shared by the algorithms: every bad input is a `PliantError` naming the API.
 */
import { DNA, fitsKnown, noteFits } from '../geno/dna.js';
import type { DNASpec } from '../geno/dna-spec.js';
import { PliantError } from '../base/errors.js';
import { seededRng } from '../base/rng.js';
import type { Rng } from '../base/rng.js';
import type { AlgorithmContext } from './algorithm.js';

/** Throws a `PliantError` from `api` unless `dna` is a DNA that fits `spec`. */
export function checkDNA(spec: DNASpec, dna: unknown, api: string): asserts dna is DNA {
  if (!(dna instanceof DNA)) throw new PliantError(api, 'argument', `expects a DNA, found ${String(dna)}`);
  // DNA and spec are immutable: a DNA that fits a spec once always does (a proposal checked again
  // at its feedback, a parent at each mutation)
  if (fitsKnown(dna, spec)) return;
  try {
    spec.validate(dna);
    noteFits(dna, spec);
  } catch (error) {
    if (error instanceof PliantError) {
      throw new PliantError(api, 'argument', `${dna.toString()} does not fit the search space: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Notes that `dna` fits `spec` (made for it by construction, such as a random draw of it), so
 * {@link checkDNA} need not validate it when it comes back as feedback. Returns `dna`.
 */
export function fitsSpec(spec: DNASpec, dna: DNA): DNA {
  noteFits(dna, spec);
  return dna;
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
  if (state === undefined) throw new PliantError(api, 'state', 'call setup(spec, context) first');
  return state;
}

/** Throws a `PliantError` from `api` unless `fn` is a function. */
export function checkFunction(fn: unknown, name: string, api: string): void {
  if (typeof fn !== 'function') throw new PliantError(api, 'argument', `${name} must be a function, found ${String(fn)}`);
}

/**
 * Every option name of an options type `T`, from a record that lists each of them once (a name
 * missing from the record, or one `T` does not have, is a compile error), for `checkOptions`.
 */
export function optionNames<T extends object>(names: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(names));
}

/**
 * The generator of an algorithm: `seededRng(seed ?? context.seed, context.stream ?? 0)`, so that
 * processes sharing a study draw from different streams of the search's seed (stream 0 is the
 * seed itself). Throws a `PliantError` from `api` on a bad seed or stream.
 */
export function contextRng(seed: number | string | undefined, context: AlgorithmContext, api: string): Rng {
  if (typeof context !== 'object' || context === null) throw new PliantError(api, 'argument', `expects a context {seed, ...}, found ${String(context)}`);
  const chosen: unknown = seed ?? context.seed;
  if (typeof chosen !== 'number' && typeof chosen !== 'string') {
    throw new PliantError(api, 'argument', `a seed must be a number or a string, found ${String(chosen)}`);
  }
  const stream: unknown = context.stream ?? 0;
  if (typeof stream !== 'number' || !Number.isInteger(stream) || stream < 0) {
    throw new PliantError(api, 'argument', `context.stream must be an integer ≥ 0, found ${String(stream)}`);
  }
  return seededRng(chosen, stream);
}
