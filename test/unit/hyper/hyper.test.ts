import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  PliantError,
  build,
  dnaSpec,
  eq,
  floatv,
  fromJSON,
  hyperKind,
  intv,
  isHyper,
  manyOf,
  oneOf,
  permutate,
  symbolize,
  toJSON,
} from '../../../src/index.js';
import { errorOf } from '../../support/error-of.js';
import { Adam, Conv, Dense, Net } from '../../support/model-types.js';

describe('hyper values', () => {
  it('are symbolic nodes of their own kinds', () => {
    expect(hyperKind(oneOf([1, 2]))).toBe('oneOf');
    expect(hyperKind(manyOf(2, ['a', 'b', 'c']))).toBe('manyOf');
    expect(hyperKind(permutate([1, 2]))).toBe('permutate');
    expect(hyperKind(floatv(0, 1))).toBe('floatv');
    expect(hyperKind(intv(1, 3))).toBe('intv');
    expect(isHyper(Conv({ filters: 1, kernel: 1 }))).toBe(false);
    expect(isHyper(3)).toBe(false);
  });

  it('are accepted where the schema accepts every candidate or the whole range', () => {
    const c = Conv({ filters: oneOf([16, 32]), kernel: intv(1, 7), act: oneOf(['relu', 'gelu']) });
    expect(isHyper(c.args.filters)).toBe(true);
    const n = Net({
      stem: oneOf([Conv({ filters: 8, kernel: 3 }), Dense({ units: oneOf([64, 128]) })]),
      blocks: manyOf(2, ['a', 'b', 'c']),
      depth: intv(1, 4),
      dropout: floatv(0, 0.5),
    });
    expect(dnaSpec(n).decisionIds).toEqual(['stem', 'stem[=1/2].units', 'blocks', 'depth', 'dropout']);
    const nested = Net({ stem: Dense({ units: 1 }), blocks: ['x', oneOf(['y', oneOf(['z', 'w'])])], depth: 1 });
    expect(dnaSpec(nested).spaceSize).toBe(3);
  });

  it('name the key path and the candidate the schema refuses', () => {
    const e = errorOf(() => Conv({ filters: oneOf([16, -1]), kernel: 3 }));
    expect(e.path).toBe('filters');
    expect(e.message).toMatch(/oneOf candidate 1 \(-1\) is not accepted here/);
    expect(errorOf(() => Net({ stem: oneOf([Dense({ units: 1 }), Adam({ lr: 1 })]), blocks: [], depth: 1 })).path).toBe('stem');
    expect(errorOf(() => Net({ stem: Dense({ units: 1 }), blocks: [], depth: floatv(1, 4) })).message).toMatch(/floatv candidate 2 .* not accepted/);
    expect(errorOf(() => Net({ stem: Dense({ units: 1 }), blocks: [], depth: intv(0, 4) })).path).toBe('depth');
    expect(errorOf(() => Net({ stem: Dense({ units: 1 }), blocks: manyOf(2, ['a', 3]), depth: 1 })).path).toBe('blocks');
    expect(errorOf(() => Conv({ filters: manyOf(1, [1, 2]), kernel: 1 })).message).toMatch(/does not take a list/);
    expect(errorOf(() => Net({ stem: Dense({ units: 1 }), blocks: [], depth: 1, dropout: floatv(0, 2) })).path).toBe('dropout');
  });

  it('reject bad construction', () => {
    expect(errorOf(() => oneOf([])).message).toMatch(/at least one candidate/);
    expect(errorOf(() => manyOf(4, [1, 2, 3])).message).toMatch(/cannot pick 4 distinct/);
    expect(manyOf(4, [1, 2, 3], { distinct: false })).toBeDefined();
    expect(errorOf(() => manyOf(0, [1])).code).toBe('argument');
    expect(errorOf(() => floatv(2, 1)).message).toMatch(/greater than max/);
    expect(errorOf(() => floatv(0, 1, { scale: 'log' })).message).toMatch(/log scale needs min > 0/);
    expect(errorOf(() => floatv(-1, 1, { scale: 'rlog' })).code).toBe('argument');
    expect(errorOf(() => floatv(0, Infinity)).message).toMatch(/finite/);
    expect(errorOf(() => intv(1.5, 3)).message).toMatch(/integers/);
    expect(errorOf(() => intv(3, 1)).message).toMatch(/greater than max/);
    expect(errorOf(() => fromJSON({ $type: 'pliant.oneOf', candidates: [] })).code).toBe('schema');
    expect(errorOf(() => fromJSON({ $type: 'pliant.manyOf', k: 3, candidates: [1], distinct: true })).code).toBe('schema');
    expect(errorOf(() => fromJSON({ $type: 'pliant.floatv', min: 0, max: 1, scale: 'log' })).message).toMatch(/log scale/);
  });

  it('reject two decisions with the same name when the space is analysed', () => {
    const space = { a: oneOf([1, 2], { name: 'x' }), b: floatv(0, 1, { name: 'x' }) };
    const e = errorOf(() => dnaSpec(space));
    expect(e.message).toMatch(/two decisions are named 'x': 'a' and 'b'/);
    // the same hyper value reached through the picks of a manyOf is one decision
    expect(dnaSpec({ m: manyOf(2, [{ k: oneOf([3, 5], { name: 'k' }) }, 'skip', 'pool']) }).named.get('k')).toHaveLength(2);
  });

  it('round-trip through JSON and cannot be built', () => {
    const space = Net({
      stem: oneOf([Conv({ filters: intv(8, 64), kernel: 3 }), Dense({ units: 1 })]),
      blocks: manyOf(2, ['a', 'b', 'c'], { sorted: true }),
      depth: 1,
      dropout: floatv(0.01, 0.5, { scale: 'log', name: 'drop' }),
    });
    expect(eq(fromJSON(toJSON(space)), space)).toBe(true);
    expect(() => build(space)).toThrow(PliantError);
    expect(() => build(space)).toThrow(/materialize the search space/);
  });

  it('type-check as the values they stand for', () => {
    const Layer = symbolize('hyper.Layer', (a: { units: number; acts: string[] }) => a, { schema: z.object({ units: z.number(), acts: z.array(z.string()) }) });
    const node = Layer({ units: oneOf([1, 2]), acts: manyOf(1, ['relu']) });
    expect(isHyper(node.args.units)).toBe(true);
  });
});

describe('hyper values in a separate registry', () => {
  it('are found by fromJSON with any registry', async () => {
    const { Registry } = await import('../../../src/index.js');
    const registry = new Registry();
    const Own = symbolize('hyper.Own', (a: { x: number }) => a, { registry });
    const space = Own({ x: oneOf([1, 2]) });
    expect(eq(fromJSON(toJSON(space), { registry }), space)).toBe(true);
  });
});
