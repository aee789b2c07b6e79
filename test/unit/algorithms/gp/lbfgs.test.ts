import { describe, expect, it } from 'vitest';
import { lbfgs } from '../../../../src/algorithms/gp/lbfgs.js';
import type { ValueAndGradient } from '../../../../src/algorithms/gp/lbfgs.js';

/** Rosenbrock in n dimensions with its gradient. */
const rosenbrock: ValueAndGradient = (x, g) => {
  const n = x.length;
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < n; i++) {
    const a = x[i] as number;
    const b = x[i + 1] as number;
    f += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    g[i] = (g[i] as number) - 400 * a * (b - a * a) - 2 * (1 - a);
    g[i + 1] = (g[i + 1] as number) + 200 * (b - a * a);
  }
  return f;
};

/** ½·Σ cᵢ(xᵢ − tᵢ)², an ill-conditioned quadratic. */
function quadratic(c: readonly number[], t: readonly number[]): ValueAndGradient {
  return (x, g) => {
    let f = 0;
    for (let i = 0; i < x.length; i++) {
      const d = (x[i] as number) - (t[i] as number);
      f += 0.5 * (c[i] as number) * d * d;
      g[i] = (c[i] as number) * d;
    }
    return f;
  };
}

describe('gp lbfgs', () => {
  it('minimises an ill-conditioned quadratic to its minimiser', () => {
    const c = [1, 10, 100, 1000, 1e4];
    const t = [1, -2, 3, 0.5, -0.25];
    const r = lbfgs(quadratic(c, t), [0, 0, 0, 0, 0], { gtol: 1e-9, ftol: 0 });
    expect(r.reason).toBe('converged');
    r.x.forEach((v, i) => expect(v).toBeCloseTo(t[i] as number, 6));
    expect(r.f).toBeLessThan(1e-10);
  });

  it('finds the minimum of Rosenbrock-2d from (−1.2, 1) and of Rosenbrock-5d from 0', () => {
    const r2 = lbfgs(rosenbrock, [-1.2, 1], { gtol: 1e-8, maxIterations: 500 });
    expect(r2.x[0]).toBeCloseTo(1, 4);
    expect(r2.x[1]).toBeCloseTo(1, 4);
    const r5 = lbfgs(rosenbrock, [0, 0, 0, 0, 0], { gtol: 1e-8, maxIterations: 1000 });
    for (const v of r5.x) expect(v).toBeCloseTo(1, 3);
    expect(r5.f).toBeLessThan(1e-8);
  });

  it('respects box bounds: the minimiser of a quadratic outside the box is its projection', () => {
    const t = [2, -3, 0.5];
    const r = lbfgs(quadratic([1, 5, 2], t), [0.1, 0.9, 0.2], { lower: Float64Array.from([0, 0, 0]), upper: Float64Array.from([1, 1, 1]), gtol: 1e-9 });
    expect(Array.from(r.x).map((v) => Number(v.toFixed(6)))).toEqual([1, 0, 0.5]);
    // a start outside the box is projected first
    const s = lbfgs(quadratic([1], [0.5]), [7], { lower: Float64Array.from([0]), upper: Float64Array.from([1]) });
    expect(s.x[0]).toBeCloseTo(0.5, 6);
  });

  it('treats a non-finite value as outside the domain: the line search steps back', () => {
    // f = (x − 3)² defined only for x < 4
    const f: ValueAndGradient = (x, g) => {
      const v = x[0] as number;
      if (v >= 4) return Number.NaN;
      g[0] = 2 * (v - 3);
      return (v - 3) ** 2;
    };
    const r = lbfgs(f, [-20], { gtol: 1e-8 });
    expect(r.x[0]).toBeCloseTo(3, 5);
    expect(lbfgs(f, [5]).reason).toBe('non-finite');
  });

  it('stops at its budgets', () => {
    const r = lbfgs(rosenbrock, [-1.2, 1], { maxIterations: 3, gtol: 0 });
    expect(r.reason).toBe('max-iterations');
    expect(r.iterations).toBe(3);
    const e = lbfgs(rosenbrock, [-1.2, 1], { maxEvaluations: 5, gtol: 0 });
    expect(e.evaluations).toBeLessThanOrEqual(5);
  });
});
