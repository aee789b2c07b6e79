import type { DNA } from '../geno/dna.js';
import type { DNASpec } from '../geno/dna-spec.js';

/** One past trial as an algorithm sees it on resume: its DNA and, if it completed, its reward. */
export interface HistoryEntry {
  readonly dna: DNA;
  /** The reward (higher is better) of a completed trial; `undefined` for failed or abandoned ones. */
  readonly reward: number | undefined;
}

/** What `setup` receives besides the spec. */
export interface AlgorithmContext {
  /** The seed of the search (an algorithm's own seed option takes precedence). */
  readonly seed: number | string;
}

/**
 * A search algorithm: proposes DNAs and learns from rewards. It sees DNA and rewards only, never
 * model objects. Rewards are maximised (the loop negates a minimised objective).
 */
export interface Algorithm {
  /** A short name for logs and results. */
  readonly name: string;
  /** Prepares for a space; called once before the first `propose` (and before `recover`). */
  setup(spec: DNASpec, context: AlgorithmContext): void;
  /** The next DNA to evaluate, or `undefined` when the algorithm has nothing more to propose. */
  propose(): DNA | undefined;
  /** The reward of a proposed DNA (higher is better). */
  feedback(dna: DNA, reward: number): void;
  /**
   * Rebuilds the state from stored trials, in the order they were proposed, so that a resumed
   * seeded search proposes what the uninterrupted one would have.
   */
  recover(history: readonly HistoryEntry[]): void;
}

/**
 * The usual `recover`: replay the history through `propose` and `feedback`. Correct for any
 * algorithm whose proposals depend only on its seed and the feedback it received, in order.
 */
export function replayHistory(algorithm: Pick<Algorithm, 'propose' | 'feedback'>, history: readonly HistoryEntry[]): void {
  for (const entry of history) {
    algorithm.propose();
    if (entry.reward !== undefined) algorithm.feedback(entry.dna, entry.reward);
  }
}
