/**
 * What an algorithm is told on resume: history entries that read like plain objects (their DNA is
 * built when read, but an entry spreads and serialises with it).
 */
import { describe, expect, it } from 'vitest';
import { DNA, floatv, intv, memoryStorage, regularizedEvolution, search } from '../../../src/index.js';
import type { Algorithm, HistoryEntry } from '../../../src/index.js';

describe('the history a resumed search gives its algorithm', () => {
  it('spreads with its DNA, so an algorithm that wraps another can copy entries', async () => {
    const storage = memoryStorage();
    const space = { x: floatv(0, 1), k: intv(0, 4) };
    const objective = (c: { x: number; k: number }): number => {
      if (c.k === 4) throw new Error('k = 4 fails');
      return c.x + c.k;
    };
    await search(space, objective, { numTrials: 6, algorithm: regularizedEvolution({ populationSize: 3, tournamentSize: 2, seed: 1 }), storage, study: 's' });

    const copies: HistoryEntry[] = [];
    const inner = regularizedEvolution({ populationSize: 3, tournamentSize: 2, seed: 1 });
    const wrapper: Algorithm = {
      name: 'wrapper',
      setup: (spec, context) => inner.setup(spec, context),
      propose: () => inner.propose(),
      feedback: (dna, reward, outcome) => inner.feedback(dna, reward, outcome),
      recover(history) {
        copies.push(...history.map((h) => ({ ...h })));
        inner.recover(copies);
      },
    };
    const resumed = await search(space, objective, { numTrials: 8, algorithm: wrapper, storage, study: 's' });
    expect(copies).toHaveLength(6);
    for (const copy of copies) {
      expect(copy.dna).toBeInstanceOf(DNA);
      expect(Object.keys(copy).slice(0, 2)).toEqual(['dna', 'reward']);
    }
    expect(copies.map((c) => c.dna.toString())).toEqual(resumed.trials.slice(0, 6).map((t) => t.dna.toString()));
    expect(JSON.parse(JSON.stringify(copies[0]))).toHaveProperty('dna');
  });
});
