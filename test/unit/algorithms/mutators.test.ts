import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DNA, PliantError, defineDecision, dnaSpec, evolvable, floatv, intv, manyOf, oneOf, permutate, randomDNA, seededRng } from '../../../src/index.js';
import { customMutator, swapMutator, uniformMutator } from '../../../src/algorithms/evolution/mutators.js';
import { spaceArbitrary } from '../../support/space-arbitrary.js';

const genome = defineDecision<string>({
  name: 'test.algorithms.Genome',
  first: () => 'a',
  random: (rng) => 'abc'[Math.floor(rng() * 3)] as string,
  mutate: (g) => `${g}+`,
  decode: (g) => g,
  encode: (v) => String(v),
});

const mutators = { uniform: uniformMutator(), swap: swapMutator(), custom: customMutator() };

describe('mutators over random spaces', () => {
  it('every mutated DNA validates; uniform changes the DNA of any finite space of more than one point', () => {
    fc.assert(
      fc.property(spaceArbitrary(), fc.integer(), (space, seed) => {
        const spec = dnaSpec(space);
        const rng = seededRng(seed);
        let dna = randomDNA(spec, rng);
        for (let step = 0; step < 5; step++) {
          for (const [name, mutate] of Object.entries(mutators)) {
            const next = mutate(dna, spec, rng);
            expect(spec.isValid(next), `${name}: ${next.toString()} from ${dna.toString()}`).toBe(true);
            if (name === 'uniform' && spec.spaceSize > 1) expect(next.equals(dna)).toBe(false);
          }
          dna = mutators.uniform(dna, spec, rng);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('every mutated DNA validates on list-heavy spaces (tagged candidates, no floats)', () => {
    fc.assert(
      fc.property(spaceArbitrary({ tagListCandidates: true, floats: false }), fc.integer(), (space, seed) => {
        const spec = dnaSpec(space);
        const rng = seededRng(seed);
        let dna = randomDNA(spec, rng);
        for (let step = 0; step < 10; step++) {
          dna = (step % 2 === 0 ? mutators.uniform : mutators.swap)(dna, spec, rng);
          expect(spec.isValid(dna)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('uniformMutator', () => {
  it('changes exactly one decision, each present decision about equally often', () => {
    const spec = dnaSpec({ a: oneOf([0, 1, 2]), b: oneOf([0, 1, 2]), c: intv(0, 5), d: floatv(0, 1) });
    const mutate = uniformMutator();
    const rng = seededRng(5);
    const counts = [0, 0, 0, 0];
    for (let t = 0; t < 4000; t++) {
      const dna = randomDNA(spec, rng);
      const before = dna.toNumbers();
      const after = mutate(dna, spec, rng).toNumbers();
      const changed = before.map((v, i) => (v === after[i] ? -1 : i)).filter((i) => i >= 0);
      expect(changed).toHaveLength(1);
      counts[changed[0] as number] = (counts[changed[0] as number] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(900);
  });

  it('only mutates decisions present in the DNA, with a fresh sub-DNA for a new candidate', () => {
    const spec = dnaSpec({ x: oneOf([{ u: intv(0, 9) }, 'none']) });
    const mutate = uniformMutator();
    const rng = seededRng(6);
    const none = DNA.parse('DNA(1)');
    for (let t = 0; t < 50; t++) {
      const next = mutate(none, spec, rng);
      expect(next.value).toBe(0);
      expect(next.children).toHaveLength(1);
    }
  });

  it('keeps manyOf picks distinct and sorted, and swaps permutation picks', () => {
    const spec = dnaSpec({ m: manyOf(3, [0, 1, 2, 3, 4], { distinct: true, sorted: true }), p: permutate(['a', 'b', 'c']) });
    const mutate = uniformMutator();
    const rng = seededRng(7);
    let dna = spec.firstDNA();
    for (let t = 0; t < 300; t++) {
      const next = mutate(dna, spec, rng);
      spec.validate(next);
      const [m, p] = next.children as [DNA, DNA];
      const values = m.children.map((c) => c.value as number);
      expect([...values].sort((x, y) => x - y)).toEqual(values);
      expect(new Set(p.children.map((c) => c.value)).size).toBe(3);
      dna = next;
    }
  });

  it('uses a custom decision’s mutate, else its random', () => {
    const spec = dnaSpec({ g: genome(), e: evolvable(1, (v: number) => v + 1) });
    const rng = seededRng(8);
    const seen = new Set<string>();
    for (let t = 0; t < 40; t++) seen.add(uniformMutator()(spec.firstDNA(), spec, rng).toString());
    expect(seen).toEqual(new Set(["DNA(['a+', '1'])", "DNA(['a', '2'])"]));
  });

  it('rejects a DNA that does not fit the space', () => {
    const spec = dnaSpec({ a: oneOf([1, 2]) });
    expect(() => uniformMutator()(DNA.parse('DNA(5)'), spec, seededRng(1))).toThrow(PliantError);
    expect(() => uniformMutator()(DNA.parse('DNA(5)'), spec, seededRng(1))).toThrow(/uniformMutator/);
  });
});

describe('swapMutator and customMutator', () => {
  it('swap exchanges two picks with their sub-DNAs, never in a sorted choice', () => {
    const spec = dnaSpec({ p: permutate([{ t: 0, x: intv(0, 3) }, { t: 1 }, { t: 2, y: oneOf([1, 2]) }]), s: manyOf(2, [0, 1, 2], { sorted: true }) });
    const rng = seededRng(9);
    const dna = DNA.parse('DNA([[(0, 3), 1, (2, 1)], [0, 2]])');
    for (let t = 0; t < 30; t++) {
      const next = swapMutator()(dna, spec, rng);
      spec.validate(next);
      const [p, s] = next.children as [DNA, DNA];
      expect(s.equals(dna.children[1] as DNA)).toBe(true);
      const picks = p.children.map((c) => c.toString()).sort();
      expect(picks).toEqual((dna.children[0] as DNA).children.map((c) => c.toString()).sort());
      expect(p.equals(dna.children[0] as DNA)).toBe(false);
    }
    const sortedOnly = dnaSpec({ s: manyOf(2, [0, 1, 2], { sorted: true }) });
    const d = DNA.parse('DNA([0, 2])');
    expect(swapMutator()(d, sortedOnly, rng)).toBe(d);
  });

  it('custom mutates only custom decisions', () => {
    const spec = dnaSpec({ g: genome(), a: oneOf([1, 2, 3]) });
    const rng = seededRng(10);
    expect(customMutator()(DNA.fromJSON(['b', 2]), spec, rng).toString()).toBe("DNA(['b+', 2])");
    const plain = dnaSpec({ a: oneOf([1, 2, 3]) });
    const d = DNA.parse('DNA(1)');
    expect(customMutator()(d, plain, rng)).toBe(d);
  });
});
