/** Helpers to drive an algorithm in tests: a sequential run with a synthetic reward. */
import type { DNA, DNASpec } from '../../../src/index.js';
import type { Algorithm, HistoryEntry } from '../../../src/algorithms/algorithm.js';

/** A synthetic reward: the sum of the DNA's numbers (candidate indices, integers, floats). */
export function sumReward(dna: DNA): number {
  return dna.toNumbers().reduce<number>((s, v) => s + (typeof v === 'number' ? v : 0), 0);
}

/**
 * Runs `steps` propose/feedback rounds; every `failEvery`-th trial (if given) fails and gets no
 * feedback. Returns the history as the storage would record it.
 */
export function run(algorithm: Algorithm, spec: DNASpec, steps: number, reward: (dna: DNA) => number = sumReward, failEvery = 0): HistoryEntry[] {
  const history: HistoryEntry[] = [];
  for (let t = 0; t < steps; t++) {
    const dna = algorithm.propose();
    if (dna === undefined) break;
    spec.validate(dna);
    const failed = failEvery > 0 && t % failEvery === failEvery - 1;
    const r = failed ? undefined : reward(dna);
    if (r !== undefined) algorithm.feedback(dna, r);
    history.push({ dna, reward: r });
  }
  return history;
}
