import fc from 'fast-check';
import murmur from 'murmurhash3js-revisited';
import { describe, expect, it } from 'vitest';
import { digestHex, murmur3Words } from '../../../src/base/murmur3.js';
import type { Digest128 } from '../../../src/base/murmur3.js';

function ours(bytes: Uint8Array, seed: number): string {
  const words = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const out: Digest128 = { h1: 0, h2: 0, h3: 0, h4: 0 };
  murmur3Words(words, 0, words.length, seed, out);
  return digestHex(out.h1, out.h2, out.h3, out.h4);
}

describe('MurmurHash3 x86 128', () => {
  it('matches an independent implementation on whole-word messages', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.infiniteStream(fc.integer({ min: 0, max: 255 })),
        (nwords, seed, stream) => {
          const bytes = new Uint8Array(nwords * 4);
          const it = stream[Symbol.iterator]();
          for (let i = 0; i < bytes.length; i++) bytes[i] = it.next().value as number;
          expect(ours(bytes, seed)).toBe(murmur.x86.hash128(bytes, seed));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hashes the empty message with seed 0 to zero, as the reference does', () => {
    expect(ours(new Uint8Array(0), 0)).toBe('00000000000000000000000000000000');
  });

  it('hashes a range of a larger buffer', () => {
    const words = new Int32Array([7, 1, 2, 3, 4, 5, 9]);
    const a: Digest128 = { h1: 0, h2: 0, h3: 0, h4: 0 };
    const b: Digest128 = { h1: 0, h2: 0, h3: 0, h4: 0 };
    murmur3Words(words, 1, 6, 42, a);
    murmur3Words(new Int32Array([1, 2, 3, 4, 5]), 0, 5, 42, b);
    expect(a).toEqual(b);
  });
});
