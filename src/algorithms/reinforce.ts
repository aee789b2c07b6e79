/**
 * `reinforce(options)`: a REINFORCE controller (Williams 1992; as in ENAS and TuNAS) as an
 * ordinary {@link Algorithm}, on any DNA spec.
 */
import type { DNA } from '../geno/dna.js';
import type { DNASpec } from '../geno/dna-spec.js';
import { PliantError } from '../base/errors.js';
import { checkOptions } from '../base/options.js';
import type { Rng } from '../base/rng.js';
import { replayHistory } from './algorithm.js';
import type { Algorithm, AlgorithmContext, HistoryEntry, Outcome } from './algorithm.js';
import { checkDNA, checkInteger, checkReward, contextRng, optionNames, requireSetup } from './checks.js';
import { checkOutcome } from './ranking.js';
import { dnaKey } from './proposal-book.js';
import { adamOptimizer, sgdOptimizer } from './reinforce/optimizer.js';
import type { Optimizer, ReinforceOptimizer } from './reinforce/optimizer.js';
import { Policy } from './reinforce/policy.js';
import { RewardTracker } from './reinforce/reward-tracker.js';

export type { ReinforceOptimizer } from './reinforce/optimizer.js';

/** Options of {@link reinforce}. */
export interface ReinforceOptions {
  /** The seed (default: the search's seed from the context). */
  readonly seed?: number | string;
  /**
   * The step size of the optimizer (default 0.25, for the default `'sgd'` on normalized
   * advantages; about 0.1 suits `'adam'`).
   */
  readonly learningRate?: number;
  /**
   * `'sgd'` (the default: plain gradient ascent, on advantages that `normalizeAdvantage` already
   * scales) or `'adam'` (Adam, β₁ 0.9, β₂ 0.999). Both move only the parameters of decisions
   * present in the DNAs of the update.
   */
  readonly optimizer?: ReinforceOptimizer;
  /**
   * The decay of the moving-average baseline subtracted from each reward, in [0, 1) (default
   * 0.95: the baseline averages about the last 20 rewards). 0 makes the baseline the previous reward.
   */
  readonly baselineDecay?: number;
  /**
   * The weight of the entropy bonus, ≥ 0 (default 0.1): larger keeps the policy spread out
   * longer, so it is slower to settle but less often stuck on a good-but-not-best candidate.
   */
  readonly entropyWeight?: number;
  /** How many feedbacks make one update (default 1: an update after every feedback); the update is their mean gradient. */
  readonly batchSize?: number;
  /**
   * Divide each advantage (reward − baseline) by the moving root-mean-square of the advantages
   * (same decay as the baseline), so the step does not depend on the reward's scale (default `true`).
   */
  readonly normalizeAdvantage?: boolean;
  /**
   * The initial standard deviation of the Gaussian policy of every float and integer, as a
   * fraction of its range on its scale, in (0, 1] (default 0.25). Its mean starts in the middle.
   */
  readonly initialStd?: number;
  /**
   * In a finite space, prefer DNAs not proposed (or told) before: a proposal is redrawn from the
   * policy, up to `duplicateRetries` times, while it is one seen before (default `true`; set
   * `false` for noisy objectives, where measuring a candidate again is worth it, or to sample the
   * policy exactly). Once the policy has concentrated, this turns the repeats of its mode into
   * its nearest alternatives.
   */
  readonly skipDuplicates?: boolean;
  /** How many times a duplicate proposal is redrawn before it is proposed anyway (default 100). */
  readonly duplicateRetries?: number;
}

/** The controller {@link reinforce} returns: an {@link Algorithm} whose policy can be read. */
export interface ReinforceAlgorithm extends Algorithm {
  /** A DNA drawn from the current policy (never `undefined`: the controller never runs out). */
  propose(): DNA;
  /** Accepts that a proposal gets no feedback (nothing to forget: the policy learns only from feedback). */
  abandon(dna: DNA): void;
  /**
   * The most likely DNA under the current policy: every choice at its most probable candidate
   * (the picks of a `manyOf` in turn, each among the candidates still allowed), every float and
   * integer at its Gaussian's mean (rounded for integers), conditionally (only the decisions under
   * the chosen candidates), and every custom decision at its definition's `first`. A
   * `PliantError` before `setup`.
   */
  mostLikely(): DNA;
  /**
   * The current softmax of a choice decision (`oneOf`, `manyOf`, `permutate`; the picks of a
   * `manyOf` share it) over all its candidates, by candidate index; it sums to 1. A `PliantError`
   * for an id that is not a choice of the space, or before `setup`.
   */
  probabilities(decisionId: string): number[];
  /** The moving-average baseline (the rewards' moving average), `undefined` before the first reward (or before `setup`). */
  readonly baseline: number | undefined;
}

const OPTIONS = optionNames<ReinforceOptions>({
  seed: true,
  learningRate: true,
  optimizer: true,
  baselineDecay: true,
  entropyWeight: true,
  batchSize: true,
  normalizeAdvantage: true,
  initialStd: true,
  skipDuplicates: true,
  duplicateRetries: true,
});

interface State {
  readonly spec: DNASpec;
  readonly rng: Rng;
  readonly policy: Policy;
  readonly tracker: RewardTracker;
  readonly optimizer: Optimizer;
  /** Feedbacks in the gradient since the last update. */
  pending: number;
  /** The DNAs proposed or told, when duplicates are skipped. */
  readonly seen: Set<string> | undefined;
}

/** Throws a `PliantError` from `api` at `path` unless `value` is a finite number in the range. */
function checkNumber(value: unknown, path: string, api: string, test: (x: number) => boolean, range: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !test(value)) {
    throw new PliantError(api, 'argument', `must be ${range}, found ${JSON.stringify(value) ?? String(value)}`, { path });
  }
  return value;
}

/** Throws a `PliantError` from `api` at `path` unless `value` is a boolean. */
function checkBoolean(value: unknown, path: string, api: string): boolean {
  if (typeof value !== 'boolean') throw new PliantError(api, 'argument', `must be a boolean, found ${JSON.stringify(value) ?? String(value)}`, { path });
  return value;
}

/**
 * A REINFORCE controller (Williams 1992; the controller of ENAS and TuNAS) on any DNA spec: a
 * policy over the space, sampled for each proposal and moved after each feedback (or each
 * `batchSize` feedbacks) along the policy gradient `(reward − baseline) · ∇ log π(dna)`, plus
 * `entropyWeight · ∇H`.
 *
 * - Choices (`oneOf`): a softmax over one logit per candidate (all 0 at first: uniform). A
 *   conditional decision (under a candidate) is sampled, and learns, only in DNAs where its
 *   candidate was chosen. `manyOf` and `permutate`: the picks are drawn in turn from the one
 *   softmax of the decision, restricted to the candidates still allowed: not those taken when
 *   `distinct`, and when `sorted`, none below the previous pick (nor equal to it, when
 *   distinct) and none leaving too few for the picks after it. So every proposal is valid, every
 *   valid DNA is possible, and the probability of a DNA is the product over its picks in order.
 * - Floats and integers: a Gaussian on the unit interval of the decision's scale (log and reverse
 *   log decisions in log space; an integer's interval is [min − ½, max + ½]), mean and log std
 *   learned (natural gradient; std kept in [0.01, 1]); the drawn value is clipped into the range
 *   (and rounded for integers). Its mean starts in the middle of the range, its std at `initialStd`.
 * - Custom decisions (`defineDecision`, `evolvable`) are not learned: each proposal draws the
 *   definition's `random`, and `mostLikely` takes its `first`.
 * - Rewards are maximised. The baseline is a moving average of the rewards (`baselineDecay`,
 *   bias-corrected as Adam's moments, so the first reward is the first baseline and teaches
 *   nothing); with `normalizeAdvantage` the advantage is divided by the moving RMS of the
 *   advantages. A failed trial (`outcome.failed`, reward −∞, or any −∞ reward) and an infeasible
 *   one (a constraint > 0) count as the worst reward seen so far (a failure before any reward is
 *   skipped); +∞ counts as the best seen. So failures push the policy away and never make NaN.
 *   A pruned trial counts with its last intermediate value. One objective: with several, the first.
 * - A feedback for a DNA this instance never proposed (another process's trial) is learned from
 *   the same way (off-policy, without correction). `abandon` is a no-op (nothing is pending).
 * - Seeded (`seed`, or the context's seed, on the context's stream): the same seed and feedback
 *   give the same proposals; `recover` replays the history through `propose` and `feedback`, so
 *   a resumed search proposes what the uninterrupted one would have.
 * - Bad options are a `PliantError` from `reinforce` naming the option; an unknown option name too.
 *
 * Its cost per proposal and per feedback is linear in the number of decisions (and candidates).
 */
export function reinforce(options: ReinforceOptions = {}): ReinforceAlgorithm {
  const api = 'reinforce';
  if (typeof options !== 'object' || options === null) throw new PliantError(api, 'argument', 'options must be an object');
  checkOptions(api, options, OPTIONS);
  const learningRate = checkNumber(options.learningRate ?? 0.25, 'learningRate', api, (x) => x > 0, 'a positive number');
  const baselineDecay = checkNumber(options.baselineDecay ?? 0.95, 'baselineDecay', api, (x) => x >= 0 && x < 1, 'a number in [0, 1)');
  const entropyWeight = checkNumber(options.entropyWeight ?? 0.1, 'entropyWeight', api, (x) => x >= 0, 'a number ≥ 0');
  const initialStd = checkNumber(options.initialStd ?? 0.25, 'initialStd', api, (x) => x > 0 && x <= 1, 'a number in (0, 1]');
  const batchSize = checkInteger(options.batchSize ?? 1, 'batchSize', api);
  const optimizerName = options.optimizer ?? 'sgd';
  if (optimizerName !== 'adam' && optimizerName !== 'sgd') {
    throw new PliantError(api, 'argument', `must be 'adam' or 'sgd', found ${JSON.stringify(optimizerName)}`, { path: 'optimizer' });
  }
  const normalizeAdvantage = checkBoolean(options.normalizeAdvantage ?? true, 'normalizeAdvantage', api);
  const skipDuplicates = checkBoolean(options.skipDuplicates ?? true, 'skipDuplicates', api);
  const duplicateRetries = checkInteger(options.duplicateRetries ?? 100, 'duplicateRetries', api, 0);
  let state: State | undefined;

  const update = (s: State): void => {
    const { policy } = s;
    if (s.pending > 1) for (let i = 0; i < policy.grad.length; i++) policy.grad[i] = (policy.grad[i] as number) / s.pending;
    s.optimizer.step(policy.params, policy.grad, policy.touched, learningRate);
    policy.settle();
    s.pending = 0;
  };

  const algorithm: ReinforceAlgorithm = {
    name: api,
    get baseline(): number | undefined {
      return state?.tracker.baseline;
    },
    setup(spec: DNASpec, context: AlgorithmContext): void {
      const rng = contextRng(options.seed, context, `${api}.setup`);
      const policy = new Policy(spec, initialStd);
      const optimizer = optimizerName === 'adam' ? adamOptimizer(policy.params.length) : sgdOptimizer();
      const seen = skipDuplicates && spec.spaceSize > 0 ? new Set<string>() : undefined;
      state = { spec, rng, policy, tracker: new RewardTracker(baselineDecay, normalizeAdvantage), optimizer, pending: 0, seen };
    },
    propose(): DNA {
      const s = requireSetup(state, `${api}.propose`);
      let dna = s.policy.sample(s.rng);
      if (s.seen === undefined) return dna;
      let key = dnaKey(dna);
      // stop redrawing once every DNA of the space was seen
      for (let retry = 0; retry < duplicateRetries && s.seen.has(key) && s.seen.size < s.spec.spaceSize; retry++) {
        dna = s.policy.sample(s.rng);
        key = dnaKey(dna);
      }
      s.seen.add(key);
      return dna;
    },
    feedback(dna: DNA, reward: number, outcome?: Outcome): void {
      const s = requireSetup(state, `${api}.feedback`);
      checkDNA(s.spec, dna, `${api}.feedback`);
      checkReward(reward, `${api}.feedback`);
      checkOutcome(outcome, `${api}.feedback`);
      s.seen?.add(dnaKey(dna));
      const shaped = s.tracker.shape(reward, outcome);
      if (shaped === undefined) return;
      const advantage = s.tracker.advantage(shaped);
      s.policy.accumulate(dna, advantage, entropyWeight, `${api}.feedback`);
      s.pending++;
      if (s.pending >= batchSize) update(s);
    },
    abandon(dna: DNA): void {
      const s = requireSetup(state, `${api}.abandon`);
      checkDNA(s.spec, dna, `${api}.abandon`);
    },
    recover(history: readonly HistoryEntry[]): void {
      requireSetup(state, `${api}.recover`);
      replayHistory(algorithm, history);
    },
    mostLikely(): DNA {
      return requireSetup(state, `${api}.mostLikely`).policy.mostLikely();
    },
    probabilities(decisionId: string): number[] {
      const s = requireSetup(state, `${api}.probabilities`);
      if (typeof decisionId !== 'string') throw new PliantError(`${api}.probabilities`, 'argument', `expects a decision id, found ${String(decisionId)}`);
      return s.policy.probabilities(decisionId, `${api}.probabilities`);
    },
  };
  return algorithm;
}
