import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import type { Placeholder, SymbolicNode } from '../symbolic/node.js';
import { checkCandidates, hyperType, nameField } from './hyper-value.js';
import type { HyperOptions, ValueOf } from './hyper-value.js';

/** Arguments of a `oneOf` node. */
export interface OneOfArgs {
  readonly candidates: readonly unknown[];
  readonly name?: string;
}

/** The symbolic type behind {@link oneOf}, registered as `pliant.oneOf`. */
export const OneOf = hyperType<OneOfArgs>(
  'pliant.oneOf',
  'oneOf',
  z.object({ candidates: z.array(z.unknown()).min(1, 'a oneOf needs at least one candidate'), name: nameField }),
  (node, schema, path, api) => checkCandidates('oneOf', (node.args as unknown as OneOfArgs).candidates, schema, path, api),
);

/**
 * A choice of one candidate. Candidates may be any tree values, including nodes, arrays and
 * records that contain further hyper values (a conditional sub-space) and hyper values
 * themselves. It is accepted in any argument whose schema accepts each candidate.
 *
 * ```ts
 * Dense({ units: oneOf([32, 64, 128]), act: oneOf(['relu', 'gelu'], { name: 'act' }) })
 * ```
 */
export function oneOf<const C extends readonly unknown[]>(candidates: C, options: HyperOptions = {}): Placeholder<ValueOf<C[number]>> {
  if (!Array.isArray(candidates) || candidates.length === 0) {
    throw new PliantError('oneOf', 'argument', 'a oneOf needs at least one candidate');
  }
  return OneOf({ candidates, name: options.name }) as SymbolicNode as Placeholder<ValueOf<C[number]>>;
}
