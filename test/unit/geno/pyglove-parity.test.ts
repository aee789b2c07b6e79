/**
 * Parity with PyGlove 0.5.0 on the 47 spaces of ../shared/fixtures/pyglove/semantics.json:
 * space sizes, decision points, ids and names, first DNA, grid order and count, materialize and
 * encode of sampled DNAs (through numbers), and rejection of invalid DNAs.
 *
 * Deliberate differences, as the fixture's README allows: an `intv` DNA holds the integer (PyGlove
 * an index; numbers are mapped both ways), compact strings are compared only for spaces without
 * `intv`; random draws are not compared (pliant uses its own seeded generator and samples log
 * floats log-uniformly); where PyGlove's encode raised (an empty dict tried against a list
 * candidate), pliant must return the sample's DNA. JavaScript has one number type, so an
 * integral value for a float decision (PyGlove's "int where a float is expected") is the float it
 * equals in pliant: that one error case is checked to be accepted as such.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DNA, PliantError, dnaSpec, encode, eq, iterateDNA, materialize } from '../../../src/index.js';
import { fromPy, hasInt, makeClasses, toPy, toSpace } from '../../support/neutral-space.js';
import type { Neutral } from '../../support/neutral-space.js';

interface Case {
  id: string;
  space: Neutral;
  space_size: number;
  num_decision_points: number;
  decision_ids: string[];
  decision_names: (string | null)[];
  first_dna: { numbers: number[]; compact: string };
  grid: number[][] | null;
  grid_count: number | null;
  samples: { numbers: number[]; compact: string; value: Neutral }[];
  encode: (number[] | { error: unknown })[];
  errors?: { what: string; numbers: number[]; compact: string }[];
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixture = JSON.parse(readFileSync(join(root, '..', 'shared', 'fixtures', 'pyglove', 'semantics.json'), 'utf8')) as {
  classes: Record<string, string[]>;
  cases: Case[];
};
const classes = makeClasses(fixture.classes);

describe('PyGlove parity (semantics.json)', () => {
  it('has the fixture', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const c of fixture.cases) {
    describe(c.id, () => {
      const space = toSpace(c.space, classes);
      const spec = dnaSpec(space);
      const withInt = hasInt(spec.root);

      it('has the same size, decision points, ids and names', () => {
        expect(spec.spaceSize).toBe(c.space_size);
        expect(spec.numDecisionPoints).toBe(c.num_decision_points);
        expect(spec.decisionIds).toEqual(c.decision_ids);
        expect(spec.decisionNames.map((n) => n ?? null)).toEqual(c.decision_names);
      });

      it('has the same first DNA', () => {
        const first = spec.firstDNA();
        expect(toPy(spec, first.toNumbers())).toEqual(c.first_dna.numbers);
        if (!withInt) {
          expect(first.toString()).toBe(c.first_dna.compact);
          expect(DNA.parse(c.first_dna.compact).equals(first)).toBe(true);
        }
      });

      if (c.grid !== null) {
        it('enumerates in the same grid order', () => {
          const grid = [...iterateDNA(spec, { limit: 50 })].map((d) => toPy(spec, d.toNumbers()));
          expect(grid).toEqual(c.grid);
          if (c.grid_count !== null) {
            let count = 0;
            for (const _ of iterateDNA(spec)) count++;
            expect(count).toBe(c.grid_count);
          }
        });
      } else {
        it('refuses to enumerate, naming the float decision', () => {
          expect(() => iterateDNA(spec).next()).toThrow(/is a float/);
        });
      }

      it('materializes and encodes the sampled DNAs', () => {
        c.samples.forEach((sample, i) => {
          const dna = spec.fromNumbers(fromPy(spec, sample.numbers));
          if (!withInt) {
            expect(dna.toString()).toBe(sample.compact);
            expect(DNA.parse(sample.compact).equals(dna)).toBe(true);
          }
          const value = materialize(space, dna);
          expect(eq(value, toSpace(sample.value, classes)), `sample ${i}`).toBe(true);
          const expected = c.encode[i] as number[] | { error: unknown };
          const encoded = toPy(spec, encode(space, value).toNumbers());
          expect(encoded).toEqual(Array.isArray(expected) ? expected : sample.numbers);
        });
      });

      for (const e of c.errors ?? []) {
        if (e.what === 'int where a float is expected') {
          it('reads an integral value of a float decision as that float (JavaScript has one number type)', () => {
            const dna = spec.fromNumbers(fromPy(spec, e.numbers));
            const floats = spec.decisionIds.filter((id) => spec.byId.get(id)?.kind === 'float');
            expect(floats.length).toBeGreaterThan(0);
            expect(() => materialize(space, dna)).not.toThrow();
          });
          continue;
        }
        it(`rejects an invalid DNA: ${e.what}`, () => {
          let rejected = false;
          try {
            materialize(space, spec.fromNumbers(fromPy(spec, e.numbers)));
          } catch (error) {
            expect(error).toBeInstanceOf(PliantError);
            rejected = true;
          }
          expect(rejected, `numbers ${JSON.stringify(e.numbers)}`).toBe(true);
          if (!withInt) {
            let parsed: DNA | undefined;
            try {
              parsed = DNA.parse(e.compact);
            } catch {
              parsed = undefined;
            }
            if (parsed !== undefined) {
              expect(() => spec.validate(parsed as DNA)).toThrow(PliantError);
              expect(() => materialize(space, parsed as DNA)).toThrow(PliantError);
            }
          }
        });
      }
    });
  }
});
