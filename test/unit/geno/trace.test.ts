import { describe, expect, it } from 'vitest';
import { DNA, PliantError, iterateDNA, randomDNA, seededRng, trace } from '../../../src/index.js';

describe('trace (define-by-run)', () => {
  const traced = trace((h) => {
    const opt = h.oneOf([() => ({ kind: 'sgd', momentum: h.floatv(0, 0.99, { name: 'momentum' }) }), () => ({ kind: 'adam' })], { name: 'opt' });
    const layers = h.manyOf(2, [() => `dense${h.intv(1, 4, { name: 'width' })}`, 'conv', 'pool']);
    return { opt, lr: h.floatv(1e-4, 1e-1, { scale: 'log', name: 'lr' }), layers };
  });

  it('collects the decisions into a spec, conditional ones under their candidate', () => {
    expect(traced.spec.decisionIds).toEqual(['opt', 'opt[=0/2].momentum', '_1', '_1[0][=0/3].width', '_1[1][=0/3].width', 'lr']);
    expect(traced.spec.spaceSize).toBe(-1);
    expect(traced.spec.firstDNA().toString()).toBe('DNA([(0, 0.0), [(0, 1), 1], 0.0001])');
  });

  it('re-runs the function with a DNA or a decision record', () => {
    expect(traced.run(DNA.parse('DNA([(0, 0.5), [2, (0, 3)], 0.01])'))).toEqual({ opt: { kind: 'sgd', momentum: 0.5 }, lr: 0.01, layers: ['pool', 'dense3'] });
    expect(traced.run(DNA.parse('DNA([1, [1, 2], 0.001])'))).toEqual({ opt: { kind: 'adam' }, lr: 0.001, layers: ['conv', 'pool'] });
    expect(traced.run({ opt: 1, _1: [1, 2], lr: 0.001 })).toEqual({ opt: { kind: 'adam' }, lr: 0.001, layers: ['conv', 'pool'] });
    const rng = seededRng(5);
    for (let i = 0; i < 20; i++) {
      const out = traced.run(randomDNA(traced.spec, rng));
      expect(out.lr).toBeGreaterThanOrEqual(1e-4);
      expect(out.layers).toHaveLength(2);
    }
  });

  it('enumerates a finite traced space', () => {
    const small = trace((h) => [h.oneOf(['a', () => h.oneOf(['b', 'c'])]), h.intv(0, 1)]);
    expect(small.spec.spaceSize).toBe(6);
    expect([...iterateDNA(small.spec)].map((d) => small.run(d))).toEqual([
      ['a', 0],
      ['a', 1],
      ['b', 0],
      ['b', 1],
      ['c', 0],
      ['c', 1],
    ]);
  });

  it('rejects a function that decides differently from its trace, and invalid DNAs', () => {
    let calls = 0;
    const flaky = trace((h) => (calls++ === 0 ? h.intv(0, 3) : h.floatv(0, 1)));
    expect(() => flaky.run(DNA.of(1))).toThrow(/asked for a floatv where the traced space has the intv/);
    let extra = 0;
    const growing = trace((h) => Array.from({ length: ++extra }, () => h.intv(0, 1)));
    expect(() => growing.run(DNA.of(0))).toThrow(PliantError);
    expect(() => traced.run(DNA.parse('DNA([(0, 5.0), [2, (0, 3)], 0.01])'))).toThrow(/out of range/);
    expect(() => trace((h) => [h.intv(0, 1, { name: 'x' }), h.intv(0, 1, { name: 'x' })])).toThrow(/keyed 'x'/);
  });
});

describe('trace: ordered choices and log integers', () => {
  it('h.oneOf(..., { ordered: true }) and h.intv(..., { scale: "log" }) reach the DNA spec', () => {
    const space = trace((h) => ({ width: h.oneOf([16, 32, 64], { ordered: true }), batch: h.intv(8, 512, { scale: 'log' }), act: h.oneOf(['a', 'b']) }));
    const [width, batch, act] = space.spec.root.elements;
    expect(width?.kind === 'choice' && width.ordered).toBe(true);
    expect(batch?.kind === 'int' && batch.scale).toBe('log');
    expect(act?.kind === 'choice' && act.ordered).toBe(false);
  });
});
