import { describe, expect, it } from 'vitest';
import { PliantError, dnaSpec, floatv, intv, manyOf, oneOf, permutate, seededRng } from '../../../src/index.js';
import type { DNA, DNASpec } from '../../../src/index.js';
import type { Algorithm } from '../../../src/algorithms/algorithm.js';
import { random } from '../../../src/algorithms/random-search.js';
import { evolution } from '../../../src/algorithms/evolution/evolution.js';
import { hillClimb } from '../../../src/algorithms/evolution/hill-climb.js';
import { uniformMutator } from '../../../src/algorithms/evolution/mutators.js';
import type { Mutator } from '../../../src/algorithms/evolution/mutators.js';
import { uniformCrossover } from '../../../src/algorithms/evolution/recombinators.js';
import type { Selector } from '../../../src/algorithms/evolution/selectors.js';
import type { Recombinator } from '../../../src/algorithms/evolution/recombinators.js';
import { regularizedEvolution } from '../../../src/algorithms/evolution/regularized-evolution.js';
import { top, tournament } from '../../../src/algorithms/evolution/selectors.js';
import { run, sumReward } from './run-support.js';

const mixed = dnaSpec({
  a: oneOf([{ x: intv(0, 4), y: floatv(0, 1) }, 'b', manyOf(2, [1, 2, 3], { sorted: true })]),
  p: permutate(['u', 'v', 'w', 'z']),
  m: manyOf(2, [0, 1, 2, 3, 4], { distinct: true }),
  lr: floatv(1e-4, 1e-1, { scale: 'log' }),
});

/** A finite space whose best DNA is every choice at its last candidate (reward 8 × 4 = 32). */
const ladder = dnaSpec(Array.from({ length: 8 }, () => oneOf([0, 1, 2, 3, 4])));

const makers: Record<string, (seed: number) => Algorithm> = {
  regularized: (seed) => regularizedEvolution({ populationSize: 20, tournamentSize: 5, seed }),
  hillClimb: (seed) => hillClimb({ seed }),
  composed: (seed) => evolution({ populationSize: 10, select: tournament(4, 2), recombine: uniformCrossover(), mutate: uniformMutator(), seed }),
};

function started(algorithm: Algorithm, spec: DNASpec): Algorithm {
  algorithm.setup(spec, { seed: 'context' });
  return algorithm;
}

describe('evolution algorithms', () => {
  it('same seed and rewards give the same first 300 proposals; another seed does not', () => {
    for (const [name, make] of Object.entries(makers)) {
      const once = run(started(make(42), mixed), mixed, 300).map((h) => h.dna.toString());
      const twice = run(started(make(42), mixed), mixed, 300).map((h) => h.dna.toString());
      const other = run(started(make(43), mixed), mixed, 300).map((h) => h.dna.toString());
      expect(once, name).toHaveLength(300);
      expect(twice, name).toEqual(once);
      expect(other, name).not.toEqual(once);
    }
  });

  it('recover(history) then propose equals the uninterrupted next proposal', () => {
    for (const [name, make] of Object.entries(makers)) {
      for (const steps of [0, 7, 20, 150]) {
        const live = started(make(5), mixed);
        const history = run(live, mixed, steps, sumReward, 6);
        const resumed = started(make(5), mixed);
        resumed.recover(history);
        for (let t = 0; t < 5; t++) {
          const next = live.propose() as DNA;
          expect(resumed.propose()?.toString(), `${name} after ${steps}`).toBe(next.toString());
          live.feedback(next, sumReward(next));
          resumed.feedback(next, sumReward(next));
        }
      }
    }
  });

  it('regularized evolution: random first, population never over its size, asynchronous proposals', () => {
    const populationSize = 15;
    const algorithm = regularizedEvolution({ populationSize, tournamentSize: 4, seed: 9 });
    algorithm.setup(mixed, { seed: 0 });
    const plain = random({ seed: 9 });
    plain.setup(mixed, { seed: 0 });
    const rng = seededRng(1);
    const pending: DNA[] = [];
    for (let t = 0; t < 600; t++) {
      if (pending.length === 0 || rng() < 0.55) {
        const dna = algorithm.propose();
        if (t < populationSize) expect(dna?.toString()).toBe(plain.propose()?.toString());
        mixed.validate(dna as DNA);
        pending.push(dna as DNA);
      } else {
        const [dna] = pending.splice(Math.floor(rng() * pending.length), 1) as [DNA];
        algorithm.feedback(dna, sumReward(dna));
        expect(algorithm.population.length).toBeLessThanOrEqual(populationSize);
      }
    }
    expect(algorithm.population.length).toBe(populationSize);
  });

  it('regularized evolution ages: the oldest member dies, the parent is the tournament winner', () => {
    const parents: DNA[] = [];
    const spy: Mutator = (dna, spec, rng) => {
      parents.push(dna);
      return uniformMutator()(dna, spec, rng);
    };
    const algorithm = regularizedEvolution({ populationSize: 5, tournamentSize: 5, mutator: spy, seed: 2 });
    algorithm.setup(ladder, { seed: 0 });
    const history = run(algorithm, ladder, 40);
    expect(algorithm.population.map((m) => m.dna.toString())).toEqual(history.slice(-5).map((h) => h.dna.toString()));
    // With the tournament over the whole population, each parent is the best of the last five.
    expect(parents).toHaveLength(35);
    parents.forEach((parent, i) => {
      const window = history.slice(i, i + 5).map((h) => h.reward as number);
      expect(sumReward(parent)).toBe(Math.max(...window));
    });
  });

  it('hill climbing keeps the best and proposes its mutations', () => {
    const algorithm = hillClimb({ seed: 3 });
    algorithm.setup(ladder, { seed: 0 });
    let best = -Infinity;
    for (let t = 0; t < 150; t++) {
      const dna = algorithm.propose() as DNA;
      if (t > 0) {
        const incumbent = (algorithm.population[0] as { dna: DNA }).dna.toNumbers();
        const changed = dna.toNumbers().filter((v, i) => v !== incumbent[i]).length;
        expect(changed).toBe(1);
      }
      best = Math.max(best, sumReward(dna));
      algorithm.feedback(dna, sumReward(dna));
      expect(algorithm.population).toHaveLength(1);
      expect(algorithm.population[0]?.reward).toBe(best);
    }
    expect(best).toBe(32);
  });

  it('the composer recombines the first two selected parents', () => {
    const seen: [DNA, DNA][] = [];
    const spy: Recombinator = (a, b, spec, rng) => {
      seen.push([a, b]);
      return uniformCrossover()(a, b, spec, rng);
    };
    const algorithm = evolution({ populationSize: 6, select: top(2), recombine: spy, mutate: uniformMutator(), seed: 1 });
    algorithm.setup(ladder, { seed: 0 });
    run(algorithm, ladder, 30);
    expect(seen).toHaveLength(24);
    const [a, b] = seen[seen.length - 1] as [DNA, DNA];
    expect(sumReward(a)).toBeGreaterThanOrEqual(sumReward(b));
  });

  it('evolution beats random search on a synthetic reward (fixed seeds)', () => {
    const score = (make: (seed: number) => Algorithm): { best: number; late: number } => {
      let best = 0;
      let late = 0;
      const seeds = [1, 2, 3, 4, 5];
      for (const seed of seeds) {
        const history = run(started(make(seed), ladder), ladder, 300);
        best += Math.max(...history.map((h) => h.reward as number)) / seeds.length;
        late += history.slice(-100).reduce((s, h) => s + (h.reward as number), 0) / 100 / seeds.length;
      }
      return { best, late };
    };
    const baseline = score((seed) => random({ seed }));
    const evolved = score((seed) => regularizedEvolution({ populationSize: 20, tournamentSize: 5, seed }));
    const climbed = score((seed) => hillClimb({ seed }));
    expect(evolved.best).toBeGreaterThan(baseline.best);
    expect(evolved.late).toBeGreaterThan(baseline.late + 8);
    expect(climbed.best).toBe(32);
  });

  it('rejects bad options and bad use', () => {
    expect(() => regularizedEvolution({ populationSize: 5, tournamentSize: 10 })).toThrow(PliantError);
    expect(() => regularizedEvolution({ populationSize: 0 })).toThrow(/populationSize must be an integer/);
    expect(() => evolution({ populationSize: 3, select: top(1), mutate: 'no' as unknown as Mutator })).toThrow(/mutate must be a function/);
    const algorithm = regularizedEvolution();
    expect(() => algorithm.propose()).toThrow(/setup/);
    algorithm.setup(ladder, { seed: 0 });
    const dna = algorithm.propose() as DNA;
    expect(() => algorithm.feedback(dna, Number.NaN)).toThrow(PliantError);
    expect(() => algorithm.feedback(mixed.firstDNA(), 1)).toThrow(/does not fit/);
  });
});

describe('evolution: aging by last(n)', () => {
  it('proposes what an equivalent reduce that is not last(n) proposes', () => {
    const spec = dnaSpec({ a: oneOf([1, 2, 3, 4]), b: floatv(0, 1), c: oneOf(['x', 'y']) });
    const run = (reduce: Selector | undefined): string[] => {
      const algorithm = evolution({
        populationSize: 12,
        select: tournament(4),
        mutate: uniformMutator(),
        ...(reduce === undefined ? {} : { reduce }),
        seed: 5,
      });
      algorithm.setup(spec, { seed: 0 });
      const rng = seededRng(3);
      const out: string[] = [];
      for (let i = 0; i < 400; i++) {
        const dna = algorithm.propose() as DNA;
        out.push(dna.toString());
        const u = rng();
        if (u < 0.1) algorithm.feedback(dna, -Infinity, { failed: 'x' });
        else algorithm.feedback(dna, Math.round(u * 4));
      }
      return out;
    };
    expect(run(undefined)).toEqual(run((p) => p.slice(Math.max(0, p.length - 12))));
  });
});
