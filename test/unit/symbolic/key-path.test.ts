import { describe, expect, it } from 'vitest';
import { KeyPath, PliantError, formatKeyPath, get, has } from '../../../src/index.js';
import { experiment } from '../../support/model-types.js';

describe('KeyPath', () => {
  it('parses and formats names, indices and quoted keys', () => {
    expect(KeyPath.parse('model.layers[2].units').segments).toEqual(['model', 'layers', 2, 'units']);
    expect(KeyPath.parse('').segments).toEqual([]);
    expect(KeyPath.parse('[0][1]').segments).toEqual([0, 1]);
    expect(KeyPath.parse('a["x.y"]["b c"]').segments).toEqual(['a', 'x.y', 'b c']);
    expect(KeyPath.parse("a['it\\'s']").segments).toEqual(['a', "it's"]);
    expect(KeyPath.parse('a["q\\"uote"]').segments).toEqual(['a', 'q"uote']);
    expect(formatKeyPath(['model', 'layers', 2, 'units'])).toBe('model.layers[2].units');
    expect(formatKeyPath(['a', 'x.y', '0', 'conv-1', '$ok'])).toBe('a["x.y"]["0"]["conv-1"].$ok');
    expect(formatKeyPath([3, 'a'])).toBe('[3].a');
    expect(KeyPath.root.toString()).toBe('');
  });

  it('round-trips any segments through text', () => {
    const samples = [
      ['a', 'b'],
      [0, 'weird key', 'ünï', '"', "'", '\\', ''],
      ['x', 12, 'y.z', '[0]'],
    ];
    for (const segments of samples) {
      const text = formatKeyPath(segments);
      expect(KeyPath.parse(text).segments).toEqual(segments);
    }
  });

  it('reports syntax errors with the position', () => {
    for (const bad of ['a..b', 'a.', 'a[', 'a[x]', 'a[01]', 'a["x]', '.a', 'a b', 'a[-1]', '1a']) {
      expect(() => KeyPath.parse(bad), bad).toThrow(PliantError);
    }
    expect(() => KeyPath.parse('a..b')).toThrow(/position 2/);
  });

  it('navigates: child, parent, prefix, equality', () => {
    const p = KeyPath.parse('a.b');
    expect(p.child(0, 'c').toString()).toBe('a.b[0].c');
    expect(p.parent?.toString()).toBe('a');
    expect(KeyPath.root.parent).toBeUndefined();
    expect(p.key).toBe('b');
    expect(p.isPrefixOf('a.b[1]')).toBe(true);
    expect(p.isPrefixOf('a.c')).toBe(false);
    expect(p.equals(['a', 'b'])).toBe(true);
    expect(KeyPath.from(['a', 1]).toString()).toBe('a[1]');
    expect(() => KeyPath.from(['a', -1])).toThrow(PliantError);
    expect(JSON.stringify({ p })).toBe('{"p":"a.b"}');
  });
});

describe('get / has', () => {
  const tree = experiment();

  it('reads values by key path', () => {
    expect(get(tree, 'model.stem.kernel')).toBe(3);
    expect(get(tree, 'model.blocks[1]')).toBe('maxpool');
    expect(get(tree, '')).toBe(tree);
    expect(get(tree, ['model', 'blocks', 0])).toBe('conv3x3');
    expect(has(tree, 'model.stem.kernel')).toBe(true);
    expect(has(tree, 'model.stem.kernal')).toBe(false);
    expect(has(tree, 'model.blocks[2]')).toBe(false);
  });

  it('explains a path that does not exist', () => {
    expect(() => get(tree, 'model.stem.kernal')).toThrow(/at 'model.stem.kernal'.*test.Conv has no argument 'kernal'/);
    expect(() => get(tree, 'model.blocks[5]')).toThrow(/index 5 is out of range \(length 2\)/);
    expect(() => get(tree, 'batchSize.x')).toThrow(/64 has no children/);
    expect(() => get({ '0': 1 }, '[0]')).toThrow(/quote a numeric key/);
    expect(get({ '0': 1 }, '["0"]')).toBe(1);
  });
});
