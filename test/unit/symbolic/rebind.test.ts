import { describe, expect, it } from 'vitest';
import { KeyPath, PliantError, eq, get, hash, isNode, rebind, toJSON } from '../../../src/index.js';
import type { SymbolicNode } from '../../../src/index.js';
import { Adam, Conv, Dense, Free, Net, experiment } from '../../support/model-types.js';

/** A draft node seen with mutable arguments of type A. */
const draft = <A>(value: unknown): { args: A } => value as { args: A };

describe('rebind', () => {
  it('returns a new tree, shares unchanged subtrees and never changes the original', () => {
    const tree = experiment();
    const before = JSON.stringify(toJSON(tree));
    const next = rebind(tree, 'model.stem.kernel', 5);
    expect(get(next, 'model.stem.kernel')).toBe(5);
    expect(get(tree, 'model.stem.kernel')).toBe(3);
    expect(JSON.stringify(toJSON(tree))).toBe(before);
    expect(next).not.toBe(tree);
    expect(next.args.optimizer).toBe(tree.args.optimizer);
    expect(get(next, 'model.blocks')).toBe(get(tree, 'model.blocks'));
    expect(hash(next)).not.toBe(hash(tree));
    expect(hash(rebind(next, 'model.stem.kernel', 3))).toBe(hash(tree));
  });

  it('takes a record of paths, a Map, or a path and a value', () => {
    const tree = experiment();
    const a = rebind(tree, { 'model.stem.kernel': 5, 'optimizer.lr': 0.01, batchSize: 32 });
    expect([get(a, 'model.stem.kernel'), get(a, 'optimizer.lr'), get(a, 'batchSize')]).toEqual([5, 0.01, 32]);
    const b = rebind(
      tree,
      new Map<string | KeyPath, unknown>([
        [KeyPath.parse('model.depth'), 4],
        ['model.blocks[0]', 'x'],
      ]),
    );
    expect([get(b, 'model.depth'), get(b, 'model.blocks[0]')]).toEqual([4, 'x']);
    const c = rebind(tree, ['model', 'stem', 'filters'], 16);
    expect(get(c, 'model.stem.filters')).toBe(16);
    expect(rebind(tree, 'model.stem', Dense({ units: 8 })).args.model).toSatisfy((m: SymbolicNode) => Dense.is(m.args.stem));
    expect(rebind(tree, '', 5)).toBe(5);
  });

  it('takes an immer recipe', () => {
    const tree = experiment();
    const next = rebind(tree, (d) => {
      const model = draft<{ depth: number; blocks: string[] }>(d.args.model);
      model.args.depth = 3;
      model.args.blocks.push('avgpool');
    });
    expect(get(next, 'model.depth')).toBe(3);
    expect(get(next, 'model.blocks')).toEqual(['conv3x3', 'maxpool', 'avgpool']);
    expect(get(tree, 'model.blocks')).toEqual(['conv3x3', 'maxpool']);
    expect(next.args.optimizer).toBe(tree.args.optimizer);
    expect(Object.isFrozen(get(next, 'model.blocks') as object)).toBe(true);
    expect(isNode(next.args.model)).toBe(true);
    expect(eq(next, rebind(tree, { 'model.depth': 3, 'model.blocks': ['conv3x3', 'maxpool', 'avgpool'] }))).toBe(true);
    // a recipe may also return a replacement and place new nodes
    expect(rebind(tree, () => Adam({ lr: 0.5 }))).toSatisfy((t: SymbolicNode) => Adam.is(t));
    const swapped = rebind(tree, (d) => {
      draft<{ stem: SymbolicNode }>(d.args.model).args.stem = Dense({ units: 4 });
    });
    expect(Dense.is(get(swapped, 'model.stem'))).toBe(true);
    // a no-op recipe gives the same tree
    expect(rebind(tree, () => undefined)).toBe(tree);
  });

  it('validates rebound values against the schema', () => {
    const tree = experiment();
    expect(() => rebind(tree, 'model.stem.kernel', '5')).toThrow(PliantError);
    expect(() => rebind(tree, 'model.stem.kernel', '5')).toThrow(/rebind: at 'model.stem.kernel': test.Conv expects number, found "5"/);
    expect(() => rebind(tree, 'model.stem', Adam({ lr: 1 }))).toThrow(/at 'model.stem'/);
    expect(() =>
      rebind(tree, (d) => {
        draft<{ depth: number }>(d.args.model).args.depth = 0;
      }),
    ).toThrow(/at 'model.depth'/);
    expect(() => rebind(tree, 'model.blocks[0]', new Map())).toThrow(/at 'model.blocks\[0\]': a Map instance/);
    expect(() =>
      rebind(tree, (d) => {
        draft<{ blocks: unknown[] }>(d.args.model).args.blocks.push(() => 1);
      }),
    ).toThrow(/at 'model.blocks\[2\]'.*function/);
  });

  it('rejects a path that does not exist', () => {
    const tree = experiment();
    expect(() => rebind(tree, 'model.stem.kernal', 5)).toThrow(/at 'model.stem.kernal': the key path does not exist/);
    expect(() => rebind(tree, 'model.blocks[7]', 'x')).toThrow(/index 7 is out of range/);
    expect(() => rebind(tree, 'nope.deeper', 1)).toThrow(/at 'nope'/);
    expect(() => rebind({ a: 1 }, 'b', 2)).toThrow(/the record has no key 'b'/);
    expect(() => rebind(tree, { 'model.depth': 2, 'model.depth.x': 1 })).toThrow(/overlaps/);
    expect(() => rebind(tree, 5 as unknown as Record<string, unknown>)).toThrow(/expected/);
  });

  it('sets a declared optional argument, and removes arguments and record keys with undefined', () => {
    const net = Net({ stem: Dense({ units: 1 }), blocks: [], depth: 1 });
    expect('extras' in net.args).toBe(false);
    const withExtras = rebind(net, 'extras', { a: 1 });
    expect(withExtras.args.extras).toEqual({ a: 1 });
    expect('extras' in rebind(withExtras, 'extras', undefined).args).toBe(false);
    // removing an argument with a default restores the default
    expect(rebind(rebind(net, 'dropout', 0.5), 'dropout', undefined).args.dropout).toBe(0);
    expect(() => rebind(net, 'depth', undefined)).toThrow(/at 'depth'/);
    expect(rebind({ a: 1, b: 2 }, 'b', undefined)).toEqual({ a: 1 });
    expect(() => rebind([1, 2], '[0]', undefined)).toThrow(/cannot be removed/);
  });

  it('works on plain arrays and records and on free-form nodes', () => {
    const t = Object.freeze({ list: Object.freeze([1, 2, 3]), rec: Object.freeze({ x: 'a' }) });
    const r = rebind(t, { 'list[1]': 20, 'rec.x': 'b' });
    expect(r).toEqual({ list: [1, 20, 3], rec: { x: 'b' } });
    expect(t).toEqual({ list: [1, 2, 3], rec: { x: 'a' } });
    const f = Free({ anything: [1, { deep: true }] });
    expect(get(rebind(f, 'anything[1].deep', false), 'anything[1].deep')).toBe(false);
    expect(get(rebind(Conv({ filters: 1, kernel: 1 }), 'filters', 2), 'filters')).toBe(2);
  });
});

describe('rebind of signed zeros', () => {
  it('distinguishes -0 from 0 (found by the properties)', () => {
    const t = Free({ a: { a: -0 } });
    expect(Object.is(get(rebind(t, 'a.a', 0), 'a.a'), 0)).toBe(true);
    expect(Object.is(get(rebind(t, { 'a.a': 0 }), 'a.a'), 0)).toBe(true);
  });
});
