import { seededRng } from '../../base/rng.js';
import { PliantError } from '../../base/errors.js';
import { checkOptions } from '../../base/options.js';
import { optionNames } from '../checks.js';
import { ashaStops } from './asha.js';
import type { Rungs } from './asha.js';
import { checkNumber } from './curve.js';
import { makePolicy } from './early-stopping.js';
import type { EarlyStopping, EarlyStoppingContext, LearningCurve } from './early-stopping.js';

/** Options of {@link hyperband}. */
export interface HyperbandOptions {
  /** The smallest budget (step) a trial gets before it can be stopped (default 1; > 0). */
  readonly minResource?: number;
  /** The largest budget (step) of a trial; > `minResource`. */
  readonly maxResource: number;
  /** η, the factor between rungs (default 3; > 1). */
  readonly reductionFactor?: number;
  /**
   * Seed of the bracket assignment. Default: the search's seed (the `seed` option of `sample` /
   * `search`, given to the policy through {@link EarlyStopping.forSearch}), and 0 when the policy
   * is asked outside a search.
   */
  readonly seed?: number | string;
}

const OPTIONS = optionNames<HyperbandOptions>({ minResource: true, maxResource: true, reductionFactor: true, seed: true });

/** A Hyperband policy: an {@link EarlyStopping} that also tells which bracket a trial is in. */
export interface HyperbandPolicy extends EarlyStopping {
  /** B, the number of brackets: `floor(log_η(maxResource / minResource)) + 1`. */
  readonly brackets: number;
  /** The bracket (0 .. B − 1) of the trial with this number; a pure function of the number and the seed. */
  bracketOf(trialNumber: number): number;
  /** The seed the brackets are drawn with: the `seed` option, else (until a search gives its own) 0. */
  readonly seed: number | string;
  /** This policy with the search's seed, unless it was given a `seed` of its own (then itself). */
  forSearch(context: EarlyStoppingContext): HyperbandPolicy;
}

/**
 * Hyperband. There are `B = floor(log_η(maxResource / minResource)) + 1` brackets; bracket `b`
 * (0 .. B − 1) is an {@link asha} with `minEarlyStoppingRate = b` (rungs at
 * `minResource · η^(b + k)` below `maxResource`) whose competitors are only the trials of the
 * same bracket. Bracket 0 stops most aggressively; bracket B − 1 has one rung at most, at
 * `minResource · η^(B − 1)`, and none when `maxResource / minResource` is a power of η, so
 * then, as Hyperband's last bracket, it runs every trial in full.
 *
 * A trial's bracket is a deterministic function of its number and the seed (a seedrandom draw
 * keyed by both, so it survives a resume and needs no stored state; the seed is `seed` when
 * given, else the search's seed, so searches with different seeds draw different brackets, and
 * every process of one study draws the same ones), drawn with probability
 * proportional to Hyperband's number of configurations of that bracket:
 * `n_s = ceil(B / (s + 1) · η^s)` with `s = B − 1 − b`. Optuna draws by a hash of the study name
 * and trial number with the same weights. Within a bracket, trials compete as in `asha`
 * (a failed trial with the values it reported before it failed). An unknown option name is a
 * `PliantError`.
 *
 * ```ts
 * const policy = hyperband({ minResource: 1, maxResource: 81, reductionFactor: 3 }); // 5 brackets
 * policy.bracketOf(7); // which bracket trial 7 competes in
 * ```
 */
export function hyperband(options: HyperbandOptions): HyperbandPolicy {
  const api = 'hyperband';
  if (typeof options !== 'object' || options === null) throw new PliantError(api, 'argument', `expects options {maxResource, ...}, found ${String(options)}`);
  checkOptions(api, options, OPTIONS);
  const minResource = checkNumber(options.minResource ?? 1, 'minResource', api, { above: 0 });
  if (options.maxResource === undefined) throw new PliantError(api, 'argument', 'maxResource is required (the largest step a trial reaches)');
  const maxResource = checkNumber(options.maxResource, 'maxResource', api, { above: minResource });
  const eta = checkNumber(options.reductionFactor ?? 3, 'reductionFactor', api, { above: 1 });
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' && typeof seed !== 'string') throw new PliantError(api, 'argument', `seed must be a number or a string, found ${String(seed)}`);
  return seededHyperband(minResource, maxResource, eta, seed, options.seed !== undefined);
}

/** The Hyperband policy drawing its brackets with `seed`; `fixed`: the seed was given, a search does not change it. */
function seededHyperband(minResource: number, maxResource: number, eta: number, seed: number | string, fixed: boolean): HyperbandPolicy {
  const brackets = bracketCount(minResource, maxResource, eta);
  const weights = Array.from({ length: brackets }, (_, b) => {
    const s = brackets - 1 - b;
    return Math.ceil((brackets / (s + 1)) * eta ** s);
  });
  const total = weights.reduce((a, w) => a + w, 0);
  const rungs: Rungs[] = Array.from({ length: brackets }, (_, b) => ({ minResource, reductionFactor: eta, minEarlyStoppingRate: b, maxResource }));
  const memo = new Map<number, number>(); // a cache of a pure function, not state

  function bracketOf(trialNumber: number): number {
    if (typeof trialNumber !== 'number' || !Number.isFinite(trialNumber)) {
      throw new PliantError('hyperband.bracketOf', 'argument', `a trial number must be a finite number, found ${String(trialNumber)}`);
    }
    const known = memo.get(trialNumber);
    if (known !== undefined) return known;
    let u = seededRng(`hyperband:${String(seed)}:${trialNumber}`)() * total;
    let b = 0;
    while (b < brackets - 1 && u >= (weights[b] as number)) u -= weights[b++] as number;
    memo.set(trialNumber, b);
    return b;
  }

  const shouldStop = (trial: LearningCurve, study: readonly LearningCurve[]): boolean => {
    const b = bracketOf(trial.number);
    const same = study.filter((c) => c.number !== trial.number && bracketOf(c.number) === b);
    return ashaStops(trial, same, rungs[b] as Rungs);
  };
  const forSearch = (context: EarlyStoppingContext): HyperbandPolicy =>
    fixed || String(context.seed) === String(seed) ? self : seededHyperband(minResource, maxResource, eta, context.seed, false);
  const policy = makePolicy(`hyperband(η=${eta}, r=${minResource}..${maxResource})`, shouldStop, forSearch);
  const self: HyperbandPolicy = Object.freeze({ name: policy.name, shouldStop, and: policy.and, or: policy.or, forSearch, brackets, bracketOf, seed });
  return self;
}

/** B: the number of k ≥ 0 with `minResource · η^k ≤ maxResource` (robust to rounding in the logarithm). */
function bracketCount(minResource: number, maxResource: number, eta: number): number {
  let count = 0;
  while (minResource * eta ** count <= maxResource * (1 + 1e-12)) count++;
  return count;
}
