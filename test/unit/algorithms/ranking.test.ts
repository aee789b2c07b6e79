import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PliantError } from '../../../src/base/errors.js';
import type { Outcome } from '../../../src/algorithms/algorithm.js';
import { checkOutcome, compareOutcomes, isFailed, tier } from '../../../src/algorithms/ranking.js';

const failed: Outcome = { failed: 'the objective threw' };

describe('ranking of failed outcomes', () => {
  it('tier: completed 0, pruned 1, infeasible 2, failed 3 whatever else the outcome says', () => {
    expect(tier(undefined)).toBe(0);
    expect(tier({ pruned: { step: 3 } })).toBe(1);
    expect(tier({ constraints: [1] })).toBe(2);
    expect(tier(failed)).toBe(3);
    expect(tier({ failed: '', constraints: [5], pruned: { step: 1 } })).toBe(3);
    expect(isFailed(failed)).toBe(true);
    expect(isFailed({ failed: '' })).toBe(true);
    expect(isFailed({ pruned: { step: 1 } })).toBe(false);
    expect(isFailed(undefined)).toBe(false);
  });

  it('compareOutcomes ranks a failed outcome after completed, pruned and infeasible ones, even at −∞ reward', () => {
    const others: [number, Outcome | undefined][] = [
      [-Infinity, undefined],
      [0, undefined],
      [-Infinity, { pruned: { step: 1 } }],
      [-Infinity, { constraints: [1e9] }],
      [5, { rewards: [5, 1], constraints: [3], pruned: { step: 2 } }],
    ];
    for (const [r, o] of others) {
      expect(compareOutcomes(-Infinity, failed, r, o)).toBeGreaterThan(0);
      expect(compareOutcomes(r, o, -Infinity, failed)).toBeLessThan(0);
    }
    expect(compareOutcomes(-Infinity, failed, -Infinity, { failed: 'timeout' })).toBe(0);
    expect(compareOutcomes(3, failed, -Infinity, { failed: 'timeout' })).toBe(0);
  });

  it('sorting any mix puts every failed outcome last, and the order of the rest is unchanged by them (property)', () => {
    const outcome = fc.oneof(
      fc.constant<Outcome | undefined>(undefined),
      fc.record({ pruned: fc.record({ step: fc.integer({ min: 0, max: 5 }) }) }),
      fc.record({ constraints: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { maxLength: 2 }) }),
      fc.record({ failed: fc.string() }),
    );
    const entry = fc.tuple(fc.oneof(fc.double({ noNaN: true }), fc.constant(-Infinity)), outcome);
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        const sorted = entries.slice().sort(([ra, a], [rb, b]) => compareOutcomes(ra, a, rb, b));
        const firstFailed = sorted.findIndex(([, o]) => isFailed(o));
        if (firstFailed >= 0) expect(sorted.slice(firstFailed).every(([, o]) => isFailed(o))).toBe(true);
        const rest = entries.filter(([, o]) => !isFailed(o)).sort(([ra, a], [rb, b]) => compareOutcomes(ra, a, rb, b));
        expect(sorted.filter(([, o]) => !isFailed(o))).toEqual(rest);
      }),
    );
  });

  it('checkOutcome accepts a failed reason and rejects a reason that is not a string', () => {
    expect(() => checkOutcome({ failed: 'diverged to NaN' }, 'x.feedback')).not.toThrow();
    expect(() => checkOutcome({ failed: '' }, 'x.feedback')).not.toThrow();
    for (const bad of [1, true, null, { reason: 'x' }]) {
      let error: unknown;
      try {
        checkOutcome({ failed: bad }, 'x.feedback');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PliantError);
      expect((error as PliantError).message).toMatch(/^x\.feedback: outcome\.failed must be a string/);
    }
  });
});
