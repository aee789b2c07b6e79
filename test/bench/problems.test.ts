import { dnaSpec, materialize, randomDNA, seededRng } from 'pliant';
import { describe, expect, it } from 'vitest';
import {
  BRANIN_OPTIMUM,
  HARTMANN6_ARGMIN,
  HARTMANN6_OPTIMUM,
  NAS_LIKE_OPTIMUM,
  braninProblem,
  hartmann6Problem,
  nasLikeError,
  nasLikeProblem,
  rosenbrockProblem,
  sphereProblem,
} from '../../bench/lib/problems.js';
import type { NasCandidate, Problem } from '../../bench/lib/problems.js';
import { kendallTau, median, quantile } from '../../bench/lib/stats.js';

describe('continuous problems (PROBLEMS §2)', () => {
  it('Branin is f* at its three minimisers', () => {
    const p = braninProblem();
    for (const [x1, x2] of [
      [-Math.PI, 12.275],
      [Math.PI, 2.275],
      [9.42478, 2.475],
    ] as const) {
      expect(p.evaluate({ x1, x2 })).toBeCloseTo(BRANIN_OPTIMUM, 5);
    }
    expect(p.optimum).toBe(0.397887357729739);
  });

  it('Hartmann6 is f* at its known minimiser', () => {
    const p = hartmann6Problem();
    const c = Object.fromEntries(HARTMANN6_ARGMIN.map((v, i) => [`x${i}`, v]));
    expect(p.evaluate(c)).toBeCloseTo(-3.32237, 5);
    expect(p.evaluate(c)).toBeCloseTo(HARTMANN6_OPTIMUM, 5);
  });

  it('Rosenbrock-10d is 0 at all ones and positive elsewhere', () => {
    const p = rosenbrockProblem();
    const ones = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`x${i}`, 1]));
    expect(p.evaluate(ones)).toBe(0);
    expect(p.evaluate({ ...ones, x3: 1.1 })).toBeGreaterThan(0);
  });

  it('spaces have one linear float decision per variable', () => {
    expect(dnaSpec(braninProblem().space).decisionIds).toEqual(['x1', 'x2']);
    expect(dnaSpec(hartmann6Problem().space).decisionIds).toEqual(['x0', 'x1', 'x2', 'x3', 'x4', 'x5']);
    expect(dnaSpec(rosenbrockProblem().space).decisionIds).toHaveLength(10);
    expect(dnaSpec(sphereProblem().space).decisionIds).toHaveLength(10);
  });

  it('random candidates stay in range and evaluate above f*', () => {
    const rng = seededRng(7);
    for (const make of [braninProblem, hartmann6Problem, rosenbrockProblem]) {
      const p: Problem = make();
      const spec = dnaSpec(p.space);
      for (let i = 0; i < 200; i++) {
        const v = p.evaluate(materialize(p.space, randomDNA(spec, rng)));
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(p.optimum - 1e-9);
      }
    }
  });
});

describe('NAS-like conditional space (PROBLEMS §3)', () => {
  it('has the conditional decision ids', () => {
    const ids = dnaSpec(nasLikeProblem().space).decisionIds;
    expect(ids).toHaveLength(35);
    expect(ids.slice(0, 6)).toEqual([
      'cells',
      'cells[=0/3][0].op',
      'cells[=0/3][0].op[=0/5].act',
      'cells[=0/3][0].op[=1/5].act',
      'cells[=0/3][0].op[=2/5].act',
      'cells[=0/3][0].width',
    ]);
    expect(ids).toContain('cells[=2/3][2].op[=2/5].act');
    expect(ids.slice(-4)).toEqual(['optimizer', 'optimizer[=1/2].momentum', 'lr', 'weight_decay']);
  });

  it('gives the check value of PROBLEMS §3', () => {
    const c: NasCandidate = {
      cells: [
        { op: { name: 'conv5x5', act: 'swish' }, width: 64 },
        { op: { name: 'identity' }, width: 16 },
      ],
      optimizer: { name: 'adam' },
      lr: 0.01,
      weight_decay: 1e-4,
    };
    expect(Math.abs(nasLikeError(c) - 0.37588559066961497)).toBeLessThan(1e-12);
  });

  it('gives the optimum 0.22276', () => {
    const cell = { op: { name: 'sep3x3', act: 'gelu' }, width: 128 } as const;
    const c: NasCandidate = { cells: [cell, cell, cell], optimizer: { name: 'sgd', momentum: 0.9 }, lr: 0.1, weight_decay: 5e-4 };
    expect(Math.abs(nasLikeError(c) - 0.22276)).toBeLessThan(1e-5);
    expect(NAS_LIKE_OPTIMUM).toBe(0.22276);
  });

  it('materialized random candidates evaluate to a finite number ≥ the optimum', () => {
    const p = nasLikeProblem();
    const spec = dnaSpec(p.space);
    const rng = seededRng(1);
    const cellCounts = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const c = materialize(p.space, randomDNA(spec, rng)) as unknown as NasCandidate;
      cellCounts.add(c.cells.length);
      const v = p.evaluate(c);
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0.22276 - 1e-9);
      for (const cell of c.cells) expect('act' in cell.op).toBe(['conv3x3', 'conv5x5', 'sep3x3'].includes(cell.op.name));
      expect('momentum' in c.optimizer).toBe(c.optimizer.name === 'sgd');
    }
    expect([...cellCounts].sort()).toEqual([1, 2, 3]);
  });
});

describe('stats', () => {
  it('median and quantiles interpolate linearly (NumPy default)', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const xs = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(quantile(xs, 0.25)).toBeCloseTo(3.25, 12);
    expect(quantile(xs, 0.75)).toBeCloseTo(7.75, 12);
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 1)).toBe(10);
  });

  it("Kendall's τ-b: 1 for the same order, −1 reversed, ties corrected (scipy.stats.kendalltau's values)", () => {
    expect(kendallTau([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    // scipy.stats.kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) → -0.47140452079103173
    expect(kendallTau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-0.47140452079103173, 12);
    expect(() => kendallTau([1], [1, 2])).toThrow(RangeError);
  });
});
