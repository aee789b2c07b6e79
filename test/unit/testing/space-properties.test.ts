/**
 * Properties of the geno layer over random search spaces (test/support/space-arbitrary.ts), with
 * candidates drawn by pliant/testing: encode/materialize round trips, random DNA validity, grid
 * enumeration, numbers and compact-text round trips, and locality (changing one decision changes
 * only that decision's subtree).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DNA,
  diff,
  dnaSpec,
  encode,
  eq,
  formatKeyPath,
  get,
  iterateDNA,
  manyOf,
  oneOf,
  materialize,
  prepare,
  randomDNA,
  seededRng,
} from '../../../src/index.js';
import type { TreeValue } from '../../../src/index.js';
import { arbitrary, dnaArbitrary } from '../../../src/testing/index.js';
import { activeDecisions, mutateOne } from '../../support/mutate-one.js';
import { spaceArbitrary } from '../../support/space-arbitrary.js';

const spaces = spaceArbitrary();
/** A space and one DNA of it. */
const spaceAndDNA = spaces.chain((space) => dnaArbitrary(dnaSpec(space)).map((dna) => ({ space, dna })));

/** Whether key-path text `path` is `at` or lies under it. */
function under(path: string, at: string): boolean {
  return at === '' || path === at || path.startsWith(`${at}.`) || path.startsWith(`${at}[`);
}

describe('properties over random spaces', () => {
  it('materialize(space, encode(space, x)) is x for every x drawn from the space', () => {
    fc.assert(
      fc.property(
        spaceArbitrary().chain((space) => arbitrary(space).map((x) => ({ space, x: x as TreeValue }))),
        ({ space, x }) => {
          const dna = encode(space, x);
          expect(dnaSpec(space).isValid(dna)).toBe(true);
          expect(eq(materialize(space, dna), x)).toBe(true);
        },
      ),
      { numRuns: 600 },
    );
  });

  // Found by the property above: a greedy first match per element breaks distinct/sorted when
  // candidates overlap; encode backtracks to the first valid assignment.
  it('encode backtracks when a greedy pick breaks distinct or sorted', () => {
    const space = manyOf(2, [1, 1]);
    expect(encode(space, [1, 1]).toString()).toBe('DNA([0, 1])');
    expect(eq(materialize(space, encode(space, [1, 1])), [1, 1])).toBe(true);
    const sorted = manyOf(2, [oneOf([1, 2]), 1], { sorted: true });
    expect(eq(materialize(sorted, encode(sorted, [2, 1])), [2, 1])).toBe(true);
  });

  it('every DNA of randomDNA(spec, seededRng(seed)) validates, and the same seed gives the same DNA', () => {
    fc.assert(
      fc.property(spaces, fc.integer(), (space, seed) => {
        const spec = dnaSpec(space);
        const rng = seededRng(seed);
        const first = randomDNA(spec, rng);
        for (let i = 0; i < 5; i++) spec.validate(randomDNA(spec, rng));
        spec.validate(first);
        expect(randomDNA(spec, seededRng(seed)).equals(first)).toBe(true);
      }),
      { numRuns: 600 },
    );
  });

  it('iterateDNA yields exactly spaceSize distinct valid points (finite spaces of at most 2000)', () => {
    let checked = 0;
    fc.assert(
      fc.property(spaceArbitrary({ floats: false }), (space) => {
        const spec = dnaSpec(space);
        expect(spec.spaceSize).toBeGreaterThanOrEqual(1);
        fc.pre(spec.spaceSize <= 2000);
        const seen = new Set<string>();
        let count = 0;
        for (const dna of iterateDNA(spec)) {
          spec.validate(dna);
          seen.add(dna.toString());
          count++;
        }
        expect(count).toBe(spec.spaceSize);
        expect(seen.size).toBe(count);
        checked++;
      }),
      { numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(50);
  });

  it('spec.fromNumbers(dna.toNumbers()) and DNA.parse(dna.toString()) give the DNA back', () => {
    fc.assert(
      fc.property(spaceAndDNA, ({ space, dna }) => {
        const spec = dnaSpec(space);
        expect(spec.fromNumbers(dna.toNumbers() as number[]).equals(dna)).toBe(true);
        expect(DNA.parse(dna.toString()).equals(dna)).toBe(true);
        expect(DNA.fromJSON(JSON.parse(JSON.stringify(dna.toJSON()))).equals(dna)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('changing one decision changes only that decision’s subtree', () => {
    let leaves = 0;
    let picks = 0;
    fc.assert(
      fc.property(spaceAndDNA, fc.nat(), fc.integer(), ({ space, dna }, which, seed) => {
        const template = prepare(space);
        const spec = template.spec;
        const n = activeDecisions(spec, dna);
        fc.pre(n > 0);
        const m = mutateOne(spec, dna, which % n, seededRng(seed));
        spec.validate(m.dna);
        const before = template.materialize(dna) as TreeValue;
        const after = template.materialize(m.dna) as TreeValue;
        const at = formatKeyPath(m.location);
        const changes = diff(before, after);
        for (const change of changes) expect(under(change.path, at), `${change.path} changed, but the decision is at '${at}'`).toBe(true);
        if (m.leaf !== undefined) {
          leaves++;
          // the decision's value sits exactly at its location, before and after
          expect(get(before, m.location)).toBe(m.leaf.before);
          expect(get(after, m.location)).toBe(m.leaf.after);
          expect(changes).toEqual(Object.is(m.leaf.before, m.leaf.after) ? [] : [{ path: at, left: m.leaf.before, right: m.leaf.after }]);
        } else if (m.pick !== undefined) {
          picks++;
          // the value at the location is the chosen candidate, materialized with its own sub-DNA
          const d = m.decision;
          if (d.kind !== 'choice') throw new Error('a pick of a non-choice');
          const cand = (i: number): TreeValue => d.candidates[i] as TreeValue;
          expect(eq(get(before, m.location), materialize(cand(m.pick.before.index), m.pick.before.sub) as TreeValue)).toBe(true);
          expect(eq(get(after, m.location), materialize(cand(m.pick.after.index), m.pick.after.sub) as TreeValue)).toBe(true);
        }
      }),
      { numRuns: 600 },
    );
    expect(leaves).toBeGreaterThan(20);
    expect(picks).toBeGreaterThan(20);
  });
});
