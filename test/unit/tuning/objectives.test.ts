import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../src/index.js';
import { Objectives } from '../../../src/tuning/objectives.js';
import { errorOf } from '../../support/error-of.js';

describe('Objectives', () => {
  it('reads one objective from a number or a record, negating a minimised one', () => {
    const max = new Objectives({}, 'test');
    expect(max.reward(3, 'test')).toBe(3);
    expect(max.reward({ objective: 2, loss: 9 }, 'test')).toBe(2);
    expect(max.reward({ acc: 0.9 }, 'test')).toBe(0.9);
    const min = new Objectives({ direction: 'minimize', metric: 'loss' }, 'test');
    expect(min.reward({ loss: 0.25, acc: 1 }, 'test')).toBe(-0.25);
    expect(min.feedback({ loss: 0.25 }, 'test')).toEqual({ reward: -0.25, outcome: undefined });
  });

  it('reads several objectives with their own directions', () => {
    const o = new Objectives({ metric: ['acc', 'latency'], direction: ['maximize', 'minimize'] }, 'test');
    expect(o.count).toBe(2);
    expect(o.rewards({ acc: 0.9, latency: 12 }, 'test')).toEqual([0.9, -12]);
    expect(o.feedback({ acc: 0.9, latency: 12 }, 'test')).toEqual({ reward: 0.9, outcome: { rewards: [0.9, -12] } });
    // one direction for all
    expect(new Objectives({ metric: ['a', 'b'], direction: 'minimize' }, 'test').rewards({ a: 1, b: 2 }, 'test')).toEqual([-1, -2]);
    expect(errorOf(() => o.rewards(3, 'sample')).message).toMatch(/several objectives.*records/);
    expect(errorOf(() => o.rewards({ acc: 1 }, 'feedback.done')).message).toMatch(/no metric 'latency'/);
  });

  it('reads constraints, and the default objective key ignores them', () => {
    const o = new Objectives({ constraints: ['over'] }, 'test');
    expect(o.feedback({ acc: 0.5, over: 2 }, 'test')).toEqual({ reward: 0.5, outcome: { constraints: [2] } });
    expect(o.violation({ acc: 0.5, over: 2 }, 'test')).toBe(2);
    expect(o.violation({ acc: 0.5, over: -1 }, 'test')).toBe(0);
    // a pruned trial's intermediate value is judged without constraints
    expect(o.feedback({ acc: 0.5 }, 'test', 3)).toEqual({ reward: 0.5, outcome: { pruned: { step: 3 } } });
    expect(errorOf(() => o.feedback({ acc: 0.5 }, 'feedback.done')).message).toMatch(/no constraint metric 'over'/);
    expect(errorOf(() => o.feedback(0.5, 'feedback.done')).message).toMatch(/constraints/);
  });

  it('rejects bad options naming the API', () => {
    const bad = [
      { direction: 'up' },
      { metric: ['a', 'b'], direction: ['maximize'] },
      { metric: [] },
      { metric: ['a', 'a'] },
      { constraints: 'c' },
      { metric: 'a', constraints: ['a'] },
    ];
    for (const options of bad) {
      const error = errorOf(() => new Objectives(options as never, 'search'));
      expect(error).toBeInstanceOf(PliantError);
      expect(error.api).toBe('search');
    }
  });
});
