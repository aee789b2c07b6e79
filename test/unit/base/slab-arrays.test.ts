import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLAB_BYTES, slabFloat64, slabInt32 } from '../../../src/base/slab-arrays.js';

describe('slab arrays', () => {
  it('gives zeroed arrays of the length asked that never share memory, across slab boundaries (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 3000 })), { minLength: 1, maxLength: 120 }), (asks) => {
        const arrays = asks.map(([float, n]) => (float ? slabFloat64(n) : slabInt32(n)));
        arrays.forEach((a, i) => {
          expect(a.length).toBe((asks[i] as [boolean, number])[1]);
          expect(a.every((x) => x === 0)).toBe(true);
          a.fill(i + 1);
        });
        // each still holds what was written into it: no two overlap
        arrays.forEach((a, i) => expect(a.every((x) => x === i + 1)).toBe(true));
        for (const a of arrays) if (a instanceof Float64Array) expect(a.byteOffset % 8).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('cuts small arrays from one shared buffer and gives large ones their own', () => {
    const a = slabFloat64(10);
    const b = slabInt32(10);
    if (a.buffer === b.buffer) expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + a.byteLength);
    expect(a.buffer.byteLength).toBe(SLAB_BYTES);
    const large = slabFloat64(SLAB_BYTES / 8);
    expect(large.buffer.byteLength).toBe(SLAB_BYTES);
    expect(large.byteOffset).toBe(0);
    expect(large.buffer).not.toBe(a.buffer);
    // a slab filled to its end: the next array starts a new one, and the last one is intact
    const filler: Int32Array[] = [];
    for (let i = 0; i < (2 * SLAB_BYTES) / 4000; i++) filler.push(slabInt32(1000).fill(i));
    filler.forEach((f, i) => expect(f.every((x) => x === i)).toBe(true));
    expect(new Set(filler.map((f) => f.buffer)).size).toBeGreaterThan(1);
  });
});
