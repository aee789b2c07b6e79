import { describe, expect, it } from 'vitest';
import { diff, rebind } from '../../../src/index.js';
import { Adam, Dense, Free, experiment } from '../../support/model-types.js';

describe('diff', () => {
  it('is empty for equal trees', () => {
    expect(diff(experiment(), experiment())).toEqual([]);
    expect(diff({ a: NaN }, { a: NaN })).toEqual([]);
  });

  it('names the differing leaves of nodes of the same type', () => {
    const a = experiment();
    const b = rebind(a, { 'model.stem.kernel': 5, 'optimizer.lr': 0.5 });
    expect(diff(a, b)).toEqual([
      { path: 'model.stem.kernel', left: 3, right: 5 },
      { path: 'optimizer.lr', left: 0.001, right: 0.5 },
    ]);
  });

  it('reports a node replaced by another type as a whole', () => {
    const a = experiment();
    const b = rebind(a, 'model.stem', Dense({ units: 4 }));
    const d = diff(a, b);
    expect(d).toHaveLength(1);
    expect(d[0]?.path).toBe('model.stem');
    expect(Dense.is(d[0]?.right)).toBe(true);
  });

  it('reports missing keys and elements with undefined', () => {
    expect(diff({ a: 1, b: 2 }, { a: 1, c: 3 })).toEqual([
      { path: 'b', left: 2, right: undefined },
      { path: 'c', left: undefined, right: 3 },
    ]);
    expect(diff([1], [1, 2])).toEqual([{ path: '[1]', left: undefined, right: 2 }]);
    expect(diff(0, -0)).toEqual([{ path: '', left: 0, right: -0 }]);
    expect(diff(Free({ x: 1 }), Adam({ lr: 1 }))).toHaveLength(1);
  });
});
