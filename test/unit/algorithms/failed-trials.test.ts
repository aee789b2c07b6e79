/** How each algorithm and early-stopping policy treats failed trials, beyond the contract suite. */
import { describe, expect, it } from 'vitest';
import { oneOf } from '../../../src/hyper/one-of.js';
import { floatv } from '../../../src/hyper/floatv.js';
import { dnaSpec } from '../../../src/geno/template.js';
import type { DNA } from '../../../src/geno/dna.js';
import { tpe } from '../../../src/algorithms/tpe/tpe.js';
import { nsga2 } from '../../../src/algorithms/evolution/nsga2.js';
import { grid } from '../../../src/algorithms/grid-search.js';
import { random } from '../../../src/algorithms/random-search.js';
import { medianStopping, percentileStopping } from '../../../src/algorithms/early-stopping/median-stopping.js';
import { asha } from '../../../src/algorithms/early-stopping/asha.js';
import { hyperband } from '../../../src/algorithms/early-stopping/hyperband.js';
import { stopByRank, stopByValue } from '../../../src/algorithms/early-stopping/step-wise.js';
import type { LearningCurve } from '../../../src/algorithms/early-stopping/early-stopping.js';
import { seq } from './early-stopping/support.js';

const letters = dnaSpec({ x: oneOf(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9']) });
const index = (dna: DNA): number => dna.toNumbers()[0] as number;

describe('tpe and failed trials', () => {
  it('failed trials are always in the bad group, even when gamma asks for every trial as good', () => {
    // Candidates 5..9 always fail. With every finished trial good, counting failures as good
    // would draw them about half the time; as bad, the model moves away from them.
    let failing = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const algorithm = tpe({ seed, startupTrials: 10, gamma: (n) => n, skipDuplicates: false, constantLiar: false });
      algorithm.setup(letters, { seed: 0 });
      for (let t = 0; t < 70; t++) {
        const dna = algorithm.propose() as DNA;
        letters.validate(dna);
        const i = index(dna);
        if (t >= 10 && i >= 5) failing++;
        if (i >= 5) algorithm.feedback(dna, -Infinity, { failed: 'diverged' });
        else algorithm.feedback(dna, i);
      }
    }
    // 300 model-based proposals in all.
    expect(failing).toBeLessThan(30);
  });

  it('when every trial failed, the good model is its prior and proposals stay valid (no NaN)', () => {
    const space = dnaSpec({ x: floatv(0, 1), y: floatv(1e-3, 1, { scale: 'log' }), c: oneOf([1, 2, 4, 8]) });
    const algorithm = tpe({ seed: 2, startupTrials: 3 });
    algorithm.setup(space, { seed: 0 });
    for (let t = 0; t < 30; t++) {
      const dna = algorithm.propose() as DNA;
      space.validate(dna);
      expect(dna.toNumbers().every((v) => typeof v !== 'number' || Number.isFinite(v))).toBe(true);
      algorithm.feedback(dna, -Infinity, { failed: 'threw' });
    }
  });

  it('failed trials count as finished: the model takes over after startupTrials of them', () => {
    const a = tpe({ seed: 3, startupTrials: 4 });
    const b = tpe({ seed: 3, startupTrials: 1000 });
    a.setup(letters, { seed: 0 });
    b.setup(letters, { seed: 0 });
    const proposals: [string, string][] = [];
    for (let t = 0; t < 12; t++) {
      const x = a.propose() as DNA;
      const y = b.propose() as DNA;
      proposals.push([x.toString(), y.toString()]);
      a.feedback(x, -Infinity, { failed: 'x' });
      b.feedback(y, -Infinity, { failed: 'x' });
    }
    expect(proposals.slice(0, 4).every(([x, y]) => x === y)).toBe(true);
    expect(proposals.slice(4).some(([x, y]) => x !== y)).toBe(true);
  });
});

describe('nsga2 and failed trials', () => {
  it('a failed feedback needs no objectives, does not count toward its generation and is never a parent', () => {
    const algorithm = nsga2({ populationSize: 4, seed: 1 });
    const space = dnaSpec({ x: floatv(0, 1), y: floatv(0, 1) });
    algorithm.setup(space, { seed: 0, objectives: 2 });
    const failedOnes = new Set<string>();
    for (let t = 0; t < 6; t++) {
      const dna = algorithm.propose() as DNA;
      failedOnes.add(dna.toString());
      algorithm.feedback(dna, -Infinity, { failed: 'timeout' });
    }
    expect(algorithm.generation).toBe(0);
    expect(algorithm.population).toEqual([]);
    for (let t = 0; t < 4; t++) {
      const dna = algorithm.propose() as DNA;
      const [x, y] = dna.toNumbers() as number[];
      algorithm.feedback(dna, x as number, { rewards: [x as number, -(y as number)] });
    }
    expect(algorithm.generation).toBe(1);
    expect(algorithm.population).toHaveLength(4);
    expect(algorithm.population.some((m) => failedOnes.has(m.dna.toString()) || m.reward === -Infinity)).toBe(false);
  });
});

describe('random and grid accept failed feedback', () => {
  it('random ignores it; grid does not propose the failed point again', () => {
    const r = random({ seed: 1 });
    r.setup(letters, { seed: 0 });
    const dna = r.propose() as DNA;
    expect(() => r.feedback(dna, -Infinity, { failed: 'x' })).not.toThrow();
    const g = grid();
    g.setup(letters, { seed: 0 });
    const seen: string[] = [];
    for (let d = g.propose(); d !== undefined; d = g.propose()) {
      seen.push(d.toString());
      g.feedback(d, -Infinity, { failed: 'x' });
    }
    expect(new Set(seen).size).toBe(10);
    expect(seen).toHaveLength(10);
  });
});

describe('early stopping with failed curves in the study', () => {
  const completed = [0, 1, 2, 3, 4].map((n) => seq(n, 'completed', [1, 1, 1]));
  const failedHigh = [5, 6, 7, 8, 9].map((n) => seq(n, 'failed', [10, 10, 10]));
  const failedOdd: LearningCurve[] = [seq(10, 'failed', []), seq(11, 'failed', [Number.NaN, Number.NaN]), seq(12, 'failed', [-Infinity])];
  const trial = seq(20, 'running', [2]);
  const study = [...completed, ...failedHigh, ...failedOdd, trial];

  it('median and percentile rules compare only against completed trials, not failed ones', () => {
    expect(medianStopping().shouldStop(trial, study)).toBe(false);
    expect(percentileStopping({ percentile: 50 }).shouldStop(trial, study)).toBe(false);
    // Were the failed curves completed, the median (5.5) would stop the trial.
    const asCompleted = [...completed, ...failedHigh.map((c) => ({ ...c, state: 'completed' as const })), trial];
    expect(medianStopping().shouldStop(trial, asCompleted)).toBe(true);
  });

  it('asha, hyperband and stopByRank compete against what failed trials reported; nothing breaks on empty or NaN curves', () => {
    const lone = seq(30, 'running', [0.5]);
    expect(asha({ reductionFactor: 2 }).shouldStop(lone, [seq(31, 'failed', [1]), lone])).toBe(true);
    expect(asha({ reductionFactor: 2 }).shouldStop(lone, [...failedOdd, lone])).toBe(false);
    const policies = [
      medianStopping({ startupTrials: 0 }),
      percentileStopping({ percentile: 25, startupTrials: 0 }),
      asha(),
      hyperband({ maxResource: 9 }),
      stopByRank([[1, 0.5, 1]]),
      stopByValue([[1, 0]]),
    ];
    for (const policy of policies) {
      for (const curves of [study, [...failedOdd, trial], [trial]]) expect(typeof policy.shouldStop(trial, curves)).toBe('boolean');
    }
    expect(stopByRank([[1, 0, 1]]).shouldStop(trial, study)).toBe(true);
    expect(stopByRank([[1, 0, 1]]).shouldStop(trial, [...completed, trial])).toBe(false);
  });
});
