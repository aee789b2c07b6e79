import { describe, expect, it } from 'vitest';
import {
  FunctionalCache,
  PliantError,
  dnaSpec,
  encode,
  functionalHash,
  materialize,
  memoryStorage,
  regularizedEvolution,
  runProgram,
  sample,
  search,
  simplifyProgram,
} from 'pliant';
import type { Program } from 'pliant';
import {
  EXP_GRID,
  EXP_WORST_FITNESS,
  expFitness,
  expInitialProgram,
  expMaxRelativeError,
  expPade22,
  expProbe,
  expProgram,
  expSpace,
  expTaylor3,
} from '../../../spaces/exp-approximation.js';

describe('exp approximation space', () => {
  it('scores known approximations with their known maximum relative error (at x = 1)', () => {
    const e = Math.E;
    expect(EXP_GRID).toHaveLength(101);
    expect(EXP_GRID[100]).toBe(1);
    expect(expFitness(expInitialProgram)).toBeCloseTo(-(e - 2) / e, 12);
    expect(expFitness(expTaylor3)).toBeCloseTo(-(e - 8 / 3) / e, 12);
    expect(expFitness(expPade22)).toBeCloseTo(-(e - 19 / 7) / e, 12);
    expect(-expFitness(expPade22)).toBeLessThan(0.0015);
    expect(runProgram(expPade22, { x: 0.5 })).toBeCloseTo(Math.exp(0.5), 3);
    expect(expFitness({ program: expTaylor3 })).toBe(expFitness(expTaylor3));
  });

  it('expresses them: encode succeeds and materializes back', () => {
    const space = expSpace();
    for (const program of [expInitialProgram, expTaylor3, expPade22]) {
      const dna = encode(space, { program });
      expect(dna.value).toBe(JSON.stringify(program.toJSON()));
      const back = materialize(space, dna) as { program: Program };
      expect(expFitness(back)).toBe(expFitness(program));
    }
    expect(dnaSpec(space).firstDNA().value).toBe(JSON.stringify(expInitialProgram.toJSON()));
    expect(() => encode(space, { program: expProgram('s0 = sqrt(s1)') })).toThrow(/op 'sqrt'/);
  });

  it('gives the worst fitness to non-finite and wild programs', () => {
    expect(expMaxRelativeError(expProgram('s0 = s1 / s2'))).toBeNaN(); // 0/0 at x = 0
    expect(expFitness(expProgram('s0 = s1 / s2'))).toBe(EXP_WORST_FITNESS);
    expect(expFitness(expProgram('s2 = 1; s0 = s2 / s1'))).toBe(EXP_WORST_FITNESS); // 1/0 at x = 0
    expect(expFitness(expProgram('s0 = 100000'))).toBe(EXP_WORST_FITNESS);
    expect(expFitness(expProgram(''))).toBe(-1); // returns 0: error 1 everywhere
    expect(() => expFitness(3 as never)).toThrow(PliantError);
  });

  it('its probe equates equivalent programs and only those', () => {
    const twice = expProgram('s2 = 2; s0 = s1 * s2');
    const sum = expProgram('s0 = s1 + s1');
    expect(functionalHash(twice, expProbe)).toBe(functionalHash(sum, expProbe));
    expect(functionalHash({ program: twice }, expProbe)).toBe(functionalHash(sum, expProbe));
    expect(functionalHash(expProgram('s0 = s1 * s1'), expProbe)).not.toBe(functionalHash(sum, expProbe));
    expect(functionalHash(expTaylor3, expProbe)).toBe(functionalHash(simplifyProgram(expTaylor3), expProbe));
    expect(functionalHash(expProgram('s2 = 1; s0 = s2 / s1'), expProbe)).toBeUndefined();
  });

  it('has no functional-hash collisions over an evolution run (every proposal evaluated, counterfactual cache)', async () => {
    const cache = new FunctionalCache({ counterfactual: true, epsilon: 1e-9 });
    const byHash = new Map<string, number>();
    let worst = 0;
    for await (const [c, feedback] of sample(expSpace(), regularizedEvolution({ populationSize: 50, tournamentSize: 10, seed: 3 }), {
      numTrials: 600,
      storage: memoryStorage(),
      dedupe: { hash: 'functional', probe: expProbe, cache },
    })) {
      const f = expFitness(c);
      const h = functionalHash(c, expProbe);
      if (h !== undefined) {
        const seen = byHash.get(h);
        if (seen !== undefined) worst = Math.max(worst, Math.abs(seen - f));
        else byHash.set(h, f);
      }
      await feedback.done(f);
    }
    expect(cache.stats.hits).toBeGreaterThan(200); // functional duplicates are common...
    expect(cache.stats.collisions).toBe(0); // ...and always have the same fitness
    expect(worst).toBeLessThan(1e-9);
    // The measurement can see collisions: keeping 2 mantissa bits merges programs of different fitness.
    const coarse = new FunctionalCache({ counterfactual: true, epsilon: 1e-9 });
    for await (const [c, feedback] of sample(expSpace(), regularizedEvolution({ populationSize: 50, tournamentSize: 10, seed: 3 }), {
      numTrials: 300,
      storage: memoryStorage(),
      dedupe: { hash: 'functional', probe: expProbe, cache: coarse, mantissaBits: 2 },
    })) {
      await feedback.done(expFitness(c));
    }
    expect(coarse.stats.collisions).toBeGreaterThan(0);
  });

  it('improves over the initial program with regularized evolution (seeded, deterministic)', async () => {
    const run = async (): Promise<number> => {
      const result = await search(expSpace(), (c) => expFitness(c), {
        algorithm: regularizedEvolution({ populationSize: 50, tournamentSize: 10, seed: 1 }),
        numTrials: 500,
        storage: memoryStorage(),
        dedupe: { hash: 'functional', probe: expProbe, maxConsecutiveHits: 10_000 },
      });
      return result.best?.value as number;
    };
    const best = await run();
    expect(best).toBeGreaterThan(-0.15); // maximum relative error 0.264 → below 0.15
    expect(await run()).toBe(best);
  });
});
