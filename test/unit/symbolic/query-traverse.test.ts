import { describe, expect, it } from 'vitest';
import { KeyPath, isNode, query, traverse } from '../../../src/index.js';
import type { TreeValue } from '../../../src/index.js';
import { Conv, experiment } from '../../support/model-types.js';

describe('query', () => {
  const tree = experiment();

  it('finds values by key-path pattern', () => {
    const acts = query(tree, { path: /\.act$/ });
    expect([...acts]).toEqual([['model.stem.act', 'relu']]);
    expect([...query(tree, { path: /^model\.blocks\[\d+\]$/ }).values()]).toEqual(['conv3x3', 'maxpool']);
  });

  it('finds values by predicate, root included, in depth-first order', () => {
    const nodes = query(tree, { where: (v) => isNode(v) });
    expect([...nodes.keys()]).toEqual(['', 'model', 'model.stem', 'optimizer']);
    const numbers = query(tree, { where: (v, p) => typeof v === 'number' && p.length > 1 });
    expect([...numbers.keys()]).toEqual(['model.stem.filters', 'model.stem.kernel', 'model.depth', 'model.dropout', 'optimizer.lr', 'optimizer.beta1']);
    expect(query(tree, { path: /units/, where: () => true }).size).toBe(0);
  });

  it('combines a global pattern safely (lastIndex is reset)', () => {
    expect(query(tree, { path: /act/g }).size).toBe(query(tree, { path: /act/ }).size);
  });
});

describe('traverse', () => {
  it('visits pre-order on enter and post-order on leave', () => {
    const order: string[] = [];
    traverse(
      { a: [1, 2], b: Conv({ filters: 1, kernel: 2 }) },
      {
        enter: (_v, p) => void order.push(`>${p.toString()}`),
        leave: (_v, p) => void order.push(`<${p.toString()}`),
      },
    );
    expect(order).toEqual([
      '>',
      '>a',
      '>a[0]',
      '<a[0]',
      '>a[1]',
      '<a[1]',
      '<a',
      '>b',
      '>b.filters',
      '<b.filters',
      '>b.kernel',
      '<b.kernel',
      '>b.act',
      '<b.act',
      '<b',
      '<',
    ]);
  });

  it('skips subtrees and stops', () => {
    const seen: string[] = [];
    const done = traverse(experiment(), {
      enter(v: TreeValue, p: KeyPath) {
        seen.push(p.toString());
        if (p.toString() === 'model') return 'skip';
        if (p.toString() === 'optimizer.lr') return 'stop';
        return undefined;
      },
    });
    expect(done).toBe(false);
    expect(seen).toEqual(['', 'model', 'optimizer', 'optimizer.lr']);
    expect(traverse(1, {})).toBe(true);
    expect(traverse([1, 2], { leave: () => 'stop' })).toBe(false);
  });
});
