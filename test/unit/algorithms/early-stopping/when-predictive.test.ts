import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../../src/base/errors.js';
import { asha } from '../../../../src/algorithms/early-stopping/asha.js';
import { earlyStopping } from '../../../../src/algorithms/early-stopping/early-stopping.js';
import type { EarlyStopping, LearningCurve } from '../../../../src/algorithms/early-stopping/early-stopping.js';
import { hyperband } from '../../../../src/algorithms/early-stopping/hyperband.js';
import { medianStopping } from '../../../../src/algorithms/early-stopping/median-stopping.js';
import { WHEN_PREDICTIVE_DEFAULTS, predictiveCorrelation, spearman, whenPredictive } from '../../../../src/algorithms/early-stopping/when-predictive.js';
import { curve, seq, shuffled, simulate, studyArb } from './support.js';
import type { Plan } from './support.js';

const always = earlyStopping('always', () => true);
const STEPS = 10;

/** Completed curves over steps 1..10 whose final values are `finals`; `early(final, step)` gives the values before the last step. */
function completed(finals: readonly number[], early: (final: number, step: number) => number, first = 0): LearningCurve[] {
  return finals.map((f, i) =>
    seq(
      first + i,
      'completed',
      Array.from({ length: STEPS }, (_, s) => (s + 1 === STEPS ? f : early(f, s + 1))),
    ),
  );
}

/** 24 distinct final values in a scrambled order (more completed trials than the default minTrials). */
const finals = Array.from({ length: 24 }, (_, i) => ((i * 7) % 24) / 24 + 0.01);
/** Early values rank as the finals do. */
const predictive = completed(finals, (f, s) => (f * s) / STEPS);
/** Early values rank the finals backwards (good ones start slow). */
const anti = completed(finals, (f, s) => ((1 - f) * s) / STEPS);

describe('spearman', () => {
  it('is 1 for the same order, −1 for the reverse, and ranks ties by their average', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // ranks a: 0, 1.5, 1.5, 3; b: 0, 1, 2, 3 → Pearson of the ranks
    const ra = [0, 1.5, 1.5, 3];
    const rb = [0, 1, 2, 3];
    const m = 1.5;
    const cov = ra.reduce((acc, r, i) => acc + (r - m) * ((rb[i] as number) - m), 0);
    const expected = cov / Math.sqrt(ra.reduce((acc, r) => acc + (r - m) ** 2, 0) * rb.reduce((acc, r) => acc + (r - m) ** 2, 0));
    expect(spearman([1, 5, 5, 9], [1, 2, 3, 4])).toBeCloseTo(expected, 12);
    expect(spearman([-Infinity, 0, 1], [1, 2, 3])).toBeCloseTo(1, 12);
  });

  it('is undefined without spread, and rejects samples of different lengths', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeUndefined();
    expect(spearman([1, 2, 3], [7, 7, 7])).toBeUndefined();
    expect(spearman([1], [2])).toBeUndefined();
    expect(() => spearman([1, 2], [1])).toThrow(/^spearman: the samples differ in length/);
  });
});

describe('predictiveCorrelation', () => {
  it('correlates values at the step with final values over completed curves only', () => {
    expect(predictiveCorrelation(predictive, 3)).toBeCloseTo(1, 12);
    expect(predictiveCorrelation(anti, 3)).toBeCloseTo(-1, 12);
    // pruned, failed, abandoned and running curves do not count, however their values lie
    const others = (['pruned', 'failed', 'abandoned', 'running'] as const).flatMap((state, j) =>
      Array.from({ length: 3 }, (_, i) => seq(100 + j * 3 + i, state, [1 - i * 0.1, 1 - i * 0.1, i])),
    );
    expect(predictiveCorrelation([...predictive, ...others], 3)).toBeCloseTo(1, 12);
    expect(predictiveCorrelation(others, 3)).toBeUndefined();
  });

  it('takes the value at or nearest before the step, from curves that reached it, and the recorded final value', () => {
    const a = {
      ...curve(0, 'completed', [
        [2, 1],
        [8, 5],
      ]),
      final: 3,
    } as LearningCurve;
    const b = {
      ...curve(1, 'completed', [
        [2, 2],
        [8, 1],
      ]),
      final: 1,
    } as LearningCurve;
    const c = {
      ...curve(2, 'completed', [
        [2, 3],
        [8, 9],
      ]),
      final: 2,
    } as LearningCurve;
    // at step 5 the values are those of step 2 (1, 2, 3); finals 3, 1, 2
    expect(predictiveCorrelation([a, b, c], 5)).toBeCloseTo(spearman([1, 2, 3], [3, 1, 2]) as number, 12);
    // without `final`, a completed curve's last reward is its final value (5, 1, 9)
    const bare = [a, b, c].map(({ final: _final, ...rest }) => rest as LearningCurve);
    expect(predictiveCorrelation(bare, 5)).toBeCloseTo(spearman([1, 2, 3], [5, 1, 9]) as number, 12);
    // a curve that stopped before the step has no value there
    const short = curve(3, 'completed', [[1, 100]]);
    expect(predictiveCorrelation([a, b, c, short], 5)).toBeCloseTo(spearman([1, 2, 3], [3, 1, 2]) as number, 12);
    expect(predictiveCorrelation([a, b, c], 9)).toBeUndefined(); // nobody reached step 9
    expect(predictiveCorrelation([a, b, c], 5, 4)).toBeUndefined(); // fewer than 4
  });
});

describe('whenPredictive', () => {
  const running = (number: number, values: readonly number[]): LearningCurve => seq(number, 'running', values);

  it('cuts like the guarded policy where early values have predicted final ones', () => {
    for (const inner of [medianStopping({ startupTrials: 5 }), asha({ minResource: 1, reductionFactor: 3, maxResource: STEPS }), always]) {
      const guarded = whenPredictive(inner);
      for (const values of [[0], [0.01, 0.02, 0.03], [0.2, 0.4, 0.6], [0.9]]) {
        const trial = running(50, values);
        const study = [...predictive, trial];
        expect(guarded.shouldStop(trial, study), `${inner.name} at ${values.join(',')}`).toBe(inner.shouldStop(trial, study));
      }
    }
    const trial = running(50, [0.001, 0.002, 0.003]);
    expect(whenPredictive(medianStopping()).shouldStop(trial, [...predictive, trial])).toBe(true);
  });

  it('never cuts where early values have ranked the completed trials backwards', () => {
    const policies = [medianStopping({ startupTrials: 1 }), asha({ minResource: 1, reductionFactor: 3, maxResource: STEPS }), always];
    for (const inner of policies) {
      const guarded = whenPredictive(inner, { minCorrelation: -0.5 });
      let innerStops = 0;
      for (let n = 1; n < STEPS; n++) {
        for (const level of [0, 0.05, 0.5]) {
          const trial = running(
            50,
            Array.from({ length: n }, () => level),
          );
          const study = [...anti, trial];
          if (inner.shouldStop(trial, study)) innerStops++;
          expect(guarded.shouldStop(trial, study)).toBe(false);
        }
      }
      expect(innerStops, inner.name).toBeGreaterThan(0);
    }
  });

  it('never cuts before minTrials completed trials reached the step', () => {
    const trial = running(50, [0, 0, 0]);
    const few = predictive.slice(0, WHEN_PREDICTIVE_DEFAULTS.minTrials - 1);
    expect(whenPredictive(always).shouldStop(trial, [...few, trial])).toBe(false);
    expect(whenPredictive(always).shouldStop(trial, [...predictive.slice(0, WHEN_PREDICTIVE_DEFAULTS.minTrials), trial])).toBe(true);
    // pruned trials are not completed: a study of them never unlocks the policy
    const pruned = predictive.map((c) => ({ ...c, state: 'pruned' as const }));
    expect(whenPredictive(always).shouldStop(trial, [...pruned, trial])).toBe(false);
    // nor do completed trials that stopped short of the trial's step
    const short = predictive.map((c) => ({ ...c, steps: c.steps.slice(0, 2), rewards: c.rewards.slice(0, 2) }));
    expect(whenPredictive(always).shouldStop(trial, [...short, trial])).toBe(false);
    expect(whenPredictive(always, { minTrials: 3 }).shouldStop(trial, [...predictive.slice(0, 3), trial])).toBe(true);
  });

  it('stops at ρ = minCorrelation exactly and goes on just below it', () => {
    // 10 completed trials: values at step 1 in order, finals with two neighbours swapped
    const finalsSwapped = [1, 0, 2, 3, 4, 5, 6, 7, 8, 9];
    const study = finalsSwapped.map((f, i) => seq(i, 'completed', [i, f]));
    const rho = spearman(
      study.map((_, i) => i),
      finalsSwapped,
    ) as number;
    expect(rho).toBeCloseTo(1 - 12 / 990, 12); // 1 − 6·Σd²/(n(n²−1)) with Σd² = 2
    const trial = running(20, [0]);
    expect(whenPredictive(always, { minCorrelation: rho, minTrials: 10 }).shouldStop(trial, [...study, trial])).toBe(true);
    expect(whenPredictive(always, { minCorrelation: Math.min(1, rho + 1e-9), minTrials: 10 }).shouldStop(trial, [...study, trial])).toBe(false);
    expect(whenPredictive(always, { minCorrelation: rho }).shouldStop(trial, [...study, trial])).toBe(false); // 10 < the default 20 trials
  });

  it('only ever removes stops: it never stops a trial the guarded policy keeps', () => {
    const inners: EarlyStopping[] = [medianStopping({ startupTrials: 1 }), asha(), hyperband({ maxResource: 30 }), always];
    fc.assert(
      fc.property(studyArb(30), fc.constantFrom(...inners), fc.double({ min: -1, max: 1, noNaN: true }), ({ trial, study }, inner, r) => {
        const guarded = whenPredictive(inner, { minCorrelation: r, minTrials: 3 });
        if (guarded.shouldStop(trial, study)) expect(inner.shouldStop(trial, study)).toBe(true);
        // and it stops exactly when the inner policy does and the completed curves have predicted
        const rho = predictiveCorrelation(
          study.filter((c) => c.number !== trial.number),
          trial.steps[trial.steps.length - 1] as number,
          3,
        );
        expect(guarded.shouldStop(trial, study)).toBe(inner.shouldStop(trial, study) && rho !== undefined && rho >= r);
      }),
      { numRuns: 400 },
    );
  });

  it('is a pure function of the curves: the same answer in any order, from a fresh policy, after a resume', () => {
    fc.assert(
      fc.property(studyArb(20), fc.double({ min: -1, max: 1, noNaN: true }), ({ trial, study, seed }, r) => {
        const first = whenPredictive(medianStopping({ startupTrials: 1 }), { minCorrelation: r, minTrials: 3 }).shouldStop(trial, study);
        const again = whenPredictive(medianStopping({ startupTrials: 1 }), { minCorrelation: r, minTrials: 3 });
        expect(again.shouldStop(trial, shuffled(study, seed))).toBe(first);
        expect(again.shouldStop(trial, study)).toBe(first);
        expect(
          again.shouldStop(
            { ...trial },
            study.map((c) => ({ ...c })),
          ),
        ).toBe(first);
      }),
      { numRuns: 300 },
    );
    // A whole loop, replayed: a study resumed after any decision decides the rest as the uninterrupted one.
    const plans: Plan[] = finals.concat(finals).map((f, i) => ({
      steps: Array.from({ length: STEPS }, (_, s) => s + 1),
      rewards: Array.from({ length: STEPS }, (_, s) => (i % 3 === 0 ? 1 - f : f) * ((s + 1) / STEPS)),
    }));
    const order = plans.flatMap((p, t) => p.steps.map(() => t));
    const policy = (): EarlyStopping => whenPredictive(asha({ maxResource: STEPS }), { minTrials: 4, minCorrelation: 0.5 });
    const straight = simulate(policy(), plans, order);
    for (const d of straight.decisions) expect(policy().shouldStop(d.curve, d.study)).toBe(d.stop);
    expect(straight.decisions.some((d) => d.stop)).toBe(true);
  });

  it('passes the search on to the policy it guards', () => {
    const guardedAsha = whenPredictive(asha());
    expect(guardedAsha.forSearch?.({ seed: 4 })).toBe(guardedAsha);
    const guardedBand = whenPredictive(hyperband({ maxResource: 27 }), { minTrials: 3, minCorrelation: -1 });
    const bound = guardedBand.forSearch?.({ seed: 4 }) as EarlyStopping;
    expect(bound).not.toBe(guardedBand);
    expect(bound.name).toBe(guardedBand.name);
    const seeded = whenPredictive(hyperband({ maxResource: 27, seed: 4 }), { minTrials: 3, minCorrelation: -1 });
    fc.assert(
      fc.property(studyArb(27), ({ trial, study }) => {
        expect(bound.shouldStop(trial, study)).toBe(seeded.shouldStop(trial, study));
      }),
      { numRuns: 200 },
    );
  });

  it('is named after the policy it guards and its thresholds, and combines with and / or', () => {
    expect(whenPredictive(asha()).name).toBe('predictive(asha(η=3), ρ≥0.9, n≥20)');
    expect(whenPredictive(medianStopping(), { minCorrelation: 0.8, minTrials: 20 }).name).toBe('predictive(median, ρ≥0.8, n≥20)');
    const trial = running(50, [0]);
    const never = earlyStopping('never', () => false);
    expect(
      whenPredictive(always)
        .or(never)
        .shouldStop(trial, [...predictive, trial]),
    ).toBe(true);
    expect(
      whenPredictive(always)
        .and(never)
        .shouldStop(trial, [...predictive, trial]),
    ).toBe(false);
  });

  it('rejects bad arguments with PliantErrors naming the API and the option', () => {
    expect(() => whenPredictive(undefined as never)).toThrow(/^whenPredictive: expects an early-stopping policy/);
    expect(() => whenPredictive(asha(), { minCorrelation: 1.5 })).toThrow(/^whenPredictive: minCorrelation must be a finite number ≥ -1 ≤ 1, found 1.5/);
    expect(() => whenPredictive(asha(), { minCorrelation: Number.NaN })).toThrow(PliantError);
    expect(() => whenPredictive(asha(), { minTrials: 2 })).toThrow(/^whenPredictive: minTrials must be an integer ≥ 3, found 2/);
    expect(() => whenPredictive(asha(), { minTrials: 4.5 })).toThrow(/minTrials/);
    expect(() => whenPredictive(asha(), { minCorelation: 0.5 } as never)).toThrow(/^whenPredictive: .*minCorelation.*minCorrelation/);
  });
});
