import { describe, expect, it } from 'vitest';
import { PliantError, dnaSpec, floatv, intv, iterateDNA, manyOf, oneOf, permutate, randomDNA, seededRng } from '../../../src/index.js';
import { grid } from '../../../src/algorithms/grid-search.js';
import { random } from '../../../src/algorithms/random-search.js';
import { run } from './run-support.js';

const finite = dnaSpec({ a: oneOf([{ x: intv(0, 2) }, 'b', manyOf(2, [1, 2, 3])]), p: permutate(['u', 'v', 'w']) });

describe('random search', () => {
  it('proposes seeded random DNAs', () => {
    const spec = dnaSpec({ a: oneOf([1, 2, 3]), f: floatv(1e-4, 1, { scale: 'log' }) });
    const algorithm = random({ seed: 11 });
    algorithm.setup(spec, { seed: 'ignored' });
    const rng = seededRng(11);
    for (let t = 0; t < 50; t++) expect(algorithm.propose()?.toString()).toBe(randomDNA(spec, rng).toString());
    const fromContext = random();
    fromContext.setup(spec, { seed: 11 });
    expect(fromContext.propose()?.toString()).toBe(randomDNA(spec, seededRng(11)).toString());
  });

  it('recovers to the same next proposal', () => {
    const a = random({ seed: 3 });
    a.setup(finite, { seed: 0 });
    const history = run(a, finite, 40, undefined, 7);
    const b = random({ seed: 3 });
    b.setup(finite, { seed: 0 });
    b.recover(history);
    expect(b.propose()?.toString()).toBe(a.propose()?.toString());
  });

  it('rejects use before setup and bad feedback', () => {
    const a = random();
    expect(() => a.propose()).toThrow(PliantError);
    a.setup(finite, { seed: 1 });
    const dna = a.propose();
    expect(dna).toBeDefined();
    if (dna === undefined) return;
    expect(() => a.feedback(dna, Number.NaN)).toThrow(/reward must be a number/);
    expect(() => a.feedback(dna.children[0] ?? dna, 1)).toThrow(/random.feedback: .* does not fit the search space/);
    expect(() => a.feedback(dna, 1)).not.toThrow();
  });

  it('checks a DNA against each space it is told about (what fits one space is not taken to fit another)', () => {
    const a = random({ seed: 2 });
    a.setup(finite, { seed: 1 });
    const dna = a.propose();
    if (dna === undefined) throw new Error('no proposal');
    expect(() => a.feedback(dna, 1)).not.toThrow();
    const other = random({ seed: 2 });
    other.setup(dnaSpec([floatv(0, 1)]), { seed: 1 });
    expect(() => other.feedback(dna, 1)).toThrow(/random.feedback: .* does not fit the search space/);
    // and the first space still takes it (the check is cached per space, never across spaces)
    expect(() => a.feedback(dna, 1)).not.toThrow();
  });
});

describe('grid search', () => {
  it('yields exactly spaceSize DNAs in grid order, then undefined', () => {
    const algorithm = grid();
    algorithm.setup(finite, { seed: 0 });
    const proposals = run(algorithm, finite, 10_000).map((h) => h.dna.toString());
    expect(proposals).toHaveLength(finite.spaceSize);
    expect(new Set(proposals).size).toBe(finite.spaceSize);
    expect(proposals).toEqual([...iterateDNA(finite)].map((d) => d.toString()));
    expect(algorithm.propose()).toBeUndefined();
    expect(algorithm.propose()).toBeUndefined();
  });

  it('recovers where it stopped', () => {
    const a = grid();
    a.setup(finite, { seed: 0 });
    const history = run(a, finite, 17, undefined, 5);
    const b = grid();
    b.setup(finite, { seed: 0 });
    b.recover(history);
    for (let t = 0; t < finite.spaceSize; t++) expect(b.propose()?.toString()).toBe(a.propose()?.toString());
  });

  it('refuses a space it cannot enumerate, naming the decision', () => {
    expect(() => grid().setup(dnaSpec({ lr: floatv(0, 1) }), { seed: 0 })).toThrow(PliantError);
    expect(() => grid().setup(dnaSpec({ lr: floatv(0, 1) }), { seed: 0 })).toThrow(/^grid: .*'lr'/);
  });
});
