import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import type { Placeholder, SymbolicNode } from '../symbolic/node.js';
import type { FloatScale } from './floatv.js';
import { checkCandidates, hyperType, nameField } from './hyper-value.js';
import type { HyperOptions } from './hyper-value.js';

/** Arguments of an `intv` node. */
export interface IntvArgs {
  readonly min: number;
  readonly max: number;
  readonly scale?: FloatScale;
  readonly name?: string;
}

/** Options of {@link intv}. */
export interface IntvOptions extends HyperOptions {
  /**
   * `'log'`: log-uniform (each integer k has the mass of [k − ½, k + ½] on the log), for batch
   * sizes and widths; `'rlog'`: the mirror image, dense near `max`. Both need `min ≥ 1`. Default:
   * linear (uniform over the integers).
   */
  readonly scale?: FloatScale;
}

function rangeProblem(min: number, max: number, scale: FloatScale | undefined): string | undefined {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) return `bounds must be integers, found [${String(min)}, ${String(max)}]`;
  if (min > max) return `min (${min}) is greater than max (${max})`;
  if ((scale === 'log' || scale === 'rlog') && min < 1) return `a ${scale} scale needs min ≥ 1, found min ${min}`;
  return undefined;
}

/** The symbolic type behind {@link intv}, registered as `pliant.intv`. */
export const Intv = hyperType<IntvArgs>(
  'pliant.intv',
  'intv',
  z.object({ min: z.number().int(), max: z.number().int(), scale: z.enum(['linear', 'log', 'rlog']).optional(), name: nameField }).superRefine((a, ctx) => {
    const problem = rangeProblem(a.min, a.max, a.scale);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
  (node, schema, path, api) => {
    const { min, max } = node.args as unknown as IntvArgs;
    checkCandidates('intv', min === max ? [min] : [min, max, Math.floor((min + max) / 2)], schema, path, api);
  },
  (a) => rangeProblem(a.min, a.max, a.scale) === undefined,
);

/**
 * An integer decision in `[min, max]`, both ends included. Its DNA value is the integer itself
 * (the reference library encodes it as an index into `min..max`). With `{scale: 'log'}`, random
 * search and TPE work on the log of the integer (`intv(16, 1024, { scale: 'log' })` for a batch
 * size). An `intv` is ordered: models treat neighbouring integers as neighbours.
 */
export function intv(min: number, max: number, options: IntvOptions = {}): Placeholder<number> {
  const scale = options.scale;
  if (scale !== undefined && scale !== 'linear' && scale !== 'log' && scale !== 'rlog') {
    throw new PliantError('intv', 'argument', `scale is 'linear', 'log' or 'rlog', found ${JSON.stringify(scale)}`);
  }
  const problem = rangeProblem(min, max, scale);
  if (problem !== undefined) throw new PliantError('intv', 'argument', problem);
  return Intv({ min, max, scale, name: options.name }) as SymbolicNode as Placeholder<number>;
}
