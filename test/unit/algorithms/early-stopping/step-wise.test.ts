import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PliantError } from '../../../../src/base/errors.js';
import type { LearningCurve } from '../../../../src/algorithms/early-stopping/early-stopping.js';
import { stopByRank, stopByValue } from '../../../../src/algorithms/early-stopping/step-wise.js';
import type { RankGate, ValueGate } from '../../../../src/algorithms/early-stopping/step-wise.js';
import { curve, shuffled, studyArb } from './support.js';

const askValue = (gates: ValueGate[], points: [number, number][]): boolean => {
  const trial = curve(0, 'running', points);
  return stopByValue(gates).shouldStop(trial, [trial]);
};

// Other trials' values at the gate (step 2): 10, 8, 6, 4, 2.
const history: LearningCurve[] = [10, 8, 6, 4, 2].map((v, i) =>
  curve(i + 1, i % 2 === 0 ? 'completed' : 'pruned', [
    [1, 0],
    [2, v],
    [3, 0],
  ]),
);
const askRank = (gates: RankGate[], points: [number, number][], others: LearningCurve[] = history): boolean => {
  const trial = curve(0, 'running', points);
  return stopByRank(gates).shouldStop(trial, [trial, ...others]);
};

describe('stopByValue', () => {
  it('stops on the report that first reaches a gate when its reward is below the threshold', () => {
    const gates: ValueGate[] = [
      [2, 0.5],
      [4, 0.8],
    ];
    expect(askValue(gates, [[1, 0]])).toBe(false); // no gate yet
    expect(
      askValue(gates, [
        [1, 0],
        [2, 0.4],
      ]),
    ).toBe(true);
    expect(
      askValue(gates, [
        [1, 0],
        [2, 0.5],
      ]),
    ).toBe(false);
    expect(
      askValue(gates, [
        [1, 0],
        [2, 0.5],
        [3, 0],
      ]),
    ).toBe(false); // gate 2 is behind
    expect(
      askValue(gates, [
        [1, 0],
        [2, 0.5],
        [3, 0],
        [4, 0.79],
      ]),
    ).toBe(true);
    expect(
      askValue(gates, [
        [1, 0],
        [5, 0.7],
      ]),
    ).toBe(true); // crosses both gates: 0.7 < 0.8
    expect(
      askValue(gates, [
        [1, 0],
        [5, 0.9],
      ]),
    ).toBe(false);
    expect(askValue(gates, [[3, 0.4]])).toBe(true); // a first report past the gate
    expect(
      askValue(gates, [
        [1, 0],
        [2, Number.NaN],
      ]),
    ).toBe(true); // NaN is the worst
    expect(stopByValue(gates).name).toBe('stopByValue');
  });

  it('minimised objectives arrive negated: negate the thresholds', () => {
    const gates: ValueGate[] = [[1, -0.3]]; // loss must be ≤ 0.3 at step 1
    expect(askValue(gates, [[1, -0.4]])).toBe(true);
    expect(askValue(gates, [[1, -0.2]])).toBe(false);
  });

  it('rejects bad gates naming the gate', () => {
    expect(() => stopByValue([])).toThrow(/^stopByValue: expects a non-empty array of gates \[step, threshold\]/);
    expect(() => stopByValue('x' as never)).toThrow(PliantError);
    expect(() => stopByValue([[1, 0.5], [2] as never])).toThrow(/^stopByValue: gate 1 \[2\]: expects \[step, threshold\]/);
    expect(() => stopByValue([[Number.NaN, 0.5]])).toThrow(/^stopByValue: gate 0 \[NaN, 0.5\]: step must be a finite number/);
    expect(() => stopByValue([[1, Number.NaN]])).toThrow(/gate 0 \[1, NaN\]: threshold must be a number/);
    expect(() => stopByValue([[1, '0.5' as never]])).toThrow(/threshold must be a number/);
  });
});

describe('stopByRank', () => {
  it('an absolute rank: stops below the rank-th best of the other trials at the gate', () => {
    expect(
      askRank(
        [[2, 3, 1]],
        [
          [1, 0],
          [2, 5.9],
        ],
      ),
    ).toBe(true); // third best is 6
    expect(
      askRank(
        [[2, 3, 1]],
        [
          [1, 0],
          [2, 6],
        ],
      ),
    ).toBe(false);
    expect(
      askRank(
        [[2, 1, 1]],
        [
          [1, 0],
          [2, 9.9],
        ],
      ),
    ).toBe(true); // rank 1: the best
    expect(
      askRank(
        [[2, 1, 1]],
        [
          [1, 0],
          [2, 10],
        ],
      ),
    ).toBe(false);
    expect(
      askRank(
        [[2, 5, 1]],
        [
          [1, 0],
          [2, 1.9],
        ],
      ),
    ).toBe(true);
    expect(
      askRank(
        [[2, 6, 1]],
        [
          [1, 0],
          [2, -100],
        ],
      ),
    ).toBe(false); // rank past the history: no stop
    expect(stopByRank([[2, 1, 1]]).name).toBe('stopByRank');
  });

  it('a fractional rank: k = floor((n − 1) · rank) into the history sorted best first', () => {
    expect(
      askRank(
        [[2, 0.5, 1]],
        [
          [1, 0],
          [2, 5.9],
        ],
      ),
    ).toBe(true); // k = 2: 6
    expect(
      askRank(
        [[2, 0.5, 1]],
        [
          [1, 0],
          [2, 6],
        ],
      ),
    ).toBe(false);
    expect(
      askRank(
        [[2, 0.7, 1]],
        [
          [1, 0],
          [2, 5.9],
        ],
      ),
    ).toBe(true); // k = floor(2.8) = 2
    expect(
      askRank(
        [[2, 0.8, 1]],
        [
          [1, 0],
          [2, 3.9],
        ],
      ),
    ).toBe(true); // k = 3: 4
    expect(
      askRank(
        [[2, 0.8, 1]],
        [
          [1, 0],
          [2, 4],
        ],
      ),
    ).toBe(false);
    expect(
      askRank(
        [[2, 0, 1]],
        [
          [1, 0],
          [2, 9.9],
        ],
      ),
    ).toBe(true); // k = 0: the best
  });

  it('needs minHistory other trials at the gate, and decides only on the report that first reaches it', () => {
    expect(
      askRank(
        [[2, 1, 5]],
        [
          [1, 0],
          [2, 0],
        ],
      ),
    ).toBe(true);
    expect(
      askRank(
        [[2, 1, 6]],
        [
          [1, 0],
          [2, 0],
        ],
      ),
    ).toBe(false);
    expect(
      askRank(
        [[2, 1, 0]],
        [
          [1, 0],
          [2, 0],
        ],
        [],
      ),
    ).toBe(false); // empty history
    expect(askRank([[2, 1, 1]], [[1, 0]])).toBe(false);
    expect(
      askRank(
        [[2, 1, 1]],
        [
          [1, 0],
          [2, 0],
          [3, 0],
        ],
      ),
    ).toBe(false); // gate already passed
    expect(
      askRank(
        [[2, 1, 1]],
        [
          [1, 0],
          [3, 0],
        ],
      ),
    ).toBe(true); // first report past the gate
  });

  it('the history is the other trials’ first reports at or past the gate; the trial itself and trials short of it do not count', () => {
    const others = [
      curve(1, 'completed', [
        [1, 100],
        [3, 1],
      ]),
      curve(2, 'running', [[1, 100]]),
    ];
    expect(
      askRank(
        [[2, 1, 1]],
        [
          [1, 0],
          [2, 1],
        ],
        others,
      ),
    ).toBe(false); // history [1]
    expect(
      askRank(
        [[2, 1, 1]],
        [
          [1, 0],
          [2, 0.5],
        ],
        others,
      ),
    ).toBe(true);
    expect(
      askRank(
        [[2, 1, 2]],
        [
          [1, 0],
          [2, 0.5],
        ],
        others,
      ),
    ).toBe(false); // only one other reached step 2
    // The asking trial, in the study with a high value, is not its own history.
    const trial = curve(7, 'running', [
      [1, 0],
      [2, 5],
    ]);
    expect(stopByRank([[2, 1, 1]]).shouldStop(trial, [trial])).toBe(false);
  });

  it('is pure: the same answer twice, in any order of the study, from a fresh policy', () => {
    const gates: RankGate[] = [
      [2, 1, 1],
      [4, 0.5, 2],
      [7, 3, 3],
    ];
    const values: ValueGate[] = [
      [2, 2],
      [5, 4],
    ];
    fc.assert(
      fc.property(studyArb(8), ({ trial, study, seed }) => {
        for (const make of [() => stopByRank(gates), () => stopByValue(values)]) {
          const policy = make();
          const first = policy.shouldStop(trial, study);
          expect(policy.shouldStop(trial, study)).toBe(first);
          expect(policy.shouldStop(trial, shuffled(study, seed))).toBe(first);
          expect(
            make().shouldStop(
              { ...trial },
              study.map((c) => ({ ...c })),
            ),
          ).toBe(first);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects bad gates naming the gate', () => {
    expect(() => stopByRank([])).toThrow(/^stopByRank: expects a non-empty array of gates \[step, rank, minHistory\]/);
    expect(() => stopByRank([[1, 1] as never])).toThrow(/^stopByRank: gate 0 \[1, 1\]: expects \[step, rank, minHistory\]/);
    expect(() =>
      stopByRank([
        [1, 1, 1],
        [2, 1.5, 1],
      ]),
    ).toThrow(/^stopByRank: gate 1 \[2, 1.5, 1\]: a rank ≥ 1 is an absolute rank and must be an integer/);
    expect(() => stopByRank([[1, -0.1, 1]])).toThrow(/gate 0 \[1, -0.1, 1\]: rank must be a fraction in \[0, 1\] or an integer ≥ 1/);
    expect(() => stopByRank([[1, 2, -1]])).toThrow(/minHistory must be an integer ≥ 0/);
    expect(() => stopByRank([[1, 2, 0.5]])).toThrow(/minHistory/);
    expect(() => stopByRank([[Number.POSITIVE_INFINITY, 2, 1]])).toThrow(/step must be a finite number/);
  });
});
