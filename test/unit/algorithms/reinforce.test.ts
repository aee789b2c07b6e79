import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DNA,
  PliantError,
  defineDecision,
  dnaSpec,
  floatv,
  intv,
  journalStorage,
  manyOf,
  memoryStorage,
  oneOf,
  permutate,
  randomDNA,
  sample,
  search,
  seededRng,
} from '../../../src/index.js';
import type { DNASpec } from '../../../src/index.js';
import type { HistoryEntry } from '../../../src/algorithms/algorithm.js';
import { reinforce } from '../../../src/algorithms/reinforce.js';
import type { ReinforceAlgorithm, ReinforceOptions } from '../../../src/algorithms/reinforce.js';
import { spaceArbitrary } from '../../support/space-arbitrary.js';
import { run, sumReward } from './run-support.js';

function started(spec: DNASpec, options: ReinforceOptions = {}, seed: number | string = 1): ReinforceAlgorithm {
  const algorithm = reinforce(options);
  algorithm.setup(spec, { seed });
  return algorithm;
}

/** Every choice decision id of a spec. */
function choiceIds(spec: DNASpec): string[] {
  return spec.decisionIds.filter((id) => spec.byId.get(id)?.kind === 'choice');
}

const conditional = dnaSpec({
  op: oneOf(['conv', { kind: 'dense', units: intv(8, 64), act: oneOf(['relu', 'tanh', 'gelu']) }, { kind: 'pool', size: oneOf([2, 3]) }]),
  lr: floatv(1e-4, 1e-1, { scale: 'log' }),
  depth: intv(1, 4),
});

const lists = dnaSpec({
  sortedDistinct: manyOf(3, ['a', 'b', 'c', 'd', 'e'], { distinct: true, sorted: true }),
  sortedRepeats: manyOf(3, ['a', 'b', 'c'], { distinct: false, sorted: true }),
  distinct: manyOf(2, [{ w: intv(1, 3) }, 'b', { f: floatv(0, 1) }], { distinct: true, sorted: false }),
  free: manyOf(2, ['x', 'y'], { distinct: false, sorted: false }),
  order: permutate(['p', 'q', 'r']),
});

describe('reinforce: proposals fit the space', () => {
  it('every proposal and every mostLikely fits any space, while it learns (random spaces)', () => {
    fc.assert(
      fc.property(spaceArbitrary(), fc.integer(), fc.boolean(), (space, seed, skip) => {
        const spec = dnaSpec(space);
        const algorithm = started(spec, { skipDuplicates: skip, batchSize: 1 + (Math.abs(seed) % 3) }, seed);
        for (let t = 0; t < 12; t++) {
          const dna = algorithm.propose();
          expect(spec.isValid(dna), dna.toString()).toBe(true);
          algorithm.feedback(dna, t % 5 === 4 ? -Infinity : sumReward(dna), t % 5 === 4 ? { failed: 'x' } : undefined);
          expect(spec.isValid(algorithm.mostLikely())).toBe(true);
        }
        for (const id of choiceIds(spec)) {
          const p = algorithm.probabilities(id);
          expect(p.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
          expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('manyOf: distinct, sorted, both, neither and permutate give valid DNAs, and every valid combination comes up', () => {
    const algorithm = started(lists, { skipDuplicates: false });
    const sortedDistinct = new Set<string>();
    const sortedRepeats = new Set<string>();
    const orders = new Set<string>();
    for (let t = 0; t < 3000; t++) {
      const dna = algorithm.propose();
      lists.validate(dna);
      const [sd, sr, , , order] = dna.children as DNA[];
      sortedDistinct.add((sd as DNA).toNumbers().join());
      sortedRepeats.add((sr as DNA).toNumbers().join());
      orders.add((order as DNA).toNumbers().join());
    }
    // C(5, 3) = 10 sorted distinct triples, C(3 + 2, 3) = 10 multisets of 3 of 3, 3! orders
    expect(sortedDistinct.size).toBe(10);
    expect(sortedRepeats.size).toBe(10);
    expect(orders.size).toBe(6);
  });

  it('conditional decisions appear only under their candidate, in proposals and in mostLikely', () => {
    const algorithm = started(conditional);
    for (let t = 0; t < 200; t++) {
      const dna = algorithm.propose();
      conditional.validate(dna);
      algorithm.feedback(dna, sumReward(dna));
    }
    conditional.validate(algorithm.mostLikely());
  });

  it('custom decisions are drawn from their definition (random), and mostLikely takes its first', () => {
    const genome = defineDecision<string>({
      name: 'test.reinforce.Genome',
      first: () => 'a',
      random: (rng) => 'abc'[Math.floor(rng() * 3)] as string,
      decode: (g) => g,
      encode: (v) => String(v),
    });
    const spec = dnaSpec({ g: genome(), x: oneOf([1, 2]) });
    const algorithm = started(spec);
    const genomes = new Set<string>();
    for (let t = 0; t < 60; t++) {
      const dna = algorithm.propose();
      spec.validate(dna);
      genomes.add(String((dna.children[0] as DNA).value));
      algorithm.feedback(dna, t);
    }
    expect([...genomes].sort()).toEqual(['a', 'b', 'c']);
    expect((algorithm.mostLikely().children[0] as DNA).value).toBe('a');
  });
});

describe('reinforce: determinism and resume', () => {
  it('the same seed and feedback give the same proposals; another seed gives others', () => {
    const texts = (seed: number | string, options: ReinforceOptions = {}): string[] =>
      run(started(conditional, options, seed), conditional, 60, sumReward, 7).map((h) => h.dna.toString());
    expect(texts(3)).toEqual(texts(3));
    expect(texts(4)).not.toEqual(texts(3));
    // its own seed option wins over the context's
    expect(texts('ignored', { seed: 5 })).toEqual(texts('also ignored', { seed: 5 }));
  });

  it('recover() of the history rebuilds the state of the uninterrupted run', () => {
    for (const options of [{}, { batchSize: 3, optimizer: 'adam', learningRate: 0.1 }] as ReinforceOptions[]) {
      for (const killedAt of [0, 1, 13, 40]) {
        const live = started(conditional, options, 9);
        const history: HistoryEntry[] = run(live, conditional, killedAt, sumReward, 5).map((h, i) =>
          h.reward === undefined && i % 2 === 0 ? { dna: h.dna, reward: -Infinity, outcome: { failed: 'boom' } } : h,
        );
        // the live run got feedback for the same failed entries the history holds
        const replay = started(conditional, options, 9);
        replay.recover(history);
        const fresh = started(conditional, options, 9);
        for (const entry of history) {
          fresh.propose();
          if (entry.reward !== undefined) fresh.feedback(entry.dna, entry.reward, entry.outcome);
        }
        expect(replay.mostLikely().toString()).toBe(fresh.mostLikely().toString());
        expect(replay.probabilities('op')).toEqual(fresh.probabilities('op'));
        expect(replay.baseline).toBe(fresh.baseline);
        for (let t = 0; t < 15; t++) {
          const a = replay.propose();
          const b = fresh.propose();
          expect(a.toString(), `killed at ${killedAt}, proposal ${t}`).toBe(b.toString());
          replay.feedback(a, sumReward(a));
          fresh.feedback(b, sumReward(b));
        }
      }
    }
  });

  it('a seeded search resumed from its journal proposes what the uninterrupted one did', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pliant-reinforce-'));
    const space = { a: oneOf([0, 1, 2, 3]), b: oneOf([{ x: intv(0, 5) }, 'none']), c: floatv(0, 1) };
    const objective = (c: { a: number; b: unknown; c: number }): number => c.a + (typeof c.b === 'string' ? 0 : (c.b as { x: number }).x) - c.c;
    const full = await search(space, objective, { numTrials: 30, seed: 4, algorithm: reinforce(), storage: memoryStorage() });
    await search(space, objective, { numTrials: 12, seed: 4, algorithm: reinforce(), storage: journalStorage(dir), study: 's' });
    const resumed = await search(space, objective, { numTrials: 30, seed: 4, algorithm: reinforce(), storage: journalStorage(dir), study: 's' });
    // compared by value: a float DNA read back from the journal at a whole number (a clipped 1.0) prints as 1
    const values = (trials: readonly { dna: DNA }[]): string[] => trials.map((t) => JSON.stringify(t.dna.toJSON()));
    expect(values(resumed.trials)).toEqual(values(full.trials));
    expect(new Set(values(full.trials)).size).toBeGreaterThan(20);
  });
});

describe('reinforce: learning', () => {
  it('on a tabular problem, the best candidate becomes far more likely than uniform', () => {
    const spec = dnaSpec({ x: oneOf(['a', 'b', 'c', 'd', 'e']) });
    const rewards = [0.2, 0.5, 0.1, 0.9, 0.4];
    const rng = seededRng('noise');
    for (const options of [{}, { optimizer: 'adam', learningRate: 0.1 }, { batchSize: 4 }] as ReinforceOptions[]) {
      const algorithm = started(spec, options, 2);
      expect(algorithm.probabilities('x')).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
      for (let t = 0; t < 150; t++) {
        const dna = algorithm.propose();
        algorithm.feedback(dna, (rewards[dna.value as number] as number) + 0.1 * (rng() - 0.5));
      }
      const p = algorithm.probabilities('x');
      expect(p[3], JSON.stringify(options)).toBeGreaterThan(0.8);
      expect(algorithm.mostLikely().value).toBe(3);
    }
  });

  it('learns conditional choices where they are present, and leaves absent ones alone', () => {
    const spec = dnaSpec({ op: oneOf([{ k: oneOf([1, 3, 5, 7]) }, 'skip', { j: oneOf(['u', 'v']) }]) });
    const algorithm = started(spec, { skipDuplicates: false }, 3);
    for (let t = 0; t < 300; t++) {
      const dna = algorithm.propose();
      // best: op 0 with k = 5; op 2 is never sampled once op 0 wins
      const reward = dna.value === 0 ? ((dna.children[0] as DNA).value === 2 ? 1 : 0.5) : 0;
      algorithm.feedback(dna, reward);
    }
    expect(algorithm.mostLikely().toString()).toBe(DNA.parse('DNA((0, 2))').toString());
    expect(algorithm.probabilities('op')[0]).toBeGreaterThan(0.8);
    expect((algorithm.probabilities('op[=0/3].k')[2] as number) > 0.6).toBe(true);
  });

  it('floats and integers: the Gaussian means move to the best values (log floats in log space)', () => {
    const spec = dnaSpec({ x: floatv(0, 10), lr: floatv(1e-5, 1, { scale: 'log' }), n: intv(1, 40), m: intv(1, 1000, { scale: 'log' }) });
    const algorithm = started(spec, {}, 5);
    const score = (dna: DNA): number => {
      const [x, lr, n, m] = dna.toNumbers() as number[];
      return -(((x as number) - 7) ** 2) / 10 - (Math.log10(lr as number) + 2) ** 2 - Math.abs((n as number) - 30) / 10 - Math.abs(Math.log10(m as number) - 1);
    };
    for (let t = 0; t < 600; t++) {
      const dna = algorithm.propose();
      algorithm.feedback(dna, score(dna));
    }
    const [x, lr, n, m] = algorithm.mostLikely().toNumbers() as number[];
    expect(x).toBeGreaterThan(6);
    expect(x).toBeLessThan(8);
    expect(Math.log10(lr as number)).toBeGreaterThan(-3);
    expect(Math.log10(lr as number)).toBeLessThan(-1);
    expect(Math.abs((n as number) - 30)).toBeLessThanOrEqual(4);
    expect(m).toBeGreaterThanOrEqual(4);
    expect(m).toBeLessThanOrEqual(25);
    expect(Number.isInteger(n) && Number.isInteger(m)).toBe(true);
  });

  it('the baseline is the moving average of the rewards', () => {
    const spec = dnaSpec({ x: oneOf([0, 1]) });
    const algorithm = started(spec, { baselineDecay: 0.5 });
    expect(algorithm.baseline).toBeUndefined();
    for (const r of [4, 8]) algorithm.feedback(algorithm.propose(), r);
    // bias-corrected EMA: (0.5·0.5·4 + 0.5·8) / (1 − 0.25)
    expect(algorithm.baseline).toBeCloseTo((0.25 * 4 + 0.5 * 8) / 0.75, 12);
  });

  it('updates once per batch of batchSize feedbacks', () => {
    const spec = dnaSpec({ x: oneOf([0, 1, 2]) });
    const algorithm = started(spec, { batchSize: 4 });
    const snapshots: string[] = [];
    for (let t = 0; t < 12; t++) {
      const dna = algorithm.propose();
      algorithm.feedback(dna, dna.value as number);
      snapshots.push(JSON.stringify(algorithm.probabilities('x')));
    }
    // the policy changes only after feedbacks 4, 8, 12 (the first reward sets the baseline)
    expect(snapshots[0]).toBe(snapshots[2]);
    expect(snapshots[4]).toBe(snapshots[6]);
    expect(snapshots[3]).not.toBe(snapshots[2]);
    expect(snapshots[7]).not.toBe(snapshots[6]);
  });
});

describe('reinforce: failed trials', () => {
  it('failed trials (−∞) make no NaN: the first ones teach nothing, later ones count as the worst reward', () => {
    const spec = dnaSpec({ x: oneOf(['fails', 'ok', 'good']), f: floatv(0, 1) });
    const algorithm = started(spec, { skipDuplicates: false }, 8);
    // failures before any reward: skipped
    for (let t = 0; t < 3; t++) algorithm.feedback(algorithm.propose(), -Infinity, { failed: 'early' });
    expect(algorithm.probabilities('x')).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(algorithm.baseline).toBeUndefined();
    for (let t = 0; t < 200; t++) {
      const dna = algorithm.propose();
      const x = dna.children[0] as DNA;
      if (x.value === 0) algorithm.feedback(dna, -Infinity, { failed: 'boom' });
      else algorithm.feedback(dna, x.value === 1 ? 0.5 : 0.6);
    }
    const p = algorithm.probabilities('x');
    expect(p.every((v) => Number.isFinite(v))).toBe(true);
    expect(p[0]).toBeLessThan(0.1);
    expect(Number.isFinite(algorithm.baseline)).toBe(true);
    spec.validate(algorithm.mostLikely());
  });

  it('accepts foreign, pruned, infeasible and +∞ feedback', () => {
    const algorithm = started(conditional);
    const other = seededRng('other');
    for (let t = 0; t < 40; t++) {
      const foreign = randomDNA(conditional, other);
      algorithm.feedback(foreign, t % 3 === 0 ? Infinity : sumReward(foreign), t % 4 === 0 ? { pruned: { step: 1 } } : { constraints: [t % 2] });
      const dna = algorithm.propose();
      algorithm.abandon(dna);
    }
    expect(Number.isFinite(algorithm.baseline)).toBe(true);
    expect(algorithm.probabilities('op').every((v) => Number.isFinite(v))).toBe(true);
  });
});

describe('reinforce: errors', () => {
  it('bad options are PliantErrors naming reinforce and the option', () => {
    const cases: [ReinforceOptions, RegExp][] = [
      [{ baselineDecay: 1 }, /^reinforce: at 'baselineDecay': must be a number in \[0, 1\), found 1$/],
      [{ baselineDecay: -0.1 }, /at 'baselineDecay'/],
      [{ baselineDecay: Number.NaN }, /at 'baselineDecay': must be a number in \[0, 1\), found null/],
      [{ entropyWeight: -1 }, /^reinforce: at 'entropyWeight': must be a number ≥ 0, found -1$/],
      [{ entropyWeight: '0.1' as unknown as number }, /at 'entropyWeight'.*found "0.1"/],
      [{ learningRate: 0 }, /^reinforce: at 'learningRate': must be a positive number, found 0$/],
      [{ learningRate: Infinity }, /at 'learningRate'/],
      [{ initialStd: 2 }, /at 'initialStd': must be a number in \(0, 1\]/],
      [{ batchSize: 0 }, /^reinforce: batchSize must be an integer ≥ 1, found 0$/],
      [{ batchSize: 1.5 }, /batchSize must be an integer/],
      [{ duplicateRetries: -1 }, /duplicateRetries must be an integer ≥ 0/],
      [{ optimizer: 'rmsprop' as 'sgd' }, /^reinforce: at 'optimizer': must be 'adam' or 'sgd', found "rmsprop"$/],
      [{ normalizeAdvantage: 1 as unknown as boolean }, /at 'normalizeAdvantage': must be a boolean/],
      [{ learningrate: 0.1 } as ReinforceOptions, /unknown option 'learningrate' \(did you mean 'learningRate'\?\)/],
    ];
    for (const [options, message] of cases) {
      let error: unknown;
      try {
        reinforce(options);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(options)).toBeInstanceOf(PliantError);
      expect((error as PliantError).message).toMatch(message);
    }
  });

  it('use before setup, bad feedback, and probabilities of what is not a choice', () => {
    const algorithm = reinforce();
    expect(() => algorithm.propose()).toThrow(/reinforce.propose: call setup/);
    expect(() => algorithm.mostLikely()).toThrow(/reinforce.mostLikely: call setup/);
    expect(() => algorithm.probabilities('op')).toThrow(/reinforce.probabilities: call setup/);
    algorithm.setup(conditional, { seed: 0 });
    const dna = algorithm.propose();
    expect(() => algorithm.feedback(dna, Number.NaN)).toThrow(/reinforce.feedback: a reward must be a number/);
    expect(() => algorithm.feedback(DNA.parse('DNA(7)'), 1)).toThrow(/reinforce.feedback: .* does not fit the search space/);
    expect(() => algorithm.probabilities('nope')).toThrow(/reinforce.probabilities: no decision 'nope' in the search space \(ids: op, /);
    expect(() => algorithm.probabilities('lr')).toThrow(/reinforce.probabilities: decision 'lr' is not a choice/);
    expect(algorithm.probabilities('op[=1/3].act')).toHaveLength(3);
  });
});

describe('reinforce in the search loop', () => {
  it('runs in search() end to end and finds the best of a small space', async () => {
    const space = { a: oneOf([0, 1, 2, 3]), b: oneOf([{ x: intv(0, 9) }, 'none']) };
    const objective = (c: { a: number; b: unknown }): number => c.a + (typeof c.b === 'string' ? 0 : (c.b as { x: number }).x);
    const algorithm = reinforce({ seed: 1 });
    const result = await search(space, objective, { numTrials: 60, algorithm, storage: memoryStorage() });
    expect(result.trials).toHaveLength(60);
    expect(result.best?.value).toBe(12);
    expect(algorithm.mostLikely().toString()).toBe(DNA.parse('DNA([3, (0, 9)])').toString());
  });

  it('runs in sample()', async () => {
    const space = { a: manyOf(2, ['x', 'y', 'z'], { sorted: true }), f: floatv(0.1, 10, { scale: 'log' }) };
    let n = 0;
    for await (const [c, feedback] of sample(space, reinforce(), { numTrials: 25, seed: 3 })) {
      expect(c.a).toHaveLength(2);
      await feedback.done(c.f);
      n++;
    }
    expect(n).toBe(25);
  });
});
