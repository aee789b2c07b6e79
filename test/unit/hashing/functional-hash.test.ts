import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { functionalHash, hashProbeOutput, quantize } from '../../../src/hashing/functional-hash.js';
import { PliantError } from '../../../src/base/errors.js';

/** x with its mantissa bit `k` (0 = most significant of the 52) flipped. */
function flipBit(x: number, k: number): number {
  const f = new Float64Array([x]);
  const w = new Uint32Array(f.buffer);
  const bit = 51 - k;
  if (bit >= 32) w[1] = (w[1] as number) ^ (1 << (bit - 32));
  else w[0] = (w[0] as number) ^ ((1 << bit) >>> 0);
  return f[0] as number;
}

describe('quantize', () => {
  it('keeps sign, exponent and the top mantissa bits, and clears the rest', () => {
    expect(quantize(1)).toEqual(quantize(flipBit(1, 30)));
    expect(quantize(1)).not.toEqual(quantize(flipBit(1, 23)));
    expect(quantize(1, 52)).not.toEqual(quantize(flipBit(1, 51), 52));
    expect(quantize(1, 0)).toEqual(quantize(1.9, 0));
    expect(quantize(1, 0)).not.toEqual(quantize(2, 0));
    expect(quantize(-1)).not.toEqual(quantize(1));
    expect(quantize(1, 20)).toEqual(quantize(flipBit(1, 20), 20));
    expect(quantize(1, 21)).not.toEqual(quantize(flipBit(1, 20), 21));
  });

  it('maps −0 to +0 and gives nothing for NaN and ±Infinity', () => {
    expect(quantize(-0)).toEqual(quantize(0));
    expect(quantize(Number.NaN)).toBeUndefined();
    expect(quantize(Infinity)).toBeUndefined();
    expect(quantize(-Infinity)).toBeUndefined();
  });

  it('rejects a mantissa width outside 0..52', () => {
    expect(() => quantize(1, 53)).toThrow(/quantize: mantissaBits must be an integer from 0 to 52, found 53/);
    expect(() => quantize(1, 2.5)).toThrow(PliantError);
  });

  it('a tiny negative value that quantises to −0 equals +0 (found by the property below)', () => {
    expect(hashProbeOutput([-Number.MIN_VALUE], { mantissaBits: 3 })).toBe(hashProbeOutput([0], { mantissaBits: 3 }));
    expect(hashProbeOutput([-Number.MIN_VALUE], { mantissaBits: 52 })).not.toBe(hashProbeOutput([0], { mantissaBits: 52 }));
  });

  it('equal quantised values for every change below the kept bits (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 52 }), fc.integer({ min: 0, max: 51 }), (x, bits, k) => {
        const y = flipBit(x, k);
        if (!Number.isFinite(y)) return;
        const same = k >= bits;
        expect(hashProbeOutput([x], { mantissaBits: bits }) === hashProbeOutput([y], { mantissaBits: bits })).toBe(same || (x === 0 && y === 0));
      }),
    );
  });
});

describe('functionalHash', () => {
  const probe = (f: (x: number) => number): number[] => [0, 0.25, 0.5, 1, 2].map(f);

  it('hashes what a candidate computes, not how it is written', () => {
    expect(functionalHash((x: number) => x * 2, probe)).toBe(functionalHash((x: number) => x + x, probe));
    expect(functionalHash((x: number) => x + 0.1 + 0.2, probe)).toBe(functionalHash((x: number) => x + (0.1 + 0.2), probe));
    expect(functionalHash((x: number) => x * 2, probe)).not.toBe(functionalHash((x: number) => x * 3, probe));
  });

  it('is stable: the same value in every process (pinned)', () => {
    expect(hashProbeOutput([1, 2.5, -3])).toBe('ee83cf61cbffffa26d17f4e487a77681');
  });

  it('is unhashable (undefined, equal to nothing) when an output is NaN or infinite', () => {
    expect(functionalHash((x: number) => 1 / x, probe)).toBeUndefined();
    expect(functionalHash((x: number) => Math.sqrt(x - 1), probe)).toBeUndefined();
    expect(hashProbeOutput({ a: [1, Number.NaN] })).toBeUndefined();
  });

  it('takes −0 as 0, record keys in any order, typed arrays as arrays', () => {
    expect(hashProbeOutput([-0, 1])).toBe(hashProbeOutput([0, 1]));
    expect(hashProbeOutput({ a: 1, b: [2] })).toBe(hashProbeOutput({ b: [2], a: 1 }));
    expect(hashProbeOutput(new Float32Array([0.5, 2]))).toBe(hashProbeOutput([0.5, 2]));
    expect(hashProbeOutput([[1, 2], [3]])).not.toBe(hashProbeOutput([[1], [2, 3]]));
    expect(hashProbeOutput(['a', true])).not.toBe(hashProbeOutput(['a', false]));
  });

  it('gives the probe a fixed seed and a generator seeded with it', () => {
    const draws = (_c: unknown, ctx: { rng: () => number }): number[] => [ctx.rng(), ctx.rng()];
    expect(functionalHash(null, draws)).toBe(functionalHash(null, draws));
    expect(functionalHash(null, draws, { seed: 1 })).not.toBe(functionalHash(null, draws));
    let seen = -1;
    functionalHash(null, (_c, ctx) => ((seen = ctx.seed), 0), { seed: 7 });
    expect(seen).toBe(7);
  });

  it('waits for an async probe', async () => {
    const hash = functionalHash(3, async (c: number) => [c, c * 2]);
    expect(hash).toBeInstanceOf(Promise);
    expect(await hash).toBe(functionalHash(3, (c: number) => [c, c * 2]));
  });

  it('names the API and the path of an output it cannot hash', () => {
    expect(() => functionalHash(null, () => ({ a: [1, null] }) as never)).toThrow(
      "functionalHash: at 'a[1]': a probe must return numbers, arrays, typed arrays or records of them, found null",
    );
    expect(() => functionalHash(null, () => new Map() as never)).toThrow(/found Map/);
    expect(() => functionalHash(null, 3 as never)).toThrow(/probe must be a function/);
    expect(() => functionalHash(null, () => 1, { mantissaBits: -1 })).toThrow(/functionalHash: mantissaBits/);
  });
});
