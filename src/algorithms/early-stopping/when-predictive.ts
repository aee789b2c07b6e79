/**
 * A guard for any early-stopping policy: it lets the policy stop a trial at a step only where,
 * in this study so far, the values at that step have ranked the completed trials as their final
 * values did. Where the first epochs rank configurations badly (good ones start slow), the
 * guarded policy waits until the curves have become predictive instead of cutting the eventual
 * best trials.
 */
import { PliantError } from '../../base/errors.js';
import { optionNames } from '../checks.js';
import { checkNumber, lastReward, lastStep, othersOf, readOptions, score, valueAt } from './curve.js';
import { checkPolicy, forSearchOf, makePolicy } from './early-stopping.js';
import type { EarlyStopping, EarlyStoppingContext, LearningCurve } from './early-stopping.js';

/** Options of {@link whenPredictive}. */
export interface WhenPredictiveOptions {
  /**
   * The rank correlation (Spearman's ρ) between the values at the trial's step and the final
   * values, over the completed trials, at or above which the guarded policy may stop the trial
   * (default 0.9; in [−1, 1]).
   */
  readonly minCorrelation?: number;
  /**
   * How many completed trials with a value at the trial's step the correlation needs before the
   * guarded policy may stop anything (default 20; an integer ≥ 3).
   */
  readonly minTrials?: number;
}

const OPTIONS = optionNames<WhenPredictiveOptions>({ minCorrelation: true, minTrials: true });

/** The defaults of {@link WhenPredictiveOptions}. */
export const WHEN_PREDICTIVE_DEFAULTS: Readonly<Required<WhenPredictiveOptions>> = Object.freeze({ minCorrelation: 0.9, minTrials: 20 });

/**
 * Guards `policy`: a trial stops when `policy` says so and the study's curves have been
 * predictive at the trial's step. Precisely, with `s` the step of the trial's last report, the
 * trial stops when `policy.shouldStop(trial, study)` is true and, over the set C of the study's
 * other **completed** trials that have a value at `s` (the reward of a curve's last report with
 * step ≤ `s`, provided its last step is ≥ `s`: the value at or nearest before `s`),
 *
 * - C holds at least `minTrials` trials, and
 * - Spearman's rank correlation ρ between the values at `s` and the final values of the trials of
 *   C (ties get their average rank; ρ is the Pearson correlation of the ranks) is ≥
 *   `minCorrelation`.
 *
 * A trial's final value is its completed value (`LearningCurve.final`, what `feedback.done`
 * recorded), or its last reward when the curve does not carry it. Pruned trials have no final
 * value and failed, abandoned and running ones none yet: none of them is in C. When the values at
 * `s` or the final values are all equal, ρ is undefined and nothing stops. Otherwise the trial
 * goes on, whatever `policy` says. Rewards are maximised; a NaN reward counts as −∞.
 *
 * The guard only ever says "go on" where `policy` would have stopped: it never stops a trial
 * `policy` keeps. It is a pure function of the curves (a resumed study decides as the
 * uninterrupted one would have), and it computes ρ only when `policy` wants to stop (O(n log n)
 * in the completed trials). For a search, the guarded policy is the one `policy.forSearch` gives
 * (so `hyperband` inside follows the search's seed). An unknown option name, or a value out of
 * range, is a `PliantError`.
 *
 * The defaults (ρ ≥ 0.9 over ≥ 20 completed trials) were measured on the LCBench surrogate
 * (`bench/lcbench.bench.ts`, tasks 3945, 7593 and 189909) and on the synthetic learning-curve
 * bench (`bench/early-stopping.bench.ts`), seeds 0–9, random search over 200 trials (which
 * proposes the same candidates whatever the policy, so a lost best trial shows) and TPE at equal
 * compute. Guarding median stopping, ASHA or Hyperband with them kept the best trial of every
 * seed on the three LCBench tasks, where ASHA alone lost it on all of 7593 and 189909 (9 to 15
 * points), and saved 62–78% of the epochs where early values predict final ones (LCBench 3945,
 * the one-shape curves) and 29–47% where they rank configurations badly. Lower thresholds
 * (ρ ≥ 0.75 or 0.8, or ≥ 10 trials) saved more there but lost the best trial of more seeds on the
 * curves where good configurations start slow.
 *
 * ```ts
 * const policy = whenPredictive(asha({ minResource: 1, reductionFactor: 3, maxResource: 52 }));
 * const careful = whenPredictive(medianStopping(), { minCorrelation: 0.95, minTrials: 30 });
 * ```
 */
export function whenPredictive(policy: EarlyStopping, options?: WhenPredictiveOptions): EarlyStopping {
  const api = 'whenPredictive';
  checkPolicy(policy, api);
  const o = readOptions(options, api, OPTIONS);
  const minCorrelation = checkNumber(o.minCorrelation ?? WHEN_PREDICTIVE_DEFAULTS.minCorrelation, 'minCorrelation', api, { min: -1, max: 1 });
  const minTrials = checkNumber(o.minTrials ?? WHEN_PREDICTIVE_DEFAULTS.minTrials, 'minTrials', api, { min: 3, integer: true });
  return guarded(policy, minCorrelation, minTrials);
}

function guarded(policy: EarlyStopping, minCorrelation: number, minTrials: number): EarlyStopping {
  const self: EarlyStopping = makePolicy(
    `predictive(${policy.name}, ρ≥${minCorrelation}, n≥${minTrials})`,
    (trial: LearningCurve, study: readonly LearningCurve[]): boolean => {
      if (!policy.shouldStop(trial, study)) return false;
      const step = lastStep(trial);
      if (step === undefined) return false;
      const rho = predictiveCorrelation(othersOf(trial, study), step, minTrials);
      return rho !== undefined && rho >= minCorrelation;
    },
    (context: EarlyStoppingContext): EarlyStopping => {
      const bound = forSearchOf(policy, context);
      return bound === policy ? self : guarded(bound, minCorrelation, minTrials);
    },
  );
  return self;
}

/**
 * Spearman's ρ between the values at `step` and the final values of the completed curves of
 * `curves` that have a value at `step`; `undefined` when fewer than `minTrials` (default 2) have
 * one, or when either side has no spread.
 */
export function predictiveCorrelation(curves: readonly LearningCurve[], step: number, minTrials = 2): number | undefined {
  if (typeof step !== 'number' || Number.isNaN(step))
    throw new PliantError('predictiveCorrelation', 'argument', `step must be a number, found ${String(step)}`);
  const early: number[] = [];
  const final: number[] = [];
  for (const c of curves) {
    if (c.state !== 'completed') continue;
    const v = valueAt(c, step);
    if (v === undefined) continue;
    const f = c.final === undefined ? lastReward(c) : score(c.final);
    if (f === undefined) continue;
    early.push(v);
    final.push(f);
  }
  if (early.length < Math.max(2, minTrials)) return undefined;
  return spearman(early, final);
}

/** Spearman's rank correlation of two equally long samples (average ranks for ties); `undefined` without spread. */
export function spearman(a: readonly number[], b: readonly number[]): number | undefined {
  if (a.length !== b.length) throw new PliantError('spearman', 'argument', `the samples differ in length: ${a.length} and ${b.length}`);
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const mean = (n - 1) / 2; // the mean of average ranks 0..n-1, ties or not
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (ra[i] as number) - mean;
    const db = (rb[i] as number) - mean;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return undefined;
  return sab / Math.sqrt(saa * sbb);
}

/** The ranks (0-based, ascending; ties share their average rank) of `values`; −∞ sorts first. */
function ranks(values: readonly number[]): Float64Array {
  const order = Array.from(values.keys()).sort((i, j) => (values[i] as number) - (values[j] as number) || i - j);
  const out = new Float64Array(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    const v = values[order[i] as number];
    while (j + 1 < order.length && values[order[j + 1] as number] === v) j++;
    const r = (i + j) / 2;
    for (let k = i; k <= j; k++) out[order[k] as number] = r;
    i = j + 1;
  }
  return out;
}
