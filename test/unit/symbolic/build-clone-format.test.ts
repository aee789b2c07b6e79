import { describe, expect, it } from 'vitest';
import type { BuildContext } from '../../../src/index.js';
import { PliantError, build, clone, eq, format, get, hash, symbolize } from '../../../src/index.js';
import { Conv, experiment } from '../../support/model-types.js';

describe('build', () => {
  it('runs functions bottom up and returns fresh mutable containers', () => {
    const built = build(experiment()) as { kind: string; model: { stem: { kind: string; filters: number }; blocks: string[] } };
    expect(built.kind).toBe('experiment');
    expect(built.model.stem).toEqual({ kind: 'conv', filters: 32, kernel: 3, act: 'relu' });
    built.model.blocks.push('x');
    expect(get(experiment(), 'model.blocks')).toEqual(['conv3x3', 'maxpool']);
    expect(build({ a: [1, { b: 2 }] })).toEqual({ a: [1, { b: 2 }] });
  });

  it('builds each occurrence of a shared subtree separately', () => {
    let made = 0;
    const Thing = symbolize('bcf.Thing', () => ({ id: ++made }));
    const t = Thing({});
    const built = build([t, t]) as { id: number }[];
    expect(built[0]).not.toBe(built[1]);
    expect(made).toBe(2);
  });

  it('names the key path of a node whose function throws', () => {
    const Boom = symbolize('bcf.Boom', (_a: { x: number }) => {
      throw new RangeError('no way');
    });
    let caught: unknown;
    try {
      build({ layers: [1, Boom({ x: 1 })] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PliantError);
    expect((caught as PliantError).path).toBe('layers[1]');
    expect((caught as PliantError).message).toContain('bcf.Boom threw: no way');
    expect((caught as PliantError).cause).toBeInstanceOf(RangeError);
  });
});

describe('build context', () => {
  it('gives each node the seed, its key path and a per-build scratch map', () => {
    const seen: [number, string][] = [];
    const Counted = symbolize('test.build.Counted', (a: { n: number }, context?: BuildContext) => {
      const c = context as BuildContext;
      const count = ((c.scratch.get('count') as number | undefined) ?? 0) + 1;
      c.scratch.set('count', count);
      seen.push([c.seed, c.path]);
      return a.n * 100 + count;
    });
    const tree = { a: Counted({ n: 1 }), b: [Counted({ n: 2 })] };
    expect(build(tree, { seed: 7 })).toEqual({ a: 101, b: [202] });
    expect(seen).toEqual([
      [7, 'a'],
      [7, 'b[0]'],
    ]);
    // A new build starts a new scratch map; the default seed is 0.
    expect(build(tree)).toEqual({ a: 101, b: [202] });
    expect(seen[2]).toEqual([0, 'a']);
    expect(() => build(tree, { seed: Number.NaN })).toThrow(/build: seed must be a finite number/);
  });
});

describe('clone', () => {
  it('copies deeply into equal trees with new nodes', () => {
    const t = experiment();
    const c = clone(t);
    expect(c).not.toBe(t);
    expect(c.args.model).not.toBe(t.args.model);
    expect(eq(c, t)).toBe(true);
    expect(hash(c)).toBe(hash(t));
  });

  it('applies overrides', () => {
    const c = clone(experiment(), { 'model.stem.kernel': 7 });
    expect(get(c, 'model.stem.kernel')).toBe(7);
    expect(() => clone(experiment(), { 'model.stem.kernel': 'x' })).toThrow(PliantError);
  });
});

describe('format', () => {
  it('prints in PyGlove style', () => {
    expect(format(Conv({ filters: 8, kernel: 3 }))).toBe("test.Conv(filters=8, kernel=3, act='relu')");
    expect(String(Conv({ filters: 8, kernel: 3 }))).toBe("test.Conv(filters=8, kernel=3, act='relu')");
    expect(format({ a: [1, -0, NaN], 'b c': "it's" })).toBe("{a: [1, -0, NaN], 'b c': 'it\\'s'}");
  });

  it('breaks long trees over lines with an indent', () => {
    const text = format(experiment(), { indent: 2, width: 60 });
    expect(text.split('\n')[0]).toBe('test.Experiment(');
    expect(text).toContain("\n    stem=test.Conv(filters=32, kernel=3, act='relu'),");
    expect(text.endsWith(')')).toBe(true);
  });
});
