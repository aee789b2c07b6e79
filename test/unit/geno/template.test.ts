import { describe, expect, it } from 'vitest';
import {
  DNA,
  PliantError,
  dnaSpec,
  encode,
  eq,
  floatv,
  get,
  intv,
  iterate,
  iterateDNA,
  manyOf,
  materialize,
  oneOf,
  prepare,
  randomDNA,
  sampleRandom,
  seededRng,
} from '../../../src/index.js';
import { Adam, Conv, Dense, Experiment, Net } from '../../support/model-types.js';

const space = Experiment({
  model: Net({
    stem: oneOf([Conv({ filters: oneOf([16, 32]), kernel: intv(1, 5) }), Dense({ units: 64 })]),
    blocks: manyOf(2, ['a', 'b', 'c']),
    depth: intv(1, 3),
  }),
  optimizer: Adam({ lr: floatv(1e-4, 1e-1, { scale: 'log', name: 'lr' }) }),
  batchSize: oneOf([32, 64]),
});

describe('materialize / encode', () => {
  it('materializes a DNA into a validated concrete tree, sharing decision-free subtrees', () => {
    const dna = DNA.parse('DNA([(0, [1, 3]), [2, 0], 2, 0.01, 1])');
    const t = materialize(space, dna);
    expect(get(t, 'model.stem.filters')).toBe(32);
    expect(get(t, 'model.stem.kernel')).toBe(3);
    expect(get(t, 'model.blocks')).toEqual(['c', 'a']);
    expect(get(t, 'optimizer.lr')).toBe(0.01);
    expect(get(t, 'batchSize')).toBe(64);
    const dense = materialize(space, DNA.parse('DNA([1, [0, 1], 1, 0.001, 0])'));
    expect(get(dense, 'model.stem')).toBe((get(space, 'model.stem.candidates') as readonly unknown[])[1]);
  });

  it('encodes back: materialize(encode(x)) == x', () => {
    const rng = seededRng(3);
    const t = prepare(space);
    for (let i = 0; i < 50; i++) {
      const dna = randomDNA(t.spec, rng);
      const x = t.materialize(dna);
      expect(eq(t.materialize(encode(space, x)), x)).toBe(true);
      expect(encode(space, x).equals(dna)).toBe(true);
    }
  });

  it('explains a value that is not in the space', () => {
    const x = materialize(space, DNA.parse('DNA([(0, [1, 3]), [2, 0], 2, 0.01, 1])'));
    const y = Experiment({ model: x.args.model as never, optimizer: Adam({ lr: 5 }), batchSize: 64 });
    const e = (() => {
      try {
        encode(space, y);
      } catch (error) {
        return error as PliantError;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(PliantError);
    expect(e?.path).toBe('optimizer.lr');
    expect(e?.message).toMatch(/decision 'optimizer.lr' takes a number in \[0.0001, 0.1\], found 5/);
  });

  it('takes a record of decision ids or names instead of a DNA', () => {
    const t = materialize(space, { 'model.stem': 1, 'model.blocks': [0, 1], 'model.depth': 1, lr: 0.05, batchSize: 0 });
    expect(get(t, 'optimizer.lr')).toBe(0.05);
    expect(Dense.is(get(t, 'model.stem'))).toBe(true);
    expect(() => materialize(space, { 'model.stem': 1 })).toThrow(/no value for decision 'model.blocks'/);
    expect(() => materialize(space, { 'model.stem': 1, 'model.blocks': [0, 1], 'model.depth': 1, lr: 0.05, batchSize: 0, typo: 1 })).toThrow(
      /'typo' is neither/,
    );
  });

  it('counts the space and enumerates it in grid order', () => {
    const finite = { a: oneOf([{ x: oneOf([1, 2]) }, 'b']), m: manyOf(2, ['p', 'q', 'r']), i: intv(1, 2) };
    const spec = dnaSpec(finite);
    expect(spec.spaceSize).toBe(3 * 6 * 2);
    const all = [...iterateDNA(spec)].map((d) => d.toString());
    expect(all).toHaveLength(36);
    expect(new Set(all).size).toBe(36);
    expect(all.slice(0, 3)).toEqual(['DNA([(0, 0), [0, 1], 1])', 'DNA([(0, 0), [0, 1], 2])', 'DNA([(0, 0), [0, 2], 1])']);
    expect([...iterate(finite, { limit: 2 })]).toEqual([
      { a: { x: 1 }, m: ['p', 'q'], i: 1 },
      { a: { x: 1 }, m: ['p', 'q'], i: 2 },
    ]);
    expect(() => [...iterate(space)]).toThrow(/decision 'optimizer.lr' is a float/);
  });

  it('samples with a seed, log floats log-uniformly', () => {
    const a = sampleRandom(space, { seed: 7, n: 5 });
    const b = sampleRandom(space, { seed: 7, n: 5 });
    expect(a.map((x, i) => eq(x, b[i]))).toEqual([true, true, true, true, true]);
    const lrs = sampleRandom({ lr: floatv(1e-4, 1, { scale: 'log' }) }, { seed: 1, n: 4000 }).map((x) => x.lr);
    const below = lrs.filter((v) => v < 1e-2).length / lrs.length;
    expect(below).toBeGreaterThan(0.45);
    expect(below).toBeLessThan(0.55);
    expect(lrs.every((v) => v >= 1e-4 && v <= 1)).toBe(true);
  });
});
