/**
 * MurmurHash3 x86 128-bit (Austin Appleby's public-domain algorithm) over a message of whole
 * 32-bit words, each word being 4 little-endian bytes of the message. For such messages the
 * output is the reference output; the tests check it against an independent implementation.
 */

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

/** A 128-bit digest as four signed 32-bit words. */
export interface Digest128 {
  h1: number;
  h2: number;
  h3: number;
  h4: number;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Hashes `words[start, end)` with `seed` and writes the digest into `out`, which it returns. */
export function murmur3Words(words: Int32Array, start: number, end: number, seed: number, out: Digest128): Digest128 {
  let h1 = seed | 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  let i = start;
  const blocksEnd = end - ((end - start) & 3);
  let k1: number;
  let k2: number;
  let k3: number;
  let k4: number;
  for (; i < blocksEnd; i += 4) {
    k1 = words[i] as number;
    k2 = words[i + 1] as number;
    k3 = words[i + 2] as number;
    k4 = words[i + 3] as number;
    k1 = Math.imul(k1, C1);
    k1 = (k1 << 15) | (k1 >>> 17);
    h1 ^= Math.imul(k1, C2);
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(k2, C2);
    k2 = (k2 << 16) | (k2 >>> 16);
    h2 ^= Math.imul(k2, C3);
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (h2 + h3) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(k3, C3);
    k3 = (k3 << 17) | (k3 >>> 15);
    h3 ^= Math.imul(k3, C4);
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (h3 + h4) | 0;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(k4, C4);
    k4 = (k4 << 18) | (k4 >>> 14);
    h4 ^= Math.imul(k4, C1);
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (h4 + h1) | 0;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  const rest = end - i;
  if (rest >= 3) {
    k3 = Math.imul(words[i + 2] as number, C3);
    k3 = (k3 << 17) | (k3 >>> 15);
    h3 ^= Math.imul(k3, C4);
  }
  if (rest >= 2) {
    k2 = Math.imul(words[i + 1] as number, C2);
    k2 = (k2 << 16) | (k2 >>> 16);
    h2 ^= Math.imul(k2, C3);
  }
  if (rest >= 1) {
    k1 = Math.imul(words[i] as number, C1);
    k1 = (k1 << 15) | (k1 >>> 17);
    h1 ^= Math.imul(k1, C2);
  }
  const len = ((end - start) * 4) | 0;
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  out.h1 = h1;
  out.h2 = (h2 + h1) | 0;
  out.h3 = (h3 + h1) | 0;
  out.h4 = (h4 + h1) | 0;
  return out;
}

/** The character code of the hex digit of the low 4 bits of `x`. */
function hx(x: number): number {
  const v = x & 15;
  return v + (v < 10 ? 48 : 87);
}

/**
 * The 32-hex-digit text of a digest h1..h4 (each word big-endian). One flat string from one
 * `String.fromCharCode` call: about half the cost of joining 16 two-digit pieces, which also
 * leaves a rope that is flattened on first use.
 */
export function digestHex(h1: number, h2: number, h3: number, h4: number): string {
  // prettier-ignore
  return String.fromCharCode(
    hx(h1 >>> 28),
    hx(h1 >>> 24),
    hx(h1 >>> 20),
    hx(h1 >>> 16),
    hx(h1 >>> 12),
    hx(h1 >>> 8),
    hx(h1 >>> 4),
    hx(h1),
    hx(h2 >>> 28),
    hx(h2 >>> 24),
    hx(h2 >>> 20),
    hx(h2 >>> 16),
    hx(h2 >>> 12),
    hx(h2 >>> 8),
    hx(h2 >>> 4),
    hx(h2),
    hx(h3 >>> 28),
    hx(h3 >>> 24),
    hx(h3 >>> 20),
    hx(h3 >>> 16),
    hx(h3 >>> 12),
    hx(h3 >>> 8),
    hx(h3 >>> 4),
    hx(h3),
    hx(h4 >>> 28),
    hx(h4 >>> 24),
    hx(h4 >>> 20),
    hx(h4 >>> 16),
    hx(h4 >>> 12),
    hx(h4 >>> 8),
    hx(h4 >>> 4),
    hx(h4),
  );
}
