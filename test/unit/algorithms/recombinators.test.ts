import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DNA, PliantError, dnaSpec, floatv, intv, manyOf, oneOf, permutate, randomDNA, seededRng } from '../../../src/index.js';
import {
  averageFloats,
  cycleCrossover,
  kPointCrossover,
  orderCrossover,
  pmxCrossover,
  uniformCrossover,
} from '../../../src/algorithms/evolution/recombinators.js';
import type { Recombinator } from '../../../src/algorithms/evolution/recombinators.js';
import { spaceArbitrary } from '../../support/space-arbitrary.js';

const all: Record<string, Recombinator> = {
  uniform: uniformCrossover(),
  onePoint: kPointCrossover(1),
  threePoint: kPointCrossover(3),
  average: averageFloats(),
  order: orderCrossover(),
  cycle: cycleCrossover(),
  pmx: pmxCrossover(),
};

describe('recombinators over random spaces', () => {
  it('every child validates, and a parent crossed with itself gives itself', () => {
    fc.assert(
      fc.property(spaceArbitrary({ tagListCandidates: true }), fc.integer(), (space, seed) => {
        const spec = dnaSpec(space);
        const rng = seededRng(seed);
        const a = randomDNA(spec, rng);
        const b = randomDNA(spec, rng);
        for (const [name, recombine] of Object.entries(all)) {
          const child = recombine(a, b, spec, rng);
          expect(spec.isValid(child), `${name}: ${child.toString()} from ${a.toString()} × ${b.toString()}`).toBe(true);
          expect(recombine(a, a, spec, rng).equals(a), name).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('recombinators', () => {
  const spec = dnaSpec({
    a: oneOf([0, 1, 2]),
    b: intv(0, 9),
    c: floatv(0, 1),
    d: oneOf([{ x: intv(0, 5) }, { y: floatv(0, 10) }]),
    e: manyOf(2, [0, 1, 2, 3], { distinct: true }),
  });
  const a = DNA.parse('DNA([0, 1, 0.25, (0, 2), [0, 1]])');
  const b = DNA.parse('DNA([2, 8, 0.75, (1, 5.0), [1, 0]])');

  it('uniform takes each decision from one parent, differing subtrees whole', () => {
    const rng = seededRng(1);
    const seen = new Set<string>();
    for (let t = 0; t < 300; t++) {
      const child = uniformCrossover()(a, b, spec, rng);
      spec.validate(child);
      child.children.forEach((c, i) => expect(c.equals(a.children[i] as DNA) || c.equals(b.children[i] as DNA)).toBe(true));
      seen.add(child.toString());
    }
    expect(seen.size).toBeGreaterThan(10);
  });

  it('k-point crossover switches parent at most k times along the sites', () => {
    const flat = dnaSpec(Array.from({ length: 10 }, () => oneOf([0, 1])));
    const zeros = flat.firstDNA();
    const ones = DNA.of(new Array<number>(10).fill(1));
    const rng = seededRng(2);
    for (const k of [1, 2, 3]) {
      for (let t = 0; t < 50; t++) {
        const bits = kPointCrossover(k)(zeros, ones, flat, rng).toNumbers();
        expect(bits[0]).toBe(0);
        const switches = bits.filter((v, i) => i > 0 && v !== bits[i - 1]).length;
        expect(switches).toBe(k);
      }
    }
  });

  it('averageFloats averages floats and takes the rest from parent a', () => {
    const child = averageFloats()(a, b, spec, seededRng(3));
    expect(child.toString()).toBe('DNA([0, 1, 0.5, (0, 2), [0, 1]])');
    const a2 = DNA.parse('DNA([0, 1, 0.25, (1, 2.0), [0, 1]])');
    expect(averageFloats()(a2, b, spec, seededRng(3)).toString()).toBe('DNA([0, 1, 0.5, (1, 3.5), [0, 1]])');
  });

  it('cycle crossover gives the textbook child', () => {
    const perm = dnaSpec(permutate([1, 2, 3, 4, 5, 6, 7, 8]));
    const p1 = DNA.of([0, 1, 2, 3, 4, 5, 6, 7]);
    const p2 = DNA.of([7, 4, 1, 0, 2, 5, 3, 6]);
    expect(cycleCrossover()(p1, p2, perm, seededRng(1)).toNumbers()).toEqual([0, 4, 1, 3, 2, 5, 6, 7]);
  });

  it('order and PMX crossovers give the textbook children for a given segment', () => {
    const perm = dnaSpec(permutate([1, 2, 3, 4, 5, 6, 7, 8]));
    const p1 = DNA.of([0, 1, 2, 3, 4, 5, 6, 7]);
    const p2 = DNA.of([7, 4, 1, 0, 2, 5, 3, 6]);
    // A generator drawing the segment [3, 5].
    const cuts = (): (() => number) => {
      const values = [3.5 / 8, 5.5 / 8];
      let i = 0;
      return () => values[i++ % 2] as number;
    };
    expect(orderCrossover()(p1, p2, perm, cuts()).toNumbers()).toEqual([1, 0, 2, 3, 4, 5, 6, 7]);
    expect(pmxCrossover()(p1, p2, perm, cuts()).toNumbers()).toEqual([7, 2, 1, 3, 4, 5, 0, 6]);
  });

  it('permutation crossovers keep each candidate with the sub-DNA of a parent', () => {
    const space = {
      order: permutate([{ t: 0, x: intv(0, 5) }, { t: 1, y: oneOf([1, { z: intv(0, 3) }]) }, { t: 2 }, { t: 3, w: floatv(0, 1) }, { t: 4 }]),
      m: manyOf(3, [{ t: 0, x: intv(0, 9) }, { t: 1 }, { t: 2 }], { distinct: true }),
      other: intv(0, 9),
    };
    const permSpec = dnaSpec(space);
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = seededRng(seed);
        const pa = randomDNA(permSpec, rng);
        const pb = randomDNA(permSpec, rng);
        for (const recombine of [orderCrossover(), cycleCrossover(), pmxCrossover()]) {
          const child = recombine(pa, pb, permSpec, rng);
          permSpec.validate(child);
          expect((child.children[2] as DNA).equals(pa.children[2] as DNA)).toBe(true);
          for (const i of [0, 1]) {
            const byValue = (d: DNA): Map<unknown, string> => new Map((d.children[i] as DNA).children.map((p) => [p.value, p.toString()]));
            const ca = byValue(pa);
            const cb = byValue(pb);
            for (const [v, text] of byValue(child)) expect([ca.get(v), cb.get(v)]).toContain(text);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects bad input', () => {
    expect(() => kPointCrossover(0)).toThrow(PliantError);
    expect(() => uniformCrossover()(a, DNA.parse('DNA(0)'), spec, seededRng(1))).toThrow(/uniformCrossover/);
  });
});
