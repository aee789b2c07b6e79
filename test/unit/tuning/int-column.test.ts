import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIntColumn, encodeIntColumn, IntColumnReader } from '../../../src/tuning/int-column.js';

const entry = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -40, max: 40 }),
  fc.integer(),
  fc.integer({ min: -(2 ** 51) + 1, max: 2 ** 51 - 1 }),
  fc.constantFrom(0, -0, 31, 32, -16, -17, 2 ** 51 - 1, -(2 ** 51) + 1, 1_796_000_000_000),
);

describe('encodeIntColumn / decodeIntColumn', () => {
  it('give back every integer within ±2^51 and every null, in order (property)', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 200 }), (values) => {
        const text = encodeIntColumn(values);
        expect(text).toBeDefined();
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        // -0 comes back as 0, as through JSON
        expect(decodeIntColumn(text as string, values.length)).toEqual(values.map((v) => (v === null ? null : v + 0)));
      }),
      { numRuns: 500 },
    );
  });

  it('write one character for each entry from -15 to 15 and for null', () => {
    const values = [null, ...Array.from({ length: 31 }, (_, i) => i - 15)];
    expect(encodeIntColumn(values)).toHaveLength(values.length);
    expect(encodeIntColumn([16])).toHaveLength(2);
    expect(encodeIntColumn([-16])).toHaveLength(2);
  });

  it('leave a column with anything else to JSON (undefined)', () => {
    for (const bad of [0.5, Number.NaN, Infinity, -Infinity, 2 ** 51, -(2 ** 51), Number.MAX_SAFE_INTEGER])
      expect(encodeIntColumn([1, bad, 2]), String(bad)).toBeUndefined();
  });

  it('refuse a corrupt column: another count, a foreign character, a torn last entry', () => {
    const text = encodeIntColumn([1, 200, -3]) as string;
    expect(decodeIntColumn(text, 3)).toEqual([1, 200, -3]);
    expect(() => decodeIntColumn(text, 2)).toThrow('an integer column has 3 entries, not 2');
    expect(() => decodeIntColumn(text, 4)).toThrow('an integer column has 3 entries, not 4');
    expect(() => decodeIntColumn(`${text}"`, 3)).toThrow(`an integer column has a character outside its alphabet at ${text.length}`);
    expect(() => decodeIntColumn('é', 1)).toThrow('an integer column has a character outside its alphabet at 0');
    expect(() => decodeIntColumn(text.slice(0, 2) + 'z', 2)).toThrow(/torn last one/);
  });

  it('IntColumnReader gives the entries of a string or of an array (formats 2 and 3) one at a time, and checks either first', () => {
    const values = [3, null, -40, 1_796_000_000_000, 0];
    for (const column of [encodeIntColumn(values) as string, values]) {
      const reader = new IntColumnReader(column, values.length);
      expect(values.map(() => reader.next())).toEqual(values);
    }
    const reader = new IntColumnReader(encodeIntColumn([1]) as string, 1);
    expect(reader.next()).toBe(1);
    expect(() => reader.next()).toThrow('an integer column was read past its end');
    expect(() => new IntColumnReader(values, 4)).toThrow('an integer column is neither a string nor an array of 4 numbers');
    expect(() => new IntColumnReader([1, '2'], 2)).toThrow('an integer column is neither a string nor an array of 2 numbers');
    expect(() => new IntColumnReader({ length: 1 }, 1)).toThrow('an integer column is neither a string nor an array of 1 numbers');
  });
});
