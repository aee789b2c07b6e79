import { dominates } from '../algorithms/pareto.js';
import { PliantError } from '../base/errors.js';
import { Objectives } from './objectives.js';
import type { ObjectiveOptions } from './objectives.js';
import type { CacheStats } from '../hashing/functional-cache.js';
import type { Direction, Trial } from './trial.js';

/**
 * Everything a search did: every trial, the best one (or, for several objectives, the Pareto
 * front), and how trials are judged (metrics, directions, constraints).
 */
export class Result {
  /** The study's name. */
  readonly study: string;
  /** Every trial, in order, with its state, DNA, candidate JSON, measurements and timing. */
  readonly trials: readonly Trial[];
  /** The direction of the (first) objective. */
  readonly direction: Direction;
  /** The direction of each objective. */
  readonly directions: readonly Direction[];
  /** The metric optimised when measurements are records (the first, for several objectives). */
  readonly metric: string | undefined;
  /** The metric of each objective (`undefined`: plain numbers or the default key). */
  readonly metrics: readonly (string | undefined)[];
  /** The constraint metrics (feasible when every one is ≤ 0). */
  readonly constraints: readonly string[];
  /** The dedupe cache's counters at the end of the search (`undefined` without `dedupe`). */
  readonly cache: CacheStats | undefined;
  /**
   * The names given to the space's hyper values (`oneOf(..., { name })`), by the key path their
   * value takes in a candidate; recorded in the study's header, so a loaded study has them too.
   * Views name those decisions by them.
   */
  readonly decisionNames: Readonly<Record<string, string>>;
  readonly #objectives: Objectives;

  /**
   * @param study - The study's name.
   * @param trials - Its trials, in order.
   * @param options - How to judge them (as given to `search`: `direction`, `metric`, `constraints`).
   * @param cache - The dedupe cache's counters, if the search had one.
   * @param decisionNames - The names of the space's named decisions, by key path in a candidate.
   */
  constructor(
    study: string,
    trials: readonly Trial[],
    options: ObjectiveOptions = {},
    cache?: CacheStats,
    decisionNames: Readonly<Record<string, string>> = {},
  ) {
    this.#objectives = new Objectives(options, 'Result');
    this.study = study;
    this.trials = Object.freeze([...trials]);
    this.directions = this.#objectives.directions;
    this.direction = this.directions[0] as Direction;
    this.metrics = this.#objectives.metrics;
    this.metric = this.metrics[0];
    this.constraints = this.#objectives.constraints;
    this.cache = cache === undefined ? undefined : Object.freeze({ ...cache });
    this.decisionNames = Object.freeze(Object.fromEntries(Object.entries(decisionNames).filter(([, v]) => typeof v === 'string')));
    Object.freeze(this);
  }

  /** The trials the objective evaluated (every trial but those served by the dedupe cache). */
  get evaluated(): Trial[] {
    return this.trials.filter((t) => !t.cached);
  }

  /** The completed trials (with a final value; pruned trials are not among them). */
  get completed(): Trial[] {
    return this.trials.filter((t) => t.state === 'completed' && t.value !== undefined);
  }

  /** The completed trials that satisfy every constraint. */
  get feasible(): Trial[] {
    return this.completed.filter((t) => this.isFeasible(t));
  }

  /** Whether a completed trial satisfies every constraint (always, without constraints). */
  isFeasible(trial: Trial): boolean {
    return trial.value !== undefined && this.#objectives.violation(trial.value, 'Result.isFeasible') === 0;
  }

  /** The value of objective `i` (default the first) of a completed trial, as measured. */
  objective(trial: Trial, i = 0): number {
    return this.#objectives.value(trial.value ?? Number.NaN, 'Result.objective', i);
  }

  /**
   * The best feasible completed trial (the first one on ties), or `undefined` when there is none.
   * For several objectives there is no single best: use {@link Result.paretoFront}.
   */
  get best(): Trial | undefined {
    if (this.#objectives.count > 1)
      throw new PliantError('Result.best', 'argument', `the search has ${this.#objectives.count} objectives: there is no single best, use result.paretoFront`);
    let best: Trial | undefined;
    let bestReward = 0;
    for (const t of this.feasible) {
      const r = this.#objectives.reward(t.value as NonNullable<Trial['value']>, 'Result.best');
      if (best === undefined || r > bestReward) {
        best = t;
        bestReward = r;
      }
    }
    return best;
  }

  /**
   * The feasible completed trials that no other feasible completed trial dominates (at least as
   * good on every objective and better on one), in trial order. With one objective: every trial
   * tied for the best value.
   */
  get paretoFront(): Trial[] {
    const trials = this.feasible;
    const points = trials.map((t) => this.#objectives.rewards(t.value as NonNullable<Trial['value']>, 'Result.paretoFront'));
    return trials.filter((_, i) => !points.some((q, j) => j !== i && dominates(q, points[i] as number[])));
  }
}
