/**
 * Reading learning curves, shared by the early-stopping policies: the value of a curve at a
 * step, which report crossed a step, percentiles, and argument checks. Internal to
 * `early-stopping/`.
 *
 * A NaN reward counts as the worst possible reward (−∞) everywhere, so a diverged trial never
 * looks good and comparisons stay total. Nothing here reads a curve's state: a failed curve is
 * read like any other, with the reports it made before it failed (possibly none).
 */
import { PliantError } from '../../base/errors.js';
import { checkOptions } from '../../base/options.js';
import type { LearningCurve } from './early-stopping.js';

/** `reward` as policies compare it: NaN becomes −∞ (the worst). */
export function score(reward: number): number {
  return Number.isNaN(reward) ? -Infinity : reward;
}

/** The step of the curve's last report, or `undefined` before its first report. */
export function lastStep(curve: LearningCurve): number | undefined {
  return curve.steps[curve.steps.length - 1];
}

/** The step of the report before the last one, or −∞ when the last report is the first. */
export function previousStep(curve: LearningCurve): number {
  return curve.steps.length >= 2 ? (curve.steps[curve.steps.length - 2] as number) : -Infinity;
}

/** The reward of the curve's last report (NaN as −∞), or `undefined` before its first report. */
export function lastReward(curve: LearningCurve): number | undefined {
  const r = curve.rewards[curve.rewards.length - 1];
  return r === undefined ? undefined : score(r);
}

/** Whether the curve's last report is the first to reach `step`: previous step < `step` ≤ last step. */
export function crossed(curve: LearningCurve, step: number): boolean {
  const last = lastStep(curve);
  return last !== undefined && last >= step && previousStep(curve) < step;
}

/**
 * The value of a curve at step `s`: the reward of its last report with step ≤ `s`, provided its
 * last step is ≥ `s` (a curve that did not reach `s` has no value there); NaN as −∞.
 */
export function valueAt(curve: LearningCurve, s: number): number | undefined {
  const last = lastStep(curve);
  if (last === undefined || last < s) return undefined;
  let value: number | undefined;
  for (let i = 0; i < curve.steps.length && (curve.steps[i] as number) <= s; i++) value = curve.rewards[i];
  return value === undefined ? undefined : score(value);
}

/** The reward of the curve's first report with step ≥ `s` (NaN as −∞), or `undefined` if it never reached `s`. */
export function valueFrom(curve: LearningCurve, s: number): number | undefined {
  for (let i = 0; i < curve.steps.length; i++) {
    if ((curve.steps[i] as number) >= s) {
      const r = curve.rewards[i];
      return r === undefined ? undefined : score(r);
    }
  }
  return undefined;
}

/** The best reward of the curve so far (NaN as −∞; −∞ for an empty curve). */
export function bestReward(curve: LearningCurve): number {
  let best = -Infinity;
  for (const r of curve.rewards) best = Math.max(best, score(r));
  return best;
}

/** The curves of `study` other than `trial` (matched by trial number). */
export function othersOf(trial: LearningCurve, study: readonly LearningCurve[]): LearningCurve[] {
  return study.filter((c) => c.number !== trial.number);
}

/** Sorts numbers best (largest) first, in place; returns them. */
export function bestFirst(values: number[]): number[] {
  return values.sort((a, b) => b - a);
}

/**
 * The `q`-th percentile (q in [0, 100]) of `values` with linear interpolation between the two
 * nearest ranks (numpy's default): position `q/100 · (n − 1)` in the ascending order.
 * `undefined` for no values.
 */
export function percentileOf(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  const t = pos - lo;
  if (t === 0 || a === b) return a;
  const v = t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
  return Number.isNaN(v) ? (t < 0.5 ? a : b) : v;
}

/**
 * Throws a `PliantError` from `api` unless `options` is an object (or `undefined`) whose option
 * names are all in `known` (an unknown one is named with the closest known one); returns it (or
 * `{}`).
 */
export function readOptions<T extends object>(options: T | undefined, api: string, known: readonly string[]): Partial<T> {
  checkOptions(api, options, known);
  return options ?? {};
}

/** Bounds for {@link checkNumber}. */
export interface NumberBounds {
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Exclusive lower bound. */
  readonly above?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
  /** Whether the number must be an integer. */
  readonly integer?: boolean;
}

/** Throws a `PliantError` from `api` unless `value` is a finite number within `bounds`; returns it. */
export function checkNumber(value: unknown, name: string, api: string, bounds: NumberBounds = {}): number {
  const parts: string[] = [];
  if (bounds.integer === true) parts.push('an integer');
  else parts.push('a finite number');
  if (bounds.min !== undefined) parts.push(`≥ ${bounds.min}`);
  if (bounds.above !== undefined) parts.push(`> ${bounds.above}`);
  if (bounds.max !== undefined) parts.push(`≤ ${bounds.max}`);
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (bounds.integer !== true || Number.isInteger(value)) &&
    (bounds.min === undefined || value >= bounds.min) &&
    (bounds.above === undefined || value > bounds.above) &&
    (bounds.max === undefined || value <= bounds.max);
  if (!ok) throw new PliantError(api, 'argument', `${name} must be ${parts.join(' ')}, found ${String(value)}`);
  return value as number;
}
