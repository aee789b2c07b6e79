/**
 * Asynchronous successive halving (ASHA, Li et al. 2020; Optuna's `SuccessiveHalvingPruner`):
 * at each rung of a geometric ladder of steps, a trial goes on only when it is in the top
 * `1/η` of the trials that reached that rung.
 */
import { optionNames } from '../checks.js';
import { bestFirst, checkNumber, lastStep, previousStep, readOptions, valueFrom } from './curve.js';
import { earlyStopping } from './early-stopping.js';
import type { EarlyStopping, LearningCurve } from './early-stopping.js';

/** Options of {@link asha}. */
export interface AshaOptions {
  /** The step of the lowest rung, before `minEarlyStoppingRate` shifts it (default 1; > 0). */
  readonly minResource?: number;
  /** η, the factor between rungs; about `1/η` of the trials at a rung reach the next (default 3; > 1). */
  readonly reductionFactor?: number;
  /** s, shifts the ladder up: rung k is at `minResource · η^(s + k)` (default 0; an integer ≥ 0). */
  readonly minEarlyStoppingRate?: number;
  /**
   * A trial's full budget (its last step): only rungs below it exist, so a trial that reached its
   * last step is never judged; > `minResource`. Give it: without it, a rung that falls on the last
   * step (1, 3, 9, 27, 81 with the defaults) prunes finished trials when `shouldStop()` is asked
   * after the last report (as Optuna's pruner does).
   */
  readonly maxResource?: number;
}

const OPTIONS = optionNames<AshaOptions>({ minResource: true, reductionFactor: true, minEarlyStoppingRate: true, maxResource: true });

/** @internal The rung ladder of one successive-halving run. */
export interface Rungs {
  /** See {@link AshaOptions.minResource}. */
  readonly minResource: number;
  /** η. */
  readonly reductionFactor: number;
  /** s: rung k is at `minResource · η^(s + k)`. */
  readonly minEarlyStoppingRate: number;
  /** Rungs exist only below this step, when given. */
  readonly maxResource: number | undefined;
}

/**
 * Asynchronous successive halving (Optuna's `SuccessiveHalvingPruner`, without bootstrap).
 * Rung k (k = 0, 1, ...) is at step `r_k = minResource · η^(minEarlyStoppingRate + k)`; with
 * `maxResource`, only rungs with `r_k < maxResource` exist. A trial's value at rung k is its
 * reward at its first report with step ≥ `r_k`.
 *
 * On each report, for every rung the report crosses (previous step < `r_k` ≤ current step), the
 * rung-k values of all the study's trials that reached rung k (any state, this trial included)
 * are sorted best first; the trial goes on when its value is ≥ the one at index
 * `max(0, floor(n / η) − 1)`, and stops otherwise. So the first trial at a rung always goes
 * on, and later ones must be in the top `1/η` of those that came before. Rewards are
 * maximised; a NaN reward counts as −∞. A failed trial competes with the values it reported
 * before it failed, as in Optuna (whose pruner reads the rung values of trials in every state).
 * ASHA draws nothing at random, so it takes no seed: its decisions are a pure function of the
 * curves, the same in every process of a study and after a resume, whatever the search's seed
 * (its {@link EarlyStopping.forSearch} returns the policy itself). An unknown option name is a
 * `PliantError`.
 *
 * ```ts
 * const policy = asha({ minResource: 1, reductionFactor: 3 }); // rungs at steps 1, 3, 9, 27, ...
 * ```
 */
export function asha(options?: AshaOptions): EarlyStopping {
  const api = 'asha';
  const o = readOptions(options, api, OPTIONS);
  const minResource = checkNumber(o.minResource ?? 1, 'minResource', api, { above: 0 });
  const reductionFactor = checkNumber(o.reductionFactor ?? 3, 'reductionFactor', api, { above: 1 });
  const minEarlyStoppingRate = checkNumber(o.minEarlyStoppingRate ?? 0, 'minEarlyStoppingRate', api, { min: 0, integer: true });
  const maxResource = o.maxResource === undefined ? undefined : checkNumber(o.maxResource, 'maxResource', api, { above: minResource });
  const rungs: Rungs = { minResource, reductionFactor, minEarlyStoppingRate, maxResource };
  return earlyStopping(`asha(η=${reductionFactor})`, (trial: LearningCurve, study: readonly LearningCurve[]): boolean =>
    ashaStops(
      trial,
      study.filter((c) => c.number !== trial.number),
      rungs,
    ),
  );
}

/**
 * @internal The successive-halving decision for `trial` against `competitors` (the other trials
 * competing at the rungs, `trial` not among them): true when its last report crosses a rung at
 * which it is not in the promotable top.
 */
export function ashaStops(trial: LearningCurve, competitors: readonly LearningCurve[], rungs: Rungs): boolean {
  const step = lastStep(trial);
  if (step === undefined) return false;
  const prev = previousStep(trial);
  const eta = rungs.reductionFactor;
  for (let k = 0; ; k++) {
    const r = rungs.minResource * eta ** (rungs.minEarlyStoppingRate + k);
    if (!Number.isFinite(r) || r > step) return false;
    if (rungs.maxResource !== undefined && r >= rungs.maxResource) return false;
    if (r <= prev) continue;
    const value = valueFrom(trial, r) as number; // the current report: the first to reach r
    const competing = [value];
    for (const c of competitors) {
      const v = valueFrom(c, r);
      if (v !== undefined) competing.push(v);
    }
    bestFirst(competing);
    const i = Math.max(0, Math.floor(competing.length / eta) - 1);
    if (value < (competing[i] as number)) return true;
  }
}
