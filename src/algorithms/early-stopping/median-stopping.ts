/**
 * The percentile and median stopping rules (Optuna's `PercentilePruner` / `MedianPruner`,
 * Golovin et al.'s median stopping rule): stop a trial whose best reward so far is below a
 * percentile of what the completed trials had at the same step.
 */
import { PliantError } from '../../base/errors.js';
import { checkOptions } from '../../base/options.js';
import { optionNames } from '../checks.js';
import { bestReward, checkNumber, lastStep, othersOf, percentileOf, previousStep, readOptions, valueAt } from './curve.js';
import { earlyStopping } from './early-stopping.js';
import type { EarlyStopping, LearningCurve } from './early-stopping.js';

/** Options of {@link percentileStopping}. */
export interface PercentileStoppingOptions {
  /**
   * Which share of trials to keep, in percent (0..100, Optuna's meaning): a trial goes on while
   * its best reward is at least the `(100 − percentile)`-th percentile of the completed trials'
   * values at its step. 50 is the median rule; 25 keeps the top quarter.
   */
  readonly percentile: number;
  /** No stopping until this many trials of the study are completed (default 5). */
  readonly startupTrials?: number;
  /** No stopping while the trial's current step is ≤ `warmupSteps` (default 0). */
  readonly warmupSteps?: number;
  /**
   * Decide only at the decision steps `warmupSteps + k · intervalSteps` (k ≥ 1), on the report
   * that first reaches one of them (default 1: with steps 1, 2, 3, ... every report).
   */
  readonly intervalSteps?: number;
  /** No stopping unless at least this many completed trials reached the trial's step (default 1). */
  readonly minTrials?: number;
}

/** Options of {@link medianStopping}: those of {@link percentileStopping} without `percentile`. */
export type MedianStoppingOptions = Omit<PercentileStoppingOptions, 'percentile'>;

const PERCENTILE_OPTIONS = optionNames<PercentileStoppingOptions>({
  percentile: true,
  startupTrials: true,
  warmupSteps: true,
  intervalSteps: true,
  minTrials: true,
});
const MEDIAN_OPTIONS = optionNames<MedianStoppingOptions>({ startupTrials: true, warmupSteps: true, intervalSteps: true, minTrials: true });

/**
 * The percentile stopping rule (Optuna's `PercentilePruner`). At a decision step `s` (the
 * trial's current step, past the warm-up, the first report at or past a point
 * `warmupSteps + k · intervalSteps`), the trial stops when its best reward so far is strictly
 * below the `(100 − percentile)`-th percentile (linear interpolation, as numpy) of the values at
 * `s` of the study's other completed trials. The value of a curve at `s` is the reward of its
 * last report with step ≤ `s`; completed curves whose last step is below `s` do not count.
 * Rewards are maximised; a NaN reward counts as −∞. Only completed trials are compared against:
 * failed, pruned, abandoned and running ones are not (as Optuna's pruner). An unknown option name
 * is a `PliantError`.
 *
 * With steps 1, 2, 3, ... a report decides exactly when `(step − warmupSteps) % intervalSteps`
 * is 0; with steps that skip or are fractional, the first report past each such point decides
 * (as Optuna's "first step in the interval").
 *
 * ```ts
 * const policy = percentileStopping({ percentile: 25, startupTrials: 10, warmupSteps: 3 });
 * ```
 */
export function percentileStopping(options: PercentileStoppingOptions): EarlyStopping {
  const api = 'percentileStopping';
  if (typeof options !== 'object' || options === null) throw new PliantError(api, 'argument', `expects options {percentile, ...}, found ${String(options)}`);
  checkOptions(api, options, PERCENTILE_OPTIONS);
  const percentile = checkNumber(options.percentile, 'percentile', api, { min: 0, max: 100 });
  return make(api, `percentile(${percentile})`, percentile, options);
}

/**
 * The median stopping rule: {@link percentileStopping} with `percentile` 50. A trial stops when
 * its best reward so far is below the median of the completed trials' values at its step
 * (failed trials do not count). An unknown option name is a `PliantError`.
 *
 * ```ts
 * const policy = medianStopping({ startupTrials: 5, warmupSteps: 2 });
 * ```
 */
export function medianStopping(options?: MedianStoppingOptions): EarlyStopping {
  const api = 'medianStopping';
  const o = readOptions(options, api, MEDIAN_OPTIONS);
  return make(api, 'median', 50, o);
}

function make(api: string, name: string, percentile: number, options: MedianStoppingOptions): EarlyStopping {
  const startupTrials = checkNumber(options.startupTrials ?? 5, 'startupTrials', api, { min: 0, integer: true });
  const warmupSteps = checkNumber(options.warmupSteps ?? 0, 'warmupSteps', api, { min: 0 });
  const intervalSteps = checkNumber(options.intervalSteps ?? 1, 'intervalSteps', api, { above: 0 });
  const minTrials = checkNumber(options.minTrials ?? 1, 'minTrials', api, { min: 1, integer: true });
  const q = 100 - percentile;
  return earlyStopping(name, (trial: LearningCurve, study: readonly LearningCurve[]): boolean => {
    const step = lastStep(trial);
    if (step === undefined || step <= warmupSteps) return false;
    if (!isDecisionReport(step, previousStep(trial), warmupSteps, intervalSteps)) return false;
    const completed = othersOf(trial, study).filter((c) => c.state === 'completed');
    if (completed.length === 0 || completed.length < startupTrials) return false;
    const values: number[] = [];
    for (const c of completed) {
      const v = valueAt(c, step);
      if (v !== undefined) values.push(v);
    }
    if (values.length < minTrials) return false;
    const threshold = percentileOf(values, q);
    return threshold !== undefined && bestReward(trial) < threshold;
  });
}

/** Whether a report at `step` (previous report at `prev`) is the first to reach a decision point `warmup + k · interval`, k ≥ 1. */
function isDecisionReport(step: number, prev: number, warmup: number, interval: number): boolean {
  const k = Math.floor((step - warmup) / interval + 1e-9);
  if (k < 1) return false;
  return warmup + k * interval > prev;
}
