import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../../src/base/json-depth.js';
import { PliantError, eq, fromJSON, fromJSONString, symbolize, toJSON, toJSONString } from '../../../src/index.js';
import type { TreeValue } from '../../../src/index.js';
import { errorOf } from '../../support/error-of.js';
import { hostileValue } from '../base/hostile-values.js';

const Wrap = symbolize('json-hostile.Wrap', (a: { x: unknown }) => a);

/** `n` nodes nested through their argument `x`. */
function nestedNodes(n: number): TreeValue {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = Wrap({ x: v });
  return v as TreeValue;
}

/** Runs `f`; it must return or throw a `PliantError` (never a TypeError, a RangeError...). */
function returnsOrPliant(f: () => unknown): { value?: unknown; error?: PliantError } {
  try {
    return { value: f() };
  } catch (error) {
    expect(error).toBeInstanceOf(PliantError);
    return { error: error as PliantError };
  }
}

describe('fromJSON / fromJSONString against hostile nesting', () => {
  it('reads 10 levels; refuses 1e3, 1e5 and 1e6 with a json PliantError naming the API and the key path', () => {
    for (const n of [10, 1e3, 1e5, 1e6]) {
      const arrays = `${'['.repeat(n)}1${']'.repeat(n)}`;
      const records = `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
      if (n === 10) {
        expect(fromJSONString(arrays)).toBeDefined();
        expect(fromJSON(JSON.parse(records))).toBeDefined();
        continue;
      }
      const text = errorOf(() => fromJSONString(arrays));
      expect([text.api, text.code, text.path]).toEqual(['fromJSONString', 'json', '[0]'.repeat(MAX_JSON_DEPTH)]);
      expect(text.message).toContain(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
      const value = errorOf(() => fromJSON(JSON.parse(records)));
      expect([value.api, value.code, value.path]).toEqual(['fromJSON', 'json', Array(MAX_JSON_DEPTH).fill('a').join('.')]);
      const nodes = errorOf(() => fromJSONString(`${'{"$type":"json-hostile.Wrap","x":'.repeat(n)}1${'}'.repeat(n)}`));
      expect([nodes.api, nodes.code]).toEqual(['fromJSONString', 'json']);
    }
  });

  it('reads what toJSON writes at the deepest allowed nesting', () => {
    const deepest = nestedNodes(MAX_JSON_DEPTH);
    expect(eq(fromJSONString(toJSONString(deepest)), deepest)).toBe(true);
  });

  it('names a cycle in its input', () => {
    const record: Record<string, unknown> = { a: [1] };
    (record.a as unknown[]).push({ back: record });
    const e = errorOf(() => fromJSON(record));
    expect([e.api, e.code, e.path]).toEqual(['fromJSON', 'json', 'a[1].back']);
  });

  it('names bigints, symbols and other non-JSON leaves clearly', () => {
    expect(errorOf(() => fromJSON({ a: [1, 2n] })).message).toBe("fromJSON: at 'a[1]': a bigint (2n) is not JSON");
    expect(errorOf(() => fromJSON({ s: Symbol('x') })).path).toBe('s');
    expect(errorOf(() => fromJSON([undefined])).message).toContain('undefined is not JSON');
  });
});

describe('toJSON against hostile trees', () => {
  it('writes a tree up to the limit; deeper is a json PliantError naming toJSON and the key path, at any depth', () => {
    expect(() => toJSON(nestedNodes(MAX_JSON_DEPTH))).not.toThrow();
    for (const n of [MAX_JSON_DEPTH + 1, 1e3, 1e5]) {
      const e = errorOf(() => toJSON(nestedNodes(n)));
      expect([e.api, e.code, e.path]).toEqual(['toJSON', 'json', Array(MAX_JSON_DEPTH).fill('x').join('.')]);
      expect(errorOf(() => toJSONString(nestedNodes(n))).api).toBe('toJSONString');
    }
  });

  it('counts the levels its JSON form adds ($record, $number)', () => {
    const wrapped = (leaf: unknown): TreeValue => {
      let v = leaf;
      for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) v = Wrap({ x: v });
      return v as TreeValue;
    };
    expect(() => toJSON(wrapped({ plain: 1 }))).not.toThrow();
    expect(errorOf(() => toJSON(wrapped({ $dollar: 1 }))).code).toBe('json');
    expect(() => toJSON(wrapped(1))).not.toThrow();
    expect(errorOf(() => toJSON(wrapped([NaN]))).code).toBe('json');
  });

  it('rejects values that cannot live in a tree with an invalid-value PliantError naming the key path', () => {
    const cycle: unknown[] = [1];
    cycle.push({ again: cycle });
    const holey = [1, , 3];
    const cases: [unknown, string][] = [
      [{ a: 1n }, 'a'],
      [{ a: [Symbol('s')] }, 'a[0]'],
      [{ f: () => 1 }, 'f'],
      [[1, undefined], '[1]'],
      [{ h: holey }, 'h[1]'],
      [{ m: new Map() }, 'm'],
      [{ d: [new Date(0)] }, 'd[0]'],
      [{ c: cycle }, 'c[1].again'],
      [JSON.parse('{"ok": {"__proto__": 1}}'), 'ok.__proto__'],
      [{ r: { [Symbol('k')]: 1 } }, 'r'],
      [undefined, ''],
    ];
    for (const [value, path] of cases) {
      const e = errorOf(() => toJSON(value as TreeValue));
      expect([e.api, e.code, e.path]).toEqual(['toJSON', 'invalid-value', path]);
    }
    expect(toJSON({ a: 1, gone: undefined } as unknown as TreeValue)).toEqual({ a: 1 });
  });
});

describe('JSON forms of anything', () => {
  it('fromJSON of anything is a tree or a PliantError', () => {
    fc.assert(
      fc.property(hostileValue, (value) => {
        returnsOrPliant(() => fromJSON(value));
      }),
      { numRuns: 500 },
    );
  });

  it('toJSON of anything is JSON (that fromJSON reads back) or a PliantError', () => {
    fc.assert(
      fc.property(hostileValue, (value) => {
        const { value: json } = returnsOrPliant(() => toJSON(value as TreeValue));
        if (json === undefined) return;
        const text = JSON.stringify(json);
        expect(JSON.parse(text)).toEqual(json);
        expect(toJSON(fromJSON(json))).toEqual(json);
      }),
      { numRuns: 500 },
    );
  });
});
