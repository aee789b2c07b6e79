/**
 * Arbitraries of values that are not JSON (or barely are), for the properties that every reader
 * and writer of JSON forms either succeeds or throws a `PliantError`: bigints, symbols,
 * functions, `undefined` (in arrays too), NaN and −0, holes, `Map`, `Set`, `Date`, boxed values,
 * typed arrays, null-prototype records, and cycles.
 */
import fc from 'fast-check';

/** Leaves that JSON has no form for, mixed with ordinary ones. */
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.constantFrom(Symbol('s'), Symbol.iterator),
  fc.constantFrom(
    () => 1,
    function named(): number {
      return 2;
    },
  ),
  fc.constantFrom(NaN, -0, Infinity),
);

/** Anything fast-check makes, non-JSON leaves and containers included. */
const anything: fc.Arbitrary<unknown> = fc.anything({
  maxDepth: 4,
  values: [leaf],
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withTypedArray: true,
  withSparseArray: true,
  withUnicodeString: true,
});

/** `value`, or a container holding `value` and itself (a cycle), in an array or a record. */
function withCycle(value: unknown, how: 'none' | 'array' | 'record'): unknown {
  if (how === 'array') {
    const list: unknown[] = [value];
    list.push(list);
    return list;
  }
  if (how === 'record') {
    const record: Record<string, unknown> = { value };
    record.self = { again: record };
    return record;
  }
  return value;
}

/** Hostile values: anything, sometimes wrapped in a cycle. */
export const hostileValue: fc.Arbitrary<unknown> = fc
  .tuple(anything, fc.constantFrom('none', 'none', 'none', 'array', 'record') as fc.Arbitrary<'none' | 'array' | 'record'>)
  .map(([value, how]) => withCycle(value, how));

/**
 * Values shaped like a DNA's JSON form (numbers, strings, lists, `{value, children}`), whose
 * leaves are sometimes hostile: so that both the success and the failure paths are exercised.
 */
export const dnaJsonish: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.string()),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.record({ value: fc.oneof(fc.integer(), fc.string(), leaf), children: fc.array(tie('node'), { maxLength: 3 }) }),
    leaf,
  ),
})).node;
