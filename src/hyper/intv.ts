import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import type { Placeholder, SymbolicNode } from '../symbolic/node.js';
import { checkCandidates, hyperType, nameField } from './hyper-value.js';
import type { HyperOptions } from './hyper-value.js';

/** Arguments of an `intv` node. */
export interface IntvArgs {
  readonly min: number;
  readonly max: number;
  readonly name?: string;
}

/** The symbolic type behind {@link intv}, registered as `pliant.intv`. */
export const Intv = hyperType<IntvArgs>(
  'pliant.intv',
  'intv',
  z.object({ min: z.number().int(), max: z.number().int(), name: nameField }).refine((a) => a.min <= a.max, { message: 'min is greater than max' }),
  (node, schema, path, api) => {
    const { min, max } = node.args as unknown as IntvArgs;
    checkCandidates('intv', min === max ? [min] : [min, max, Math.floor((min + max) / 2)], schema, path, api);
  },
);

/**
 * An integer decision in `[min, max]`, both ends included. Its DNA value is the integer itself
 * (the reference library encodes it as an index into `min..max`).
 */
export function intv(min: number, max: number, options: HyperOptions = {}): Placeholder<number> {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) {
    throw new PliantError('intv', 'argument', `bounds must be integers, found [${String(min)}, ${String(max)}]`);
  }
  if (min > max) throw new PliantError('intv', 'argument', `min (${min}) is greater than max (${max})`);
  return Intv({ min, max, name: options.name }) as SymbolicNode as Placeholder<number>;
}
