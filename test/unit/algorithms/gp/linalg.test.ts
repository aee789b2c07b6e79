import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cholesky,
  choleskyInto,
  choleskySolve,
  dotAt,
  extendCholesky,
  inverseFromCholesky,
  logDet,
  solveLower,
  solveLowerTransposed,
} from '../../../../src/algorithms/gp/linalg.js';
import { seededRng } from '../../../../src/base/rng.js';

/** A random SPD matrix B·Bᵀ + shift·I (row-major n×n). */
function spd(n: number, seed: number, shift = 0.1): Float64Array {
  const rng = seededRng(seed, 0);
  const b = Float64Array.from({ length: n * n }, () => rng() * 2 - 1);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = dotAt(b, i * n, b, j * n, n) + (i === j ? shift : 0);
  return a;
}

function matVec(a: Float64Array, n: number, x: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dotAt(a, i * n, x, 0, n);
  return out;
}

/** The largest |a − b| relative to the largest |a|. */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 1e-300;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(a[i] as number));
  }
  return err / scale;
}

/** L·Lᵀ. */
function reconstruct(l: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = dotAt(l, i * n, l, j * n, Math.min(i, j) + 1);
  return out;
}

describe('gp linalg: Cholesky and solves', () => {
  it('factorises a known 3×3 matrix exactly', () => {
    // A = L·Lᵀ with L = [[2,0,0],[1,3,0],[-1,2,4]]
    const a = Float64Array.from([4, 2, -2, 2, 10, 5, -2, 5, 21]);
    const f = cholesky(a, 3);
    expect(f).toBeDefined();
    expect(Array.from(f?.l ?? [])).toEqual([2, 0, 0, 1, 3, 0, -1, 2, 4]);
    expect(f?.jitter).toBe(0);
    expect(logDet(f?.l as Float64Array, 3)).toBeCloseTo(Math.log(24 * 24), 12);
  });

  it('L·Lᵀ, solves and the inverse agree with direct computation on random SPD matrices (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const a = spd(n, seed);
        const f = cholesky(a, n);
        expect(f).toBeDefined();
        const l = (f as { l: Float64Array }).l;
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(l[i * n + j]).toBe(0);
        expect(relError(a, reconstruct(l, n))).toBeLessThan(1e-12);
        const rng = seededRng(seed, 1);
        const b = Float64Array.from({ length: n }, () => rng() - 0.5);
        // L·x = b, Lᵀ·x = b, A·x = b
        const lower = solveLower(l, n, b, new Float64Array(n));
        const lx = new Float64Array(n);
        for (let i = 0; i < n; i++) lx[i] = dotAt(l, i * n, lower, 0, i + 1);
        expect(relError(b, lx)).toBeLessThan(1e-10);
        const upper = solveLowerTransposed(l, n, b, new Float64Array(n));
        const ltx = new Float64Array(n);
        for (let i = 0; i < n; i++) for (let k = i; k < n; k++) ltx[i] = (ltx[i] as number) + (l[k * n + i] as number) * (upper[k] as number);
        expect(relError(b, ltx)).toBeLessThan(1e-10);
        const x = choleskySolve(l, n, b, new Float64Array(n));
        expect(relError(b, matVec(a, n, x))).toBeLessThan(1e-9);
        // in place
        const same = Float64Array.from(b);
        choleskySolve(l, n, same, same);
        expect(relError(x, same)).toBeLessThan(1e-14);
        // A·A⁻¹ = I
        const inv = inverseFromCholesky(l, n, new Float64Array(n * n));
        for (let j = 0; j < n; j++) {
          const col = Float64Array.from({ length: n }, (_, i) => inv[i * n + j] as number);
          const e = matVec(a, n, col);
          for (let i = 0; i < n; i++) expect(Math.abs((e[i] as number) - (i === j ? 1 : 0))).toBeLessThan(1e-8);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('extending a factor by new rows equals factorising the whole matrix (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1e6 }), (m, q, seed) => {
        const n = m + q;
        const a = spd(n, seed);
        const top = new Float64Array(m * m);
        for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) top[i * m + j] = a[i * n + j] as number;
        const f = cholesky(top, m);
        const b = new Float64Array(q * m);
        const c = new Float64Array(q * q);
        for (let r = 0; r < q; r++) {
          for (let j = 0; j < m; j++) b[r * m + j] = a[(m + r) * n + j] as number;
          for (let j = 0; j < q; j++) c[r * q + j] = a[(m + r) * n + m + j] as number;
        }
        const extended = extendCholesky(f as NonNullable<typeof f>, b, c, q);
        const whole = cholesky(a, n);
        expect(extended?.n).toBe(n);
        expect(relError(whole?.l as Float64Array, extended?.l as Float64Array)).toBeLessThan(1e-10);
      }),
      { numRuns: 60 },
    );
  });

  it('a singular PSD matrix gets a jitter; an indefinite or NaN one gives undefined', () => {
    // rank 1: v·vᵀ
    const v = [1, 2, 3];
    const a = Float64Array.from({ length: 9 }, (_, k) => (v[Math.floor(k / 3)] as number) * (v[k % 3] as number));
    expect(choleskyInto(a, 3, new Float64Array(9))).toBe(false);
    const f = cholesky(a, 3);
    expect(f).toBeDefined();
    expect(f?.jitter).toBeGreaterThan(0);
    expect(f?.jitter).toBeLessThanOrEqual(1e-4 * (14 / 3));
    expect(relError(a, reconstruct(f?.l as Float64Array, 3))).toBeLessThan(1e-3);
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeUndefined();
    expect(cholesky(Float64Array.from([1, Number.NaN, Number.NaN, 1]), 2)).toBeUndefined();
  });

  it('an extension that is not positive definite gives undefined', () => {
    const f = cholesky(Float64Array.from([1]), 1) as NonNullable<ReturnType<typeof cholesky>>;
    // [[1, 2], [2, 1]] is indefinite
    expect(extendCholesky(f, Float64Array.from([2]), Float64Array.from([1]), 1)).toBeUndefined();
  });

  it('dotAt sums with offsets for every length (the unrolled loop and its tail)', () => {
    const a = Float64Array.from({ length: 20 }, (_, i) => i + 1);
    const b = Float64Array.from({ length: 20 }, (_, i) => 2 * i - 3);
    for (let len = 0; len <= 9; len++) {
      let s = 0;
      for (let k = 0; k < len; k++) s += (a[3 + k] as number) * (b[5 + k] as number);
      expect(dotAt(a, 3, b, 5, len)).toBe(s);
    }
  });
});
