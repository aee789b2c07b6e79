import type { DNA } from '../geno/dna.js';
import type { DNASpec } from '../geno/dna-spec.js';
import { iterateDNA } from '../geno/iterate.js';
import { PliantError } from '../base/errors.js';
import { checkOptions } from '../base/options.js';
import type { Algorithm, AlgorithmContext, HistoryEntry, Outcome } from './algorithm.js';
import { checkDNA, checkReward, requireSetup } from './checks.js';
import { checkOutcome } from './ranking.js';

/**
 * Grid search: proposes every DNA of a finite space once, in `iterateDNA`'s (PyGlove's) grid
 * order, then `undefined`. A space with a float or custom decision cannot be enumerated: `setup`
 * throws a `PliantError` naming the decision. Rewards are ignored, and so are failed trials
 * (their feedback is checked and accepted; a failed point is not proposed again).
 *
 * Points the study already holds are skipped: on resume, every recorded trial's point; with
 * several processes on one study, the points the others started (`observe`) or ended
 * (`feedback`), so together they cover the grid once rather than each process walking all of it.
 *
 * @param options - Grid search takes no options: any option name given is a `PliantError`.
 */
export function grid(options?: Readonly<Record<string, never>>): Algorithm {
  checkOptions('grid', options, []);
  let state: { spec: DNASpec; next: () => DNA | undefined; taken: Set<string> } | undefined;
  const algorithm: Algorithm = {
    name: 'grid',
    multiObjective: true,
    setup(spec: DNASpec, _context: AlgorithmContext): void {
      const points = iterateDNA(spec);
      let first: IteratorResult<DNA, void>;
      try {
        first = points.next();
      } catch (error) {
        if (error instanceof PliantError) throw new PliantError('grid', 'argument', error.message.replace(/^iterate: /, ''), { cause: error });
        throw error;
      }
      let pending: IteratorResult<DNA, void> | undefined = first;
      const taken = new Set<string>();
      state = {
        spec,
        taken,
        next: (): DNA | undefined => {
          for (;;) {
            const result = pending ?? points.next();
            pending = undefined;
            if (result.done === true) return undefined;
            const key = result.value.toString();
            if (taken.has(key)) continue;
            taken.add(key);
            return result.value;
          }
        },
      };
    },
    propose(): DNA | undefined {
      return requireSetup(state, 'grid.propose').next();
    },
    feedback(dna: DNA, reward: number, outcome?: Outcome): void {
      const { spec, taken } = requireSetup(state, 'grid.feedback');
      checkDNA(spec, dna, 'grid.feedback');
      checkReward(reward, 'grid.feedback');
      checkOutcome(outcome, 'grid.feedback');
      taken.add(dna.toString());
    },
    observe(dna: DNA): void {
      const { spec, taken } = requireSetup(state, 'grid.observe');
      checkDNA(spec, dna, 'grid.observe');
      taken.add(dna.toString());
    },
    recover(history: readonly HistoryEntry[]): void {
      const { spec, taken } = requireSetup(state, 'grid.recover');
      for (const entry of history) {
        checkDNA(spec, entry.dna, 'grid.recover');
        taken.add(entry.dna.toString());
      }
    },
  };
  return algorithm;
}
