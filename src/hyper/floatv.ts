import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import type { Placeholder, SymbolicNode } from '../symbolic/node.js';
import { checkCandidates, hyperType, nameField } from './hyper-value.js';
import type { HyperOptions } from './hyper-value.js';

/** How a float decision is scaled: uniform, log-uniform, or reverse-log (dense near `max`). */
export type FloatScale = 'linear' | 'log' | 'rlog';

/** Arguments of a `floatv` node. */
export interface FloatvArgs {
  readonly min: number;
  readonly max: number;
  readonly scale?: FloatScale;
  readonly name?: string;
}

/** Options of {@link floatv}. */
export interface FloatvOptions extends HyperOptions {
  /** `'log'` and `'rlog'` need `min > 0`. Default: linear. */
  readonly scale?: FloatScale;
}

/** @internal A value inside the range that is not an integer (checks integer-only fields). */
export function probeInside(min: number, max: number): number {
  return min + (max - min) * 0.3819660112501051;
}

function rangeProblem(min: number, max: number, scale: FloatScale | undefined): string | undefined {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return `bounds must be finite, found [${min}, ${max}]`;
  if (min > max) return `min (${min}) is greater than max (${max})`;
  if ((scale === 'log' || scale === 'rlog') && min <= 0) return `a ${scale} scale needs min > 0, found min ${min}`;
  return undefined;
}

/** The symbolic type behind {@link floatv}, registered as `pliant.floatv`. */
export const Floatv = hyperType<FloatvArgs>(
  'pliant.floatv',
  'floatv',
  z.object({ min: z.number(), max: z.number(), scale: z.enum(['linear', 'log', 'rlog']).optional(), name: nameField }).superRefine((a, ctx) => {
    const problem = rangeProblem(a.min, a.max, a.scale);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
  (node, schema, path, api) => {
    const { min, max } = node.args as unknown as FloatvArgs;
    checkCandidates('floatv', min === max ? [min] : [min, max, probeInside(min, max)], schema, path, api);
  },
  (a) => rangeProblem(a.min, a.max, a.scale) === undefined,
);

/**
 * A float decision in `[min, max]`. Random search samples it uniformly, or log-uniformly with
 * `{scale: 'log'}`. Accepted in any argument whose schema accepts the whole range.
 */
export function floatv(min: number, max: number, options: FloatvOptions = {}): Placeholder<number> {
  const problem = typeof min === 'number' && typeof max === 'number' ? rangeProblem(min, max, options.scale) : 'bounds must be numbers';
  if (problem !== undefined) throw new PliantError('floatv', 'argument', problem);
  return Floatv({ min, max, scale: options.scale, name: options.name }) as SymbolicNode as Placeholder<number>;
}
