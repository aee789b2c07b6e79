import { dnaSpec, materialize, randomDNA, seededRng } from 'pliant';
import { describe, expect, it } from 'vitest';
import { LC_BEST_FINAL, LC_MAX_STEPS, LC_NOISE, curve, finalValue, learningCurveSpace, meanValueAt, valueAt } from '../../bench/lib/learning-curves.js';
import type { TrainingConfig } from '../../bench/lib/learning-curves.js';

function configs(n: number, seed: number): TrainingConfig[] {
  const space = learningCurveSpace();
  const spec = dnaSpec(space);
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => materialize(space, randomDNA(spec, rng)) as unknown as TrainingConfig);
}

describe('synthetic learning curves', () => {
  const cs = configs(200, 3);

  it('is deterministic given (config, step, seed), and the seed changes the noise', () => {
    for (const c of cs.slice(0, 20)) {
      expect(curve(c, 5)).toEqual(curve({ ...c }, 5));
      expect(valueAt(c, 17, 5)).toBe(curve(c, 5)[16]);
      expect(curve(c, 5)).not.toEqual(curve(c, 6));
    }
  });

  it('is bounded in [0, 1] with final values in [0.1, best]', () => {
    for (const c of cs) {
      const f = finalValue(c);
      expect(f).toBeGreaterThanOrEqual(0.1);
      expect(f).toBeLessThanOrEqual(LC_BEST_FINAL + 1e-12);
      const ys = curve(c, 0);
      expect(ys).toHaveLength(LC_MAX_STEPS);
      for (const y of ys) {
        expect(Number.isFinite(y)).toBe(true);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(1);
      }
    }
    expect(finalValue({ optimizer: 'sgd', lr: 0.05, width: 256, dropout: 0.25 })).toBeCloseTo(LC_BEST_FINAL, 12);
  });

  it('reaches f at maxSteps, within the noise', () => {
    for (const c of cs) {
      expect(meanValueAt(c, LC_MAX_STEPS)).toBeCloseTo(finalValue(c), 12);
      for (const seed of [0, 1, 2]) expect(Math.abs(valueAt(c, LC_MAX_STEPS, seed) - finalValue(c))).toBeLessThanOrEqual(3 * LC_NOISE + 1e-12);
    }
  });

  it('rises: the noise-free curve is non-decreasing', () => {
    for (const c of cs) {
      for (let s = 2; s <= LC_MAX_STEPS; s++) expect(meanValueAt(c, s)).toBeGreaterThanOrEqual(meanValueAt(c, s - 1) - 1e-12);
    }
  });

  it('has crossing curves: the step-1 ranking is not the final ranking', () => {
    // pairs clearly ordered one way at step 1 and clearly the other way at maxSteps (margins ≫ noise)
    const margin = 6 * LC_NOISE;
    let crossings = 0;
    for (const a of cs) {
      for (const b of cs) {
        if (valueAt(a, 1, 0) > valueAt(b, 1, 0) + margin && valueAt(b, LC_MAX_STEPS, 0) > valueAt(a, LC_MAX_STEPS, 0) + margin) crossings++;
      }
    }
    expect(crossings).toBeGreaterThan(100);
    // the best final config starts below a mediocre fast one
    const good: TrainingConfig = { optimizer: 'sgd', lr: 0.05, width: 256, dropout: 0.25 };
    const fast: TrainingConfig = { optimizer: 'adam', lr: 0.01, width: 32, dropout: 0 };
    expect(valueAt(good, 1, 0)).toBeLessThan(valueAt(fast, 1, 0));
    expect(valueAt(good, LC_MAX_STEPS, 0)).toBeGreaterThan(valueAt(fast, LC_MAX_STEPS, 0));
  });
});
