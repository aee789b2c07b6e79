/**
 * @internal Dense symmetric positive-definite linear algebra on row-major `Float64Array` matrices:
 * exactly what the Gaussian process needs (a Cholesky factor with jitter retry, its extension by
 * new rows, triangular solves, the inverse from the factor, the log-determinant), nothing more.
 *
 * Why hand-written rather than a library (measured on the project's 2-core machine, n = 100):
 * ml-matrix 6.15.1, the well-kept JavaScript matrix library, takes 1.5 ms for a Cholesky and
 * 154 ms to solve 2,048 right-hand sides, against 0.4 ms and 23 ms for these typed-array loops
 * (160 ms at n = 300); its objects also allocate per call. @stdlib publishes dtrsv/dgemv but no
 * Cholesky (dpotrf); TensorFlow.js has neither a Cholesky nor a triangular solve. Every routine
 * here is a textbook loop (Cholesky–Banachiewicz, forward/backward substitution), tested against
 * a reconstruction.
 */

/**
 * Σₖ a[ia + k]·b[ib + k] for k < len, with four accumulators (a single one is bound by the
 * latency of floating-point addition: this is twice as fast in V8).
 */
export function dotAt(a: Float64Array, ia: number, b: Float64Array, ib: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += (a[ia + k] as number) * (b[ib + k] as number);
    s1 += (a[ia + k + 1] as number) * (b[ib + k + 1] as number);
    s2 += (a[ia + k + 2] as number) * (b[ib + k + 2] as number);
    s3 += (a[ia + k + 3] as number) * (b[ib + k + 3] as number);
  }
  for (; k < len; k++) s0 += (a[ia + k] as number) * (b[ib + k] as number);
  return s0 + s1 + s2 + s3;
}

/** A lower-triangular Cholesky factor L (row-major n×n, upper part zero) of A + jitter·I. */
export interface CholeskyFactor {
  readonly n: number;
  readonly l: Float64Array;
  /** The jitter added to the diagonal to make the factorisation succeed (0 when none was needed). */
  readonly jitter: number;
}

/**
 * Factorises the symmetric matrix `a` (row-major n×n; only its lower triangle is read) in place of
 * `out`: `out` receives L with A = L·Lᵀ. Returns false when A is not (numerically) positive definite.
 */
export function choleskyInto(a: Float64Array, n: number, out: Float64Array, jitter = 0): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = (a[ri + j] as number) - dotAt(out, ri, out, rj, j);
      if (i === j) {
        s += jitter;
        if (!(s > 0)) return false; // also catches NaN
        out[ri + i] = Math.sqrt(s);
      } else {
        out[ri + j] = s / (out[rj + j] as number);
      }
    }
    for (let j = i + 1; j < n; j++) out[ri + j] = 0;
  }
  return true;
}

/**
 * The Cholesky factor of the symmetric matrix `a` (row-major n×n). When `a` is not numerically
 * positive definite, retries with a jitter on the diagonal: 1e-10, 1e-9, ... up to 1e-4 times the
 * mean diagonal. Returns `undefined` when even that fails (a matrix with NaN, or indefinite).
 */
export function cholesky(a: Float64Array, n: number): CholeskyFactor | undefined {
  const l = new Float64Array(n * n);
  if (choleskyInto(a, n, l)) return { n, l, jitter: 0 };
  let diag = 0;
  for (let i = 0; i < n; i++) diag += Math.abs(a[i * n + i] as number);
  diag = n > 0 ? diag / n : 1;
  if (!Number.isFinite(diag)) return undefined;
  for (let e = -10; e <= -4; e++) {
    const jitter = Math.max(diag, 1e-300) * 10 ** e;
    if (choleskyInto(a, n, l, jitter)) return { n, l, jitter };
  }
  return undefined;
}

/**
 * Extends the factor of A (n×n) to the factor of [[A, Bᵀ], [B, C]] where `b` is q×n (row-major)
 * and `c` is q×q (lower triangle read): O(n²q) instead of a new O((n+q)³) factorisation. The
 * factor's jitter is added to the new diagonal too. Returns `undefined` when the extension is
 * not positive definite.
 */
export function extendCholesky(f: CholeskyFactor, b: Float64Array, c: Float64Array, q: number): CholeskyFactor | undefined {
  const n = f.n;
  const m = n + q;
  const l = new Float64Array(m * m);
  for (let i = 0; i < n; i++) l.set(f.l.subarray(i * n, i * n + i + 1), i * m);
  for (let r = 0; r < q; r++) {
    const i = n + r;
    const ri = i * m;
    // the new row's first n entries: L11 · x = b_r (forward substitution)
    for (let j = 0; j < n; j++) {
      const rj = j * m;
      l[ri + j] = ((b[r * n + j] as number) - dotAt(l, ri, l, rj, j)) / (l[rj + j] as number);
    }
    // the new diagonal block, row by row
    for (let j = n; j <= i; j++) {
      const rj = j * m;
      let s = (c[r * q + (j - n)] as number) - dotAt(l, ri, l, rj, j);
      if (i === j) {
        s += f.jitter;
        if (!(s > 0)) return undefined;
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / (l[rj + j] as number);
      }
    }
  }
  return { n: m, l, jitter: f.jitter };
}

/** Solves L·x = b (forward substitution) for the first `n` entries of `b`, into `out` (may be `b`). */
export function solveLower(l: Float64Array, n: number, b: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    out[i] = ((b[i] as number) - dotAt(l, ri, out, 0, i)) / (l[ri + i] as number);
  }
  return out;
}

/** Solves Lᵀ·x = b (backward substitution) for the first `n` entries of `b`, into `out` (may be `b`). */
export function solveLowerTransposed(l: Float64Array, n: number, b: Float64Array, out: Float64Array): Float64Array {
  if (out !== b) out.set(b.subarray(0, n));
  // column-oriented so that L is read along its rows
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const xi = (out[i] as number) / (l[ri + i] as number);
    out[i] = xi;
    for (let k = 0; k < i; k++) out[k] = (out[k] as number) - (l[ri + k] as number) * xi;
  }
  return out;
}

/** Solves A·x = b with A = L·Lᵀ, into `out` (may be `b`). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array, out: Float64Array): Float64Array {
  solveLower(l, n, b, out);
  return solveLowerTransposed(l, n, out, out);
}

/** log det A = 2·Σ log Lᵢᵢ. */
export function logDet(l: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i] as number);
  return 2 * s;
}

/**
 * A⁻¹ (full symmetric, row-major n×n) from A's Cholesky factor, into `out`; `scratch` (n×n) holds
 * (L⁻¹)ᵀ. About n³/3 multiply-adds.
 */
export function inverseFromCholesky(l: Float64Array, n: number, out: Float64Array, scratch: Float64Array = new Float64Array(n * n)): Float64Array {
  const mt = scratch; // mt[j][i] = (L⁻¹)[i][j], nonzero for i ≥ j
  mt.fill(0);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    for (let i = j; i < n; i++) {
      const ri = i * n;
      mt[rj + i] = ((i === j ? 1 : 0) - dotAt(l, ri + j, mt, rj + j, i - j)) / (l[ri + i] as number);
    }
  }
  // A⁻¹[a][b] = Σᵢ (L⁻¹)[i][a]·(L⁻¹)[i][b] = Σ_{i ≥ max(a,b)} mt[a][i]·mt[b][i]
  for (let a = 0; a < n; a++) {
    const ra = a * n;
    for (let b = 0; b <= a; b++) {
      const rb = b * n;
      const s = dotAt(mt, ra + a, mt, rb + a, n - a);
      out[ra + b] = s;
      out[rb + a] = s;
    }
  }
  return out;
}
