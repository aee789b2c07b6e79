import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import type { Placeholder, SymbolicNode } from '../symbolic/node.js';
import { checkCandidates, elementSchema, hyperType, nameField } from './hyper-value.js';
import type { HyperOptions, ValueOf } from './hyper-value.js';

/** Arguments of a `manyOf` node. */
export interface ManyOfArgs {
  readonly k: number;
  readonly candidates: readonly unknown[];
  readonly distinct: boolean;
  readonly sorted: boolean;
  readonly name?: string;
}

/** Options of {@link manyOf}. */
export interface ManyOfOptions extends HyperOptions {
  /** The same candidate cannot be picked twice (default true). */
  readonly distinct?: boolean;
  /** Picks come in increasing candidate order (default false). */
  readonly sorted?: boolean;
}

/** The symbolic type behind {@link manyOf}, registered as `pliant.manyOf`. */
export const ManyOf = hyperType<ManyOfArgs>(
  'pliant.manyOf',
  'manyOf',
  z
    .object({
      k: z.number().int().min(1),
      candidates: z.array(z.unknown()).min(1, 'a manyOf needs at least one candidate'),
      distinct: z.boolean().default(true),
      sorted: z.boolean().default(false),
      name: nameField,
    })
    .refine((a) => !a.distinct || a.k <= a.candidates.length, { message: 'a distinct manyOf cannot pick more candidates than it has' }),
  (node, schema, path, api) =>
    checkCandidates('manyOf', (node.args as unknown as ManyOfArgs).candidates, elementSchema('manyOf', schema, path, api), path, api),
  (a) => a.distinct === false || a.k <= a.candidates.length,
);

/** Arguments of a `permutate` node. */
export interface PermutateArgs {
  readonly candidates: readonly unknown[];
  readonly name?: string;
}

/** The symbolic type behind {@link permutate}, registered as `pliant.permutate`. */
export const Permutate = hyperType<PermutateArgs>(
  'pliant.permutate',
  'permutate',
  z.object({ candidates: z.array(z.unknown()).min(1, 'a permutate needs at least one candidate'), name: nameField }),
  (node, schema, path, api) =>
    checkCandidates('permutate', (node.args as unknown as PermutateArgs).candidates, elementSchema('permutate', schema, path, api), path, api),
);

/**
 * A choice of `k` candidates, as a list: distinct by default, in pick order unless `sorted`.
 * Accepted in any list argument whose element schema accepts each candidate.
 *
 * ```ts
 * Net({ blocks: manyOf(2, ['conv3x3', 'conv5x5', 'maxpool']) })
 * ```
 */
export function manyOf<const C extends readonly unknown[]>(k: number, candidates: C, options: ManyOfOptions = {}): Placeholder<ValueOf<C[number]>[]> {
  const distinct = options.distinct ?? true;
  const sorted = options.sorted ?? false;
  if (!Number.isInteger(k) || k < 1) throw new PliantError('manyOf', 'argument', `k must be a positive integer, found ${String(k)}`);
  if (!Array.isArray(candidates) || candidates.length === 0) throw new PliantError('manyOf', 'argument', 'a manyOf needs at least one candidate');
  if (distinct && k > candidates.length) {
    throw new PliantError('manyOf', 'argument', `cannot pick ${k} distinct candidates out of ${candidates.length} (pass {distinct: false} to allow repeats)`);
  }
  return ManyOf({ k, candidates, distinct, sorted, name: options.name }) as SymbolicNode as Placeholder<ValueOf<C[number]>[]>;
}

/** Every order of the candidates: a distinct, unsorted `manyOf` of all of them. */
export function permutate<const C extends readonly unknown[]>(candidates: C, options: HyperOptions = {}): Placeholder<ValueOf<C[number]>[]> {
  if (!Array.isArray(candidates) || candidates.length === 0) throw new PliantError('permutate', 'argument', 'a permutate needs at least one candidate');
  return Permutate({ candidates, name: options.name }) as SymbolicNode as Placeholder<ValueOf<C[number]>[]>;
}
