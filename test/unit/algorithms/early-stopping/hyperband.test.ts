import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../../src/base/errors.js';
import { asha } from '../../../../src/algorithms/early-stopping/asha.js';
import { earlyStopping } from '../../../../src/algorithms/early-stopping/early-stopping.js';
import type { EarlyStopping, LearningCurve } from '../../../../src/algorithms/early-stopping/early-stopping.js';
import { hyperband } from '../../../../src/algorithms/early-stopping/hyperband.js';
import { curve, seq, shuffled, studyArb } from './support.js';

const options = { minResource: 1, maxResource: 81, reductionFactor: 3 };
const policy = hyperband(options);
/** Trial numbers 0..999 grouped by bracket. */
const byBracket: number[][] = Array.from({ length: policy.brackets }, () => []);
for (let n = 0; n < 1000; n++) byBracket[policy.bracketOf(n)]?.push(n);
const inBracket = (b: number, i: number): number => byBracket[b]?.[i] as number;

describe('hyperband', () => {
  it('has floor(log_η(maxResource / minResource)) + 1 brackets, robust to rounding', () => {
    expect(policy.brackets).toBe(5);
    expect(hyperband({ maxResource: 243 }).brackets).toBe(6); // Math.log(243) / Math.log(3) = 4.999...
    expect(hyperband({ maxResource: 100 }).brackets).toBe(5);
    expect(hyperband({ minResource: 2, maxResource: 16, reductionFactor: 2 }).brackets).toBe(4);
    expect(hyperband({ maxResource: 2 }).brackets).toBe(1);
    expect(policy.name).toBe('hyperband(η=3, r=1..81)');
  });

  it('assigns brackets deterministically from the trial number and the seed', () => {
    const again = hyperband(options);
    const other = hyperband({ ...options, seed: 1 });
    const named = hyperband({ ...options, seed: 'study-a' });
    const numbers = Array.from({ length: 300 }, (_, n) => n);
    expect(numbers.map((n) => again.bracketOf(n))).toEqual(numbers.map((n) => policy.bracketOf(n)));
    expect(numbers.map((n) => other.bracketOf(n))).not.toEqual(numbers.map((n) => policy.bracketOf(n)));
    expect(numbers.map((n) => named.bracketOf(n))).toEqual(numbers.map((n) => hyperband({ ...options, seed: 'study-a' }).bracketOf(n)));
    // Asked in another order, the answers do not change.
    expect(
      [...numbers]
        .reverse()
        .map((n) => hyperband(options).bracketOf(n))
        .reverse(),
    ).toEqual(numbers.map((n) => policy.bracketOf(n)));
  });

  it('covers every bracket, in proportion to Hyperband’s number of configurations', () => {
    // B = 5: n_s = ceil(5 / (s + 1) · 3^s) for s = 4..0 (brackets 0..4): 81, 34, 15, 8, 5 (sum 143).
    const weights = [81, 34, 15, 8, 5];
    const total = 143 * 100;
    const counts = new Array<number>(5).fill(0);
    for (let n = 0; n < total; n++) counts[policy.bracketOf(n)] = (counts[policy.bracketOf(n)] ?? 0) + 1;
    weights.forEach((w, b) => {
      const expected = w * 100;
      expect(Math.abs((counts[b] ?? 0) - expected), `bracket ${b}`).toBeLessThan(4 * Math.sqrt(expected) + 10);
    });
    for (const [b, numbers] of byBracket.entries()) expect(numbers.length, `bracket ${b}`).toBeGreaterThan(0);
  });

  it('brackets do not compete with each other', () => {
    const x = inBracket(0, 0);
    const strong1 = [0, 1, 2].map((i) => seq(inBracket(1, i), 'completed', [9, 9, 9]));
    const trial = seq(x, 'running', [0]);
    // Alone in bracket 0 at its rung 1, x goes on; a plain ASHA over everyone would stop it.
    expect(policy.shouldStop(trial, [...strong1, trial])).toBe(false);
    expect(asha().shouldStop(trial, [...strong1, trial])).toBe(true);
    // A strong trial of its own bracket does stop it.
    const strong0 = seq(inBracket(0, 1), 'completed', [9, 9, 9]);
    expect(policy.shouldStop(trial, [...strong1, strong0, trial])).toBe(true);
    // Bracket 1 has no rung at 1 (its rungs are 3, 9, 27).
    const y = seq(inBracket(1, 5), 'running', [0]);
    expect(policy.shouldStop(y, [strong0, ...strong1, y])).toBe(false);
    const y3 = seq(inBracket(1, 5), 'running', [0, 0, 0]);
    expect(policy.shouldStop(y3, [strong0, ...strong1, y3])).toBe(true);
  });

  it('the last bracket never stops when maxResource / minResource is a power of η', () => {
    const last = byBracket[4] as number[];
    const strong = last.slice(0, 3).map((n) => seq(n, 'completed', new Array<number>(100).fill(9)));
    for (const steps of [1, 3, 9, 27, 81, 100]) {
      const trial = seq(last[3] as number, 'running', new Array<number>(steps).fill(0));
      expect(policy.shouldStop(trial, [...strong, trial]), `step ${steps}`).toBe(false);
    }
    // With maxResource 100, bracket 4 has a rung at 81.
    const wide = hyperband({ maxResource: 100 });
    const last100 = Array.from({ length: 2000 }, (_, n) => n).filter((n) => wide.bracketOf(n) === 4);
    const strong100 = last100.slice(0, 3).map((n) => seq(n, 'completed', new Array<number>(100).fill(9)));
    const at81 = seq(last100[3] as number, 'running', new Array<number>(81).fill(0));
    expect(wide.shouldStop(at81, [...strong100, at81])).toBe(true);
  });

  it('decides as an ASHA with minEarlyStoppingRate b over the trials of bracket b', () => {
    fc.assert(
      fc.property(studyArb(30), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 12, maxLength: 12 }), ({ trial, study }, brackets) => {
        // Renumber the curves into random brackets (distinct numbers).
        const used = new Array<number>(5).fill(0);
        const renumbered = study.map((c, i) => {
          const b = brackets[i] as number;
          const k = used[b] as number;
          used[b] = k + 1;
          return { ...c, number: inBracket(b, k) };
        });
        const index = study.indexOf(trial);
        const t = renumbered[index] as LearningCurve;
        const b = policy.bracketOf(t.number);
        const same = renumbered.filter((c) => policy.bracketOf(c.number) === b);
        const expected = asha({ ...options, minEarlyStoppingRate: b }).shouldStop(t, same);
        expect(policy.shouldStop(t, renumbered)).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('is pure: the same answer twice, in any order of the study, from a fresh policy', () => {
    fc.assert(
      fc.property(studyArb(30), fc.nat(3), ({ trial, study, seed }, s) => {
        const p = hyperband({ ...options, seed: s });
        const first = p.shouldStop(trial, study);
        expect(p.shouldStop(trial, study)).toBe(first);
        expect(p.shouldStop(trial, shuffled(study, seed))).toBe(first);
        expect(
          hyperband({ ...options, seed: s }).shouldStop(
            { ...trial },
            study.map((c) => ({ ...c })),
          ),
        ).toBe(first);
      }),
      { numRuns: 300 },
    );
  });

  it('draws its brackets with the search’s seed unless given its own', () => {
    const numbers = Array.from({ length: 300 }, (_, n) => n);
    const brackets = (p: { bracketOf(n: number): number }): number[] => numbers.map((n) => p.bracketOf(n));
    // Outside a search, seed 0; a search with seed 0 keeps the policy as it is.
    expect(policy.seed).toBe(0);
    expect(policy.forSearch({ seed: 0 })).toBe(policy);
    expect(brackets(hyperband({ ...options, seed: 0 }))).toEqual(brackets(policy));
    // A search with seed 5 gets the brackets of seed 5, the same in every process of the study.
    const five = policy.forSearch({ seed: 5 });
    expect(five.seed).toBe(5);
    expect(five.brackets).toBe(policy.brackets);
    expect(five.name).toBe(policy.name);
    expect(brackets(five)).toEqual(brackets(hyperband({ ...options, seed: 5 })));
    expect(brackets(five)).not.toEqual(brackets(policy));
    expect(brackets(policy.forSearch({ seed: 5 }))).toEqual(brackets(five));
    expect(brackets(policy.forSearch({ seed: 'study-a' }))).toEqual(brackets(hyperband({ ...options, seed: 'study-a' })));
    // forSearch makes a new policy: the one it was asked of is unchanged.
    expect(brackets(policy)).toEqual(brackets(hyperband(options)));
    // A seed given to the policy wins over the search's.
    const own = hyperband({ ...options, seed: 2 });
    expect(own.forSearch({ seed: 5 })).toBe(own);
    // Combinations pass the search on.
    const never = earlyStopping('never', () => false);
    const combo = policy.or(never).forSearch?.({ seed: 5 }) as EarlyStopping;
    fc.assert(
      fc.property(studyArb(81), ({ trial, study }) => {
        expect(combo.shouldStop(trial, study)).toBe(five.shouldStop(trial, study));
      }),
      { numRuns: 200 },
    );
  });

  it('combines with and / or like any policy', () => {
    const never = earlyStopping('never', () => false);
    const x = inBracket(0, 0);
    const strong0 = seq(inBracket(0, 1), 'completed', [9]);
    const trial = curve(x, 'running', [[1, 0]]);
    expect(policy.or(never).shouldStop(trial, [strong0, trial])).toBe(true);
    expect(policy.and(never).shouldStop(trial, [strong0, trial])).toBe(false);
  });

  it('rejects bad options', () => {
    expect(() => hyperband({} as never)).toThrow(/^hyperband: maxResource is required/);
    expect(() => hyperband(undefined as never)).toThrow(/^hyperband: expects options/);
    expect(() => hyperband({ minResource: 9, maxResource: 9 })).toThrow(/maxResource must be a finite number > 9/);
    expect(() => hyperband({ maxResource: 81, reductionFactor: 1 })).toThrow(/reductionFactor must be a finite number > 1/);
    expect(() => hyperband({ maxResource: 81, minResource: -1 })).toThrow(PliantError);
    expect(() => hyperband({ maxResource: 81, seed: {} as never })).toThrow(/seed must be a number or a string/);
    expect(() => policy.bracketOf(Number.NaN)).toThrow(/^hyperband\.bracketOf:/);
  });
});
