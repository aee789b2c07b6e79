import type { DNA } from '../geno/dna.js';
import type { DNASpec } from '../geno/dna-spec.js';
import type { JsonValue } from '../symbolic/json.js';

/**
 * What a feedback says besides the reward: every objective of a multi-objective search, the
 * constraint values, and whether the trial was pruned. Absent fields mean: one objective,
 * feasible, completed.
 */
export interface Outcome {
  /**
   * Every objective as a reward (each maximised; the loop negates minimised ones), in the order
   * the search names them; `reward` is the first. Only multi-objective searches give it.
   */
  readonly rewards?: readonly number[];
  /** Constraint values: the trial is feasible when every one is ≤ 0 (Optuna's convention). */
  readonly constraints?: readonly number[];
  /**
   * Set when early stopping ended the trial: `reward` (and `rewards`) is then its last
   * intermediate value, reported at `step`. Pruned trials rank after completed ones.
   */
  readonly pruned?: { readonly step: number };
  /**
   * Set when the trial failed (the objective threw, diverged to NaN or ±Infinity, returned
   * something that is not a measurement, or ran past its time): the reason. `reward` is then
   * `-Infinity`. Failed trials rank after every other (in the ranking of evolution's selectors,
   * TPE and NSGA-II); evolution never picks one as a parent.
   */
  readonly failed?: string;
}

/** One past trial as an algorithm sees it on resume: its DNA and, if it ended with a value, its reward. */
export interface HistoryEntry {
  readonly dna: DNA;
  /**
   * The reward (higher is better) of a completed or pruned trial, `-Infinity` for a failed one
   * (with `outcome.failed`); `undefined` for a trial that ended without feedback (abandoned) or is
   * still running.
   */
  readonly reward: number | undefined;
  /** The rest of the feedback (objectives, constraints, pruning, failure) when `reward` is set. */
  readonly outcome?: Outcome;
  /**
   * `running` for a trial still being evaluated (by another process) when the search resumed:
   * it stays pending. Default: ended.
   */
  readonly state?: 'running' | 'ended';
}

/** What `setup` receives besides the spec. */
export interface AlgorithmContext {
  /** The seed of the search (an algorithm's own seed option takes precedence). */
  readonly seed: number | string;
  /** How many objectives the search has (1 unless `metric` names several). */
  readonly objectives?: number;
  /**
   * Which stream of the seed to draw from (default 0): 0 for the first process on a study (and
   * for a process that resumes it alone), 1, 2, ... for processes that join while others are
   * running, so that processes sharing a study do not propose the same candidates. Pass it to
   * `seededRng(seed, stream)`.
   */
  readonly stream?: number;
  /** The search's trial budget (`numTrials`), when it has one: an algorithm may plan by it. */
  readonly numTrials?: number;
}

/**
 * A search algorithm: proposes DNAs and learns from rewards. It sees DNA and rewards only, never
 * model objects. Rewards are maximised (the loop negates a minimised objective).
 */
export interface Algorithm {
  /** A short name for logs and results. */
  readonly name: string;
  /**
   * Whether the algorithm handles several objectives (it reads `outcome.rewards`). A search with
   * several objectives refuses an algorithm without it. Random and grid search ignore rewards and
   * say `true`.
   */
  readonly multiObjective?: boolean;
  /**
   * What the algorithm will do on this space, for the study's meta (`algorithmPlan`): `auto` says
   * which algorithm it picked and why. Pure (it changes no state). Optional.
   */
  describe?(spec: DNASpec, context: AlgorithmContext): Record<string, JsonValue>;
  /** Prepares for a space; called once before the first `propose` (and before `recover`). */
  setup(spec: DNASpec, context: AlgorithmContext): void;
  /** The next DNA to evaluate, or `undefined` when the algorithm has nothing more to propose. */
  propose(): DNA | undefined;
  /**
   * The reward of a proposed DNA (higher is better), with the rest of its outcome. A failed trial
   * gets `feedback(dna, -Infinity, { failed: reason })`; a DNA this instance never proposed
   * (another process's trial) is accepted too.
   */
  feedback(dna: DNA, reward: number, outcome?: Outcome): void;
  /**
   * Says that a proposed DNA will get no feedback (its trial was abandoned; a failed trial gets a
   * feedback with `outcome.failed` instead), so an algorithm that counts pending proposals (TPE's
   * constant liar) can forget it. Optional.
   */
  abandon?(dna: DNA): void;
  /**
   * Says that another process sharing the study started a trial on `dna` (its end comes later
   * through `feedback`), so an algorithm that proposes each point once (grid) can skip it. Optional.
   */
  observe?(dna: DNA): void;
  /**
   * Rebuilds the state from stored trials, in the order they were proposed, so that a resumed
   * seeded search proposes what the uninterrupted one would have.
   */
  recover(history: readonly HistoryEntry[]): void;
}

/**
 * The usual `recover`: replay the history through `propose` and `feedback` (failed trials
 * included, with their `-Infinity` reward and `outcome.failed`), and `abandon` for trials that
 * ended without a value; a `running` entry is proposed and stays pending. Correct for any algorithm whose proposals depend only on
 * its seed and the feedback it received, in order.
 */
export function replayHistory(algorithm: Pick<Algorithm, 'propose' | 'feedback' | 'abandon'>, history: readonly HistoryEntry[]): void {
  for (const entry of history) {
    algorithm.propose();
    if (entry.reward !== undefined) algorithm.feedback(entry.dna, entry.reward, entry.outcome);
    else if (entry.state !== 'running') algorithm.abandon?.(entry.dna);
  }
}
