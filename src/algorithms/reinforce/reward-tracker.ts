/**
 * @internal How the REINFORCE controller turns rewards into advantages: failed and infeasible
 * trials become the worst reward seen, a moving-average baseline is subtracted, and the result
 * is optionally scaled by a moving root-mean-square of past advantages.
 */
import type { Outcome } from '../algorithm.js';
import { isFailed } from '../ranking.js';

/** @internal The baseline and the reward range seen so far. */
export class RewardTracker {
  readonly #decay: number;
  readonly #normalize: boolean;
  /** Bias-corrected exponential moving averages (as Adam's moments): the sums, and the weight. */
  #mean = 0;
  #square = 0;
  #weight = 0;
  #squareWeight = 0;
  #worst = Infinity;
  #best = -Infinity;

  constructor(decay: number, normalize: boolean) {
    this.#decay = decay;
    this.#normalize = normalize;
  }

  /** The current baseline (the moving average of the rewards), `undefined` before the first. */
  get baseline(): number | undefined {
    return this.#weight === 0 ? undefined : this.#mean / this.#weight;
  }

  /**
   * The reward the policy learns from: a finite reward as given; a failed trial (or a reward of
   * −∞), and an infeasible one (a constraint > 0), the worst reward seen; +∞ the best seen. `undefined`
   * when there is nothing to compare with yet (the trial teaches nothing).
   */
  shape(reward: number, outcome: Outcome | undefined): number | undefined {
    const infeasible = outcome?.constraints?.some((c) => c > 0) === true;
    if (isFailed(outcome) || reward === -Infinity) return this.#worst === Infinity ? undefined : this.#worst;
    if (reward === Infinity) return this.#best === -Infinity ? undefined : this.#best;
    if (reward < this.#worst) this.#worst = reward;
    if (reward > this.#best) this.#best = reward;
    return infeasible ? this.#worst : reward;
  }

  /**
   * The advantage of `reward` (shaped) over the baseline before it, then folds it into the
   * baseline. The first reward has no baseline to beat: its advantage is 0.
   */
  advantage(reward: number): number {
    const decay = this.#decay;
    const first = this.#weight === 0;
    const raw = first ? 0 : reward - this.#mean / this.#weight;
    // The weight of the moving averages after n updates is 1 − decayⁿ (the bias correction).
    this.#weight = decay * this.#weight + (1 - decay);
    this.#mean = decay * this.#mean + (1 - decay) * reward;
    if (first) return 0;
    this.#square = decay * this.#square + (1 - decay) * raw * raw;
    this.#squareWeight = decay * this.#squareWeight + (1 - decay);
    if (!this.#normalize) return raw;
    const rms = Math.sqrt(this.#square / this.#squareWeight);
    return rms > 1e-12 ? raw / rms : 0;
  }
}
