import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../../src/base/errors.js';
import { checkPolicy, earlyStopping, forSearchOf } from '../../../../src/algorithms/early-stopping/early-stopping.js';
import type { EarlyStopping, LearningCurve } from '../../../../src/algorithms/early-stopping/early-stopping.js';
import { seq } from './support.js';

const trial = seq(0, 'running', [1, 2]);
const study: LearningCurve[] = [trial, seq(1, 'completed', [3])];
const constant = (value: boolean) => earlyStopping(String(value), () => value);

describe('earlyStopping', () => {
  it('wraps a decision function and passes trial and study through', () => {
    const seen: [LearningCurve, readonly LearningCurve[]][] = [];
    const policy = earlyStopping('spy', (t, s) => {
      seen.push([t, s]);
      return t.rewards.length > 1;
    });
    expect(policy.name).toBe('spy');
    expect(policy.shouldStop(trial, study)).toBe(true);
    expect(policy.shouldStop(seq(2, 'running', [1]), study)).toBe(false);
    expect(seen[0]?.[0]).toBe(trial);
    expect(seen[0]?.[1]).toBe(study);
    expect(Object.isFrozen(policy)).toBe(true);
  });

  it('and / or follow their truth tables', () => {
    for (const a of [false, true]) {
      for (const b of [false, true]) {
        expect(constant(a).and(constant(b)).shouldStop(trial, study)).toBe(a && b);
        expect(constant(a).or(constant(b)).shouldStop(trial, study)).toBe(a || b);
      }
    }
  });

  it('and / or nest, see the same trial and study, and are named after their parts', () => {
    const seen: string[] = [];
    const spy = (name: string, value: boolean) =>
      earlyStopping(name, (t, s) => {
        expect(t).toBe(trial);
        expect(s).toBe(study);
        seen.push(name);
        return value;
      });
    const policy = spy('a', true).and(spy('b', false).or(spy('c', true)));
    expect(policy.name).toBe('(a & (b | c))');
    expect(policy.shouldStop(trial, study)).toBe(true);
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
    expect(constant(true).and(constant(true)).and(constant(false)).shouldStop(trial, study)).toBe(false);
    expect(constant(false).or(constant(false)).or(constant(true)).shouldStop(trial, study)).toBe(true);
  });

  it('forSearch: a policy that depends on nothing is itself in every search; and / or pass the search on', () => {
    const plain = constant(true);
    expect(plain.forSearch?.({ seed: 3 })).toBe(plain);
    const both = plain.and(constant(false));
    expect(both.forSearch?.({ seed: 3 })).toBe(both);
    // A part that depends on the search is replaced by the one the search gets, in place.
    const seen: (number | string)[] = [];
    const seeded = (seed: number | string): EarlyStopping => earlyStopping(`seeded(${seed})`, () => seed === 7);
    const aware: EarlyStopping = {
      ...seeded('none'),
      forSearch(context) {
        seen.push(context.seed);
        return seeded(context.seed);
      },
    };
    const combo = plain.and(constant(false).or(aware));
    expect(combo.shouldStop(trial, study)).toBe(false);
    const bound = combo.forSearch?.({ seed: 7 }) as EarlyStopping;
    expect(seen).toEqual([7]);
    expect(bound.shouldStop(trial, study)).toBe(true);
    expect(bound.name).toBe('(true & (false | seeded(7)))');
    expect(forSearchOf(combo, { seed: 5 }).shouldStop(trial, study)).toBe(false);
    // a hand-made policy without forSearch is used as it is
    const bare = { name: 'bare', shouldStop: () => true } as unknown as EarlyStopping;
    expect(forSearchOf(bare, { seed: 1 })).toBe(bare);
    expect(() => forSearchOf({ ...aware, forSearch: () => undefined } as unknown as EarlyStopping, { seed: 1 })).toThrow(
      /^seeded\(none\)\.forSearch: expects an early-stopping policy/,
    );
  });

  it('rejects bad arguments with PliantErrors naming the API', () => {
    expect(() => earlyStopping(3 as unknown as string, () => false)).toThrow(/^earlyStopping: name must be a string/);
    expect(() => earlyStopping('x', 'no' as unknown as () => boolean)).toThrow(PliantError);
    expect(() => constant(true).and({} as never)).toThrow(/^true\.and: expects an early-stopping policy/);
    expect(() => constant(true).or(undefined as never)).toThrow(/^true\.or:/);
    expect(() => checkPolicy(null, 'search')).toThrow(/^search:/);
    expect(() => checkPolicy(constant(false), 'search')).not.toThrow();
  });
});
