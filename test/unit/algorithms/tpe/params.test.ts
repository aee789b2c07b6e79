import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineDecision, dnaSpec, evolvable, floatv, intv, manyOf, materialize, oneOf, permutate, randomDNA, seededRng } from '../../../../src/index.js';
import type { DNA, TreeValue } from '../../../../src/index.js';
import { ParamSpace, cellOf, looksOrdered, pooledKey } from '../../../../src/algorithms/tpe/params.js';
import type { Param } from '../../../../src/algorithms/tpe/params.js';
import { spaceArbitrary } from '../../../support/space-arbitrary.js';

const program = defineDecision<string>({
  name: 'test.tpe.params.Program',
  first: () => 'x',
  random: (rng) => (rng() < 0.5 ? 'x' : 'x*x'),
  decode: (g) => g,
  encode: (v) => String(v),
});

const cell = (): TreeValue => ({ op: oneOf(['conv', 'pool', 'id']), w: floatv(0, 1) });

function paramOf(space: ParamSpace, key: string): number {
  const i = space.params.findIndex((p) => p.key === key);
  expect(i, `no parameter ${key} in ${space.params.map((p) => p.key).join(', ')}`).toBeGreaterThanOrEqual(0);
  return i;
}

function kinds(space: ParamSpace): Record<string, Param['kind']> {
  return Object.fromEntries(space.params.map((p) => [p.key, p.kind]));
}

describe('pooledKey', () => {
  it('drops every candidate index, keeping the candidate count', () => {
    expect(pooledKey('cells[=1/3][0].op')).toBe('cells[=*/3][0].op');
    expect(pooledKey('a[=0/2].b[=4/5].c')).toBe('a[=*/2].b[=*/5].c');
    expect(pooledKey('m[1][=0/3].x')).toBe('m[1][=*/3].x');
    expect(pooledKey('lr')).toBe('lr');
  });
});

describe('ParamSpace', () => {
  it('pools the decisions at the same place under sibling candidates into one parameter', () => {
    const spec = dnaSpec({ n: oneOf([[cell()], [cell(), cell()]]) });
    const space = new ParamSpace(spec, true);
    expect(space.params.map((p) => p.key)).toEqual(['n|c2', 'n[=*/2][0].op|c3', 'n[=*/2][0].w|f0,1,linear', 'n[=*/2][1].op|c3', 'n[=*/2][1].w|f0,1,linear']);
    const op0 = paramOf(space, 'n[=*/2][0].op|c3');
    const one = spec.fromRecord({ n: 0, 'n[=0/2][0].op': 2, 'n[=0/2][0].w': 0.25 });
    const two = spec.fromRecord({ n: 1, 'n[=1/2][0].op': 1, 'n[=1/2][0].w': 0.5, 'n[=1/2][1].op': 0, 'n[=1/2][1].w': 0.75 });
    const a = space.observe(one, 'test');
    const b = space.observe(two, 'test');
    expect([...a.params]).toEqual([0, op0, op0 + 1]);
    expect([...a.values]).toEqual([0, 2, 0.25]);
    expect([...b.params]).toEqual([0, op0, op0 + 1, op0 + 2, op0 + 3]);
    expect([...b.values]).toEqual([1, 1, 0.5, 0, 0.75]);
  });

  it('does not pool decisions whose domains differ', () => {
    const space = new ParamSpace(dnaSpec({ b: oneOf([{ x: floatv(0, 1) }, { x: floatv(0, 2) }, { x: floatv(0, 1) }, { x: oneOf(['p', 'q']) }]) }), true);
    expect(space.params.map((p) => p.key)).toEqual(['b|c4', 'b[=*/4].x|f0,1,linear', 'b[=*/4].x|f0,2,linear', 'b[=*/4].x|c2']);
  });

  it('models increasing numeric choices as discrete, others as categorical', () => {
    const spec = dnaSpec({
      units: oneOf([16, 32, 64, 128]),
      shuffled: oneOf([64, 16, 32]),
      names: oneOf(['a', 'b', 'c']),
      two: oneOf([16, 32]),
      mixed: oneOf([1, 2, '3']),
      repeated: oneOf([1, 2, 2]),
      picks: manyOf(2, [16, 32, 64]),
    });
    const on = new ParamSpace(spec, true);
    expect(kinds(on)).toEqual({
      'units|o4': 'discrete',
      'shuffled|c3': 'categorical',
      'names|c3': 'categorical',
      'two|c2': 'categorical',
      'mixed|c3': 'categorical',
      'repeated|c3': 'categorical',
      'picks#0|c3': 'categorical',
      'picks#1|c3': 'categorical',
    });
    const units = on.params[paramOf(on, 'units|o4')] as Param;
    expect([units.lo, units.hi]).toEqual([-0.5, 3.5]);
    const off = new ParamSpace(spec, false);
    expect(off.params.every((p) => p.kind === 'categorical')).toBe(true);
    expect(off.params.map((p) => p.key)).toContain('units|c4');
  });

  it('reads floats on their scale, integers widened by ½, and skips constants and custom decisions', () => {
    const spec = dnaSpec({
      lin: floatv(-1, 3),
      log: floatv(1e-4, 1, { scale: 'log' }),
      rlog: floatv(0.5, 1, { scale: 'rlog' }),
      pinned: floatv(2, 2),
      n: intv(2, 5),
      one: intv(3, 3),
      prog: program(),
      ops: evolvable(['add'], (v) => [...v, 'mul']),
    });
    const space = new ParamSpace(spec, true);
    const byKey = Object.fromEntries(space.params.map((p) => [p.key, p]));
    expect(Object.keys(byKey)).toEqual(['lin|f-1,3,linear', 'log|f0.0001,1,log', 'rlog|f0.5,1,rlog', 'n|i2,5']);
    expect(byKey['log|f0.0001,1,log']).toMatchObject({ kind: 'float', lo: Math.log(1e-4), hi: 0 });
    expect(byKey['rlog|f0.5,1,rlog']).toMatchObject({ kind: 'float', lo: Math.log(0.5), hi: 0 });
    expect(byKey['n|i2,5']).toMatchObject({ kind: 'discrete', lo: 1.5, hi: 5.5 });
    const dna = spec.fromRecord({ lin: 0.5, log: 0.01, rlog: 1, pinned: 2, n: 4, one: 3, prog: 'x*x', ops: '["add"]' });
    const o = space.observe(dna, 'test');
    expect([...o.params]).toEqual([0, 1, 2, 3]);
    expect(o.values[0]).toBe(0.5);
    expect(o.values[1]).toBeCloseTo(Math.log(0.01), 12);
    // rlog: the maximum sits at the bottom of the internal range (reverse-log)
    expect(o.values[2]).toBeCloseTo(Math.log(0.5), 12);
    expect(o.values[3]).toBe(4);
  });

  it('gives a distinct manyOf one categorical per pick and keeps picks distinct and sorted when building', () => {
    const spec = dnaSpec({ m: manyOf(3, ['a', 'b', 'c', 'd'], { distinct: true, sorted: true }) });
    const space = new ParamSpace(spec, true);
    expect(space.params.map((p) => p.key)).toEqual(['m#0|c4', 'm#1|c4', 'm#2|c4']);
    // a chooser that always asks for candidate 3: the later picks must be moved elsewhere
    const rng = seededRng(1);
    for (let t = 0; t < 50; t++) {
      const { dna, observation } = space.build(() => 3, rng);
      spec.validate(dna);
      const picks = dna.children.map((c) => c.value as number);
      expect(new Set(picks).size).toBe(3);
      expect([...picks].sort()).toEqual(picks);
      expect(picks).toContain(3);
      expect([...observation.values]).toEqual(picks);
    }
  });

  it('build turns internal values into a valid DNA: rounds discrete values, clamps floats', () => {
    const spec = dnaSpec({ n: intv(0, 4), u: oneOf([8, 16, 32]), x: floatv(0, 1), l: floatv(1e-3, 1, { scale: 'log' }) });
    const space = new ParamSpace(spec, true);
    const wanted = [3.4, 1.6, 0.25, Math.log(0.1)];
    const { dna, observation } = space.build((p) => wanted[p] as number, seededRng(0));
    expect(materialize({ n: intv(0, 4), u: oneOf([8, 16, 32]), x: floatv(0, 1), l: floatv(1e-3, 1, { scale: 'log' }) }, dna)).toMatchObject({
      n: 3,
      u: 32,
      x: 0.25,
    });
    expect(dna.children[3]?.value).toBeCloseTo(0.1, 12);
    expect([...observation.values].slice(0, 3)).toEqual([3, 2, 0.25]);
    const edge = space.build((p) => (p === 0 ? 99 : p === 1 ? -7 : p === 2 ? 1.5 : 5), seededRng(0)).dna;
    spec.validate(edge);
    expect(edge.toNumbers()).toEqual([4, 0, 1, 1]);
  });

  it('on random spaces: observe(build(...)) is the observation build reports, params are unique per DNA and in range (property)', () => {
    fc.assert(
      fc.property(spaceArbitrary(), fc.boolean(), fc.integer(), (value, ordered, seed) => {
        const spec = dnaSpec(value);
        const space = new ParamSpace(spec, ordered);
        const rng = seededRng(seed);
        const chooser = (p: number, exclude: readonly number[] | undefined): number => {
          const param = space.params[p] as Param;
          if (param.kind === 'categorical') {
            const free = Array.from({ length: param.size }, (_, i) => i).filter((i) => exclude === undefined || !exclude.includes(i));
            return free[Math.floor(rng() * free.length)] ?? 0;
          }
          return param.lo + rng() * (param.hi - param.lo);
        };
        const check = (dna: DNA, reported?: { params: Int32Array; values: Float64Array }): void => {
          const o = space.observe(dna, 'test');
          expect(new Set(o.params).size, `a parameter met twice in ${dna.toString()}`).toBe(o.params.length);
          o.params.forEach((p, i) => {
            const param = space.params[p] as Param;
            const v = o.values[i] as number;
            if (param.kind === 'categorical') {
              expect(Number.isInteger(v) && v >= 0 && v < param.size).toBe(true);
            } else {
              expect(v).toBeGreaterThanOrEqual(param.lo - 1e-9);
              expect(v).toBeLessThanOrEqual(param.hi + 1e-9);
            }
          });
          if (reported !== undefined) {
            expect([...o.params]).toEqual([...reported.params]);
            expect([...o.values]).toEqual([...reported.values]);
          }
        };
        for (let t = 0; t < 5; t++) {
          const built = space.build(chooser, rng);
          spec.validate(built.dna);
          materialize(value, built.dna);
          check(built.dna, built.observation);
          check(randomDNA(spec, rng));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('nested conditional spaces: a permutation or a list pick is modelled per pick', () => {
    const spec = dnaSpec({ p: permutate(['u', 'v', 'w']), m: manyOf(2, [{ x: intv(0, 3) }, 'b']) });
    const space = new ParamSpace(spec, true);
    expect(space.params.map((p) => p.key)).toEqual(['p#0|c3', 'p#1|c3', 'p#2|c3', 'm#0|c2', 'm[0][=*/2].x|i0,3', 'm#1|c2', 'm[1][=*/2].x|i0,3']);
  });
});

describe('ParamSpace: log integers and ordered choices', () => {
  it('models a log intv on the log of the integer, widened by ½ on each side', () => {
    const spec = dnaSpec({ b: intv(16, 1024, { scale: 'log' }), d: intv(1, 9, { scale: 'rlog' }), n: intv(1, 9) });
    const space = new ParamSpace(spec, 'explicit');
    const [b, d, n] = space.params as [Param, Param, Param];
    expect(b).toMatchObject({ key: 'b|i16,1024,log', kind: 'discrete', log: true });
    expect(b.lo).toBeCloseTo(Math.log(15.5), 12);
    expect(b.hi).toBeCloseTo(Math.log(1024.5), 12);
    expect(d).toMatchObject({ key: 'd|i1,9,rlog', log: true });
    expect(n).toMatchObject({ key: 'n|i1,9', log: false, lo: 0.5, hi: 9.5 });
    expect(cellOf(b, Math.log(64)).map(Math.exp)).toEqual([63.5, 64.5].map((x) => expect.closeTo(x, 9) as unknown as number));
    expect(cellOf(n, 4)).toEqual([3.5, 4.5]);
    // observe: log of the integer; rlog: log of the mirror image (max + min − v)
    const o = space.observe(spec.fromRecord({ b: 64, d: 2, n: 3 }), 'test');
    expect([...o.values]).toEqual([Math.log(64), Math.log(8), 3]);
    // build: the integer nearest e^x, kept in range; the observation is the DNA's
    const built = space.build((p) => (p === 0 ? Math.log(100.4) : p === 1 ? Math.log(1.2) : 20), seededRng(0));
    expect(built.dna.toNumbers()).toEqual([100, 9, 9]);
    expect([...built.observation.values]).toEqual([Math.log(100), Math.log(1), 9]);
  });

  it('build and observe agree on log intv spaces (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom('log', 'rlog'),
        fc.integer(),
        (min, width, scale, seed) => {
          const spec = dnaSpec({ k: intv(min, min + width, { scale: scale as 'log' | 'rlog' }) });
          const space = new ParamSpace(spec, 'explicit');
          const param = space.params[0];
          const rng = seededRng(seed);
          for (let t = 0; t < 10; t++) {
            if (param === undefined) break;
            const built = space.build(() => param.lo + rng() * (param.hi - param.lo), rng);
            spec.validate(built.dna);
            expect([...space.observe(built.dna, 'test').values]).toEqual([...built.observation.values]);
          }
        },
      ),
    );
  });

  it('looksOrdered is the old rule: 3 or more finite numbers, strictly increasing', () => {
    expect(looksOrdered([16, 32, 64])).toBe(true);
    expect(looksOrdered([0, 1, 2, 3, 4, 5, 6, 7, 8])).toBe(true);
    expect(looksOrdered([16, 32])).toBe(false);
    expect(looksOrdered([3, 2, 1])).toBe(false);
    expect(looksOrdered([1, 1, 2])).toBe(false);
    expect(looksOrdered(['a', 'b', 'c'])).toBe(false);
    expect(looksOrdered([1, 2, Infinity])).toBe(false);
  });

  it('an ordered choice is one discrete parameter over list positions, strings too', () => {
    const spec = dnaSpec({ s: oneOf(['small', 'medium', 'large'], { ordered: true }), w: oneOf([128, 64, 32, 16], { ordered: true }) });
    const space = new ParamSpace(spec, 'explicit');
    expect(space.params.map((p) => [p.key, p.kind, p.lo, p.hi])).toEqual([
      ['s|o3', 'discrete', -0.5, 2.5],
      ['w|o4', 'discrete', -0.5, 3.5],
    ]);
    expect(new ParamSpace(spec, 'never').params.map((p) => p.kind)).toEqual(['categorical', 'categorical']);
  });
});
