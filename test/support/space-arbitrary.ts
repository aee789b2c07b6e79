/**
 * fast-check arbitraries of search *spaces*: nested oneOf / manyOf (distinct, sorted, both,
 * neither) / permutate / floatv (linear, log, rlog) / intv, inside arrays, records, schema-free
 * nodes and schema-checked nodes (see model-types.ts), for the property tests of pliant/testing
 * and of the geno layer.
 */
import fc from 'fast-check';
import { floatv, intv, manyOf, oneOf, permutate } from '../../src/index.js';
import type { TreeValue } from '../../src/index.js';
import { Conv, Dense, Free } from './model-types.js';

/** Options of {@link spaceArbitrary}. */
export interface SpaceArbitraryOptions {
  /** Whether `floatv` decisions may appear (default true); without them every space is finite. */
  readonly floats?: boolean;
  /** How deep containers and hyper values nest (default 3). */
  readonly maxDepth?: number;
  /**
   * Wrap each candidate of a `manyOf` / `permutate` in a record tagged with its index, so that no
   * two candidates of one list choice produce the same value (default false). `encode` picks
   * candidates greedily and cannot yet undo a choice that breaks `distinct` / `sorted`.
   */
  readonly tagListCandidates?: boolean;
}

const keyArb = fc.constantFrom('a', 'b', 'c', 'lr', 'units', 'blocks');

const leafArb: fc.Arbitrary<TreeValue> = fc.oneof(
  fc.integer({ min: -3, max: 100 }),
  fc.constantFrom('relu', 'gelu', 'conv3x3', ''),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(0.5, -1.25, 1e-3),
);

const intvArb: fc.Arbitrary<TreeValue> = fc
  .tuple(fc.integer({ min: -5, max: 20 }), fc.integer({ min: 0, max: 6 }))
  .map(([min, width]) => intv(min, min + width));

const floatvArb: fc.Arbitrary<TreeValue> = fc.oneof(
  fc.tuple(fc.integer({ min: -10, max: 10 }), fc.constantFrom(0, 0.5, 1, 3, 100)).map(([min, width]) => floatv(min, min + width)),
  fc.tuple(fc.constantFrom(1e-5, 1e-3, 0.1, 1), fc.constantFrom(1, 10, 1000)).map(([min, factor]) => floatv(min, min * factor, { scale: 'log' })),
  fc.tuple(fc.constantFrom(0.5, 0.9), fc.constantFrom(1, 2)).map(([min, factor]) => floatv(min, min * factor, { scale: 'rlog' })),
);

/** A small positive units hyper value, valid where `Dense.units` (a positive int) is expected. */
const unitsArb: fc.Arbitrary<TreeValue> = fc.oneof(
  fc.integer({ min: 1, max: 512 }),
  fc.tuple(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 8 })).map(([min, width]) => intv(min, min + width)),
  fc.uniqueArray(fc.constantFrom(8, 16, 32, 64, 128), { minLength: 1, maxLength: 4 }).map((c) => oneOf(c)),
);

/** Search spaces (some without any hyper value, which are spaces of one point). */
export function spaceArbitrary(options: SpaceArbitraryOptions = {}): fc.Arbitrary<TreeValue> {
  const floats = options.floats ?? true;
  const maxDepth = options.maxDepth ?? 4;
  const tag = options.tagListCandidates === true ? (c: TreeValue[]): TreeValue[] => c.map((v, i) => ({ tag: i, v })) : (c: TreeValue[]): TreeValue[] => c;
  const depthIdentifier = fc.createDepthIdentifier();
  const arbs = fc.letrec<{ sub: TreeValue; hyper: TreeValue; container: TreeValue }>((tie) => {
    const candidates = fc.array(tie('sub'), { minLength: 1, maxLength: 3 });
    const hyper: fc.Arbitrary<TreeValue>[] = [
      candidates.map((c) => oneOf(c)),
      fc
        .record({ candidates, k: fc.integer({ min: 1, max: 3 }), distinct: fc.boolean(), sorted: fc.boolean() })
        .map(({ candidates: c, k, distinct, sorted }) => manyOf(distinct ? Math.min(k, c.length) : k, tag(c), { distinct, sorted })),
      candidates.map((c) => permutate(tag(c))),
      intvArb,
    ];
    if (floats) hyper.push(floatvArb);
    return {
      sub: fc.oneof(
        { maxDepth, depthIdentifier, depthSize: 'large' },
        { arbitrary: leafArb, weight: 2 },
        { arbitrary: tie('hyper'), weight: 3 },
        { arbitrary: tie('container'), weight: 2 },
      ),
      hyper: fc.oneof(...hyper),
      container: fc.oneof(
        { arbitrary: fc.array(tie('sub'), { minLength: 1, maxLength: 3 }), weight: 2 },
        { arbitrary: fc.dictionary(keyArb, tie('sub'), { minKeys: 1, maxKeys: 3 }).map((r) => ({ ...r })), weight: 2 },
        { arbitrary: fc.dictionary(keyArb, tie('sub'), { minKeys: 1, maxKeys: 3 }).map((r) => Free(r) as TreeValue), weight: 2 },
        fc
          .record({ units: unitsArb, act: fc.oneof(fc.constant('relu'), fc.constant(oneOf(['relu', 'gelu', 'tanh']))) })
          .map((a) => Dense(a as { units: number; act: string }) as TreeValue),
        fc
          .record({ filters: unitsArb, kernel: fc.oneof(fc.constant(3), fc.constant(oneOf([1, 3, 5]))) })
          .map((a) => Conv(a as { filters: number; kernel: number }) as TreeValue),
      ),
    };
  });
  return fc.oneof({ arbitrary: arbs.hyper, weight: 1 }, { arbitrary: arbs.container, weight: 3 });
}
