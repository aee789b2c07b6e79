import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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
  positiveInt: z.number().int().positive(),
  nonNegativeInt: z.number().int().min(0),
  rate: z.number().min(0).lt(1),
  range: z.number().int().min(1).max(10),
  tightest: z.number().gte(-1).gt(-1).lte(3).max(2).lt(2),
  infiniteBounds: z.number().min(-Infinity).max(Infinity),
  topLevelInt: z.int(),
  topLevelIntBounded: z.int().min(2),
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
  0.999,
  2,
  10,
  11,
  -1,
  -1e-300,
  Number.MIN_VALUE,
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
      z.number().multipleOf(2),
      z.number().min(NaN),
      z.int32(),
      z.uint32(),
      z.email(),
      z.optional(z.email()),
      z.array(z.email()),
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

  it('accept a number exactly where zod does, for any bounds (property)', () => {
    const bound = fc.oneof(fc.double({ noNaN: true }), fc.integer({ min: -5, max: 5 }), fc.constantFrom(-Infinity, Infinity, -0, 0));
    const value = fc.oneof(fc.double(), fc.integer({ min: -6, max: 6 }), fc.constantFrom(2 ** 53, -0, Number.MIN_VALUE));
    const checks = fc.array(fc.record({ kind: fc.constantFrom('gt', 'gte', 'lt', 'lte', 'int'), at: bound }), { maxLength: 4 });
    fc.assert(
      fc.property(checks, fc.array(value, { minLength: 1, maxLength: 8 }), fc.boolean(), (cs, vs, topLevel) => {
        let schema: z.ZodNumber | z.ZodInt = topLevel ? z.int() : z.number();
        for (const c of cs) {
          if (c.kind === 'int') schema = schema.int();
          else schema = schema[c.kind](c.at);
        }
        const accepts = compileAccepts(schema, nodeTypes);
        const env: unknown[] = [];
        const expr = acceptsExpression(schema, nodeTypes, 'v', env);
        expect(accepts).toBeDefined();
        const generated = new Function('env', 'v', `return ${expr};`) as (env: unknown[], v: unknown) => boolean;
        for (const v of vs) {
          const zod = schema.safeParse(v).success;
          expect([v, accepts?.(v)]).toEqual([v, zod]);
          expect([v, generated(env, v)]).toEqual([v, zod]);
        }
      }),
      { seed: 22, numRuns: 400 },
    );
  });

  it('reject in a node what a zod 4 format schema rejects (z.int(), z.email())', () => {
    const F = symbolize('fastcheck.Formats', (a: { n: number; e: string }) => a, { schema: z.object({ n: z.int(), e: z.email() }) });
    expect(F({ n: 2, e: 'a@b.co' }).args.n).toBe(2);
    expect(errorOf(() => F({ n: 1.5, e: 'a@b.co' })).message).toMatch(/fastcheck\.Formats expects int, found 1\.5/);
    expect(errorOf(() => F({ n: 2, e: 'not-an-email' })).message).toMatch(/at .e.: fastcheck\.Formats: Invalid email address/);
    expect(errorOf(() => F({ n: oneOf([1, 2.5]), e: 'a@b.co' })).message).toMatch(/oneOf candidate 1 \(2\.5\)/);
  });
});
