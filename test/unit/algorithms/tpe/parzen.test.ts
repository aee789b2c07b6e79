import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DNA, dnaSpec, floatv, intv, iterateDNA, manyOf, oneOf, randomDNA, seededRng } from '../../../../src/index.js';
import type { DNASpec, TreeValue } from '../../../../src/index.js';
import { ObservationStore, ParzenModel, TruncationCache, neighbourSigmas } from '../../../../src/algorithms/tpe/parzen.js';
import type { ParzenOptions } from '../../../../src/algorithms/tpe/parzen.js';
import { ParamSpace } from '../../../../src/algorithms/tpe/params.js';
import type { Observation, Param } from '../../../../src/algorithms/tpe/params.js';

interface Fitted {
  readonly space: ParamSpace;
  readonly store: ObservationStore;
  readonly model: ParzenModel;
}

function options(overrides: Partial<ParzenOptions> = {}): ParzenOptions {
  return { priorWeight: 1, multivariate: true, bandwidth: 'scott', dims: 1, cache: new TruncationCache(), ...overrides };
}

/** A model over `members` DNAs of `spec` (all of them members unless `pick` says which). */
function fitModel(spec: DNASpec, members: readonly DNA[], overrides: Partial<ParzenOptions> = {}, pick?: readonly number[]): Fitted {
  const space = new ParamSpace(spec, true);
  const store = new ObservationStore(space.params.length);
  for (const dna of members) store.add(space.observe(dna, 'test'));
  const indices = Int32Array.from(pick ?? members.map((_, i) => i));
  return { space, store, model: new ParzenModel(space, store, indices, options(overrides)) };
}

/** A one-parameter observation. */
function at(x: number, param = 0): Observation {
  return { params: Int32Array.of(param), values: Float64Array.of(x) };
}

/** ∫ exp(logDensity) over the parameter's internal range, by the midpoint rule. */
function integrate(model: ParzenModel, param: Param, n = 20_000): number {
  const h = (param.hi - param.lo) / n;
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.exp(model.logDensity(at(param.lo + (i + 0.5) * h))) * h;
  return total;
}

const variants: [string, Partial<ParzenOptions>][] = [
  ['multivariate, scott', {}],
  ['univariate, scott', { multivariate: false }],
  ['multivariate, optuna', { bandwidth: 'optuna' }],
  ['prior weight 3, 4 dims', { priorWeight: 3, dims: 4 }],
  ['multivariate, neighbours', { bandwidth: 'neighbours' }],
  ['univariate, neighbours', { multivariate: false, bandwidth: 'neighbours' }],
];

/**
 * Finite conditional spaces whose picks are free (no `distinct` or `sorted`, whose kernels are
 * renormalised by rejection rather than in the density): nested oneOf, non-distinct manyOf,
 * intv and ordered choices in records.
 */
const finiteConditionalSpace: fc.Arbitrary<TreeValue> = fc
  .letrec<{ node: TreeValue; choice: TreeValue; list: TreeValue; record: TreeValue }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 3, depthSize: 'small' },
      fc.constantFrom<TreeValue>('a', 'b', 1),
      fc.integer({ min: 0, max: 3 }).map((w) => intv(0, w)),
      fc.constant(oneOf([8, 16, 32])),
      tie('choice'),
      tie('record'),
      tie('list'),
    ),
    choice: fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((c) => oneOf(c)),
    list: fc.array(tie('node'), { minLength: 1, maxLength: 2 }).map((c) => manyOf(2, c, { distinct: false })),
    record: fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((xs) => Object.fromEntries(xs.map((x, i) => [`k${i}`, x]))),
  }))
  .record.filter((v) => dnaSpec(v).spaceSize <= 400);

describe('ParzenModel: a normalised density', () => {
  it('integrates to 1 over a 1-D float (linear and log), with members and with the prior alone', () => {
    for (const [name, o] of variants) {
      for (const [value, xs] of [
        [floatv(0, 1), [0.1, 0.5, 0.52, 0.95, 0.999]],
        [floatv(-3, 7), [6.9, -2.5]],
        [floatv(1e-4, 1, { scale: 'log' }), [1e-4, 0.3, 0.31, 0.5]],
        [floatv(0.5, 1, { scale: 'rlog' }), [0.99, 0.6]],
      ] as [TreeValue, number[]][]) {
        const spec = dnaSpec(value);
        for (const members of [xs, xs.slice(0, 1), []]) {
          const { space, model } = fitModel(
            spec,
            members.map((x) => spec.fromRecord({ [spec.decisionIds[0] as string]: x })),
            o,
          );
          expect(integrate(model, space.params[0] as Param), `${name}, ${members.length} members`).toBeCloseTo(1, 3);
        }
      }
    }
  });

  it('sums to 1 over an integer, an ordered choice and a categorical choice', () => {
    for (const [name, o] of variants) {
      for (const [value, values] of [
        [intv(-2, 6), [-2, 0, 5, 5]],
        [oneOf([16, 32, 64, 128, 256]), [0, 4, 4]],
        [oneOf(['a', 'b', 'c', 'd']), [1, 1, 3]],
        [oneOf(['only']), [0]],
      ] as [TreeValue, number[]][]) {
        const spec = dnaSpec(value);
        for (const members of [values, []]) {
          const { space, model } = fitModel(
            spec,
            members.map((v) => spec.fromRecord({ [spec.decisionIds[0] as string]: v })),
            o,
          );
          const param = space.params[0] as Param;
          const domain =
            param.kind === 'categorical'
              ? Array.from({ length: param.size }, (_, i) => i)
              : Array.from({ length: param.hi - param.lo }, (_, i) => param.lo + 0.5 + i);
          const total = domain.reduce((s, x) => s + Math.exp(model.logDensity(at(x))), 0);
          expect(total, `${name}: ${param.key}, ${members.length} members`).toBeCloseTo(1, 6);
        }
      }
    }
  });

  it('a categorical kernel gives its members more mass than the other candidates', () => {
    const spec = dnaSpec(oneOf(['a', 'b', 'c', 'd']));
    const { model } = fitModel(
      spec,
      [1, 1, 1, 3].map((v) => spec.fromRecord({ [spec.decisionIds[0] as string]: v })),
    );
    const mass = [0, 1, 2, 3].map((x) => Math.exp(model.logDensity(at(x))));
    expect(mass[1]).toBeGreaterThan(mass[3] as number);
    expect(mass[3]).toBeGreaterThan(mass[0] as number);
    expect(mass[0]).toBeCloseTo(mass[2] as number, 12);
    expect(mass[0]).toBeGreaterThan(0);
  });

  it('is a distribution over the DNAs of a conditional space: absent decisions get the prior', () => {
    const spec = dnaSpec({ b: oneOf([{ k: oneOf(['s', 't', 'v']) }, { n: intv(0, 2) }, 'none']), u: oneOf([8, 16, 32]) });
    const members = ['{"b":0,"b[=0/3].k":2,"u":0}', '{"b":1,"b[=1/3].n":2,"u":1}', '{"b":2,"u":2}', '{"b":2,"u":2}'].map((j) =>
      spec.fromRecord(JSON.parse(j) as Record<string, unknown>),
    );
    for (const [name, o] of variants) {
      const { space, model } = fitModel(spec, members, o);
      let total = 0;
      for (const dna of iterateDNA(spec)) total += Math.exp(model.logDensity(space.observe(dna, 'test')));
      expect(total, name).toBeCloseTo(1, 6);
    }
  });

  it('is a distribution over the DNAs of finite conditional spaces: Σ density = 1 (property)', () => {
    fc.assert(
      fc.property(finiteConditionalSpace, fc.integer({ min: 0, max: 12 }), fc.boolean(), fc.integer(), (value, m, multivariate, seed) => {
        const spec = dnaSpec(value);
        const rng = seededRng(seed);
        const members = Array.from({ length: m }, () => randomDNA(spec, rng));
        const { space, model } = fitModel(spec, members, { multivariate, dims: 3 });
        let total = 0;
        for (const dna of iterateDNA(spec)) total += Math.exp(model.logDensity(space.observe(dna, 'test')));
        expect(total).toBeCloseTo(1, 6);
      }),
      { numRuns: 150 },
    );
  });
});

describe('ParzenModel.sample', () => {
  it('draws DNAs with the frequencies its density gives (multivariate and not)', () => {
    const value = { b: oneOf([{ x: intv(0, 3), k: oneOf(['s', 't', 'v']) }, 'none']), u: oneOf([16, 32, 64]), c: manyOf(2, ['p', 'q'], { distinct: false }) };
    const spec = dnaSpec(value);
    const members = [
      '{"b":0,"b[=0/2].x":3,"b[=0/2].k":1,"u":2,"c":[0,0]}',
      '{"b":0,"b[=0/2].x":2,"b[=0/2].k":1,"u":2,"c":[1,0]}',
      '{"b":1,"u":0,"c":[1,1]}',
    ].map((j) => spec.fromRecord(JSON.parse(j) as Record<string, unknown>));
    for (const multivariate of [true, false]) {
      const { space, model } = fitModel(spec, members, { multivariate, dims: 4 });
      const rng = seededRng(`sample-${String(multivariate)}`);
      const counts = new Map<string, number>();
      const n = 20_000;
      for (let i = 0; i < n; i++) {
        const { dna, observation } = model.sample(rng);
        spec.validate(dna);
        expect([...observation.params]).toEqual([...space.observe(dna, 'test').params]);
        counts.set(dna.toString(), (counts.get(dna.toString()) ?? 0) + 1);
      }
      let total = 0;
      for (const dna of iterateDNA(spec)) {
        const p = Math.exp(model.logDensity(space.observe(dna, 'test')));
        total += p;
        const freq = (counts.get(dna.toString()) ?? 0) / n;
        expect(Math.abs(freq - p), `${dna.toString()} (multivariate ${String(multivariate)})`).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n) + 1e-3);
      }
      expect(total).toBeCloseTo(1, 6);
    }
  });

  it('a float drawn from a model of many tight members stays near them (σ ≥ range/(n+2) clip)', () => {
    const spec = dnaSpec(floatv(0, 10));
    const members = Array.from({ length: 48 }, (_, i) => 2 + ((i % 7) - 3) * 0.03).map((x) => spec.fromRecord({ [spec.decisionIds[0] as string]: x }));
    const { model } = fitModel(spec, members, { priorWeight: 0.01 });
    const rng = seededRng(3);
    const xs = Array.from({ length: 2000 }, () => model.sample(rng).dna.value as number);
    expect(xs.every((x) => x >= 0 && x <= 10)).toBe(true);
    const near = xs.filter((x) => Math.abs(x - 2) < 1).length / xs.length;
    expect(near).toBeGreaterThan(0.9);
  });
});

describe('ParzenModel forms and bandwidths', () => {
  it('multivariate models co-occurring decisions jointly; univariate only their marginals', () => {
    const spec = dnaSpec({ a: oneOf(['p', 'q']), b: oneOf(['p', 'q']) });
    const members = [DNA.of([0, 0]), DNA.of([1, 1]), DNA.of([0, 0]), DNA.of([1, 1])];
    const pair = (a: number, b: number): Observation => ({ params: Int32Array.of(0, 1), values: Float64Array.of(a, b) });
    const joint = fitModel(spec, members, { multivariate: true }).model;
    expect(joint.logDensity(pair(0, 0))).toBeGreaterThan(joint.logDensity(pair(0, 1)) + 0.5);
    const alone = fitModel(spec, members, { multivariate: false }).model;
    expect(alone.logDensity(pair(0, 0))).toBeCloseTo(alone.logDensity(pair(0, 1)), 12);
  });

  it('scott narrows with the members’ spread, optuna follows the range', () => {
    const spec = dnaSpec(floatv(0, 1));
    const dnas = (xs: number[]): DNA[] => xs.map((x) => spec.fromRecord({ [spec.decisionIds[0] as string]: x }));
    const tight = dnas([0.5, 0.501, 0.499, 0.5005, 0.4995, 0.5, 0.502, 0.498]);
    const wide = dnas([0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9]);
    const peak = (members: DNA[], bandwidth: 'scott' | 'optuna', x: number): number =>
      fitModel(spec, members, { bandwidth, priorWeight: 1e-9 }).model.logDensity(at(x));
    // tight members: scott's σ hits the clip range/(n+2) = 0.1, below optuna's 0.2·8^(−1/5) ≈ 0.13
    expect(peak(tight, 'scott', 0.5)).toBeGreaterThan(peak(tight, 'optuna', 0.5) + 0.2);
    // members at both ends: scott's σ (std·n^(−1/5) ≈ 0.28) is wider than optuna's, so its peaks are lower
    expect(peak(wide, 'scott', 0.1)).toBeLessThan(peak(wide, 'optuna', 0.1) - 0.2);
  });
});

describe('ParzenModel weights and caches', () => {
  it('from 25 members on, older members weigh less (Optuna’s ramp); below 25 order does not matter', () => {
    const spec = dnaSpec(oneOf(['a', 'b']));
    const dnas = (values: number[]): DNA[] => values.map((v) => spec.fromRecord({ [spec.decisionIds[0] as string]: v }));
    const ratio = (values: number[]): number => {
      const { model } = fitModel(spec, dnas(values));
      return Math.exp(model.logDensity(at(0)) - model.logDensity(at(1)));
    };
    const old0 = [...Array<number>(15).fill(0), ...Array<number>(25).fill(1)];
    const new0 = [...Array<number>(25).fill(1), ...Array<number>(15).fill(0)];
    expect(ratio(new0)).toBeGreaterThan(1.5 * ratio(old0));
    const small = [...Array<number>(5).fill(0), ...Array<number>(10).fill(1)];
    expect(ratio(small)).toBeCloseTo(ratio([...small].reverse()), 12);
  });

  /**
   * Adds trials (x, and an integer with it unless `both` is false) in steps, and after each step
   * compares a model sharing one cache across the steps with a model on a fresh cache, on the
   * members `plan` picks; with `release`, each shared model is released after use (its arrays
   * then serve the next one) and must refuse to be used again.
   */
  function compareSharedAndFresh(
    bandwidth: 'scott' | 'optuna' | 'neighbours',
    rows: readonly (readonly [number, boolean])[],
    plans: readonly (readonly [number, number, number])[],
    release: boolean,
  ): void {
    const spec = dnaSpec({ x: floatv(0, 1), n: intv(0, 9) });
    const space = new ParamSpace(spec, true);
    const store = new ObservationStore(space.params.length);
    const cache = new TruncationCache();
    let added = 0;
    for (const [grow, start, step] of plans) {
      for (let i = 0; i < grow && added < rows.length; i++, added++) {
        const [x, both] = rows[added] as readonly [number, boolean];
        store.add(
          both ? { params: Int32Array.of(0, 1), values: Float64Array.of(x, Math.round(x * 9)) } : { params: Int32Array.of(0), values: Float64Array.of(x) },
        );
      }
      const members = Int32Array.from({ length: added }, (_, i) => i).filter((i) => i >= start % Math.max(1, added) && i % step === 0);
      if (members.length === 0) continue;
      const shared = new ParzenModel(space, store, members, options({ bandwidth, cache, dims: 2 }));
      const fresh = new ParzenModel(space, store, members, options({ bandwidth, dims: 2 }));
      for (const x of [0, 0.13, 0.5, 0.77, 1]) {
        const o = { params: Int32Array.of(0, 1), values: Float64Array.of(x, Math.round(x * 9)) };
        expect(shared.logDensity(o)).toBe(fresh.logDensity(o));
        if (release) expect(shared.logDensityBelow(o, Infinity)).toBe(fresh.logDensity(o));
      }
      if (release) {
        shared.release();
        expect(() => shared.logDensity({ params: Int32Array.of(0), values: Float64Array.of(0.5) })).toThrow(/released/);
        expect(() => shared.sample(seededRng(1))).toThrow(/released/);
      }
    }
  }

  const plansArb = (maxGrow: number, maxStep: number) =>
    fc.array(fc.tuple(fc.integer({ min: 1, max: maxGrow }), fc.integer({ min: 0, max: 139 }), fc.integer({ min: 1, max: maxStep })), {
      minLength: 2,
      maxLength: 8,
    });

  it('a shared truncation cache gives the densities of fresh caches, across models of other σ and a growing store', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 70, maxLength: 140 }),
        plansArb(140, 5),
        fc.constantFrom<'scott' | 'optuna'>('scott', 'optuna'),
        (xs, plans, bandwidth) =>
          compareSharedAndFresh(
            bandwidth,
            xs.map((x) => [x, true] as const),
            plans,
            false,
          ),
      ),
      { numRuns: 60 },
    );
  });

  it('successive models sharing a cache (neighbours widths merged, arrays of released models reused) give the densities of fresh ones', () => {
    fc.assert(
      fc.property(
        // a float every trial has, an integer (ties) that some lack
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { minLength: 40, maxLength: 160 }),
        plansArb(40, 4),
        (rows, plans) => compareSharedAndFresh('neighbours', rows, plans, true),
      ),
      { numRuns: 80 },
    );
  });

  it('ObservationStore keeps NaN for absent parameters and grows past its capacity', () => {
    const store = new ObservationStore(2);
    for (let i = 0; i < 200; i++)
      store.add(i % 2 === 0 ? { params: Int32Array.of(0), values: Float64Array.of(i) } : { params: Int32Array.of(1), values: Float64Array.of(-i) });
    expect(store.count).toBe(200);
    expect(store.columns[0]?.[198]).toBe(198);
    expect(store.columns[0]?.[199]).toBeNaN();
    expect(store.columns[1]?.[199]).toBe(-199);
    expect(store.columns[1]?.[0]).toBeNaN();
  });
});

describe('ParzenModel: log integers, neighbour widths and member weights', () => {
  it('sums to 1 over the integers of a log (and rlog) intv', () => {
    for (const [name, o] of variants) {
      for (const scale of ['log', 'rlog'] as const) {
        const spec = dnaSpec(intv(1, 64, { scale }));
        for (const members of [[1, 2, 2, 50], [64], []]) {
          const { space, model } = fitModel(
            spec,
            members.map((v) => spec.fromRecord({ [spec.decisionIds[0] as string]: v })),
            o,
          );
          const param = space.params[0] as Param;
          expect(param.log).toBe(true);
          const total = Array.from({ length: 64 }, (_, i) => Math.log(i + 1)).reduce((t, x) => t + Math.exp(model.logDensity(at(x))), 0);
          expect(total, `${name}, ${scale}, ${members.length} members`).toBeCloseTo(1, 6);
        }
      }
    }
  });

  it('neighbourSigmas: the larger gap to a neighbour (the outermost look inwards), clipped to [range/(n+2), range]', () => {
    const out = new Float64Array(5);
    neighbourSigmas(Float64Array.of(0.5, Number.NaN, 0.1, 0.95, 0.52), 0, 1, out);
    expect(out[0]).toBeCloseTo(0.4, 12);
    expect(out[2]).toBeCloseTo(0.4, 12);
    expect(out[3]).toBeCloseTo(0.43, 12);
    expect(out[4]).toBeCloseTo(0.43, 12);
    // one member: the larger gap to the ends
    const one = new Float64Array(1);
    neighbourSigmas(Float64Array.of(0.3), 0, 1, one);
    expect(one[0]).toBeCloseTo(0.7, 12);
    // clustered members: the floor range / (n + 2)
    const tight = new Float64Array(3);
    neighbourSigmas(Float64Array.of(0.5, 0.5001, 0.5002), 0, 10, tight);
    for (const x of tight) expect(x).toBeCloseTo(10 / 5, 12);
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 40 }), (xs) => {
        const sig = new Float64Array(xs.length);
        neighbourSigmas(Float64Array.from(xs), -5, 5, sig);
        for (const x of sig) {
          expect(x).toBeGreaterThanOrEqual(10 / Math.min(100, xs.length + 2) - 1e-12);
          expect(x).toBeLessThanOrEqual(10 + 1e-12);
        }
      }),
    );
  });

  it('member weights scale the components: a zero-weight member adds no mass, unit weights change nothing', () => {
    const spec = dnaSpec(floatv(0, 1));
    const members = [0.1, 0.9].map((x) => spec.fromRecord({ [spec.decisionIds[0] as string]: x }));
    const space = new ParamSpace(spec, 'explicit');
    const store = new ObservationStore(space.params.length);
    for (const dna of members) store.add(space.observe(dna, 'test'));
    const both = Int32Array.of(0, 1);
    const plain = new ParzenModel(space, store, both, options({ bandwidth: 'optuna' }));
    const ones = new ParzenModel(space, store, both, options({ bandwidth: 'optuna' }), Float64Array.of(1, 1));
    const zero = new ParzenModel(space, store, both, options({ bandwidth: 'optuna' }), Float64Array.of(1, 0));
    for (const x of [0.05, 0.1, 0.5, 0.9]) expect(ones.logDensity(at(x))).toBeCloseTo(plain.logDensity(at(x)), 12);
    expect(zero.logDensity(at(0.9))).toBeLessThan(plain.logDensity(at(0.9)) - 0.3);
    expect(integrate(zero, space.params[0] as Param)).toBeCloseTo(1, 3);
  });
});

describe('ParzenModel: the component-by-component sums', () => {
  /** The log density by the per-parameter passes (a model made with `packed: false`). */
  function perParameter(spec: DNASpec, members: readonly DNA[], o: Partial<ParzenOptions>, observation: Observation): number {
    return fitModel(spec, members, { ...o, packed: false }).model.logDensity(observation);
  }

  const mixedSpace = (): TreeValue => ({
    a: oneOf([
      { u: floatv(0, 1), k: intv(1, 9) },
      { v: floatv(1e-3, 1, { scale: 'log' }), c: oneOf(['p', 'q', 'r']) },
    ]),
    b: intv(1, 64, { scale: 'log' }),
    d: oneOf([1, 2, 4, 8], { ordered: true }),
    e: floatv(-3, 3),
    f: floatv(0, 10),
  });

  it('give the same number as the per-parameter passes, bit for bit, on floats only and on mixed conditional spaces', () => {
    const flat = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`x${i}`, floatv(-5, 5)])) as TreeValue;
    fc.assert(
      fc.property(
        fc.constantFrom(flat, mixedSpace()),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(...variants.filter(([, o]) => o.multivariate !== false)),
        fc.integer(),
        (value, m, [, o], seed) => {
          const spec = dnaSpec(value);
          const rng = seededRng(seed);
          const members = Array.from({ length: m }, () => randomDNA(spec, rng));
          // one laid-out model asked at successive points, its columns filled as they are first asked
          const packed = fitModel(spec, members, { ...o, dims: 5 });
          for (let q = 0; q < 8; q++) {
            const observation = packed.space.observe(randomDNA(spec, rng), 'test');
            const a = packed.model.logDensity(observation);
            const b = perParameter(spec, members, { ...o, dims: 5 }, observation);
            expect(Object.is(a, b), `${a} vs ${b}`).toBe(true);
            // parameters in another order than the space's (the sums follow the observation's order)
            const reversed = { params: observation.params.slice().reverse(), values: observation.values.slice().reverse() };
            expect(Object.is(packed.model.logDensity(reversed), perParameter(spec, members, { ...o, dims: 5 }, reversed))).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('ParzenModel.logDensityBelow', () => {
  it('is logDensity exactly when finite, and +∞ only where logDensity reaches the bound; far below the density it stops early', () => {
    const flat = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i}`, floatv(-5, 5)])) as TreeValue;
    const mixed: TreeValue = { a: oneOf([{ u: floatv(0, 1) }, { c: oneOf(['p', 'q', 'r']) }]), b: intv(1, 64, { scale: 'log' }), e: floatv(-3, 3) };
    fc.assert(
      fc.property(
        fc.constantFrom(flat, mixed),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom(...variants),
        fc.integer(),
        fc.array(fc.double({ min: -30, max: 10, noNaN: true }), { minLength: 1, maxLength: 12 }),
        (value, m, [, o], seed, offsets) => {
          const spec = dnaSpec(value);
          const rng = seededRng(seed);
          const members = Array.from({ length: m }, () => randomDNA(spec, rng));
          const below = fitModel(spec, members, { ...o, dims: 3 });
          const exact = fitModel(spec, members, { ...o, dims: 3 });
          // successive points on one model: the components it sums first change between calls
          for (const offset of offsets) {
            const observation = below.space.observe(randomDNA(spec, rng), 'test');
            const truth = exact.model.logDensity(observation);
            const bound = truth + offset;
            const got = below.model.logDensityBelow(observation, bound);
            if (got === Infinity) expect(truth).toBeGreaterThanOrEqual(bound);
            else expect(Object.is(got, truth), `${got} vs ${truth}`).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('far below the density it stops early, and at the density it sums everything', () => {
    const spec = dnaSpec(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i}`, floatv(-5, 5)])) as TreeValue);
    const rng = seededRng(7);
    const members = Array.from({ length: 120 }, () => randomDNA(spec, rng));
    const below = fitModel(spec, members, { dims: 6, bandwidth: 'neighbours' });
    const exact = fitModel(spec, members, { dims: 6, bandwidth: 'neighbours' });
    let stopped = 0;
    for (let q = 0; q < 50; q++) {
      const observation = below.space.observe(randomDNA(spec, rng), 'test');
      const truth = exact.model.logDensity(observation);
      if (below.model.logDensityBelow(observation, truth - 20) === Infinity) stopped++;
      expect(Object.is(below.model.logDensityBelow(observation, truth + 1e-6), truth)).toBe(true);
    }
    expect(stopped).toBeGreaterThanOrEqual(45);
  });
});

describe('ParzenModel: a space too large to lay out', () => {
  it('past packLimit components × parameters, the per-parameter passes: the same densities, and no early stop', () => {
    const spec = dnaSpec(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i}`, floatv(-5, 5)])) as TreeValue);
    const rng = seededRng(3);
    const members = Array.from({ length: 120 }, () => randomDNA(spec, rng));
    const laidOut = fitModel(spec, members, { dims: 6 });
    const tooLarge = fitModel(spec, members, { dims: 6, packLimit: 120 * 6 - 1 });
    for (let q = 0; q < 20; q++) {
      const observation = laidOut.space.observe(randomDNA(spec, rng), 'test');
      const density = laidOut.model.logDensity(observation);
      expect(Object.is(tooLarge.model.logDensity(observation), density)).toBe(true);
      expect(laidOut.model.logDensityBelow(observation, density - 20)).toBe(Infinity);
      expect(Object.is(tooLarge.model.logDensityBelow(observation, density - 20), density)).toBe(true);
    }
  });
});

describe('ParzenModel: discrete cell masses', () => {
  it('kept per cell, and started afresh past their bound: every density is a fresh model’s', () => {
    const spec = dnaSpec({ k: intv(0, 3000), x: floatv(0, 1) });
    const rng = seededRng(5);
    const members = Array.from({ length: 30 }, () => randomDNA(spec, rng));
    const kept = fitModel(spec, members, { dims: 2, bandwidth: 'neighbours' });
    for (let k = 0; k < 1500; k++) {
      const observation = kept.space.observe(spec.fromRecord({ k, x: 0.5 }), 'test');
      const fresh = fitModel(spec, members, { dims: 2, bandwidth: 'neighbours' }).model.logDensity(observation);
      expect(Object.is(kept.model.logDensity(observation), fresh)).toBe(true);
      if (k % 7 === 0) expect(Object.is(kept.model.logDensity(observation), fresh)).toBe(true); // asked again: from the cache
    }
  });
});
