import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorOf } from '../../support/error-of.js';
import { acceptsExpression, compileAccepts } from '../../../src/symbolic/fast-check.js';
import { floatv, intv, manyOf, nodeSchema, oneOf, symbolize } from '../../../src/index.js';
import type { SymbolicType } from '../../../src/index.js';

const Leaf = symbolize('fastcheck.Leaf', (a: { x: number }) => a, { schema: z.object({ x: z.number() }) });
const Other = symbolize('fastcheck.Other', (a: { y: number }) => a, { schema: z.object({ y: z.number() }) });
const leafSchema = nodeSchema(Leaf);
const nodeTypes = (s: z.ZodType): ReadonlySet<SymbolicType> | undefined => (s === leafSchema ? new Set([Leaf.type as SymbolicType]) : undefined);

const SCHEMAS: Record<string, z.ZodType> = {
  number: z.number(),
  int: z.number().int(),
  string: z.string(),
  nonEmpty: z.string().min(1),
  boolean: z.boolean(),
  unknown: z.unknown(),
  enum: z.enum(['a', 'b']),
  literal: z.literal(3),
  strings: z.array(z.string()),
  nonEmptyList: z.array(z.unknown()).min(1),
  optional: z.number().optional(),
  default: z.string().default('relu'),
  node: leafSchema,
};

const VALUES: unknown[] = [
  0,
  -0,
  1,
  1.5,
  -7,
  NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  2 ** 60,
  '',
  'a',
  'b',
  'relu',
  true,
  false,
  null,
  undefined,
  [],
  [''],
  ['a', 1],
  [1, 2],
  Object.freeze(['x']),
  {},
  { a: 1 },
  3,
  '3',
  Leaf({ x: 1 }),
  Other({ y: 1 }),
  oneOf([1, 2]),
  floatv(0, 1),
];

describe('fast argument checks', () => {
  it('accept a value exactly where zod does, for every kind they compile', () => {
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      const accepts = compileAccepts(schema, nodeTypes);
      expect(accepts, name).toBeDefined();
      for (const v of VALUES) expect([name, v, accepts?.(v)]).toEqual([name, v, schema.safeParse(v).success]);
    }
  });

  it('generate code that accepts the same values', () => {
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      const env: unknown[] = [];
      const expr = acceptsExpression(schema, nodeTypes, 'v', env);
      expect(expr, name).toBeDefined();
      const generated = new Function('env', 'v', `return ${expr};`) as (env: unknown[], v: unknown) => boolean;
      for (const v of VALUES) expect([name, v, generated(env, v)]).toEqual([name, v, schema.safeParse(v).success]);
    }
  });

  it('leave schemas with other checks or kinds to zod', () => {
    for (const schema of [
      z.number().min(0),
      z.string().regex(/a/),
      z.union([z.number(), z.string()]),
      z.object({}),
      z.number().refine(() => true),
      z.custom(() => true),
    ]) {
      expect(compileAccepts(schema, nodeTypes)).toBeUndefined();
    }
  });

  it('give the errors zod gives, hyper values included', () => {
    const T = symbolize('fastcheck.T', (a: { n: number; s: string; l: string[] }) => a, {
      schema: z.object({ n: z.number().int(), s: z.string(), l: z.array(z.string()) }),
    });
    expect(T({ n: intv(1, 3), s: oneOf(['a', 'b']), l: manyOf(2, ['a', 'b', 'c']) }).args.n).toBeDefined();
    expect(errorOf(() => T({ n: 1.5, s: 'a', l: [] })).message).toMatch(/fastcheck\.T expects int, found 1\.5/);
    expect(errorOf(() => T({ n: floatv(0, 1), s: 'a', l: [] })).message).toMatch(/floatv candidate 2 .* is not accepted here/);
    expect(errorOf(() => T({ n: oneOf([1, 2]), s: oneOf(['a', 3]), l: [] })).message).toMatch(/oneOf candidate 1 \(3\)/);
    expect(errorOf(() => oneOf([1, 3, 2], { ordered: true })).message).toMatch(/strictly increasing/);
    expect(errorOf(() => oneOf([3, 1], { ordered: true, name: '' })).message).toBe(
      'pliant.oneOf: at \'name\': pliant.oneOf expects string to have >=1 characters, found ""',
    );
    expect(errorOf(() => manyOf(4, [1, 2, 3])).message).toMatch(/cannot pick 4 distinct candidates/);
  });
});
