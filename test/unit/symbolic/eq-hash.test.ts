import { describe, expect, it } from 'vitest';
import { clone, eq, hash, rebind } from '../../../src/index.js';
import type { TreeValue } from '../../../src/index.js';
import { Adam, Conv, Dense, Free, experiment } from '../../support/model-types.js';

describe('eq', () => {
  it('compares structurally, record keys in any order', () => {
    expect(eq(experiment(), experiment())).toBe(true);
    expect(eq(experiment(3), experiment(5))).toBe(false);
    expect(eq({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(eq({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(eq([1, 2], [2, 1])).toBe(false);
    expect(eq([1], { 0: 1 })).toBe(false);
    expect(eq(null, {})).toBe(false);
  });

  it('treats NaN as equal to NaN and -0 as different from 0', () => {
    expect(eq(NaN, NaN)).toBe(true);
    expect(eq(-0, 0)).toBe(false);
    expect(eq([NaN], [NaN])).toBe(true);
    expect(eq(Infinity, Infinity)).toBe(true);
  });

  it('equates nodes only of the same symbolic type', () => {
    const A = Free({ x: 1 });
    expect(eq(A, Free({ x: 1 }))).toBe(true);
    expect(eq(A, { x: 1 })).toBe(false);
    expect(eq({ x: 1 }, A)).toBe(false);
    expect(eq(Adam({ lr: 1 }), Dense({ units: 1 }))).toBe(false);
  });
});

describe('hash', () => {
  it('is a 128-bit hex digest, equal for equal trees', () => {
    const h = hash(experiment());
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(hash(experiment())).toBe(h);
    expect(hash(clone(experiment()))).toBe(h);
    expect(hash(experiment(5))).not.toBe(h);
  });

  it('is stable across processes and versions (pinned values)', () => {
    // If these change, stored hashes (journals, caches) stop matching: change them only on purpose.
    expect(hash(Conv({ filters: 32, kernel: 3 }))).toBe('a57dd55c4e27de5ceb15b4010259a161');
    expect(hash({ b: [1, 2.5, 'x', true, null], a: -0 })).toBe('403d9edc5e090fdd49d7638046d62fff');
  });

  it('does not depend on record key order or object identity', () => {
    expect(hash({ a: 1, b: { c: 2, d: 3 } })).toBe(hash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(hash(Free({ p: 1, q: 2 }))).toBe(hash(Free({ q: 2, p: 1 })));
  });

  it('distinguishes values that print alike', () => {
    const distinct: TreeValue[] = [
      0,
      -0,
      NaN,
      1,
      '1',
      true,
      'true',
      null,
      'null',
      [],
      {},
      [[]],
      [{}],
      { '': null },
      [1, 2],
      [[1], 2],
      [1, [2]],
      'ab',
      ['a', 'b'],
      Free({}),
      Free({ a: 1 }),
      'ÿ',
      '\u0100',
      '\u6261',
      'abcd',
      'abcde',
      'abcd\u0100',
      '\ud83d\ude00',
      '\u0000',
      '\u0000\u0000',
      '',
    ];
    const hashes = distinct.map((v) => hash(v));
    expect(new Set(hashes).size).toBe(distinct.length);
    expect(hash(Number.NaN)).toBe(hash(0 / 0));
  });

  it('separates string boundaries and types', () => {
    expect(hash(['ab', 'c'])).not.toBe(hash(['a', 'bc']));
    expect(hash({ ab: 'c' })).not.toBe(hash({ a: 'bc' }));
    expect(hash(Conv({ filters: 1, kernel: 1 }))).not.toBe(hash(Free({ filters: 1, kernel: 1, act: 'relu' })));
  });

  it('is memoised per node, so a rebind rehashes only the changed path', () => {
    const t = experiment();
    const h = hash(t);
    const u = rebind(t, 'batchSize', 32);
    expect(hash(u)).not.toBe(h);
    expect(hash(t)).toBe(h);
  });

  it('hashes a draft in a rebind recipe by what it holds at that moment, not by its original', () => {
    const t = experiment();
    const before = hash(t);
    const seen: string[] = [];
    const u = rebind(t, (d) => {
      seen.push(hash(d as unknown as TreeValue));
      (d.args as { batchSize: number }).batchSize = 32;
      seen.push(hash(d as unknown as TreeValue));
    });
    expect(seen[0]).toBe(before);
    expect(seen[1]).toBe(hash(u));
    expect(seen[1]).not.toBe(before);
    expect(hash(t)).toBe(before);
  });

  it('keeps a node frozen with no visible memo, and equal nodes hashed or not compare equal', () => {
    const a = experiment(5);
    const b = experiment(5);
    const c = experiment(3);
    hash(a);
    hash(c);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Reflect.ownKeys(a)).toEqual(['type', 'args']);
    expect(eq(a, b)).toBe(true);
    expect(eq(b, a)).toBe(true);
    hash(b);
    expect(eq(a, b)).toBe(true);
    expect(eq(a, c)).toBe(false);
  });
});
