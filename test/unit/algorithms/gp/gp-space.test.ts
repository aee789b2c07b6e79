import { describe, expect, it } from 'vitest';
import { dnaSpec, floatv, intv, manyOf, materialize, oneOf, randomDNA, seededRng } from '../../../../src/index.js';
import type { TreeValue } from '../../../../src/index.js';
import { CATEGORICAL, CONTINUOUS, DISCRETE, GpSpace } from '../../../../src/algorithms/gp/gp-space.js';

function spaceOf(tree: TreeValue, inferOrdered = false): GpSpace {
  return new GpSpace(dnaSpec(tree), inferOrdered);
}

/** The embedding of the DNA that materializes `tree` into `value` (found by drawing). */
function embedOf(space: GpSpace, tree: TreeValue, want: (v: Record<string, unknown>) => boolean): { x: number[]; off: number[] } {
  const spec = dnaSpec(tree);
  const rng = seededRng(1, 0);
  for (let t = 0; t < 5000; t++) {
    const dna = randomDNA(spec, rng);
    if (want(materialize(tree, dna) as Record<string, unknown>)) {
      const e = space.embed(space.params.observe(dna, 'test'));
      return { x: Array.from(e.x), off: Array.from(e.off) };
    }
  }
  throw new Error('no such DNA drawn');
}

describe('gp-space: dimensions', () => {
  it('floats (linear and log), ints (linear and log), ordered and categorical choices', () => {
    const tree = {
      a: floatv(0, 10),
      b: floatv(1e-4, 1, { scale: 'log' }),
      c: intv(1, 4),
      d: intv(1, 1000, { scale: 'log' }),
      e: oneOf([16, 32, 64, 128], { ordered: true }),
      f: oneOf(['relu', 'gelu', 'swish']),
      g: oneOf([0, 1, 2, 3]),
    };
    const space = spaceOf(tree);
    expect(space.d).toBe(7);
    expect(Array.from(space.kinds)).toEqual([CONTINUOUS, CONTINUOUS, DISCRETE, DISCRETE, DISCRETE, CATEGORICAL, CATEGORICAL]);
    expect(Array.from(space.counts)).toEqual([0, 0, 4, 1000, 4, 3, 4]);
    expect(Array.from(space.categorical)).toEqual([0, 0, 0, 0, 0, 1, 1]);
    expect(space.conditional).toBe(false);
    // increasing numbers are categorical unless flagged, or inferred on request
    expect(spaceOf({ g: oneOf([0, 1, 2, 3]) }).kinds[0]).toBe(CATEGORICAL);
    expect(spaceOf({ g: oneOf([0, 1, 2, 3]) }, true).kinds[0]).toBe(DISCRETE);
    expect(spaceOf({ g: oneOf(['a', 'b', 'c']) }, true).kinds[0]).toBe(CATEGORICAL);
  });

  it('embeds values in the unit scale: linear, log, padded integer grids, log integer grids, category indices', () => {
    const tree = {
      a: floatv(0, 10),
      b: floatv(1e-4, 1, { scale: 'log' }),
      c: intv(1, 4),
      d: intv(1, 1000, { scale: 'log' }),
      e: oneOf([16, 32, 64, 128], { ordered: true }),
      f: oneOf(['r', 'g', 's']),
    };
    const space = spaceOf(tree);
    const { x, off } = embedOf(space, tree, () => true);
    expect(off).toEqual([0, 0, 0, 0, 0, 0]);
    const v = materialize(tree, randomDNA(dnaSpec(tree), seededRng(1, 0))) as { a: number; b: number; c: number; d: number; e: number; f: string };
    expect(x[0]).toBeCloseTo(v.a / 10, 12);
    expect(x[1]).toBeCloseTo((Math.log(v.b) - Math.log(1e-4)) / (0 - Math.log(1e-4)), 12);
    expect(x[2]).toBeCloseTo((v.c - 1 + 0.5) / 4, 12);
    expect(x[3]).toBeCloseTo((Math.log(v.d) - Math.log(0.5)) / (Math.log(1000.5) - Math.log(0.5)), 12);
    expect(x[4]).toBeCloseTo(([16, 32, 64, 128].indexOf(v.e) + 0.5) / 4, 12);
    expect(x[5]).toBe(['r', 'g', 's'].indexOf(v.f));
    // the grid of a discrete dimension round-trips every index, log or not
    for (const p of [2, 3, 4]) {
      for (let k = 0; k < (space.counts[p] as number); k++) expect(space.gridIndex(p, space.grid(p, k))).toBe(k);
    }
    expect(space.grid(3, 0)).toBeCloseTo((0 - Math.log(0.5)) / (Math.log(1000.5) - Math.log(0.5)), 12);
  });

  it('a full vector builds the DNA it stands for, and projecting it gives that DNA’s embedding', () => {
    const tree = { a: floatv(0, 10), d: intv(1, 1000, { scale: 'log' }), f: oneOf(['r', 'g', 's']) };
    const space = spaceOf(tree);
    const rng = seededRng(3, 0);
    for (let t = 0; t < 50; t++) {
      const full = space.random(rng);
      const built = space.build(full, rng);
      dnaSpec(tree).validate(built.dna);
      const projected = space.project(full, rng);
      const embedded = space.embed(space.params.observe(built.dna, 'test'));
      for (let p = 0; p < 3; p++) expect(projected.x[p]).toBeCloseTo(embedded.x[p] as number, 9);
    }
  });

  it('a random log intv is spread on the log scale (small values are not starved)', () => {
    const space = spaceOf({ d: intv(1, 10000, { scale: 'log' }) });
    const rng = seededRng(5, 0);
    let small = 0;
    for (let t = 0; t < 2000; t++) {
      const v = space.build(space.random(rng), rng).dna.value as number;
      if (v <= 100) small++;
    }
    // log-uniform: P(v ≤ 100) ≈ ½; uniform would give 1%
    expect(small).toBeGreaterThan(800);
    expect(small).toBeLessThan(1200);
  });
});

describe('gp-space: conditional spaces', () => {
  const tree = {
    optimizer: oneOf([{ name: 'adam' }, { name: 'sgd', momentum: floatv(0, 0.99), nesterov: oneOf([true, false]) }]),
    lr: floatv(1e-5, 1, { scale: 'log' }),
  };

  it('a decision under an unchosen candidate is absent: x at ½ (numeric) or −1 (categorical), off = 1', () => {
    const space = spaceOf(tree);
    expect(space.conditional).toBe(true);
    expect(space.d).toBe(4);
    const adam = embedOf(space, tree, (v) => (v['optimizer'] as { name: string }).name === 'adam');
    const sgd = embedOf(space, tree, (v) => (v['optimizer'] as { name: string }).name === 'sgd');
    const momentum = space.params.params.findIndex((p) => p.key.includes('momentum'));
    const nesterov = space.params.params.findIndex((p) => p.key.includes('nesterov'));
    expect(adam.off[momentum]).toBe(1);
    expect(adam.x[momentum]).toBe(0.5);
    expect(adam.off[nesterov]).toBe(1);
    expect(adam.x[nesterov]).toBe(-1);
    expect(sgd.off[momentum]).toBe(0);
    expect(sgd.off[nesterov]).toBe(0);
  });

  it('decisions at the same place under sibling candidates share a dimension; manyOf picks are each a dimension', () => {
    const cells = oneOf([[{ op: oneOf(['a', 'b', 'c']) }], [{ op: oneOf(['a', 'b', 'c']) }, { op: oneOf(['a', 'b', 'c']) }]]);
    const space = spaceOf({ cells, extra: manyOf(2, ['x', 'y', 'z']) });
    // cells choice, op of position 0 (pooled over both candidates), op of position 1, two picks
    expect(space.d).toBe(5);
    expect(space.conditional).toBe(true);
  });

  it('building a full vector in a conditional space uses only the decisions its choices reach', () => {
    const space = spaceOf(tree);
    const rng = seededRng(9, 0);
    const spec = dnaSpec(tree);
    const optimizer = space.params.params.findIndex((p) => p.key.startsWith('optimizer|'));
    const full = space.random(rng);
    full[optimizer] = 0; // adam
    const built = space.build(full, rng);
    spec.validate(built.dna);
    expect((materialize(tree, built.dna) as { optimizer: { name: string } }).optimizer.name).toBe('adam');
    const e = space.project(full, rng);
    expect(Array.from(e.off).filter((o) => o === 1)).toHaveLength(2);
  });
});
