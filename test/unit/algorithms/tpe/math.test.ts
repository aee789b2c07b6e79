import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../../src/index.js';
import { logSumExp, logTruncation, normalCdf, normalDraw, normalLogPdf, normalMass, truncatedNormalDraw } from '../../../../src/algorithms/tpe/math.js';

const z = fc.double({ min: -12, max: 12, noNaN: true });

describe('normalCdf', () => {
  it('matches tabulated values of Φ to 1e-6', () => {
    const table: [number, number][] = [
      [0, 0.5],
      [1, 0.841344746],
      [-1, 0.158655254],
      [-1.96, 0.0249979],
      [1.96, 0.9750021],
      [2, 0.977249868],
      [-3, 0.001349898],
      [0.5, 0.691462461],
      [-6, 9.8659e-10],
    ];
    for (const [x, phi] of table) expect(Math.abs(normalCdf(x) - phi), `Φ(${x})`).toBeLessThan(1e-6);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(-40)).toBe(0);
  });

  it('is symmetric, monotone and within [0, 1]', () => {
    fc.assert(
      fc.property(z, z, (a, b) => {
        expect(Math.abs(normalCdf(a) + normalCdf(-a) - 1)).toBeLessThan(1e-8);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(normalCdf(lo)).toBeLessThanOrEqual(normalCdf(hi));
        expect(normalCdf(a)).toBeGreaterThanOrEqual(0);
        expect(normalCdf(a)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});

describe('normalMass', () => {
  it('is Φ(b) − Φ(a), non-negative and additive over adjacent intervals', () => {
    fc.assert(
      fc.property(fc.array(z, { minLength: 3, maxLength: 3 }), (xs) => {
        const [a, b, c] = xs.sort((x, y) => x - y) as [number, number, number];
        const ab = normalMass(a, b);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(Math.abs(ab - (normalCdf(b) - normalCdf(a)))).toBeLessThan(1e-6);
        expect(Math.abs(ab + normalMass(b, c) - normalMass(a, c))).toBeLessThan(1e-6);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps precision in the tails, where 1 − Φ would cancel', () => {
    // Φ(−8) ≈ 6.22e-16: the mass of [7, 9] must not round to 0 as 1 − Φ(7) − (1 − Φ(9)) would.
    expect(normalMass(7, 9)).toBeGreaterThan(1e-12);
    expect(normalMass(7, 9) / 1.279812543885835e-12).toBeGreaterThan(0.5);
    expect(normalMass(-9, -7)).toBeCloseTo(normalMass(7, 9), 20);
    expect(normalMass(-40, 40)).toBeCloseTo(1, 12);
    expect(normalMass(1, 1)).toBe(0);
  });
});

describe('normalLogPdf and logTruncation', () => {
  it('normalLogPdf is the Gaussian log density', () => {
    expect(normalLogPdf(0, 0, 1)).toBeCloseTo(-0.5 * Math.log(2 * Math.PI), 12);
    expect(normalLogPdf(3, 1, 2)).toBeCloseTo(-0.5 - Math.log(2) - 0.5 * Math.log(2 * Math.PI), 12);
  });

  it('logTruncation is the log mass kept in [lo, hi], 0 for a wide interval', () => {
    expect(logTruncation(-100, 100, 0, 1)).toBe(0);
    expect(logTruncation(0, 1, 0.5, 10)).toBeCloseTo(Math.log(normalMass(-0.05, 0.05)), 12);
    expect(logTruncation(0, 10, 0, 1)).toBeCloseTo(Math.log(0.5), 6);
    expect(Number.isFinite(logTruncation(0, 1, 100, 1e-3))).toBe(true);
  });
});

describe('truncatedNormalDraw', () => {
  it('stays within [lo, hi] for any centre and width (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e3, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.integer(),
        (mu, sigma, lo, width, seed) => {
          const rng = seededRng(seed);
          const hi = lo + width;
          for (let i = 0; i < 20; i++) {
            const x = truncatedNormalDraw(mu, sigma, lo, hi, rng);
            expect(x).toBeGreaterThanOrEqual(lo);
            expect(x).toBeLessThanOrEqual(hi);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('has the truncated distribution: mean √(2/π) for N(0, 1) on [0, 10]', () => {
    const rng = seededRng('half-normal');
    let sum = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) sum += truncatedNormalDraw(0, 1, 0, 10, rng);
    expect(sum / n).toBeCloseTo(Math.sqrt(2 / Math.PI), 1);
    expect(Math.abs(sum / n - Math.sqrt(2 / Math.PI))).toBeLessThan(0.02);
  });

  it('normalDraw has mean 0 and variance 1', () => {
    const rng = seededRng(7);
    let s = 0;
    let s2 = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const x = normalDraw(rng);
      expect(Number.isFinite(x)).toBe(true);
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });
});

describe('logSumExp', () => {
  it('equals the naive log Σ exp over the first n entries', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 20 }), fc.nat(), (xs, cut) => {
        const n = 1 + (cut % xs.length);
        const naive = Math.log(xs.slice(0, n).reduce((s, x) => s + Math.exp(x), 0));
        expect(logSumExp(Float64Array.from(xs), n)).toBeCloseTo(naive, 9);
      }),
      { numRuns: 300 },
    );
  });

  it('does not overflow or underflow, and is −∞ for no mass', () => {
    expect(logSumExp(Float64Array.from([1000, 1000]), 2)).toBeCloseTo(1000 + Math.log(2), 9);
    expect(logSumExp(Float64Array.from([-1000, -1000, -1000]), 3)).toBeCloseTo(-1000 + Math.log(3), 9);
    expect(logSumExp(Float64Array.from([-Infinity, -Infinity]), 2)).toBe(-Infinity);
    expect(logSumExp(Float64Array.from([-Infinity, 0]), 2)).toBe(0);
    expect(logSumExp(Float64Array.from([5, 1e9]), 1)).toBe(5);
    expect(logSumExp(new Float64Array(0), 0)).toBe(-Infinity);
  });
});
