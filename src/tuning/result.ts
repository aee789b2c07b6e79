import type { Direction, Trial } from './trial.js';
import { objectiveOf } from './sample.js';

/** Everything a search did: every trial, the best one, and the direction of the objective. */
export class Result {
  /** The study's name. */
  readonly study: string;
  /** Every trial, in order, with its state, DNA, candidate JSON, measurements and timing. */
  readonly trials: readonly Trial[];
  readonly direction: Direction;
  /** The metric optimised when measurements are records. */
  readonly metric: string | undefined;

  constructor(study: string, trials: readonly Trial[], direction: Direction, metric?: string) {
    this.study = study;
    this.trials = Object.freeze([...trials]);
    this.direction = direction;
    this.metric = metric;
    Object.freeze(this);
  }

  /** The completed trials. */
  get completed(): Trial[] {
    return this.trials.filter((t) => t.state === 'completed' && t.value !== undefined);
  }

  /** The objective of a completed trial. */
  objective(trial: Trial): number {
    return objectiveOf(trial.value ?? Number.NaN, this.metric, 'Result.objective');
  }

  /** The best completed trial (the first one on ties), or `undefined`. */
  get best(): Trial | undefined {
    let best: Trial | undefined;
    let bestValue = 0;
    for (const t of this.completed) {
      const v = this.objective(t);
      if (best === undefined || (this.direction === 'maximize' ? v > bestValue : v < bestValue)) {
        best = t;
        bestValue = v;
      }
    }
    return best;
  }
}
