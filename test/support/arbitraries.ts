/** fast-check arbitraries of symbolic trees for the property tests of the symbolic core. */
import fc from 'fast-check';
import { isNode } from '../../src/index.js';
import type { SymbolicNode, TreeValue } from '../../src/index.js';
import { Conv, Dense, Free } from './model-types.js';

/** Record keys, including ones that need quoting in key paths and ones starting with `$`. */
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'units', 'act', 'x_1', 'layers') },
  { weight: 1, arbitrary: fc.constantFrom('', 'with space', 'dot.key', '0', '$dollar', 'ünï', '"q"', '[x]') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k)) },
);

/** Numbers including NaN, ±Infinity and −0. */
export const numberArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 2 ** 31, -(2 ** 31) - 1, 1e-310),
);

export const primitiveArb: fc.Arbitrary<TreeValue> = fc.oneof(
  numberArb,
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.boolean(),
  fc.constant(null),
);

/** Arbitrary trees: primitives, arrays, records, schema-checked nodes and free-form nodes. */
export const treeArb: fc.Arbitrary<TreeValue> = fc.letrec<{ tree: TreeValue }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    primitiveArb,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('tree'), { maxKeys: 4 }).map((r) => ({ ...r })),
    fc
      .record({ filters: fc.integer({ min: 1, max: 512 }), kernel: fc.constantFrom(1, 3, 5), act: fc.constantFrom('relu', 'gelu') })
      .map((a) => Conv(a) as TreeValue),
    fc.integer({ min: 1, max: 1024 }).map((units) => Dense({ units }) as TreeValue),
    fc
      .dictionary(
        keyArb.filter((k) => !k.startsWith('$')),
        tie('tree'),
        { maxKeys: 4 },
      )
      .map((r) => Free(r) as TreeValue),
  ),
})).tree;

/** The same tree rebuilt from scratch with every record's and node's keys in reverse order. */
export function reorderKeys(value: TreeValue): TreeValue {
  if (typeof value !== 'object' || value === null) return value;
  if (isNode(value)) {
    const args = value.args as Record<string, TreeValue>;
    const reversed: Record<string, TreeValue> = {};
    for (const key of Object.keys(args).reverse()) reversed[key] = reorderKeys(args[key] as TreeValue);
    const factory = { 'test.Conv': Conv, 'test.Dense': Dense, 'test.Free': Free }[value.type.name] as unknown as (a: unknown) => SymbolicNode;
    return factory(reversed);
  }
  if (Array.isArray(value)) return (value as TreeValue[]).map(reorderKeys);
  const out: Record<string, TreeValue> = {};
  const rec = value as Record<string, TreeValue>;
  for (const key of Object.keys(rec).reverse()) out[key] = reorderKeys(rec[key] as TreeValue);
  return out;
}

/** Key paths (as segment arrays) of every primitive leaf. */
export function leafPaths(value: TreeValue, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) {
    out.push([...at]);
    return out;
  }
  const entries: [string | number, TreeValue][] = isNode(value)
    ? Object.entries(value.args as Record<string, TreeValue>)
    : Array.isArray(value)
      ? (value as TreeValue[]).map((v, i) => [i, v])
      : Object.entries(value as Record<string, TreeValue>);
  for (const [k, v] of entries) leafPaths(v, [...at, k], out);
  return out;
}

/** Arbitrary JSON *text*, biased toward pliant's directives and unsafe keys. */
export const hostileJsonTextArb: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }).map((j) => JSON.stringify(j)),
    fc.constantFrom('"NaN"', '-0', '1e400', '{"$number":"NaN"}', '{"$number":"-0"}', '{"$number":"pi"}', '{"$type":"test.Conv","filters":8,"kernel":3}'),
    fc.array(tie('v'), { maxLength: 3 }).map((xs) => `[${xs.join(',')}]`),
    fc
      .array(
        fc.tuple(
          fc.oneof(keyArb, fc.constantFrom('$type', '$number', '$record', '__proto__', 'constructor', 'prototype', '$x', 'filters', 'kernel')),
          fc.oneof(tie('v'), fc.constantFrom('"test.Conv"', '"test.Free"', '"test.Dense"', '"nope"', '3')),
        ),
        { maxLength: 4 },
      )
      .map((kvs) => `{${kvs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).v;
