import type { DNA } from '../geno/dna.js';
import type { DNASpec } from '../geno/dna-spec.js';
import { randomDNA, skipRandomDNA } from '../geno/random.js';
import { checkOptions } from '../base/options.js';
import type { Rng } from '../base/rng.js';
import type { Algorithm, AlgorithmContext, HistoryEntry, Outcome } from './algorithm.js';
import { checkDNA, checkReward, contextRng, fitsSpec, optionNames, requireSetup } from './checks.js';
import { checkOutcome } from './ranking.js';

/** Options of {@link random}. */
export interface RandomSearchOptions {
  /** The seed (default: the search's seed from the context). */
  readonly seed?: number | string;
}

const OPTIONS = optionNames<RandomSearchOptions>({ seed: true });

/**
 * Random search: every proposal is an independent `randomDNA` of the space, drawn from a seeded
 * generator (`seed`, or the context's seed, on the context's stream), so the same seed gives the
 * same proposals. It never runs out; rewards are ignored, and so are failed trials (their
 * feedback is checked and accepted). An unknown option name is a `PliantError`.
 */
export function random(options: RandomSearchOptions = {}): Algorithm {
  checkOptions('random', options, OPTIONS);
  let state: { spec: DNASpec; rng: Rng } | undefined;
  const algorithm: Algorithm = {
    name: 'random',
    multiObjective: true,
    setup(spec: DNASpec, context: AlgorithmContext): void {
      state = { spec, rng: contextRng(options.seed, context, 'random.setup') };
    },
    propose(): DNA {
      const { spec, rng } = requireSetup(state, 'random.propose');
      return fitsSpec(spec, randomDNA(spec, rng));
    },
    feedback(dna: DNA, reward: number, outcome?: Outcome): void {
      const { spec } = requireSetup(state, 'random.feedback');
      checkDNA(spec, dna, 'random.feedback');
      checkReward(reward, 'random.feedback');
      checkOutcome(outcome, 'random.feedback');
    },
    recover(history: readonly HistoryEntry[]): void {
      const { spec, rng } = requireSetup(state, 'random.recover');
      // Rewards are ignored: only the generator's place matters, one proposal per entry (the
      // entries' DNAs are not even read, so a resumed study does not build them).
      skipRandomDNA(spec, rng, history.length);
    },
  };
  return algorithm;
}
