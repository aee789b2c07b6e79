import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import type { Placeholder, SymbolicNode } from '../symbolic/node.js';
import { checkCandidates, hyperType, nameField } from './hyper-value.js';
import type { HyperOptions, ValueOf } from './hyper-value.js';

/** Arguments of a `oneOf` node. */
export interface OneOfArgs {
  readonly candidates: readonly unknown[];
  readonly name?: string;
  /** Set (only ever `true`) when the candidates are ordered; absent for a categorical choice. */
  readonly ordered?: boolean;
}

/** Options of {@link oneOf}. */
export interface OneOfOptions extends HyperOptions {
  /**
   * The candidates are ordered: neighbours in the list are neighbours in effect (`[16, 32, 64,
   * 128]`, `['small', 'medium', 'large']`), so a model may learn "more" or "less" (TPE gives the
   * choice a kernel over list positions instead of a categorical one). The order is the list
   * order; when every candidate is a number they must be strictly increasing or strictly
   * decreasing (a list out of order is a mistake, not an order). Default `false`: categorical,
   * whatever the candidates are (ids like `oneOf([0, 1, 2, 3])` are not taken for quantities).
   */
  readonly ordered?: boolean;
}

/** Why `ordered: true` does not fit these candidates, or `undefined` when it does. */
function orderProblem(candidates: readonly unknown[]): string | undefined {
  if (!candidates.every((c) => typeof c === 'number')) return undefined;
  const xs = candidates as readonly number[];
  const bad = xs.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) return `an ordered oneOf of numbers needs finite numbers, found ${String(xs[bad])} at candidate ${bad}`;
  if (xs.length < 2) return undefined;
  const up = (xs[1] as number) > (xs[0] as number);
  for (let i = 1; i < xs.length; i++) {
    const a = xs[i - 1] as number;
    const b = xs[i] as number;
    if (up ? !(b > a) : !(b < a)) {
      return `an ordered oneOf of numbers needs them strictly increasing or strictly decreasing, found ${a} then ${b} (candidates ${i - 1} and ${i})`;
    }
  }
  return undefined;
}

/** The symbolic type behind {@link oneOf}, registered as `pliant.oneOf`. */
export const OneOf = hyperType<OneOfArgs>(
  'pliant.oneOf',
  'oneOf',
  z
    .object({
      candidates: z.array(z.unknown()).min(1, 'a oneOf needs at least one candidate'),
      name: nameField,
      ordered: z.boolean().optional(),
    })
    .superRefine((a, ctx) => {
      const problem = a.ordered === true ? orderProblem(a.candidates) : undefined;
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, path: ['ordered'] });
    }),
  (node, schema, path, api) => checkCandidates('oneOf', (node.args as unknown as OneOfArgs).candidates, schema, path, api),
  (a) => a.ordered !== true || orderProblem(a.candidates) === undefined,
);

/**
 * A choice of one candidate. Candidates may be any tree values, including nodes, arrays and
 * records that contain further hyper values (a conditional sub-space) and hyper values
 * themselves. It is accepted in any argument whose schema accepts each candidate. A choice is
 * categorical unless `{ordered: true}` says its list order means something.
 *
 * ```ts
 * Dense({ units: oneOf([32, 64, 128], { ordered: true }), act: oneOf(['relu', 'gelu'], { name: 'act' }) })
 * ```
 */
export function oneOf<const C extends readonly unknown[]>(candidates: C, options: OneOfOptions = {}): Placeholder<ValueOf<C[number]>> {
  if (!Array.isArray(candidates) || candidates.length === 0) {
    throw new PliantError('oneOf', 'argument', 'a oneOf needs at least one candidate');
  }
  const ordered = options.ordered;
  if (ordered !== undefined && typeof ordered !== 'boolean') {
    throw new PliantError('oneOf', 'argument', `ordered must be a boolean, found ${JSON.stringify(ordered)}`);
  }
  if (ordered === true) {
    const problem = orderProblem(candidates);
    if (problem !== undefined) throw new PliantError('oneOf', 'argument', problem);
  }
  // `ordered` is stored only when true, so an unordered choice keeps the JSON and hash it had.
  return OneOf({ candidates, name: options.name, ordered: ordered === true ? true : undefined }) as SymbolicNode as Placeholder<ValueOf<C[number]>>;
}
