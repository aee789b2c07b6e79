/**
 * The early-stopping interface: a policy looks at a running trial's learning curve beside the
 * curves of the study's other trials and says whether to stop it now. Policies are pure
 * functions of the curves, so a resumed study decides as the uninterrupted one would have.
 */
import { PliantError } from '../../base/errors.js';

/**
 * Where a trial is in its life, as a policy sees it. A `failed` trial (its objective threw,
 * diverged or ran past its time) keeps the curve of the reports it made before it failed, possibly
 * empty; each policy says whether it compares against such curves.
 */
export type CurveState = 'running' | 'completed' | 'pruned' | 'failed' | 'abandoned';

/**
 * A trial's intermediate values: `rewards[i]` was reported at `steps[i]`. Rewards are maximised
 * (the loop negates a minimised objective). Steps are the ones given to `feedback.report`
 * (default: 1, 2, 3, ... the count of reports so far).
 */
export interface LearningCurve {
  /** The trial's number in the study (its order of proposal). */
  readonly number: number;
  readonly state: CurveState;
  readonly steps: readonly number[];
  readonly rewards: readonly number[];
}

/**
 * An early-stopping policy. `shouldStop(trial, study)` is asked after each report of a running
 * trial; `study` holds every trial's curve, the asking one included. Combine policies with
 * `a.and(b)` (stop only when both say so) and `a.or(b)` (stop when either does).
 */
export interface EarlyStopping {
  /** A short name for logs (`median`, `asha(η=3)`, `median & asha(η=3)`). */
  readonly name: string;
  /** Whether `trial` should stop now. */
  shouldStop(trial: LearningCurve, study: readonly LearningCurve[]): boolean;
  /** A policy that stops only when this one and `other` both say so. */
  and(other: EarlyStopping): EarlyStopping;
  /** A policy that stops when this one or `other` says so. */
  or(other: EarlyStopping): EarlyStopping;
}

/**
 * Makes a policy from a decision function (gives it `and` / `or`).
 *
 * ```ts
 * const belowZero = earlyStopping('below-zero', (trial) => (trial.rewards.at(-1) ?? 0) < 0);
 * const policy = medianStopping().or(belowZero);
 * ```
 */
export function earlyStopping(name: string, shouldStop: (trial: LearningCurve, study: readonly LearningCurve[]) => boolean): EarlyStopping {
  if (typeof name !== 'string') throw new PliantError('earlyStopping', 'argument', `name must be a string, found ${String(name)}`);
  if (typeof shouldStop !== 'function') throw new PliantError('earlyStopping', 'argument', 'shouldStop must be a function (trial, study) => boolean');
  const policy: EarlyStopping = Object.freeze({
    name,
    shouldStop,
    and(other: EarlyStopping): EarlyStopping {
      checkPolicy(other, `${name}.and`);
      return earlyStopping(`(${name} & ${other.name})`, (t, s) => policy.shouldStop(t, s) && other.shouldStop(t, s));
    },
    or(other: EarlyStopping): EarlyStopping {
      checkPolicy(other, `${name}.or`);
      return earlyStopping(`(${name} | ${other.name})`, (t, s) => policy.shouldStop(t, s) || other.shouldStop(t, s));
    },
  });
  return policy;
}

/** Throws a `PliantError` from `api` unless `policy` is an {@link EarlyStopping}. */
export function checkPolicy(policy: unknown, api: string): asserts policy is EarlyStopping {
  if (typeof policy !== 'object' || policy === null || typeof (policy as { shouldStop?: unknown }).shouldStop !== 'function') {
    throw new PliantError(api, 'argument', `expects an early-stopping policy (medianStopping(), asha(), ...), found ${String(policy)}`);
  }
}
