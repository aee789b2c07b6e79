import type { LearningCurve } from '../algorithms/early-stopping/early-stopping.js';
import type { Objectives } from './objectives.js';
import type { TrialStates } from './trial-states.js';
import type { Trial } from './trial.js';

interface Cached {
  curve: LearningCurve;
  reports: number;
  state: Trial['state'];
}

/**
 * @internal The learning curves of a study's trials, as early-stopping policies see them: each
 * report's step (default: its position, from 1) and its reward (the first objective, maximised).
 * Curves are rebuilt only for trials that changed since the last call.
 */
export class CurveBook {
  readonly #state: TrialStates;
  readonly #objectives: Objectives;
  readonly #cache = new Map<string, Cached>();

  constructor(state: TrialStates, objectives: Objectives) {
    this.#state = state;
    this.#objectives = objectives;
  }

  /** The curve of one trial (with its final value as a reward when it completed with one). */
  curve(trial: Pick<Trial, 'id' | 'number' | 'state' | 'reports' | 'value'>): LearningCurve {
    const hit = this.#cache.get(trial.id);
    if (hit !== undefined && hit.reports === trial.reports.length && hit.state === trial.state) return hit.curve;
    const steps: number[] = [];
    const rewards: number[] = [];
    trial.reports.forEach((r, i) => {
      let reward: number;
      try {
        reward = this.#objectives.reward(r.value, 'feedback.shouldStop');
      } catch {
        return; // a report without the objective (recorded before early stopping was asked for) is not on the curve
      }
      steps.push(r.step ?? i + 1);
      rewards.push(reward);
    });
    const final = trial.state === 'completed' ? this.#final(trial.value) : undefined;
    const curve: LearningCurve = Object.freeze({
      number: trial.number,
      state: trial.state,
      steps: Object.freeze(steps),
      rewards: Object.freeze(rewards),
      ...(final === undefined ? {} : { final }),
    });
    this.#cache.set(trial.id, { curve, reports: trial.reports.length, state: trial.state });
    return curve;
  }

  /** A completed value as a reward, or `undefined` when it has none or lacks the objective. */
  #final(value: Trial['value']): number | undefined {
    if (value === undefined) return undefined;
    try {
      return this.#objectives.reward(value, 'feedback.shouldStop');
    } catch {
      return undefined;
    }
  }

  /** Every trial's curve, in trial order. */
  all(): LearningCurve[] {
    return this.#state.trials.map((t) => this.curve(t));
  }
}
