/**
 * @internal How a study's measurements become rewards: the objective metric(s), their directions
 * and the constraint metrics, as given to `sample` / `search` (`metric`, `direction`,
 * `constraints`). Rewards are maximised: a minimised objective is negated.
 */
import type { Outcome } from '../algorithms/algorithm.js';
import { PliantError } from '../base/errors.js';
import type { Measurement } from '../base/measurement.js';
import type { Direction } from './trial.js';

/** The objective options shared by `sample`, `search` and `Result`. */
export interface ObjectiveOptions {
  /**
   * Whether higher (`maximize`, the default) or lower values are better; one direction per
   * metric for several objectives (a single direction applies to all).
   */
  readonly direction?: Direction | readonly Direction[];
  /**
   * For measurements that are records: the metric to optimise (default `objective`, or the only
   * key that is not a constraint); several names make a multi-objective search (use an algorithm
   * such as `nsga2` that handles several objectives).
   */
  readonly metric?: string | readonly string[];
  /**
   * Metrics of the final measurement that are constraints: a trial is feasible when every one is
   * ≤ 0. Infeasible trials rank after feasible ones (in the algorithms, `Result.best` and
   * `Result.paretoFront`).
   */
  readonly constraints?: readonly string[];
}

/** @internal The objectives of a study. */
export class Objectives {
  /** The metric of each objective (`undefined`: a plain number, or the default key). */
  readonly metrics: readonly (string | undefined)[];
  readonly directions: readonly Direction[];
  readonly constraints: readonly string[];
  readonly #signs: readonly number[];

  constructor(options: ObjectiveOptions, api: string) {
    const metric = options.metric;
    let metrics: (string | undefined)[];
    if (metric === undefined) metrics = [undefined];
    else if (typeof metric === 'string') metrics = [metric];
    else if (Array.isArray(metric) && metric.length > 0 && metric.every((m) => typeof m === 'string')) metrics = [...(metric as readonly string[])];
    else throw new PliantError(api, 'argument', `metric is a metric name or a non-empty array of names, found ${JSON.stringify(metric)}`);
    if (new Set(metrics).size !== metrics.length) throw new PliantError(api, 'argument', `metric names the same metric twice: ${JSON.stringify(metric)}`);
    const direction = options.direction ?? 'maximize';
    const directions: readonly unknown[] = typeof direction === 'string' ? metrics.map(() => direction) : Array.isArray(direction) ? direction : [direction];
    if (directions.length !== metrics.length) {
      throw new PliantError(api, 'argument', `direction gives ${directions.length} direction(s) for ${metrics.length} metric(s)`);
    }
    for (const d of directions) {
      if (d !== 'maximize' && d !== 'minimize') throw new PliantError(api, 'argument', `direction is 'maximize' or 'minimize', found ${String(d)}`);
    }
    const constraints = options.constraints ?? [];
    if (!Array.isArray(constraints) || !constraints.every((c) => typeof c === 'string')) {
      throw new PliantError(api, 'argument', `constraints is an array of metric names, found ${JSON.stringify(constraints)}`);
    }
    for (const c of constraints) {
      if (metrics.includes(c)) throw new PliantError(api, 'argument', `metric '${c}' cannot be both an objective and a constraint`);
    }
    this.metrics = Object.freeze(metrics);
    this.directions = Object.freeze(directions as Direction[]);
    this.constraints = Object.freeze([...constraints]);
    this.#signs = this.directions.map((d) => (d === 'maximize' ? 1 : -1));
    Object.freeze(this);
  }

  /** How many objectives. */
  get count(): number {
    return this.metrics.length;
  }

  /** The value of objective `i` in a measurement (as measured, not negated). */
  value(measurement: Measurement, api: string, i = 0): number {
    if (typeof measurement === 'number') {
      if (this.metrics.length > 1) {
        throw new PliantError(
          api,
          'argument',
          `a search with several objectives needs measurements that are records with ${this.metrics.join(', ')}; found the number ${measurement}`,
        );
      }
      return measurement;
    }
    const named = this.metrics[i];
    let key = named;
    if (key === undefined) {
      if ('objective' in measurement) key = 'objective';
      else {
        const keys = Object.keys(measurement).filter((k) => !this.constraints.includes(k));
        if (keys.length === 1) key = keys[0];
      }
    }
    const v = key === undefined ? undefined : measurement[key];
    if (typeof v !== 'number') {
      const why =
        named === undefined
          ? Object.keys(measurement).length === 0
            ? 'the measurement is a record without metrics'
            : `cannot tell the objective among the metrics ${Object.keys(measurement).join(', ')}: pass {metric: name}`
          : `the measurement has no metric '${named}' (it has ${Object.keys(measurement).join(', ') || 'none'})`;
      throw new PliantError(api, 'argument', why);
    }
    return v;
  }

  /** The reward (maximised) of the first objective. */
  reward(measurement: Measurement, api: string): number {
    return (this.#signs[0] as number) * this.value(measurement, api, 0);
  }

  /** The rewards (maximised) of every objective. */
  rewards(measurement: Measurement, api: string): number[] {
    return this.metrics.map((_, i) => (this.#signs[i] as number) * this.value(measurement, api, i));
  }

  /** The constraint values of a final measurement (`undefined` when the study has none). */
  constraintValues(measurement: Measurement, api: string): number[] | undefined {
    if (this.constraints.length === 0) return undefined;
    if (typeof measurement === 'number') {
      throw new PliantError(
        api,
        'argument',
        `the study has constraints (${this.constraints.join(', ')}): measurements must be records holding them; found the number ${measurement}`,
      );
    }
    return this.constraints.map((c) => {
      const v = measurement[c];
      if (typeof v !== 'number')
        throw new PliantError(api, 'argument', `the measurement has no constraint metric '${c}' (it has ${Object.keys(measurement).join(', ') || 'none'})`);
      return v;
    });
  }

  /** The total violation Σ max(0, cᵢ) of a final measurement (0 when feasible or without constraints). */
  violation(measurement: Measurement, api: string): number {
    let v = 0;
    for (const c of this.constraintValues(measurement, api) ?? []) if (c > 0) v += c;
    return v;
  }

  /** The reward and outcome an algorithm receives for a final (or, with `prunedAt`, last intermediate) measurement. */
  feedback(measurement: Measurement, api: string, prunedAt?: number): { reward: number; outcome: Outcome | undefined } {
    const rewards = this.rewards(measurement, api);
    const constraints = prunedAt === undefined ? this.constraintValues(measurement, api) : undefined;
    const outcome: { rewards?: number[]; constraints?: number[]; pruned?: { step: number } } = {};
    if (rewards.length > 1) outcome.rewards = rewards;
    if (constraints !== undefined) outcome.constraints = constraints;
    if (prunedAt !== undefined) outcome.pruned = { step: prunedAt };
    return { reward: rewards[0] as number, outcome: Object.keys(outcome).length === 0 ? undefined : outcome };
  }
}
