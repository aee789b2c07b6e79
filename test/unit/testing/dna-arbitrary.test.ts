/**
 * dnaArbitrary: valid DNAs only, every point of a space reachable, shrinking to the first DNA,
 * fixed decisions, custom decisions, and errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DNA, PliantError, defineDecision, dnaSpec, floatv, intv, iterateDNA, manyOf, oneOf, permutate, symbolize } from '../../../src/index.js';
import type { DNASpec, TreeValue } from '../../../src/index.js';
import { dnaArbitrary } from '../../../src/testing/index.js';
import { errorOf } from '../../support/error-of.js';
import { Dense, Free } from '../../support/model-types.js';
import { spaceArbitrary } from '../../support/space-arbitrary.js';

/** The compact texts of `n` DNAs drawn with a fixed seed. */
function drawn(spec: DNASpec, n: number, seed = 42): Set<string> {
  return new Set(fc.sample(dnaArbitrary(spec), { numRuns: n, seed }).map((d) => d.toString()));
}

/** The DNA a shrunk always-failing property ends on (a shrinking loop fails after 5 s, not hangs). */
function shrunk(spec: DNASpec, seed: number): DNA {
  const out = fc.check(
    fc.property(dnaArbitrary(spec), () => false),
    { seed, interruptAfterTimeLimit: 5000, markInterruptAsFailure: true },
  );
  if (out.counterexample === null) throw new Error('the property did not fail');
  expect(out.interrupted).toBe(false);
  return out.counterexample[0] as DNA;
}

/** Small finite spaces, one of each kind of list choice and conditional sub-spaces. */
const SMALL: [string, TreeValue][] = [
  ['distinct, unsorted', manyOf(2, ['a', 'b', 'c'])],
  ['distinct, sorted', manyOf(2, ['a', 'b', 'c', 'd'], { sorted: true })],
  ['repeats, sorted', manyOf(3, ['a', 'b', 'c'], { distinct: false, sorted: true })],
  ['repeats, unsorted', manyOf(2, ['a', 'b', 'c'], { distinct: false })],
  ['permutate', permutate(['a', 'b', 'c'])],
  ['conditional', oneOf([Dense({ units: oneOf([8, 16]) }), { x: intv(1, 3), y: manyOf(2, [1, 2, 3]) }, 'none'])],
  ['manyOf of sub-spaces', manyOf(2, [oneOf([1, 2]), intv(0, 2), 'c'], { sorted: true })],
];

/** Whether depth-first numbers `a` come before `b`. */
function lexLess(a: readonly (number | string)[], b: readonly (number | string)[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  return false;
}

/** Checks the shrinks proposed from `dna` (valid, smaller; none from the first DNA) and counts them (at most 300). */
function checkShrinks(spec: DNASpec, arb: fc.Arbitrary<DNA>, dna: DNA): number {
  expect(arb.canShrinkWithoutContext(dna)).toBe(true);
  let count = 0;
  for (const smaller of arb.shrink(dna, undefined)) {
    if (++count > 300) break;
    spec.validate(smaller.value);
    expect(lexLess(smaller.value.toNumbers(), dna.toNumbers()), `${smaller.value.toString()} < ${dna.toString()}`).toBe(true);
  }
  expect(count === 0).toBe(dna.equals(spec.firstDNA()));
  return count;
}

describe('dnaArbitrary', () => {
  it('draws only DNAs that validate, over random spaces', () => {
    fc.assert(
      fc.property(
        spaceArbitrary().chain((space) => {
          const spec = dnaSpec(space);
          return dnaArbitrary(spec).map((dna) => ({ spec, dna }));
        }),
        ({ spec, dna }) => {
          spec.validate(dna);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each(SMALL)('reaches every point of a small space, and nothing else (%s)', (_, space) => {
    const spec = dnaSpec(space);
    const all = new Set([...iterateDNA(spec)].map((d) => d.toString()));
    expect(all.size).toBe(spec.spaceSize);
    expect(drawn(spec, 40 * spec.spaceSize)).toEqual(all);
  });

  it('shrinks to the first DNA: first candidates, minimal ranges (random spaces)', () => {
    fc.assert(
      fc.property(spaceArbitrary(), fc.integer(), (space, seed) => {
        const spec = dnaSpec(space);
        const first = spec.firstDNA();
        const end = shrunk(spec, seed);
        expect(end.toString()).toBe(first.toString());
        expect(end.equals(first)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('proposes only valid shrinks, each smaller in depth-first order, none from the first DNA (random spaces)', () => {
    let shrinkable = 0;
    fc.assert(
      fc.property(spaceArbitrary(), fc.integer(), (space, seed) => {
        const spec = dnaSpec(space);
        const arb = dnaArbitrary(spec);
        const [dna] = fc.sample(arb, { numRuns: 1, seed }) as [DNA];
        if (checkShrinks(spec, arb, dna) > 0) shrinkable++;
      }),
      { numRuns: 200 },
    );
    expect(shrinkable).toBeGreaterThan(100);
  });

  it.each(SMALL)('proposes only valid, smaller shrinks from every point of a small space (%s)', (_, space) => {
    const spec = dnaSpec(space);
    const arb = dnaArbitrary(spec);
    for (const dna of iterateDNA(spec)) checkShrinks(spec, arb, dna);
  });

  it('shrinks a failing range to its boundary: the smallest failing int, floats toward min', () => {
    const ints = fc.check(
      fc.property(dnaArbitrary(dnaSpec(intv(-50, 1000))), (d) => (d.value as number) < 123),
      { seed: 1 },
    );
    expect(ints.counterexample?.[0].value).toBe(123);
    const big = fc.check(
      fc.property(dnaArbitrary(dnaSpec(intv(-(2 ** 40), 2 ** 40))), (d) => (d.value as number) < 7),
      { seed: 1 },
    );
    expect(big.counterexample?.[0].value).toBe(7);
    for (const scale of ['linear', 'log', 'rlog'] as const) {
      const floats = fc.check(
        fc.property(dnaArbitrary(dnaSpec(floatv(0.01, 100, { scale }))), (d) => (d.value as number) < 0.5),
        { seed: 3 },
      );
      const v = floats.counterexample?.[0].value as number;
      expect(v).toBeGreaterThanOrEqual(0.5);
      expect(v).toBeLessThan(0.5001);
    }
  });

  it('draws floats over the whole range on their scale, both ends included', () => {
    const linear = fc.sample(dnaArbitrary(dnaSpec(floatv(-1, 1))), { numRuns: 2000, seed: 5 }).map((d) => d.value as number);
    expect(Math.min(...linear)).toBe(-1);
    expect(Math.max(...linear)).toBe(1);
    expect(linear.filter((v) => v > 0).length).toBeGreaterThan(600);
    const log = fc.sample(dnaArbitrary(dnaSpec(floatv(1e-6, 1, { scale: 'log' }))), { numRuns: 2000, seed: 5 }).map((d) => d.value as number);
    expect(log.every((v) => v >= 1e-6 && v <= 1)).toBe(true);
    // log-uniform: about half the draws below 1e-3 (a linear draw would put ~0.1% there)
    expect(log.filter((v) => v < 1e-3).length).toBeGreaterThan(600);
  });

  it('keeps fixed decisions (by id or name) and still draws the rest', () => {
    const Opt = symbolize('testing.Opt', (a: Record<string, unknown>) => a);
    const space = Free({
      model: oneOf([Dense({ units: oneOf([8, 16, 32]) }), 'linear']),
      blocks: manyOf(2, ['a', 'b', 'c']),
      opt: Opt({ lr: floatv(1e-4, 1, { scale: 'log', name: 'lr' }), steps: intv(1, 100) }),
    });
    const spec = dnaSpec(space);
    // a schema-free node keeps its arguments in key order
    expect(spec.decisionIds).toEqual(['blocks', 'model', 'model[=0/2].units', 'opt.lr', 'opt.steps']);
    const fixed = { model: 0, blocks: [2, 0], lr: 0.01, 'opt.steps': 7 };
    const dnas = fc.sample(dnaArbitrary(spec, { fixed }), { numRuns: 100, seed: 9 });
    const units = new Set<number>();
    for (const dna of dnas) {
      spec.validate(dna);
      const [blocks, model, lr, steps] = dna.children as DNA[];
      expect(model?.value).toBe(0);
      units.add(model?.children[0]?.value as number);
      expect(blocks?.children.map((c) => c.value)).toEqual([2, 0]);
      expect(lr?.value).toBe(0.01);
      expect(steps?.value).toBe(7);
    }
    expect(units).toEqual(new Set([0, 1, 2]));
  });

  it('refuses fixed values that are no decision or do not fit, naming the API', () => {
    const spec = dnaSpec(Free({ a: oneOf([1, 2]), b: manyOf(2, [1, 2, 3], { sorted: true }), c: intv(0, 3), d: floatv(0, 1) }));
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ nope: 1 }, /'nope' is neither a decision id nor a decision name.*ids: a, b, c, d/],
      [{ a: 2 }, /decision 'a' has 2 candidates, found index 2/],
      [{ a: [0] }, /decision 'a' has 2 candidates, found index \[0\]/],
      [{ b: [1] }, /decision 'b' takes a list of 2 candidate indices/],
      [{ b: [2, 1] }, /picks in candidate order, but 1 comes after 2/],
      [{ b: [1, 1] }, /picks distinct candidates, but 1 repeats/],
      [{ c: 1.5 }, /decision 'c' takes an integer in \[0, 3\], found 1.5/],
      [{ d: 2 }, /decision 'd' takes a number in \[0, 1\], found 2/],
    ];
    for (const [fixed, message] of cases) {
      const error = errorOf(() => dnaArbitrary(spec, { fixed }));
      expect(error.api).toBe('dnaArbitrary');
      expect(error.message).toMatch(message);
    }
    expect(errorOf(() => dnaArbitrary({} as DNASpec)).message).toMatch(/^dnaArbitrary: expects a DNASpec/);
    expect(() => dnaArbitrary(spec, { fixed: { a: 1, b: [0, 2], c: 3, d: 0.25 } })).not.toThrow();
  });

  it('draws custom decisions from first, random and mutated genomes, and shrinks to first', () => {
    const word = defineDecision<string>({
      name: 'testing.Word',
      first: () => 'a',
      random: (rng) => 'xyz'.charAt(Math.floor(rng() * 3)),
      mutate: (g, rng) => `${g}${'bc'.charAt(Math.floor(rng() * 2))}`,
      decode: (g) => g,
      encode: (v) => String(v),
    });
    const spec = dnaSpec(Free({ w: word(), n: intv(0, 3) }));
    const genomes = fc.sample(dnaArbitrary(spec), { numRuns: 300, seed: 4 }).map((d) => {
      spec.validate(d);
      return (d.children[1] as DNA).value as string;
    });
    expect(genomes).toContain('a');
    expect(genomes.some((g) => /^[xyz]$/.test(g))).toBe(true);
    expect(genomes.some((g) => /^a[bc]{1,4}$/.test(g))).toBe(true);
    expect(shrunk(spec, 8).equals(spec.firstDNA())).toBe(true);
    const fixed = fc.sample(dnaArbitrary(spec, { fixed: { w: 'abc' } }), { numRuns: 20, seed: 1 });
    expect(fixed.every((d) => (d.children[1] as DNA).value === 'abc')).toBe(true);
    expect(errorOf(() => dnaArbitrary(spec, { fixed: { w: 3 } })).message).toMatch(/takes a genome string/);
  });

  it('draws the one DNA of a space without decisions', () => {
    const spec = dnaSpec(Free({ a: 1 }));
    const dnas = fc.sample(dnaArbitrary(spec), { numRuns: 5, seed: 1 });
    for (const dna of dnas) expect(dna.equals(spec.firstDNA())).toBe(true);
  });

  it('refuses a fixed option that is not a record', () => {
    const error = errorOf(() => dnaArbitrary(dnaSpec(intv(0, 1)), { fixed: [] as unknown as Record<string, unknown> }));
    expect(error).toBeInstanceOf(PliantError);
    expect(error.message).toMatch(/^dnaArbitrary: options.fixed must be a record/);
  });
});
