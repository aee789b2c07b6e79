import { describe, expect, it } from 'vitest';
import { DNA, PliantError, dnaSpec, floatv, intv, manyOf, oneOf } from '../../../src/index.js';
import { pyFloat } from '../../../src/geno/dna.js';

describe('DNA', () => {
  it('prints and parses PyGlove compact form', () => {
    const cases = [
      'DNA(0)',
      'DNA(0.5)',
      'DNA([0, 1])',
      'DNA(0, [0, 0])',
      'DNA(0, 0, 0)',
      'DNA([(0, [0, 0]), [0, 1], 0, 0, 0, 0.0, (0, [0.0001, 0.0]), 0])',
      'DNA([(0, [(0, [0, 0]), 0]), 1, (0, 0)])',
      "DNA(['x*x', 1])",
    ];
    for (const text of cases) expect(DNA.parse(text).toString()).toBe(text);
    expect(DNA.parse('(0, [1, 2])').equals(DNA.tuple(0, [1, 2]))).toBe(true);
    expect(DNA.parse('DNA(0, 0, 0)').equals(DNA.tuple(0, 0, 0))).toBe(true);
    expect(DNA.of([0, [1, 2], 0.5]).toString()).toBe('DNA([0, [1, 2], 0.5])');
    for (const bad of ['DNA(', 'DNA([0, 1)', '([0, 1], 2)', 'DNA(x)', 'DNA(0) 1']) expect(() => DNA.parse(bad), bad).toThrow(PliantError);
  });

  it("prints floats as Python's repr", () => {
    expect([0, 1, 1e-5, 1e-4, 0.1, 1.5, 1e16, 123.25, -2.5, 1e-7, 2.5e-10].map(pyFloat)).toEqual([
      '0.0',
      '1.0',
      '1e-05',
      '0.0001',
      '0.1',
      '1.5',
      '1e+16',
      '123.25',
      '-2.5',
      '1e-07',
      '2.5e-10',
    ]);
  });

  it('flattens to numbers and back through a spec', () => {
    const spec = dnaSpec({ a: oneOf([{ x: intv(1, 3) }, 'b']), m: manyOf(2, ['p', 'q', 'r']), f: floatv(0, 1) });
    const dna = DNA.parse('DNA([(0, 2), [2, 0], 0.25])');
    expect(dna.toNumbers()).toEqual([0, 2, 2, 0, 0.25]);
    expect(DNA.fromNumbers([0, 2, 2, 0, 0.25], spec).equals(dna)).toBe(true);
    expect(() => spec.fromNumbers([0, 2, 2])).toThrow(/end before decision 'm'/);
    expect(() => spec.fromNumbers([0, 2, 2, 0, 0.25, 9])).toThrow(/left over/);
    expect(() => spec.fromNumbers([1, 2, 2, 0, 0.25])).toThrow(PliantError);
  });

  it('has a JSON form', () => {
    const dna = DNA.parse("DNA([(0, [1, 2]), 0.5, 'g'])");
    expect(dna.toJSON()).toEqual([{ value: 0, children: [1, 2] }, 0.5, 'g']);
    expect(DNA.fromJSON(JSON.parse(JSON.stringify(dna))).equals(dna)).toBe(true);
    expect(() => DNA.fromJSON({ nope: 1 })).toThrow(PliantError);
    expect(() => new DNA(NaN)).toThrow(PliantError);
  });

  it('is validated against a spec with clear errors', () => {
    const spec = dnaSpec({ a: oneOf([1, 2, 3]), m: manyOf(2, ['p', 'q', 'r'], { sorted: true }), f: floatv(0, 1), i: intv(1, 8) });
    expect(spec.isValid(DNA.parse('DNA([0, [0, 2], 0.5, 8])'))).toBe(true);
    expect(() => spec.validate(DNA.parse('DNA([3, [0, 2], 0.5, 8])'))).toThrow(/candidate index 3 is out of range at decision 'a'/);
    expect(() => spec.validate(DNA.parse('DNA([0, [2, 0], 0.5, 8])'))).toThrow(/must be sorted/);
    expect(() => spec.validate(DNA.parse('DNA([0, [1, 1], 0.5, 8])'))).toThrow(/twice/);
    expect(() => spec.validate(DNA.parse('DNA([0, [0, 2], 1.5, 8])'))).toThrow(/out of range \[0, 1\] at decision 'f'/);
    expect(() => spec.validate(DNA.parse('DNA([0, [0, 2], 0.5, 9])'))).toThrow(/at decision 'i'/);
    expect(() => spec.validate(DNA.parse('DNA([0, [0, 2], 0.5])'))).toThrow(/expected a list of 4 decisions/);
    expect(() => spec.validate(DNA.parse('DNA([0.5, [0, 2], 0.5, 8])'))).toThrow(/expects a candidate index/);
  });
});
