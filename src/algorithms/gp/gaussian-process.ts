/**
 * @internal A Gaussian process regressor on embedded DNA: a Matérn-5/2 kernel with one length
 * scale per dimension (automatic relevance determination), k(a, b) = s·m52(Σₚ λₚ·δₚ(a, b)) with
 * λₚ = 1/ℓₚ² and m52(r²) = (1 + √5·r + 5r²/3)·e^(−√5·r), plus a noise variance on the diagonal.
 *
 * A point is two arrays over the dimensions: `x` (a numeric dimension's value in [0, 1], a
 * categorical one's index) and `off` (1 where the decision is absent from the DNA, else 0). The
 * squared distance δₚ is (xₐ − x_b)² + (offₐ − off_b)² on a numeric dimension (an absent decision
 * sits at x = ½, one unit along an extra axis: every trial lacking it is at distance 0 from the
 * others lacking it and at distance ≥ 1 from those having it), and the Hamming distance [xₐ ≠ x_b]
 * on a categorical one (an absent decision is an extra category, −1).
 *
 * The kernel parameters are fitted by maximising the marginal likelihood times a prior (the one
 * Optuna's GPSampler uses: −Σ(0.1/λₚ + 0.1·λₚ) on the inverse squared length scales, Gamma(2, 1)
 * on the scale, Gamma(1.1, 30) on the noise), in log space, with L-BFGS and exact gradients
 * ½·tr((K⁻¹ − ααᵀ)·∂K/∂θ).
 */
import { cholesky, choleskyInto, choleskySolve, dotAt, extendCholesky, inverseFromCholesky, solveLower, solveLowerTransposed } from './linalg.js';
import type { CholeskyFactor } from './linalg.js';
import { lbfgs } from './lbfgs.js';
import type { Rng } from '../../base/rng.js';

const SQRT5 = Math.sqrt(5);

/** Training inputs: n points of d dimensions (row-major), with which dimensions are categorical. */
export interface GpInputs {
  readonly n: number;
  readonly d: number;
  readonly x: Float64Array;
  readonly off: Float64Array;
  readonly categorical: Uint8Array;
}

/** The kernel parameters: inverse squared length scales (per dimension), the scale, the noise variance. */
export interface KernelParams {
  readonly invSq: Float64Array;
  readonly scale: number;
  readonly noise: number;
}

/** Options of {@link fitKernel}. */
export interface FitOptions {
  /** The smallest noise variance (default 1e-6). */
  readonly minNoise?: number;
  /** Fix the noise at `minNoise` (a deterministic objective). */
  readonly deterministic?: boolean;
  /** Starting points besides `init` and the defaults: this many random ones (default 0). */
  readonly randomStarts?: number;
  /** The generator of the random starts. */
  readonly rng?: Rng;
}

/** m52(r²) without the scale. */
function matern52(r2: number): number {
  const r = SQRT5 * Math.sqrt(r2);
  return (1 + r + (5 / 3) * r2) * Math.exp(-r);
}

/** Σₚ λₚ·δₚ between row i of (xa, oa) and row j of (xb, ob). */
function weightedDistance(
  xa: Float64Array,
  oa: Float64Array,
  i: number,
  xb: Float64Array,
  ob: Float64Array,
  j: number,
  d: number,
  cat: Uint8Array,
  invSq: Float64Array,
): number {
  let r2 = 0;
  const ri = i * d;
  const rj = j * d;
  for (let p = 0; p < d; p++) {
    const a = xa[ri + p] as number;
    const b = xb[rj + p] as number;
    let s: number;
    if (cat[p] === 1) s = a === b ? 0 : 1;
    else {
      const dx = a - b;
      const dz = (oa[ri + p] as number) - (ob[rj + p] as number);
      s = dx * dx + dz * dz;
    }
    r2 += (invSq[p] as number) * s;
  }
  return r2;
}

/** The per-dimension squared distance δₚ between row i of (xa, oa) and row j of (xb, ob). */
function dimDistance(
  xa: Float64Array,
  oa: Float64Array,
  i: number,
  xb: Float64Array,
  ob: Float64Array,
  j: number,
  d: number,
  p: number,
  cat: Uint8Array,
): number {
  const a = xa[i * d + p] as number;
  const b = xb[j * d + p] as number;
  if (cat[p] === 1) return a === b ? 0 : 1;
  const dx = a - b;
  const dz = (oa[i * d + p] as number) - (ob[j * d + p] as number);
  return dx * dx + dz * dz;
}

/** The kernel matrix of the inputs (noise-free), lower triangle and diagonal, into `out` (n×n). */
function kernelMatrix(inputs: GpInputs, params: KernelParams, out: Float64Array): void {
  const { n, d, x, off, categorical } = inputs;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const r2 = weightedDistance(x, off, i, x, off, j, d, categorical, params.invSq);
      out[i * n + j] = params.scale * matern52(r2);
    }
    out[i * n + i] = params.scale;
  }
}

/** Default kernel parameters: every λ = 1, scale 1, noise 1 (as Optuna starts). */
export function defaultKernelParams(d: number): KernelParams {
  return { invSq: new Float64Array(d).fill(1), scale: 1, noise: 1 };
}

/**
 * The negative log marginal likelihood (constant dropped) minus the log prior, and its gradient,
 * at θ = [log λ₁..λ_d, log s, log(noise − minNoise)] (the last absent when deterministic).
 */
export function negLogPosterior(inputs: GpInputs, y: Float64Array, minNoise: number, deterministic: boolean) {
  const { n, d, x, off, categorical } = inputs;
  // the per-dimension distances δₚ of every pair (i > j), fixed while the parameters move
  const pairs = (n * (n - 1)) / 2;
  const deltas = new Float64Array(pairs * d);
  for (let i = 0, q = 0; i < n; i++)
    for (let j = 0; j < i; j++, q++) for (let p = 0; p < d; p++) deltas[q * d + p] = dimDistance(x, off, i, x, off, j, d, p, categorical);
  const k = new Float64Array(n * n);
  const slopes = new Float64Array(pairs);
  const inv = new Float64Array(n * n);
  const lbuf = new Float64Array(n * n);
  const scratch = new Float64Array(n * n);
  const alpha = new Float64Array(n);
  const invSq = new Float64Array(d);
  return (theta: Float64Array, grad: Float64Array): number => {
    for (let p = 0; p < d; p++) invSq[p] = Math.exp(theta[p] as number);
    const scale = Math.exp(theta[d] as number);
    const extra = deterministic ? 0 : Math.exp(theta[d + 1] as number);
    const noise = minNoise + extra;
    if (!Number.isFinite(scale) || !Number.isFinite(noise) || invSq.some((v) => !Number.isFinite(v))) return Infinity;
    for (let i = 0, q = 0; i < n; i++) {
      for (let j = 0; j < i; j++, q++) {
        const r2 = dotAt(invSq, 0, deltas, q * d, d);
        const r = SQRT5 * Math.sqrt(r2);
        const e = Math.exp(-r);
        k[i * n + j] = scale * (1 + r + (5 / 3) * r2) * e;
        slopes[q] = scale * (-5 / 6) * (1 + r) * e;
      }
      k[i * n + i] = scale + noise;
    }
    // into a reused buffer; a matrix that needs a jitter goes through `cholesky` (rare)
    const f = choleskyInto(k, n, lbuf) ? { l: lbuf } : cholesky(k, n);
    if (f === undefined) return Infinity;
    choleskySolve(f.l, n, y, alpha);
    let loss = 0;
    for (let i = 0; i < n; i++) loss += 0.5 * (y[i] as number) * (alpha[i] as number) + Math.log(f.l[i * n + i] as number);
    inverseFromCholesky(f.l, n, inv, scratch);
    // W = K⁻¹ − ααᵀ; ½·tr(W·∂K/∂θ) counts each off-diagonal pair once (both triangles × ½)
    grad.fill(0);
    let gScale = 0;
    let gNoise = 0;
    for (let i = 0, q = 0; i < n; i++) {
      const ai = alpha[i] as number;
      const wii = (inv[i * n + i] as number) - ai * ai;
      gScale += 0.5 * wii * scale;
      gNoise += 0.5 * wii;
      for (let j = 0; j < i; j++, q++) {
        const w = (inv[i * n + j] as number) - ai * (alpha[j] as number);
        gScale += w * (k[i * n + j] as number);
        const c = w * (slopes[q] as number);
        if (c === 0) continue;
        const base = q * d;
        for (let p = 0; p < d; p++) grad[p] = (grad[p] as number) + c * (deltas[base + p] as number);
      }
    }
    // ∂K/∂log λₚ = slope·δₚ·λₚ
    let prior = 0;
    for (let p = 0; p < d; p++) {
      const lam = invSq[p] as number;
      grad[p] = (grad[p] as number) * lam - (0.1 / lam - 0.1 * lam);
      prior -= 0.1 / lam + 0.1 * lam;
    }
    // Gamma(2, 1) on the scale: log p = log s − s
    prior += Math.log(scale) - scale;
    grad[d] = gScale - (1 - scale);
    if (!deterministic) {
      // Gamma(1.1, 30) on the noise: log p = 0.1·log σ² − 30σ²; d/dθ = (0.1/σ² − 30)·(σ² − min)
      prior += 0.1 * Math.log(noise) - 30 * noise;
      grad[d + 1] = gNoise * extra - (0.1 / noise - 30) * extra;
    }
    return loss - prior;
  };
}

function toTheta(params: KernelParams, minNoise: number, deterministic: boolean): Float64Array {
  const d = params.invSq.length;
  const theta = new Float64Array(deterministic ? d + 1 : d + 2);
  for (let p = 0; p < d; p++) theta[p] = Math.log(params.invSq[p] as number);
  theta[d] = Math.log(params.scale);
  if (!deterministic) theta[d + 1] = Math.log(Math.max(params.noise - 0.99 * minNoise, 1e-3 * minNoise));
  return theta;
}

function fromTheta(theta: Float64Array, d: number, minNoise: number, deterministic: boolean): KernelParams {
  const invSq = new Float64Array(d);
  for (let p = 0; p < d; p++) invSq[p] = Math.exp(theta[p] as number);
  return { invSq, scale: Math.exp(theta[d] as number), noise: deterministic ? minNoise : minNoise + Math.exp(theta[d + 1] as number) };
}

/**
 * Fits the kernel parameters to standardised values `y` by maximum a posteriori (marginal
 * likelihood × prior) with L-BFGS in log space, from `init` (the previous fit: a warm start),
 * then from the defaults, then from `randomStarts` random points; keeps the best. When every
 * start fails (a non-finite likelihood), returns the defaults.
 */
export function fitKernel(inputs: GpInputs, y: Float64Array, init: KernelParams | undefined, options: FitOptions = {}): KernelParams {
  const minNoise = options.minNoise ?? 1e-6;
  const deterministic = options.deterministic ?? false;
  const d = inputs.d;
  const fg = negLogPosterior(inputs, y, minNoise, deterministic);
  const starts: Float64Array[] = [];
  if (init !== undefined) starts.push(toTheta(init, minNoise, deterministic));
  starts.push(toTheta(defaultKernelParams(d), minNoise, deterministic));
  const rng = options.rng;
  for (let r = 0; r < (options.randomStarts ?? 0) && rng !== undefined; r++) {
    const t = toTheta(defaultKernelParams(d), minNoise, deterministic);
    for (let i = 0; i < t.length; i++) t[i] = (t[i] as number) + 2 * (rng() - 0.5) * 2;
    starts.push(t);
  }
  let best: { x: Float64Array; f: number } | undefined;
  for (const start of starts) {
    const result = lbfgs(fg, start, { gtol: 1e-2, maxIterations: 200 });
    if (Number.isFinite(result.f) && (best === undefined || result.f < best.f)) best = { x: result.x, f: result.f };
  }
  return best === undefined ? defaultKernelParams(d) : fromTheta(best.x, d, minNoise, deterministic);
}

/** The mean and variance of the posterior at one point. */
export interface Prediction {
  mean: number;
  variance: number;
}

/**
 * A fitted Gaussian process: training inputs, standardised values, kernel parameters and the
 * Cholesky factor of K + noise·I, with α = (K + noise·I)⁻¹·y.
 */
export class GaussianProcess {
  readonly inputs: GpInputs;
  readonly y: Float64Array;
  readonly params: KernelParams;
  readonly factor: CholeskyFactor;
  readonly alpha: Float64Array;
  readonly #k: Float64Array;
  readonly #slope: Float64Array;
  readonly #v: Float64Array;
  readonly #w: Float64Array;

  /**
   * @param previous - A factor of the first rows of these inputs under the same parameters: it
   *   is extended by the new rows (O(n²) per row) instead of factorised anew.
   */
  constructor(inputs: GpInputs, y: Float64Array, params: KernelParams, previous?: CholeskyFactor) {
    this.inputs = inputs;
    this.y = y;
    this.params = params;
    const n = inputs.n;
    let factor: CholeskyFactor | undefined;
    if (previous !== undefined && previous.n <= n && previous.n > 0) factor = this.#extend(previous);
    if (factor === undefined) {
      const k = new Float64Array(n * n);
      kernelMatrix(inputs, params, k);
      for (let i = 0; i < n; i++) k[i * n + i] = params.scale + params.noise;
      factor = cholesky(k, n);
    }
    if (factor === undefined) throw new Error('the kernel matrix is not positive definite even with jitter');
    this.factor = factor;
    this.alpha = choleskySolve(factor.l, n, y, new Float64Array(n));
    this.#k = new Float64Array(n);
    this.#slope = new Float64Array(n);
    this.#v = new Float64Array(n);
    this.#w = new Float64Array(n);
  }

  #extend(previous: CholeskyFactor): CholeskyFactor | undefined {
    const { n, d, x, off, categorical } = this.inputs;
    const m = previous.n;
    const q = n - m;
    if (q === 0) return previous;
    const b = new Float64Array(q * m);
    const c = new Float64Array(q * q);
    const { invSq, scale, noise } = this.params;
    for (let r = 0; r < q; r++) {
      for (let j = 0; j < m; j++) b[r * m + j] = scale * matern52(weightedDistance(x, off, m + r, x, off, j, d, categorical, invSq));
      for (let j = 0; j < r; j++) c[r * q + j] = scale * matern52(weightedDistance(x, off, m + r, x, off, m + j, d, categorical, invSq));
      c[r * q + r] = scale + noise;
    }
    return extendCholesky(previous, b, c, q);
  }

  /**
   * The posterior at (x, off) (one point, d values each). Keeps the intermediate vectors so that
   * {@link gradient} can follow for the same point.
   */
  predict(x: Float64Array, off: Float64Array, out: Prediction): Prediction {
    const { n, d, categorical } = this.inputs;
    const tx = this.inputs.x;
    const to = this.inputs.off;
    const { invSq, scale } = this.params;
    const k = this.#k;
    const slope = this.#slope;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const r2 = weightedDistance(x, off, 0, tx, to, i, d, categorical, invSq);
      const r = SQRT5 * Math.sqrt(r2);
      const e = Math.exp(-r);
      const ki = scale * (1 + r + (5 / 3) * r2) * e;
      k[i] = ki;
      slope[i] = scale * (-5 / 6) * (1 + r) * e;
      mean += ki * (this.alpha[i] as number);
    }
    const v = solveLower(this.factor.l, n, k, this.#v);
    let vv = 0;
    for (let i = 0; i < n; i++) vv += (v[i] as number) * (v[i] as number);
    out.mean = mean;
    out.variance = Math.max(scale - vv, 0);
    return out;
  }

  /**
   * Adds to `grad[p]` (for each p in `dims`, numeric dimensions where the point is present) the
   * gradient of a function of the posterior with partial derivatives `dMean` and `dVariance`,
   * at the point last given to {@link predict}.
   */
  gradient(x: Float64Array, dMean: number, dVariance: number, dims: Int32Array, grad: Float64Array): void {
    const { n, d } = this.inputs;
    const tx = this.inputs.x;
    const { invSq } = this.params;
    const w = solveLowerTransposed(this.factor.l, n, this.#v, this.#w);
    const slope = this.#slope;
    // c_i = (dMean·α_i − 2·dVariance·w_i)·slope_i; ∂/∂x_p = 2λ_p·Σ_i c_i·(x_p − X_ip)
    for (let i = 0; i < n; i++) w[i] = (dMean * (this.alpha[i] as number) - 2 * dVariance * (w[i] as number)) * (slope[i] as number);
    for (let a = 0; a < dims.length; a++) {
      const p = dims[a] as number;
      const xp = x[p] as number;
      let s = 0;
      for (let i = 0; i < n; i++) s += (w[i] as number) * (xp - (tx[i * d + p] as number));
      grad[p] = (grad[p] as number) + 2 * (invSq[p] as number) * s;
    }
  }

  /**
   * The process conditioned also on `q` more points at their posterior means (a kriging
   * believer: the mean is unchanged, the variance shrinks around the points), for proposals
   * still being evaluated.
   */
  believe(x: Float64Array, off: Float64Array, q: number): GaussianProcess {
    if (q === 0) return this;
    const { n, d, categorical } = this.inputs;
    const means = new Float64Array(q);
    const p: Prediction = { mean: 0, variance: 0 };
    for (let r = 0; r < q; r++) {
      means[r] = this.predict(x.subarray(r * d, (r + 1) * d), off.subarray(r * d, (r + 1) * d), p).mean;
    }
    const inputs: GpInputs = {
      n: n + q,
      d,
      x: concat(this.inputs.x, x),
      off: concat(this.inputs.off, off),
      categorical,
    };
    return new GaussianProcess(inputs, concat(this.y, means), this.params, this.factor);
  }
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
