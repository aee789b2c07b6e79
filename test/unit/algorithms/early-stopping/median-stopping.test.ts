import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../../src/base/errors.js';
import { medianStopping, percentileStopping } from '../../../../src/algorithms/early-stopping/median-stopping.js';
import type { LearningCurve } from '../../../../src/algorithms/early-stopping/early-stopping.js';
import { curve, seq, shuffled, studyArb } from './support.js';

// Five completed trials; their values at step 2 are [2, 3, 4, 1, 5] (median 3, 75th pct 4).
const completed: LearningCurve[] = [
  seq(0, 'completed', [1, 2, 3, 4]),
  seq(1, 'completed', [2, 3, 4, 5]),
  seq(2, 'completed', [3, 4, 5, 6]),
  seq(3, 'completed', [0, 1, 2, 3]),
  seq(4, 'completed', [5, 5, 5, 5]),
];
const ask = (policy: ReturnType<typeof medianStopping>, rewards: number[], others: LearningCurve[] = completed): boolean => {
  const trial = seq(9, 'running', rewards);
  return policy.shouldStop(trial, [...others, trial]);
};

describe('medianStopping', () => {
  it('stops when the best reward so far is below the median of the completed trials at the step', () => {
    const median = medianStopping();
    expect(median.name).toBe('median');
    expect(ask(median, [2.5, 2.9])).toBe(true);
    expect(ask(median, [2.5, 3])).toBe(false); // equal is not below
    expect(ask(median, [3.5, 2])).toBe(false); // the best so far counts, not the last
    expect(ask(median, [0])).toBe(true); // values at step 1: [1, 2, 3, 0, 5], median 2
    expect(ask(median, [2])).toBe(false);
  });

  it('minimised objectives arrive negated: a loss above the median loss stops', () => {
    const losses = [
      [0.9, 0.5],
      [0.8, 0.4],
      [0.7, 0.3],
      [0.95, 0.6],
      [0.6, 0.2],
    ];
    const study = losses.map((l, i) =>
      seq(
        i,
        'completed',
        l.map((x) => -x),
      ),
    );
    expect(ask(medianStopping(), [-0.9, -0.45], study)).toBe(true); // loss 0.45 > median 0.4
    expect(ask(medianStopping(), [-0.9, -0.35], study)).toBe(false);
  });

  it('waits for startupTrials completed trials; running and pruned trials do not count', () => {
    expect(ask(medianStopping({ startupTrials: 6 }), [0, 0])).toBe(false);
    const extra = [...completed.slice(0, 4), seq(5, 'running', [9, 9]), seq(6, 'pruned', [9, 9])];
    expect(ask(medianStopping({ startupTrials: 5 }), [0, 0], extra)).toBe(false);
    expect(ask(medianStopping({ startupTrials: 4 }), [0, 0], extra)).toBe(true);
    // The running and pruned 9s would raise the median above 2.5 if they counted.
    expect(ask(medianStopping({ startupTrials: 0 }), [0, 2.6], extra)).toBe(false);
    expect(ask(medianStopping({ startupTrials: 0 }), [], completed)).toBe(false);
    expect(ask(medianStopping({ startupTrials: 0 }), [0], [])).toBe(false);
  });

  it('warmupSteps: no stopping while the step is ≤ warmupSteps', () => {
    const policy = medianStopping({ warmupSteps: 2 });
    expect(ask(policy, [0])).toBe(false);
    expect(ask(policy, [0, 0])).toBe(false);
    expect(ask(policy, [0, 0, 0])).toBe(true);
    expect(ask(medianStopping({ warmupSteps: 1 }), [0, 0])).toBe(true);
  });

  it('intervalSteps: decides only at warmupSteps + k · intervalSteps, or the first report past one', () => {
    const every2 = medianStopping({ intervalSteps: 2 });
    expect([1, 2, 3, 4].map((n) => ask(every2, new Array<number>(n).fill(0)))).toEqual([false, true, false, true]);
    const shifted = medianStopping({ intervalSteps: 2, warmupSteps: 1 });
    expect([1, 2, 3, 4].map((n) => ask(shifted, new Array<number>(n).fill(0)))).toEqual([false, false, true, false]);
    // Steps that skip a decision point: the first report past it decides.
    const at = (points: [number, number][]) => {
      const trial = curve(9, 'running', points);
      return every2.shouldStop(trial, [...completed, trial]);
    };
    expect(
      at([
        [1, 0],
        [3, 0],
      ]),
    ).toBe(true);
    expect(
      at([
        [2, 5],
        [3, 0],
      ]),
    ).toBe(false); // point 2 was decided at step 2 already
    // With consecutive integer steps this is exactly (step − warmup) % interval === 0.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (warmupSteps, intervalSteps, n) => {
        const policy = medianStopping({ warmupSteps, intervalSteps, startupTrials: 0 });
        const long = completed.map((c) => seq(c.number, 'completed', new Array<number>(20).fill(0)));
        const trial = seq(9, 'running', new Array<number>(n + warmupSteps).fill(-1));
        const step = n + warmupSteps;
        expect(policy.shouldStop(trial, [...long, trial])).toBe((step - warmupSteps) % intervalSteps === 0);
      }),
    );
  });

  it('minTrials: needs that many completed trials that reached the step', () => {
    const short = [seq(0, 'completed', [5, 5]), seq(1, 'completed', [5]), seq(2, 'completed', [5])];
    expect(ask(medianStopping({ startupTrials: 0, minTrials: 2 }), [0, 0], short)).toBe(false);
    expect(ask(medianStopping({ startupTrials: 0, minTrials: 1 }), [0, 0], short)).toBe(true);
    expect(ask(medianStopping({ startupTrials: 0, minTrials: 2 }), [0], short)).toBe(true);
  });

  it('the value of a curve at a step is its last report at or before it; curves that ended earlier do not count', () => {
    const others = [
      curve(0, 'completed', [
        [1, 10],
        [3, 20],
      ]),
      curve(1, 'completed', [[1, 100]]),
    ];
    const policy = medianStopping({ startupTrials: 0 });
    expect(ask(policy, [15, 15], others)).toBe(false); // value of trial 0 at step 2 is 10; trial 1 ended at 1
    expect(ask(policy, [9, 9], others)).toBe(true);
    expect(ask(policy, [15, 15, 15], others)).toBe(true); // at step 3 trial 0 has 20
    expect(ask(policy, [50], others)).toBe(true); // at step 1 both count: [10, 100], median 55
    expect(ask(policy, [60], others)).toBe(false);
  });
});

describe('percentileStopping', () => {
  it('keeps the top percentile%: compares with the (100 − percentile)-th percentile, interpolated', () => {
    // Values at step 2: [1, 2, 3, 4, 5].
    const top25 = percentileStopping({ percentile: 25 });
    expect(top25.name).toBe('percentile(25)');
    expect(ask(top25, [0, 3.9])).toBe(true); // 75th percentile = 4
    expect(ask(top25, [0, 4])).toBe(false);
    expect(ask(medianStopping(), [0, 3.9])).toBe(false);
    const top90 = percentileStopping({ percentile: 90 }); // 10th percentile = 1 + 0.4 · (2 − 1)
    expect(ask(top90, [0, 1.39])).toBe(true);
    expect(ask(top90, [0, 1.4])).toBe(false);
    const top20 = percentileStopping({ percentile: 20 }); // 80th percentile = 4 + 0.2 · (5 − 4)
    expect(ask(top20, [0, 4.19])).toBe(true);
    expect(ask(top20, [0, 4.2])).toBe(false);
    expect(ask(percentileStopping({ percentile: 100 }), [0, 1])).toBe(false); // the minimum
    expect(ask(percentileStopping({ percentile: 100 }), [0, 0.99])).toBe(true);
    expect(ask(percentileStopping({ percentile: 0 }), [0, 4.99])).toBe(true); // the maximum
    expect(ask(percentileStopping({ percentile: 0 }), [0, 5])).toBe(false);
  });

  it('a trial whose rewards are all NaN counts as −∞', () => {
    expect(ask(medianStopping(), [Number.NaN, Number.NaN])).toBe(true);
    expect(ask(medianStopping(), [Number.NaN, 3])).toBe(false);
  });

  it('rejects bad options', () => {
    expect(() => percentileStopping({ percentile: 101 })).toThrow(/^percentileStopping: percentile must be a finite number ≥ 0 ≤ 100, found 101/);
    expect(() => percentileStopping({ percentile: -1 })).toThrow(PliantError);
    expect(() => percentileStopping({ percentile: Number.NaN })).toThrow(PliantError);
    expect(() => percentileStopping(undefined as never)).toThrow(/^percentileStopping: expects options/);
    expect(() => medianStopping({ startupTrials: -1 })).toThrow(/^medianStopping: startupTrials must be an integer ≥ 0/);
    expect(() => medianStopping({ startupTrials: 1.5 })).toThrow(PliantError);
    expect(() => medianStopping({ warmupSteps: -1 })).toThrow(/warmupSteps/);
    expect(() => medianStopping({ intervalSteps: 0 })).toThrow(/intervalSteps must be a finite number > 0/);
    expect(() => medianStopping({ minTrials: 0 })).toThrow(/minTrials must be an integer ≥ 1/);
    expect(() => medianStopping(7 as never)).toThrow(/^medianStopping: options must be an object/);
  });

  it('is pure: the same answer twice, in any order of the study, from a fresh policy', () => {
    fc.assert(
      fc.property(studyArb(6), fc.integer({ min: 0, max: 100 }), ({ trial, study, seed }, percentile) => {
        const options = { percentile, startupTrials: 2, warmupSteps: 1 };
        const policy = percentileStopping(options);
        const first = policy.shouldStop(trial, study);
        expect(policy.shouldStop(trial, study)).toBe(first);
        expect(policy.shouldStop(trial, shuffled(study, seed))).toBe(first);
        expect(
          percentileStopping(options).shouldStop(
            { ...trial },
            study.map((c) => ({ ...c })),
          ),
        ).toBe(first);
      }),
    );
  });
});
