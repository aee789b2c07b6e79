/**
 * PyGlove's step-wise early stopping (`early_stop_by_value`, `early_stop_by_rank`): gates at
 * fixed steps; the report that first reaches a gate is checked against a threshold or against
 * the other trials' values at that gate.
 */
import { PliantError } from '../../base/errors.js';
import { bestFirst, crossed, lastReward, othersOf, valueFrom } from './curve.js';
import { earlyStopping } from './early-stopping.js';
import type { EarlyStopping, LearningCurve } from './early-stopping.js';

/** A gate of {@link stopByValue}: at `step`, a reward below `threshold` stops the trial. */
export type ValueGate = readonly [step: number, threshold: number];

/**
 * A gate of {@link stopByRank}: at `step`, a trial ranking below `rank` among the other trials'
 * values at that step stops, once at least `minHistory` other trials reached it. `rank` ≥ 1 is an
 * absolute rank (an integer: 3 = the third best); a `rank` in [0, 1) is a fraction of the way
 * from the best (0) to the worst.
 */
export type RankGate = readonly [step: number, rank: number, minHistory: number];

/**
 * Stops a trial at fixed gates by value: when a report is the first to reach a gate's step
 * (previous step < gate step ≤ current step), the trial stops if that report's reward is below
 * the gate's threshold. Rewards are maximised (a minimised objective arrives negated, so give
 * negated thresholds); a NaN reward counts as −∞. A report that passes several gates at once is
 * checked against each of them.
 *
 * ```ts
 * const policy = stopByValue([[1, 0.2], [5, 0.8]]); // at step 1 need 0.2, at step 5 need 0.8
 * ```
 */
export function stopByValue(gates: readonly ValueGate[]): EarlyStopping {
  const api = 'stopByValue';
  checkGates(gates, api, 2);
  const checked = gates.map((gate, i): ValueGate => {
    const [step, threshold] = gate;
    checkStep(step, gate, i, api);
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) bad(api, gate, i, `threshold must be a number, found ${String(threshold)}`);
    return [step, threshold];
  });
  return earlyStopping(api, (trial: LearningCurve): boolean => {
    const reward = lastReward(trial);
    if (reward === undefined) return false;
    return checked.some(([step, threshold]) => crossed(trial, step) && reward < threshold);
  });
}

/**
 * Stops a trial at fixed gates by rank. When a report is the first to reach a gate's step, the
 * history is the gate values of the study's other trials that reached the gate (any state, a
 * failed trial with the reports it made before it failed; a trial's gate value is its reward at
 * its first report with step ≥ the gate step). With fewer
 * than `minHistory` values (or none) the trial goes on. Otherwise, with the history sorted best
 * first and `k = rank < 1 ? floor((n − 1) · rank) : rank − 1`, the trial stops when its reward is
 * below `history[k]` (and goes on when `k ≥ n`). Rewards are maximised; NaN counts as −∞. A
 * report that passes several gates at once is checked against each of them.
 *
 * ```ts
 * const policy = stopByRank([
 *   [1, 0.8, 5], // at step 1, stop below the top 80% of the others, once 5 others got there
 *   [3, 3, 3],   // at step 3, stop below the third best, once 3 others got there
 * ]);
 * ```
 */
export function stopByRank(gates: readonly RankGate[]): EarlyStopping {
  const api = 'stopByRank';
  checkGates(gates, api, 3);
  const checked = gates.map((gate, i): RankGate => {
    const [step, rank, minHistory] = gate;
    checkStep(step, gate, i, api);
    if (typeof rank !== 'number' || !Number.isFinite(rank) || rank < 0) {
      bad(api, gate, i, `rank must be a fraction in [0, 1] or an integer ≥ 1, found ${String(rank)}`);
    }
    if (rank > 1 && !Number.isInteger(rank)) bad(api, gate, i, `a rank ≥ 1 is an absolute rank and must be an integer, found ${rank}`);
    if (typeof minHistory !== 'number' || !Number.isInteger(minHistory) || minHistory < 0) {
      bad(api, gate, i, `minHistory must be an integer ≥ 0, found ${String(minHistory)}`);
    }
    return [step, rank, minHistory];
  });
  return earlyStopping(api, (trial: LearningCurve, study: readonly LearningCurve[]): boolean => {
    const reward = lastReward(trial);
    if (reward === undefined) return false;
    let others: LearningCurve[] | undefined;
    for (const [step, rank, minHistory] of checked) {
      if (!crossed(trial, step)) continue;
      others ??= othersOf(trial, study);
      const history: number[] = [];
      for (const c of others) {
        const v = valueFrom(c, step);
        if (v !== undefined) history.push(v);
      }
      if (history.length === 0 || history.length < minHistory) continue;
      bestFirst(history);
      const k = rank < 1 ? Math.floor((history.length - 1) * rank) : rank - 1;
      if (k >= history.length) continue;
      if (reward < (history[k] as number)) return true;
    }
    return false;
  });
}

function checkGates(gates: unknown, api: string, size: number): asserts gates is readonly (readonly unknown[])[] {
  const form = size === 2 ? '[step, threshold]' : '[step, rank, minHistory]';
  if (!Array.isArray(gates) || gates.length === 0) throw new PliantError(api, 'argument', `expects a non-empty array of gates ${form}, found ${show(gates)}`);
  gates.forEach((gate: unknown, i) => {
    if (!Array.isArray(gate) || gate.length !== size) throw new PliantError(api, 'argument', `gate ${i} ${show(gate)}: expects ${form}`);
  });
}

function checkStep(step: unknown, gate: readonly unknown[], i: number, api: string): void {
  if (typeof step !== 'number' || !Number.isFinite(step)) bad(api, gate, i, `step must be a finite number, found ${String(step)}`);
}

function bad(api: string, gate: readonly unknown[], i: number, message: string): never {
  throw new PliantError(api, 'argument', `gate ${i} ${show(gate)}: ${message}`);
}

function show(value: unknown): string {
  return Array.isArray(value) ? `[${value.map((v: unknown) => show(v)).join(', ')}]` : String(value);
}
