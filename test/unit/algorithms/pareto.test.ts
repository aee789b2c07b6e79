import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../src/index.js';
import { constrainedDominates, crowdingDistance, dominates, nonDominatedSort } from '../../../src/algorithms/pareto.js';

/** Domination written out from the definition, independently of the library. */
function bruteDominates(a: readonly number[], b: readonly number[], va = 0, vb = 0): boolean {
  if (va > 0 || vb > 0) {
    if (va === 0) return true;
    if (vb === 0) return false;
    return va < vb;
  }
  return a.every((x, i) => x >= (b[i] as number)) && a.some((x, i) => x > (b[i] as number));
}

/** Fronts by peeling: the remaining points no remaining point dominates, again and again. */
function bruteFronts(points: readonly number[][], violations?: readonly number[]): number[][] {
  const v = (i: number): number => violations?.[i] ?? 0;
  let remaining = points.map((_, i) => i);
  const fronts: number[][] = [];
  while (remaining.length > 0) {
    const front = remaining.filter((i) => !remaining.some((j) => bruteDominates(points[j] as number[], points[i] as number[], v(j), v(i))));
    fronts.push(front);
    remaining = remaining.filter((i) => !front.includes(i));
  }
  return fronts;
}

/** Random point sets: 2–4 objectives over few values (many ties and duplicates), optional violations. */
const pointSets = fc.integer({ min: 2, max: 4 }).chain((m) =>
  fc.record({
    points: fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: m, maxLength: m }), { maxLength: 40 }),
    violationPool: fc.option(fc.array(fc.constantFrom(0, 0, 0, 0.5, 1, 2), { minLength: 40, maxLength: 40 }), { nil: undefined }),
  }),
);

describe('dominates / constrainedDominates', () => {
  it('follow the definitions (all objectives maximised)', () => {
    expect(dominates([1, 2], [1, 1])).toBe(true);
    expect(dominates([1, 1], [1, 1])).toBe(false);
    expect(dominates([2, 0], [1, 1])).toBe(false);
    expect(dominates([1, 1], [2, 0])).toBe(false);
    expect(dominates([0, 0], [1, 1])).toBe(false);
    expect(dominates([-0, 1], [0, 0])).toBe(true);
    expect(dominates([Infinity, 0], [5, 0])).toBe(true);
    // Feasible beats infeasible whatever the objectives; smaller violation wins between infeasible.
    expect(constrainedDominates([0, 0], [9, 9], 0, 0.1)).toBe(true);
    expect(constrainedDominates([9, 9], [0, 0], 0.1, 0)).toBe(false);
    expect(constrainedDominates([0, 0], [9, 9], 1, 2)).toBe(true);
    expect(constrainedDominates([9, 9], [0, 0], 2, 2)).toBe(false);
    expect(constrainedDominates([2, 2], [1, 1], 0, 0)).toBe(true);
    expect(constrainedDominates([1, 1], [1, 1], 0, 0)).toBe(false);
    expect(() => dominates([1], [1, 2])).toThrow(PliantError);
  });

  it('property: agrees with the definition', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
        fc.constantFrom(0, 1, 2),
        fc.constantFrom(0, 1, 2),
        (a, b, va, vb) => {
          expect(dominates(a, b)).toBe(bruteDominates(a, b));
          expect(constrainedDominates(a, b, va, vb)).toBe(bruteDominates(a, b, va, vb));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('nonDominatedSort', () => {
  it('property: fronts equal a brute-force peeling and satisfy the front conditions', () => {
    fc.assert(
      fc.property(pointSets, ({ points, violationPool }) => {
        const violations = violationPool?.slice(0, points.length);
        const fronts = nonDominatedSort(points, violations);
        expect(fronts).toEqual(bruteFronts(points, violations));
        // The fronts partition the indices, none empty.
        expect(fronts.flat().sort((a, b) => a - b)).toEqual(points.map((_, i) => i));
        for (const front of fronts) expect(front.length).toBeGreaterThan(0);
        const v = (i: number): number => violations?.[i] ?? 0;
        const beats = (j: number, i: number): boolean => bruteDominates(points[j] as number[], points[i] as number[], v(j), v(i));
        fronts.forEach((front, k) => {
          for (const i of front) {
            if (k > 0) expect((fronts[k - 1] as number[]).some((j) => beats(j, i))).toBe(true);
            for (const later of fronts.slice(k)) expect(later.some((j) => beats(j, i))).toBe(false);
          }
        });
      }),
      { numRuns: 400 },
    );
  });

  it('hand-checked fronts, with and without violations', () => {
    const points = [
      [1, 1],
      [2, 0],
      [0, 2],
      [0, 0],
      [1, 1],
      [3, 3],
    ];
    expect(nonDominatedSort(points)).toEqual([[5], [0, 1, 2, 4], [3]]);
    // The best point is infeasible, so it goes last; infeasible ones order by violation.
    expect(nonDominatedSort(points, [0, 0, 0.5, 0, 0, 1])).toEqual([[0, 1, 4], [3], [2], [5]]);
    expect(nonDominatedSort([])).toEqual([]);
  });

  it('rejects ragged points and bad violations', () => {
    expect(() => nonDominatedSort([[1, 2], [1]])).toThrow(/nonDominatedSort: point 1 has 1 objectives/);
    expect(() => nonDominatedSort([[1, Number.NaN]])).toThrow(PliantError);
    expect(() => nonDominatedSort([[1], [2]], [0])).toThrow(/violations must be 2 numbers/);
    expect(() => nonDominatedSort([[1], [2]], [0, -1])).toThrow(PliantError);
  });
});

describe('crowdingDistance', () => {
  it('hand-checked: boundaries Infinity, interior gaps normalised by each range', () => {
    const points = [
      [0, 4],
      [1, 3],
      [2, 2],
      [4, 0],
    ];
    // Objective 0 (range 4): [1] gets (2−0)/4, [2] gets (4−1)/4; objective 1 (range 4): [1] gets (4−2)/4, [2] gets (3−0)/4.
    expect(crowdingDistance(points, [0, 1, 2, 3])).toEqual([Infinity, 1, 1.5, Infinity]);
    // In the order of the front given.
    expect(crowdingDistance(points, [3, 1, 0, 2])).toEqual([Infinity, 1, Infinity, 1.5]);
    // Only the front's own members count: the range of [0, 1, 2] is 2 in both objectives.
    expect(crowdingDistance(points, [0, 1, 2])).toEqual([Infinity, 2, Infinity]);
  });

  it('an objective equal across the front adds nothing; small fronts are all Infinity', () => {
    expect(
      crowdingDistance(
        [
          [0, 2, 5],
          [1, 1, 5],
          [2, 0, 5],
        ],
        [0, 1, 2],
      ),
    ).toEqual([Infinity, 2, Infinity]);
    expect(
      crowdingDistance(
        [
          [1, 1],
          [1, 1],
          [1, 1],
        ],
        [0, 1, 2],
      ),
    ).toEqual([0, 0, 0]);
    expect(
      crowdingDistance(
        [
          [1, 1],
          [1, 1],
        ],
        [0, 1],
      ),
    ).toEqual([Infinity, Infinity]);
    expect(crowdingDistance([[1, 1]], [0])).toEqual([Infinity]);
    expect(crowdingDistance([[1, 1]], [])).toEqual([]);
  });

  it('an objective with an infinite value only marks its boundaries', () => {
    const points = [
      [-Infinity, 3],
      [0, 2],
      [1, 1],
      [2, -1],
    ];
    expect(crowdingDistance(points, [0, 1, 2, 3])).toEqual([Infinity, 0.5, 0.75, Infinity]);
  });

  it('property: invariant under positive scaling and shifting of each objective', () => {
    fc.assert(
      fc.property(
        // Quarter steps keep values exact, so ties stay ties after the change of scale.
        fc.array(fc.tuple(fc.integer({ min: -40, max: 40 }), fc.integer({ min: -40, max: 40 })), { minLength: 3, maxLength: 12 }),
        fc.constantFrom(0.5, 2, 3, 10),
        fc.integer({ min: -50, max: 50 }),
        (raw, scale, shift) => {
          const points = raw.map(([a, b]) => [a / 4, b / 4]);
          const moved = points.map(([a, b]) => [(a as number) * scale + shift, (b as number) - shift]);
          const front = points.map((_, i) => i);
          const d = crowdingDistance(points, front);
          const e = crowdingDistance(moved, front);
          d.forEach((x, i) => {
            const y = e[i] as number;
            if (x === Infinity) expect(y).toBe(Infinity);
            else expect(Math.abs(x - y)).toBeLessThan(1e-6);
          });
          // Every distance is ≥ 0; when the points differ, some member is a boundary.
          expect(d.every((x) => x >= 0)).toBe(true);
          if (new Set(points.map((p) => p.join())).size > 1) expect(d).toContain(Infinity);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects a front that does not index the points', () => {
    expect(() => crowdingDistance([[1, 2]], [1])).toThrow(/crowdingDistance: front must be an array of indices/);
    expect(() => crowdingDistance([[1, 2]], [0.5])).toThrow(PliantError);
  });
});
