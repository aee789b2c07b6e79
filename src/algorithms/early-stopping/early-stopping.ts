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
  /**
   * A completed trial's final value as a reward (what `feedback.done` recorded, maximised), when
   * the loop knows it; absent for other states. Policies that need a final value and find none
   * take the last reward of a completed curve.
   */
  readonly final?: number;
}

/** What a search tells its early-stopping policy before its first trial (see {@link EarlyStopping.forSearch}). */
export interface EarlyStoppingContext {
  /** The search's seed (the `seed` option of `sample` / `search`, default 0). */
  readonly seed: number | string;
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
  /**
   * The policy as one search uses it: `sample` and `search` call it once, when they open the study,
   * with the search's seed, and consult what it returns. A policy that draws nothing at random
   * returns itself; `hyperband()` without its own `seed` returns a copy whose brackets follow the
   * search's seed; combinations (`and`, `or`, `whenPredictive`) pass it on to their parts. It
   * returns a new policy rather than changing this one, so one policy object may serve several
   * searches. Optional: a policy without it is used as it is.
   */
  forSearch?(context: EarlyStoppingContext): EarlyStopping;
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
  return makePolicy(name, shouldStop);
}

/**
 * @internal A policy from a decision function and, for a policy that depends on the search (its
 * seed), what {@link EarlyStopping.forSearch} returns; without it, `forSearch` returns the policy.
 */
export function makePolicy(
  name: string,
  shouldStop: (trial: LearningCurve, study: readonly LearningCurve[]) => boolean,
  forSearch?: (context: EarlyStoppingContext) => EarlyStopping,
): EarlyStopping {
  const policy: EarlyStopping = Object.freeze({
    name,
    shouldStop,
    and(other: EarlyStopping): EarlyStopping {
      checkPolicy(other, `${name}.and`);
      return combine(policy, other, 'and');
    },
    or(other: EarlyStopping): EarlyStopping {
      checkPolicy(other, `${name}.or`);
      return combine(policy, other, 'or');
    },
    forSearch(context: EarlyStoppingContext): EarlyStopping {
      return forSearch === undefined ? policy : forSearch(context);
    },
  });
  return policy;
}

/**
 * `a & b` (stop when both say so) or `a | b` (when either does); for a search, the same
 * combination of the parts as that search uses them.
 */
function combine(a: EarlyStopping, b: EarlyStopping, op: 'and' | 'or'): EarlyStopping {
  const name = `(${a.name} ${op === 'and' ? '&' : '|'} ${b.name})`;
  const shouldStop =
    op === 'and'
      ? (t: LearningCurve, s: readonly LearningCurve[]): boolean => a.shouldStop(t, s) && b.shouldStop(t, s)
      : (t: LearningCurve, s: readonly LearningCurve[]): boolean => a.shouldStop(t, s) || b.shouldStop(t, s);
  const combined: EarlyStopping = makePolicy(name, shouldStop, (context) => {
    const ba = forSearchOf(a, context);
    const bb = forSearchOf(b, context);
    return ba === a && bb === b ? combined : combine(ba, bb, op);
  });
  return combined;
}

/** The policy as a search with `context` uses it: `policy.forSearch(context)` when it has one, else `policy`. */
export function forSearchOf(policy: EarlyStopping, context: EarlyStoppingContext): EarlyStopping {
  if (typeof policy.forSearch !== 'function') return policy;
  const bound = policy.forSearch(context);
  checkPolicy(bound, `${policy.name}.forSearch`);
  return bound;
}

/** Throws a `PliantError` from `api` unless `policy` is an {@link EarlyStopping}. */
export function checkPolicy(policy: unknown, api: string): asserts policy is EarlyStopping {
  if (typeof policy !== 'object' || policy === null || typeof (policy as { shouldStop?: unknown }).shouldStop !== 'function') {
    throw new PliantError(api, 'argument', `expects an early-stopping policy (medianStopping(), asha(), ...), found ${String(policy)}`);
  }
}
