import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dnaSpec, intv, randomDNA, seededRng } from '../../../src/index.js';
import { randomInt } from '../../../src/geno/random.js';

describe('randomInt', () => {
  it('gives an integer in [min, max] on every scale', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
        fc.constantFrom('linear', 'log', 'rlog', undefined),
        fc.integer(),
        (min, width, scale, seed) => {
          const rng = seededRng(seed);
          for (let i = 0; i < 20; i++) {
            const k = randomInt(min, min + width, scale as 'linear' | 'log' | 'rlog' | undefined, rng);
            expect(Number.isInteger(k)).toBe(true);
            expect(k).toBeGreaterThanOrEqual(min);
            expect(k).toBeLessThanOrEqual(min + width);
          }
        },
      ),
    );
  });

  it('is log-uniform on a log scale (each k has the mass of [k − ½, k + ½] on the log), mirrored on rlog', () => {
    const n = 6000;
    const share = (scale: 'linear' | 'log' | 'rlog', test: (k: number) => boolean): number => {
      const rng = seededRng(`randomInt-${scale}`);
      let hits = 0;
      for (let i = 0; i < n; i++) if (test(randomInt(1, 1024, scale, rng))) hits++;
      return hits / n;
    };
    const expected = Math.log(32.5 / 0.5) / Math.log(1024.5 / 0.5); // P(k ≤ 32) ≈ 0.547
    expect(Math.abs(share('log', (k) => k <= 32) - expected)).toBeLessThan(0.03);
    expect(Math.abs(share('rlog', (k) => k >= 1024 + 1 - 32) - expected)).toBeLessThan(0.03);
    expect(Math.abs(share('linear', (k) => k <= 32) - 32 / 1024)).toBeLessThan(0.01);
    // the end points get their half-cells' mass: P(k = 1) = log(1.5 / 0.5) / log(1024.5 / 0.5)
    expect(Math.abs(share('log', (k) => k === 1) - Math.log(3) / Math.log(2049))).toBeLessThan(0.02);
  });

  it('is what randomDNA draws for a log intv, and is seeded', () => {
    const spec = dnaSpec({ batch: intv(16, 1024, { scale: 'log' }) });
    const draw = (seed: number): number[] => {
      const rng = seededRng(seed);
      return Array.from({ length: 500 }, () => randomDNA(spec, rng).value as number);
    };
    const xs = draw(7);
    expect(draw(7)).toEqual(xs);
    // log-uniform: about half the draws are below the geometric mean 128
    const below = xs.filter((x) => x < 128).length / xs.length;
    expect(below).toBeGreaterThan(0.4);
    expect(below).toBeLessThan(0.6);
  });
});
