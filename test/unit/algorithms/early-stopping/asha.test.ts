import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../../src/base/errors.js';
import { asha } from '../../../../src/algorithms/early-stopping/asha.js';
import type { AshaOptions } from '../../../../src/algorithms/early-stopping/asha.js';
import type { LearningCurve } from '../../../../src/algorithms/early-stopping/early-stopping.js';
import { curve, loopArb, seq, shuffled, simulate, studyArb } from './support.js';
import type { Decision } from './support.js';

/** Reports `points` as the running trial `number` beside `others`. */
function ask(options: AshaOptions, number: number, points: [number, number][], others: LearningCurve[]): boolean {
  const trial = curve(number, 'running', points);
  return asha(options).shouldStop(trial, [...others, trial]);
}

interface Ladder {
  readonly minResource: number;
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  readonly maxResource?: number;
}

/** The rung steps ≤ `upTo`, by repeated multiplication (independent of the implementation's power). */
function rungSteps(o: Ladder, upTo: number): number[] {
  let r = o.minResource;
  for (let i = 0; i < o.minEarlyStoppingRate; i++) r *= o.reductionFactor;
  const out: number[] = [];
  for (; r <= upTo && (o.maxResource === undefined || r < o.maxResource); r *= o.reductionFactor) out.push(r);
  return out;
}

/** The value of a curve at a rung: reward at its first report with step ≥ r. */
function rungValue(c: LearningCurve, r: number): number | undefined {
  const i = c.steps.findIndex((s) => s >= r);
  return i < 0 ? undefined : c.rewards[i];
}

/** Promotable: fewer than max(1, floor(n/η)) of the n values at the rung are strictly better. */
function promotable(value: number, values: readonly number[], eta: number): boolean {
  const better = values.filter((v) => v > value).length;
  return better < Math.max(1, Math.floor(values.length / eta));
}

/** The brute-force ASHA decision for one report, straight from the rung definition. */
function oracle(o: Ladder, d: Decision): boolean {
  const steps = d.curve.steps;
  const step = steps[steps.length - 1] as number;
  const prev = steps.length > 1 ? (steps[steps.length - 2] as number) : -Infinity;
  const own = d.curve.rewards[d.curve.rewards.length - 1] as number;
  for (const r of rungSteps(o, step)) {
    if (r <= prev) continue;
    const values = d.study.map((c) => rungValue(c, r)).filter((v): v is number => v !== undefined);
    if (!promotable(own, values, o.reductionFactor)) return true;
  }
  return false;
}

const ladderArb: fc.Arbitrary<Ladder> = fc
  .record({
    minResource: fc.constantFrom(1, 2, 3),
    reductionFactor: fc.constantFrom(2, 2.5, 3, 4),
    minEarlyStoppingRate: fc.constantFrom(0, 0, 1),
    maxResource: fc.option(fc.constantFrom(6, 9, 16), { nil: undefined }),
  })
  .filter((o) => o.maxResource === undefined || o.maxResource > o.minResource);

describe('asha', () => {
  it('at a rung, the first trial goes on and later ones must be in the top 1/η so far', () => {
    // η = 3, rungs at 1, 3, 9. Rung-1 values arrive: 5, 3, 6, 5, 5.5, 5.8.
    const o = { reductionFactor: 3 };
    const at1 = (value: number) => curve(0, 'running', [[1, value]]);
    const arrived: LearningCurve[] = [];
    const expected: [number, boolean][] = [
      [5, false], // alone
      [3, true], // [5, 3]: n = 2, index 0: must be the best
      [6, false], // [6, 5, 3]: index 0
      [5, true], // [6, 5, 5, 3]: index 0
      [5.5, true], // 5 values: index 0
      [5.8, false], // [6, 5.8, 5.5, 5, 5, 3]: index 1, ≥ 5.8
    ];
    expected.forEach(([value, stop], number) => {
      const trial = { ...at1(value), number };
      expect(asha(o).shouldStop(trial, [...arrived, trial]), `value ${value}`).toBe(stop);
      arrived.push({ ...trial, state: stop ? 'pruned' : 'running' });
    });
    // Ties with the threshold go on: a 7th value 5.5 has index max(0, 2 − 1) = 1 → needs ≥ 5.8.
    expect(ask(o, 6, [[1, 5.8]], arrived)).toBe(false);
    expect(ask(o, 6, [[1, 5.7]], arrived)).toBe(true);
    expect(asha().name).toBe('asha(η=3)');
  });

  it('asynchronous: arrivals from best to worst promote one, from worst to best promote all', () => {
    const run = (values: number[]) => {
      const plans = values.map((v) => ({ steps: [1, 2], rewards: [v, v] }));
      const { curves } = simulate(asha(), plans, values.flatMap((_, t) => [t]).concat(values.map((_, t) => t)));
      return curves.filter((c) => c.steps.length === 2).length;
    };
    expect(run([9, 8, 7, 6, 5, 4, 3, 2, 1])).toBe(1);
    expect(run([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBe(9);
  });

  it('decides only on reports that cross a rung, and at every rung a report crosses', () => {
    const others = [seq(0, 'completed', [9, 9, 9, 9, 9, 9, 9, 9, 9, 9]), seq(1, 'completed', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0])];
    expect(ask({}, 5, [[1, 9]], others)).toBe(false);
    expect(
      ask(
        {},
        5,
        [
          [1, 9],
          [2, 0],
        ],
        others,
      ),
    ).toBe(false); // no rung at 2
    expect(
      ask(
        {},
        5,
        [
          [1, 9],
          [3, 0],
        ],
        others,
      ),
    ).toBe(true); // rung 3
    expect(
      ask(
        {},
        5,
        [
          [1, 9],
          [3, 9],
          [8, 0],
        ],
        others,
      ),
    ).toBe(false);
    // One report crossing rungs 3 and 9: trial 2 is bad only at step 9 (value taken at its step-10 report).
    const mixed = [
      curve(0, 'completed', [
        [3, 0],
        [9, 9],
      ]),
      curve(1, 'completed', [
        [3, 0],
        [9, 9],
      ]),
    ];
    expect(
      ask(
        {},
        5,
        [
          [1, 5],
          [10, 5],
        ],
        mixed,
      ),
    ).toBe(true);
    expect(
      ask(
        {},
        5,
        [
          [1, 5],
          [4, 5],
        ],
        mixed,
      ),
    ).toBe(false);
  });

  it('a competitor’s rung value is its reward at its first report at or past the rung, whatever its state', () => {
    // Rung 3: the other trial's value is 100 (its step-4 report), not 1 (step 2).
    const other = [
      curve(0, 'pruned', [
        [2, 1],
        [4, 100],
      ]),
    ];
    expect(ask({}, 1, [[3, 50]], other)).toBe(true);
    expect(ask({}, 1, [[3, 100]], other)).toBe(false);
    expect(ask({}, 1, [[1, 0.5]], [curve(0, 'failed', [[2, 1]])])).toBe(true); // rung 1: its value is 1
    expect(ask({}, 1, [[1, 0.5]], [curve(0, 'failed', [[0.5, 1]])])).toBe(false); // it never reached rung 1
  });

  it('minResource, minEarlyStoppingRate and maxResource move the rungs', () => {
    const best = [seq(0, 'completed', new Array<number>(30).fill(9))];
    const bad = (step: number): [number, number][] => [[step, 0]];
    expect(ask({ minEarlyStoppingRate: 1 }, 1, bad(1), best)).toBe(false);
    expect(ask({ minEarlyStoppingRate: 1 }, 1, bad(3), best)).toBe(true);
    expect(ask({ minResource: 2, reductionFactor: 2 }, 1, bad(1), best)).toBe(false);
    expect(ask({ minResource: 2, reductionFactor: 2 }, 1, bad(2), best)).toBe(true);
    expect(
      ask(
        { minResource: 2, reductionFactor: 2 },
        1,
        [
          [2, 9],
          [3, 0],
        ],
        best,
      ),
    ).toBe(false);
    expect(
      ask(
        { minResource: 2, reductionFactor: 2 },
        1,
        [
          [2, 9],
          [4, 0],
        ],
        best,
      ),
    ).toBe(true);
    expect(
      ask(
        { maxResource: 9 },
        1,
        [
          [1, 9],
          [3, 9],
          [9, 0],
        ],
        best,
      ),
    ).toBe(false); // no rung at 9
    expect(
      ask(
        { maxResource: 10 },
        1,
        [
          [1, 9],
          [3, 9],
          [9, 0],
        ],
        best,
      ),
    ).toBe(true);
  });

  it('minimised objectives arrive negated', () => {
    const losses = [seq(0, 'completed', [-0.2]), seq(1, 'completed', [-0.3])];
    expect(ask({}, 2, [[1, -0.25]], losses)).toBe(true); // loss 0.25 is not the best of three
    expect(ask({}, 2, [[1, -0.1]], losses)).toBe(false);
  });

  it('matches a brute-force oracle on random curves reported in random interleavings', () => {
    fc.assert(
      fc.property(ladderArb, loopArb(20, 9), (ladder, { plans, order }) => {
        const { decisions } = simulate(asha(ladder), plans, order);
        for (const d of decisions) expect(d.stop).toBe(oracle(ladder, d));
      }),
      { numRuns: 300 },
    );
  });

  it('never lets more trials reach rung k + 1 than the rule promotes at rung k', () => {
    fc.assert(
      fc.property(ladderArb, loopArb(20, 10, true), (ladder, { plans, order }) => {
        const { decisions, curves } = simulate(asha(ladder), plans, order);
        const rungs = rungSteps({ ...ladder, maxResource: undefined }, 20);
        rungs.forEach((r, k) => {
          const next = rungs[k + 1];
          if (next === undefined || (ladder.maxResource !== undefined && r >= ladder.maxResource)) return;
          // The rung-k values in order of arrival; each arrival is promotable if in the top max(1, floor(m/η)) so far.
          const arrivals = decisions.filter((d) => {
            const s = d.curve.steps;
            return (s[s.length - 1] as number) >= r && (s.length < 2 || (s[s.length - 2] as number) < r);
          });
          let allowed = 0;
          arrivals.forEach((d, m) => {
            const sofar = arrivals.slice(0, m + 1).map((a) => a.curve.rewards[a.curve.rewards.length - 1] as number);
            if (promotable(sofar[m] as number, sofar, ladder.reductionFactor)) allowed++;
          });
          const reached = curves.filter((c) => (c.steps[c.steps.length - 1] as number) >= next).length;
          expect(reached).toBeLessThanOrEqual(allowed);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('is pure: the same answer twice, in any order of the study, from a fresh policy', () => {
    fc.assert(
      fc.property(ladderArb, studyArb(12), (ladder, { trial, study, seed }) => {
        const policy = asha(ladder);
        const first = policy.shouldStop(trial, study);
        expect(policy.shouldStop(trial, study)).toBe(first);
        expect(policy.shouldStop(trial, shuffled(study, seed))).toBe(first);
        expect(
          asha(ladder).shouldStop(
            { ...trial },
            study.map((c) => ({ ...c })),
          ),
        ).toBe(first);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects bad options', () => {
    expect(() => asha({ reductionFactor: 1 })).toThrow(/^asha: reductionFactor must be a finite number > 1, found 1/);
    expect(() => asha({ reductionFactor: Number.NaN })).toThrow(PliantError);
    expect(() => asha({ minResource: 0 })).toThrow(/minResource must be a finite number > 0/);
    expect(() => asha({ minEarlyStoppingRate: 0.5 })).toThrow(/minEarlyStoppingRate must be an integer ≥ 0/);
    expect(() => asha({ minResource: 4, maxResource: 4 })).toThrow(/maxResource must be a finite number > 4/);
    expect(() => asha('fast' as never)).toThrow(/^asha: options must be an object/);
  });
});
