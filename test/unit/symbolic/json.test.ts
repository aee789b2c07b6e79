import { errorOf } from '../../support/error-of.js';
import { describe, expect, it } from 'vitest';
import { PliantError, Registry, eq, fromJSON, fromJSONString, symbolize, toJSON, toJSONString } from '../../../src/index.js';
import { Conv, Free, experiment } from '../../support/model-types.js';

describe('toJSON / fromJSON', () => {
  it('writes nodes as {"$type", ...args}', () => {
    expect(toJSON(Conv({ filters: 8, kernel: 3 }))).toEqual({ $type: 'test.Conv', filters: 8, kernel: 3, act: 'relu' });
    expect(toJSONString(Conv({ filters: 8, kernel: 3 }))).toBe('{"$type":"test.Conv","filters":8,"kernel":3,"act":"relu"}');
  });

  it('round-trips exactly, special numbers included', () => {
    const tree = Free({ values: [NaN, Infinity, -Infinity, -0, 0, 1.5e-300, Number.MAX_VALUE], model: experiment(), nested: { $odd: 1, ok: [true, null] } });
    const json = toJSON(tree);
    expect(JSON.stringify(json)).toContain('{"$number":"NaN"}');
    expect(JSON.stringify(json)).toContain('{"$number":"-0"}');
    expect(JSON.stringify(json)).toContain('{"$record":{"$odd":1');
    const back = fromJSON(json);
    expect(eq(back, tree)).toBe(true);
    expect(eq(fromJSONString(toJSONString(tree)), tree)).toBe(true);
    expect(Object.is(fromJSON({ $number: '-0' }) as number, -0)).toBe(true);
  });

  it('validates arguments of the types it instantiates', () => {
    const e = errorOf(() => fromJSON({ $type: 'test.Free', m: { $type: 'test.Conv', filters: 'x', kernel: 3 } }));
    expect(e.api).toBe('fromJSON');
    expect(e.path).toBe('m.filters');
    expect(e.message).toContain('test.Conv expects number');
  });

  it('rejects unknown types, unknown directives and unsafe keys, naming the key path', () => {
    expect(errorOf(() => fromJSON({ a: [{ $type: 'Nope' }] })).path).toBe('a[0]');
    expect(errorOf(() => fromJSON({ a: [{ $type: 'Nope' }] })).message).toContain("unknown symbolic type 'Nope'");
    expect(errorOf(() => fromJSON({ $type: 3 })).message).toContain('"$type" must be a string');
    expect(errorOf(() => fromJSON({ $weird: 1 })).message).toContain("unknown directive '$weird'");
    expect(errorOf(() => fromJSON({ $number: 'pi' })).code).toBe('json');
    expect(errorOf(() => fromJSON({ $number: 'NaN', x: 1 })).code).toBe('json');
    expect(errorOf(() => fromJSON({ $record: 3 })).code).toBe('json');
    expect(errorOf(() => fromJSON({ $type: 'test.Free', $x: 1 })).path).toBe('$x');
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const e = errorOf(() => fromJSONString(`{"a": {"${key}": {"polluted": true}}}`));
      expect(e.path).toBe(`a.${key}`);
      expect(e.code).toBe('json');
      const inRecord = errorOf(() => fromJSONString(`{"$record": {"${key}": 1}}`));
      expect(inRecord.code).toBe('json');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(errorOf(() => fromJSON({ f: () => 1 })).path).toBe('f');
    expect(errorOf(() => fromJSON(new Date())).code).toBe('json');
    expect(errorOf(() => fromJSONString('{oops')).message).toContain('malformed JSON');
  });

  it('looks types up in the registry it is given', () => {
    const registry = new Registry();
    const Own = symbolize('json.Own', (a: { x: number }) => a.x, { registry });
    const json = toJSON(Own({ x: 1 }));
    expect(errorOf(() => fromJSON(json)).message).toContain("unknown symbolic type 'json.Own'");
    expect(eq(fromJSON(json, { registry }), Own({ x: 1 }))).toBe(true);
  });

  it('never runs symbolic functions', () => {
    let calls = 0;
    const Counted = symbolize('json.Counted', (a: { x: number }) => {
      calls++;
      return a.x;
    });
    fromJSON(toJSON(Counted({ x: 1 })));
    expect(calls).toBe(0);
  });
});

describe('hostile nesting', () => {
  it('rejects JSON nested deeper than the limit with a PliantError, not a stack overflow', () => {
    const deep = `${'['.repeat(20000)}${']'.repeat(20000)}`;
    expect(() => fromJSONString(deep)).toThrow(/nesting deeper than 512 levels/);
    let v: unknown = 1;
    for (let i = 0; i < 20000; i++) v = { a: v };
    expect(() => fromJSON(v)).toThrow(PliantError);
    expect(() => symbolize('json.Deep', (a: { x: unknown }) => a)({ x: v })).toThrow(/nests deeper than 512 levels/);
  });
});

describe('JSON.stringify of a node', () => {
  it('gives the pliant JSON form', () => {
    const node = Free({ x: [NaN, 1], m: Conv({ filters: 1, kernel: 1 }) });
    expect(JSON.parse(JSON.stringify(node))).toEqual(toJSON(node));
    expect(eq(fromJSONString(JSON.stringify(node)), node)).toBe(true);
  });
});
