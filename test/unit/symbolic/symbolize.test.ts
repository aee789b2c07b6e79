import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { errorOf } from '../../support/error-of.js';
import { z } from 'zod';
import { PliantError, Registry, SymbolicNode, build, defaultRegistry, isNode, nodeSchema, rebind, schemaAt, symbolize } from '../../../src/index.js';
import type { SymbolicType } from '../../../src/index.js';
import { Adam, Conv, Dense, Experiment, Free, Net, experiment } from '../../support/model-types.js';

describe('symbolize', () => {
  it('records arguments instead of running the function, with defaults filled in', () => {
    const fn = vi.fn((a: { units: number; act?: string }) => `dense(${a.units},${a.act})`);
    const D = symbolize('sym.Recorded', fn, { schema: z.object({ units: z.number(), act: z.string().default('relu') }) });
    const node = D({ units: 64 });
    expect(fn).not.toHaveBeenCalled();
    expect(node).toBeInstanceOf(SymbolicNode);
    expect(node.args).toEqual({ units: 64, act: 'relu' });
    expect(node.typeName).toBe('sym.Recorded');
    expect(D.is(node)).toBe(true);
    expect(D.is(Conv({ filters: 1, kernel: 1 }))).toBe(false);
    expect(build(node)).toBe('dense(64,relu)');
    expect(fn).toHaveBeenCalledWith({ units: 64, act: 'relu' }, { seed: 0, path: '', scratch: new Map() });
  });

  it('types nodes by their arguments', () => {
    const node = Conv({ filters: 8, kernel: 3 });
    expectTypeOf(node.args.filters).toEqualTypeOf<number>();
    expectTypeOf(build(node)).toMatchTypeOf<{ kind: string; filters: number }>();
    expect(node.args.filters).toBe(8);
  });

  it('fills defaults given in options, which the caller can override', () => {
    const F = symbolize('sym.Defaults', (a: { x: number; y?: number[] }) => a, { defaults: { y: [1, 2] } });
    expect(F({ x: 1 }).args).toEqual({ x: 1, y: [1, 2] });
    expect(F({ x: 1, y: [3] }).args.y).toEqual([3]);
    // undefined means "not given": the default applies
    expect(F({ x: 1, y: undefined }).args.y).toEqual([1, 2]);
  });

  it('makes nodes and their arguments immutable', () => {
    const node = Conv({ filters: 8, kernel: 3 });
    expect(Object.isFrozen(node)).toBe(true);
    expect(Object.isFrozen(node.args)).toBe(true);
    expect(() => {
      (node.args as { filters: number }).filters = 9;
    }).toThrow(TypeError);
    const raw = ['a', 'b'];
    const net = Net({ stem: node, blocks: raw, depth: 1 });
    raw.push('c');
    expect(net.args.blocks).toEqual(['a', 'b']);
    expect(Object.isFrozen(net.args.blocks)).toBe(true);
  });

  it('orders arguments canonically whatever the call order', () => {
    const a = Conv({ act: 'gelu', kernel: 3, filters: 8 });
    expect(Object.keys(a.args)).toEqual(['filters', 'kernel', 'act']);
    const f1 = Free({ b: 1, a: 2 });
    const f2 = Free({ a: 2, b: 1 });
    expect(Object.keys(f1.args)).toEqual(['a', 'b']);
    expect(Object.keys(f2.args)).toEqual(['a', 'b']);
  });

  it('symbolizes classes constructed with one options object', () => {
    class Layer {
      readonly units: number;
      constructor(options: { units: number }) {
        this.units = options.units;
      }
    }
    const L = symbolize('sym.Layer', Layer, { schema: z.object({ units: z.number() }) });
    const built = build(L({ units: 3 }));
    expect(built).toBeInstanceOf(Layer);
    expect(built.units).toBe(3);
    expect(L.type.kind).toBe('class');
  });

  it('validates arguments and names the type, the key path, the expected and the found value', () => {
    const e = errorOf(() => Conv({ filters: 8, kernel: 'three' as unknown as number }));
    expect(e.code).toBe('schema');
    expect(e.api).toBe('test.Conv');
    expect(e.path).toBe('kernel');
    expect(e.message).toContain('test.Conv expects number');
    expect(e.message).toContain('found "three"');

    const neg = errorOf(() => Conv({ filters: -1, kernel: 3 }));
    expect(neg.path).toBe('filters');
    expect(neg.message).toContain('found -1');

    const missing = errorOf(() => Conv({ filters: 1 } as unknown as { filters: number; kernel: number }));
    expect(missing.path).toBe('kernel');
    expect(missing.message).toContain('missing');

    const nested = errorOf(() => Net({ stem: Adam({ lr: 0.1 }), blocks: [], depth: 1 }));
    expect(nested.path).toBe('stem');
    expect(nested.message).toContain('test.Conv | test.Dense node');

    const deep = errorOf(() => Net({ stem: Dense({ units: 3 }), blocks: ['a', 3 as unknown as string], depth: 1 }));
    expect(deep.path).toBe('blocks[1]');
  });

  it('rejects argument names the schema does not declare', () => {
    const e = errorOf(() => Conv({ filters: 1, kernel: 3, kernal: 5 } as unknown as { filters: number; kernel: number }));
    expect(e.path).toBe('kernal');
    expect(e.message).toContain("has no argument 'kernal'");
    expect(e.message).toContain('filters, kernel, act');
  });

  it("takes only the record's own keys as arguments, whatever Object.prototype holds", () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 1;
    try {
      const c = Conv({ filters: 1, kernel: 3 });
      expect(Object.keys(c.args)).toEqual(['filters', 'kernel', 'act']);
      const f = Free({ x: 1 });
      expect(Object.keys(f.args)).toEqual(['x']);
    } finally {
      delete proto.polluted;
    }
  });

  it('rejects values that cannot live in a tree, naming their key path', () => {
    const cases: [unknown, string, RegExp][] = [
      [() => 1, 'extras.f', /function/],
      [new Map(), 'extras.f', /Map instance/],
      [new Date(), 'extras.f', /Date instance/],
      [Symbol('s'), 'extras.f', /symbol/],
      [10n, 'extras.f', /bigint/],
      [[1, undefined], 'extras.f[1]', /undefined/],
      [{ nested: [new Set()] }, 'extras.f.nested[0]', /Set instance/],
    ];
    for (const [bad, path, why] of cases) {
      const e = errorOf(() => Net({ stem: Dense({ units: 1 }), blocks: [], depth: 1, extras: { f: bad } }));
      expect(e.code).toBe('invalid-value');
      expect(e.path).toBe(path);
      expect(e.message).toMatch(why);
    }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const e = errorOf(() => Free({ c: cyclic }));
    expect(e.path).toBe('c.self');
    expect(e.message).toContain('cycle');
    // a value shared twice (a DAG, not a cycle) is fine
    const shared = { x: 1 };
    expect(Free({ a: shared, b: [shared, shared] }).args).toEqual({ a: { x: 1 }, b: [{ x: 1 }, { x: 1 }] });
    expect(errorOf(() => Free({ r: JSON.parse('{"__proto__": 1}') })).path).toBe('r.__proto__');
    expect(errorOf(() => Free({ r: { constructor: 1 } })).message).toContain("'constructor' is not allowed");
  });

  it('rejects a non-record argument and bad definitions', () => {
    expect(errorOf(() => (Conv as unknown as (x: unknown) => unknown)(3)).message).toContain('one record of named arguments');
    expect(errorOf(() => symbolize('', () => 1)).code).toBe('argument');
    expect(errorOf(() => symbolize('has space', () => 1)).code).toBe('argument');
    expect(errorOf(() => symbolize('sym.NotFn', 3 as unknown as () => unknown)).code).toBe('argument');
    expect(errorOf(() => symbolize('sym.BadSchema', () => 1, { schema: z.number() as unknown as z.ZodObject })).code).toBe('argument');
    expect(errorOf(() => Free({ $type: 'x' })).message).toContain('cannot be an argument name');
  });
});

describe('the registry', () => {
  it('rejects a different definition under a taken name, accepts the same again', () => {
    const fn = (a: { x: number }): number => a.x;
    const A = symbolize('reg.Same', fn);
    const B = symbolize('reg.Same', fn);
    expect(B.type).toBe(A.type);
    const e = errorOf(() => symbolize('reg.Same', (a: { x: number }) => a.x + 1));
    expect(e.code).toBe('registry');
    expect(e.message).toContain("'reg.Same' is already registered");
    expect(defaultRegistry.get('reg.Same')).toBe(A.type);
    expect(defaultRegistry.names()).toContain('test.Conv');
  });

  it('supports separate registries', () => {
    const registry = new Registry();
    const A = symbolize('reg.Own', (a: { x: number }) => a.x, { registry });
    expect(registry.has('reg.Own')).toBe(true);
    expect(defaultRegistry.has('reg.Own')).toBe(false);
    expect(registry.unregister('reg.Own')).toBe(true);
    expect(registry.get('reg.Own')).toBeUndefined();
    expect(A({ x: 1 }).args.x).toBe(1);
  });
});

describe('self-validating values (the door for hyper values)', () => {
  // A test-only stand-in for a hyper value: accepted where each candidate would be.
  const Choice = symbolize('sym.Choice', (a: { candidates: unknown[] }) => a.candidates[0], {
    validateAgainst(node, schema, path, api) {
      const candidates = (node.args as { candidates: unknown[] }).candidates;
      candidates.forEach((c, i) => {
        const r = schema.safeParse(c);
        if (!r.success) throw new PliantError(api, 'schema', `candidate ${i} (${JSON.stringify(c)}) is not accepted here`, { path: path.toString() });
      });
    },
  });
  const choice = <T>(candidates: T[]): T => Choice({ candidates }) as unknown as T;

  it('accepts a value whose candidates all satisfy the field schema', () => {
    const c = Conv({ filters: choice([16, 32]), kernel: 3 });
    expect(isNode(c.args.filters)).toBe(true);
    const n = Net({ stem: choice([Conv({ filters: 1, kernel: 1 }), Dense({ units: 2 })]), blocks: ['a', choice(['b', 'c'])], depth: 1 });
    expect(isNode(n.args.stem)).toBe(true);
  });

  it('rejects a candidate that violates the field schema, naming the key path', () => {
    const e = errorOf(() => Conv({ filters: choice([16, -1]), kernel: 3 }));
    expect(e.path).toBe('filters');
    expect(e.message).toContain('candidate 1 (-1)');
    const deep = errorOf(() => Net({ stem: Dense({ units: 1 }), blocks: ['a', choice<string>(['b', 7 as unknown as string])], depth: 1 }));
    expect(deep.path).toBe('blocks[1]');
    const union = errorOf(() => Net({ stem: choice([Conv({ filters: 1, kernel: 1 }), Adam({ lr: 1 })]), blocks: [], depth: 1 }));
    expect(union.path).toBe('stem');
  });

  it('is validated on rebind too', () => {
    const c = Conv({ filters: 8, kernel: 3 });
    expect(isNode(rebind(c, 'kernel', choice([3, 5])).args.kernel)).toBe(true);
    expect(errorOf(() => rebind(c, 'kernel', choice([3, 0]))).path).toBe('kernel');
  });

  it('finds the sub-schema that applies at a path', () => {
    const schema = z.object({ a: z.array(z.object({ b: z.number().optional() })), u: z.union([z.object({ x: z.string() }), z.object({ y: z.number() })]) });
    expect(schemaAt(schema, ['a', 0, 'b'])?.safeParse(1).success).toBe(true);
    expect(schemaAt(schema, ['a', 0, 'b'])?.safeParse('no').success).toBe(false);
    expect(schemaAt(schema, ['u', 'x'])?.safeParse('s').success).toBe(true);
    expect(schemaAt(schema, ['nope'])).toBeUndefined();
  });
});

describe('nodeSchema', () => {
  it('accepts exactly the nodes of the given types', () => {
    const s = nodeSchema(Conv, Dense);
    expect(s.safeParse(Conv({ filters: 1, kernel: 1 })).success).toBe(true);
    expect(s.safeParse(Dense({ units: 1 })).success).toBe(true);
    expect(s.safeParse(Adam({ lr: 1 })).success).toBe(false);
    expect(s.safeParse({ filters: 1 }).success).toBe(false);
  });

  it('is used for nested nodes', () => {
    const t = experiment();
    expect((Experiment.type as SymbolicType).schema).toBeDefined();
    expect(isNode(t.args.model)).toBe(true);
  });
});
