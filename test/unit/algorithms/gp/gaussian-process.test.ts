import { describe, expect, it } from 'vitest';
import { GaussianProcess, defaultKernelParams, fitKernel, negLogPosterior } from '../../../../src/algorithms/gp/gaussian-process.js';
import type { GpInputs, KernelParams } from '../../../../src/algorithms/gp/gaussian-process.js';
import { seededRng } from '../../../../src/base/rng.js';

function m52(r2: number): number {
  const r = Math.sqrt(5 * r2);
  return (1 + r + (r * r) / 3) * Math.exp(-r);
}

/** The kernel between two points, written out (numeric: squared difference plus the absent axis; categorical: Hamming). */
function k(a: readonly number[], ao: readonly number[], b: readonly number[], bo: readonly number[], cat: readonly number[], p: KernelParams): number {
  let r2 = 0;
  for (let i = 0; i < a.length; i++) {
    const s = cat[i] === 1 ? (a[i] === b[i] ? 0 : 1) : ((a[i] as number) - (b[i] as number)) ** 2 + ((ao[i] as number) - (bo[i] as number)) ** 2;
    r2 += (p.invSq[i] as number) * s;
  }
  return p.scale * m52(r2);
}

/** Solves A·x = b by Gaussian elimination (the direct reference, independent of linalg.ts). */
function gaussSolve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((m[r] as number[])[c] as number) > Math.abs((m[piv] as number[])[c] as number)) piv = r;
    [m[c], m[piv]] = [m[piv] as number[], m[c] as number[]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = ((m[r] as number[])[c] as number) / ((m[c] as number[])[c] as number);
      for (let j = c; j <= n; j++) (m[r] as number[])[j] = ((m[r] as number[])[j] as number) - f * ((m[c] as number[])[j] as number);
    }
  }
  return m.map((row, i) => (row[n] as number) / (row[i] as number));
}

function randomInputs(n: number, d: number, seed: number, cat: readonly number[] = new Array<number>(d).fill(0), absent = 0): GpInputs {
  const rng = seededRng(seed, 0);
  const x = new Float64Array(n * d);
  const off = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < d; p++) {
      if (cat[p] === 1) x[i * d + p] = Math.floor(rng() * 3);
      else if (rng() < absent) {
        x[i * d + p] = 0.5;
        off[i * d + p] = 1;
      } else x[i * d + p] = rng();
    }
  }
  return { n, d, x, off, categorical: Uint8Array.from(cat) };
}

describe('gp gaussian-process: posterior', () => {
  it('with one point: the mean and variance of the textbook formulas', () => {
    const params: KernelParams = { invSq: Float64Array.from([4]), scale: 2, noise: 0.1 };
    const gpr = new GaussianProcess(
      { n: 1, d: 1, x: Float64Array.from([0.2]), off: new Float64Array(1), categorical: new Uint8Array(1) },
      Float64Array.from([1.5]),
      params,
    );
    const kx = 2 * m52(4 * 0.3 * 0.3);
    const p = gpr.predict(Float64Array.from([0.5]), new Float64Array(1), { mean: 0, variance: 0 });
    expect(p.mean).toBeCloseTo((kx * 1.5) / 2.1, 14);
    expect(p.variance).toBeCloseTo(2 - (kx * kx) / 2.1, 14);
    // at the data point the variance is what the noise leaves
    const at = gpr.predict(Float64Array.from([0.2]), new Float64Array(1), { mean: 0, variance: 0 });
    expect(at.variance).toBeCloseTo(2 - 4 / 2.1, 14);
  });

  it('matches the direct computation (Gaussian elimination) on mixed numeric, absent and categorical inputs', () => {
    const cat = [0, 0, 1];
    const inputs = randomInputs(12, 3, 7, cat, 0.3);
    const rng = seededRng(8, 0);
    const y = Float64Array.from({ length: 12 }, () => rng() * 2 - 1);
    const params: KernelParams = { invSq: Float64Array.from([3, 0.5, 1.2]), scale: 1.3, noise: 0.05 };
    const gpr = new GaussianProcess(inputs, y, params);
    const row = (i: number) => Array.from(inputs.x.subarray(i * 3, i * 3 + 3));
    const orow = (i: number) => Array.from(inputs.off.subarray(i * 3, i * 3 + 3));
    const K = Array.from({ length: 12 }, (_, i) =>
      Array.from({ length: 12 }, (_, j) => k(row(i), orow(i), row(j), orow(j), cat, params) + (i === j ? params.noise : 0)),
    );
    const alpha = gaussSolve(K, Array.from(y));
    for (const [xq, oq] of [
      [
        [0.3, 0.9, 1],
        [0, 0, 0],
      ],
      [
        [0.7, 0.5, 2],
        [0, 1, 0],
      ],
      [
        [0.5, 0.5, -1],
        [1, 1, 0],
      ],
    ] as const) {
      const kq = Array.from({ length: 12 }, (_, i) => k(xq, oq, row(i), orow(i), cat, params));
      const mean = kq.reduce((s, v, i) => s + v * (alpha[i] as number), 0);
      const w = gaussSolve(K, kq);
      const variance = params.scale - kq.reduce((s, v, i) => s + v * (w[i] as number), 0);
      const p = gpr.predict(Float64Array.from(xq), Float64Array.from(oq), { mean: 0, variance: 0 });
      expect(p.mean).toBeCloseTo(mean, 10);
      expect(p.variance).toBeCloseTo(variance, 10);
    }
  });

  it('the gradient of the posterior mean and variance matches finite differences', () => {
    const inputs = randomInputs(20, 3, 11);
    const rng = seededRng(12, 0);
    const y = Float64Array.from({ length: 20 }, () => rng() * 2 - 1);
    const gpr = new GaussianProcess(inputs, y, { invSq: Float64Array.from([5, 1, 0.3]), scale: 1.1, noise: 1e-3 });
    const x = Float64Array.from([0.3, 0.6, 0.2]);
    const off = new Float64Array(3);
    const dims = Int32Array.from([0, 1, 2]);
    for (const [dm, dv] of [
      [1, 0],
      [0, 1],
      [0.7, -2],
    ] as const) {
      const g = new Float64Array(3);
      gpr.predict(x, off, { mean: 0, variance: 0 });
      gpr.gradient(x, dm, dv, dims, g);
      for (let p = 0; p < 3; p++) {
        const h = 1e-6;
        const a = Float64Array.from(x);
        a[p] = (a[p] as number) + h;
        const b = Float64Array.from(x);
        b[p] = (b[p] as number) - h;
        const pa = gpr.predict(a, off, { mean: 0, variance: 0 });
        const pb = gpr.predict(b, off, { mean: 0, variance: 0 });
        const fd = (dm * (pa.mean - pb.mean) + dv * (pa.variance - pb.variance)) / (2 * h);
        expect(g[p]).toBeCloseTo(fd, 6);
      }
    }
  });

  it('believe: pending points keep the mean and shrink the variance near them', () => {
    const inputs = randomInputs(10, 2, 3);
    const y = Float64Array.from({ length: 10 }, (_, i) => Math.sin(i));
    const gpr = new GaussianProcess(inputs, y, { invSq: Float64Array.from([2, 2]), scale: 1, noise: 1e-4 });
    const q = Float64Array.from([0.9, 0.1]);
    const off = new Float64Array(2);
    const before = { ...gpr.predict(q, off, { mean: 0, variance: 0 }) };
    const believed = gpr.believe(q, off, 1);
    expect(believed.inputs.n).toBe(11);
    const after = believed.predict(q, off, { mean: 0, variance: 0 });
    expect(after.mean).toBeCloseTo(before.mean, 8);
    expect(after.variance).toBeLessThan(1e-3);
    expect(before.variance).toBeGreaterThan(10 * after.variance);
    // the extended factor is the factor of the whole matrix
    const whole = new GaussianProcess(believed.inputs, believed.y, believed.params);
    for (let i = 0; i < whole.factor.l.length; i++) expect(believed.factor.l[i]).toBeCloseTo(whole.factor.l[i] as number, 10);
  });
});

describe('gp gaussian-process: marginal likelihood', () => {
  it('its gradient matches finite differences (noise fitted or fixed; numeric, absent and categorical dimensions)', () => {
    const inputs = randomInputs(15, 3, 21, [0, 0, 1], 0.3);
    const rng = seededRng(22, 0);
    const y = Float64Array.from({ length: 15 }, () => rng() * 2 - 1);
    for (const deterministic of [false, true]) {
      const fg = negLogPosterior(inputs, y, 1e-6, deterministic);
      const m = deterministic ? 4 : 5;
      for (let t = 0; t < 3; t++) {
        const theta = Float64Array.from({ length: m }, () => rng() * 3 - 1.5);
        const g = new Float64Array(m);
        fg(theta, g);
        for (let i = 0; i < m; i++) {
          const h = 1e-5;
          const a = Float64Array.from(theta);
          a[i] = (a[i] as number) + h;
          const b = Float64Array.from(theta);
          b[i] = (b[i] as number) - h;
          const scratch = new Float64Array(m);
          const fd = (fg(a, scratch) - fg(b, scratch)) / (2 * h);
          expect(Math.abs((g[i] as number) - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
        }
      }
    }
  });

  it('its value is ½·yᵀK⁻¹y + ½·log det K minus the log prior', () => {
    const inputs = randomInputs(6, 2, 5);
    const y = Float64Array.from([0.5, -1, 0.2, 1.1, -0.3, 0]);
    const params: KernelParams = { invSq: Float64Array.from([2, 0.5]), scale: 1.5, noise: 0.01 };
    const fg = negLogPosterior(inputs, y, 1e-6, false);
    const value = fg(Float64Array.from([Math.log(2), Math.log(0.5), Math.log(1.5), Math.log(0.01 - 1e-6)]), new Float64Array(4));
    const gpr = new GaussianProcess(inputs, y, params);
    let quad = 0;
    let logDet = 0;
    for (let i = 0; i < 6; i++) {
      quad += (y[i] as number) * (gpr.alpha[i] as number);
      logDet += 2 * Math.log(gpr.factor.l[i * 6 + i] as number);
    }
    const prior = -(0.1 / 2 + 0.2) - (0.1 / 0.5 + 0.05) + (Math.log(1.5) - 1.5) + (0.1 * Math.log(0.01) - 30 * 0.01);
    expect(value).toBeCloseTo(0.5 * quad + 0.5 * logDet - prior, 10);
  });

  it('fitting finds a short length scale on the dimension that matters and a long one on the one that does not', () => {
    const n = 40;
    const rng = seededRng(31, 0);
    const x = Float64Array.from({ length: n * 2 }, () => rng());
    const raw = Float64Array.from({ length: n }, (_, i) => Math.sin(8 * (x[i * 2] as number)));
    const mean = raw.reduce((s, v) => s + v, 0) / n;
    const std = Math.sqrt(raw.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    const y = raw.map((v) => (v - mean) / std);
    const inputs: GpInputs = { n, d: 2, x, off: new Float64Array(n * 2), categorical: new Uint8Array(2) };
    const fitted = fitKernel(inputs, y, undefined, { deterministic: true });
    expect(fitted.invSq[0]).toBeGreaterThan(10 * (fitted.invSq[1] as number));
    expect(fitted.noise).toBe(1e-6);
    const fg = negLogPosterior(inputs, y, 1e-6, true);
    const g = new Float64Array(3);
    const atFit = fg(Float64Array.from([Math.log(fitted.invSq[0] as number), Math.log(fitted.invSq[1] as number), Math.log(fitted.scale)]), g);
    const atDefault = fg(Float64Array.from([0, 0, 0]), g);
    expect(atFit).toBeLessThan(atDefault);
    // a fit with noise: the noise stays above its floor
    expect(fitKernel(inputs, y, defaultKernelParams(2)).noise).toBeGreaterThanOrEqual(1e-6);
  });
});
