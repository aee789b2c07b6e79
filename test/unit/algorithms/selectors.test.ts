import { describe, expect, it } from 'vitest';
import { DNA, PliantError, seededRng } from '../../../src/index.js';
import { bottom, first, last, pipe, proportional, randomSelector, top, tournament } from '../../../src/algorithms/evolution/selectors.js';
import type { Member } from '../../../src/algorithms/evolution/selectors.js';

const population: Member[] = [5, 1, 9, 3, 9, 7, -2, 4].map((reward, i) => ({ dna: new DNA(i), reward }));
const ids = (members: Member[]): number[] => members.map((m) => m.dna.value as number);

describe('selectors', () => {
  it('top and bottom pick by reward, ties oldest first', () => {
    const rng = seededRng(1);
    expect(ids(top(3)(population, rng))).toEqual([2, 4, 5]);
    expect(ids(bottom(2)(population, rng))).toEqual([6, 1]);
    expect(ids(top(100)(population, rng))).toHaveLength(population.length);
  });

  it('first and last pick by age', () => {
    const rng = seededRng(1);
    expect(ids(first(2)(population, rng))).toEqual([0, 1]);
    expect(ids(last(3)(population, rng))).toEqual([5, 6, 7]);
    expect(ids(last(20)(population, rng))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('randomSelector draws distinct members, uniformly', () => {
    const rng = seededRng(2);
    const counts = new Array<number>(population.length).fill(0);
    for (let t = 0; t < 4000; t++) {
      const picked = randomSelector(3)(population, rng);
      expect(picked).toHaveLength(3);
      expect(new Set(picked).size).toBe(3);
      for (const m of picked) {
        expect(population).toContain(m);
        counts[m.dna.value as number] = (counts[m.dna.value as number] ?? 0) + 1;
      }
    }
    for (const c of counts) expect(c).toBeGreaterThan(1300); // 1500 expected each
    expect(randomSelector(20)(population, rng)).toHaveLength(population.length);
    expect(randomSelector(20, { replacement: true })(population, rng)).toHaveLength(20);
  });

  it('proportional favours high rewards and still reaches the worst', () => {
    const rng = seededRng(3);
    const counts = new Map<number, number>();
    for (const m of proportional(10000)(population, rng)) counts.set(m.dna.value as number, (counts.get(m.dna.value as number) ?? 0) + 1);
    // Weights: reward + 2 + 0.11 (reward range 11, ε 1%).
    const total = population.reduce((s, m) => s + m.reward + 2.11, 0);
    for (const m of population) {
      const expected = (10000 * (m.reward + 2.11)) / total;
      expect(Math.abs((counts.get(m.dna.value as number) ?? 0) - expected)).toBeLessThan(4 * Math.sqrt(expected) + 5);
    }
    expect(counts.get(6) ?? 0).toBeGreaterThan(0);
    const equal = population.map((m) => ({ ...m, reward: 1 }));
    expect(new Set(proportional(500)(equal, rng)).size).toBe(equal.length);
  });

  it('tournament is the best of a random sample; pipe composes', () => {
    const rng = seededRng(4);
    for (let t = 0; t < 200; t++) {
      const [winner] = tournament(8)(population, rng);
      expect(winner?.reward).toBe(9);
    }
    const two = pipe(randomSelector(4), top(2))(population, rng);
    expect(two).toHaveLength(2);
    expect((two[0] as Member).reward).toBeGreaterThanOrEqual((two[1] as Member).reward);
  });

  it('rejects bad sizes', () => {
    expect(() => top(0)).toThrow(PliantError);
    expect(() => randomSelector(1.5)).toThrow(/n must be an integer/);
    expect(() => tournament(-1)).toThrow(PliantError);
  });
});

describe('tournament(size) with one winner', () => {
  it('picks what pipe(randomSelector(size), top(1)) picks, with the same draws (ties included)', () => {
    for (let t = 0; t < 300; t++) {
      const rng = seededRng(t);
      const n = 1 + Math.floor(rng() * 30);
      const members: Member[] = Array.from({ length: n }, (_, i) => ({ dna: new DNA(i), reward: Math.floor(rng() * 5) }));
      const size = 1 + Math.floor(rng() * 40);
      const a = seededRng(1000 + t);
      const b = seededRng(1000 + t);
      expect(ids(tournament(size)(members, a))).toEqual(ids(pipe(randomSelector(size), top(1))(members, b)));
      expect(a()).toBe(b());
    }
    expect(tournament(3)([], seededRng(0))).toEqual([]);
  });
});
