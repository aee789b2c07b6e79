import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, checkDepth, jsonTextDepth } from '../../../src/base/json-depth.js';
import { errorOf } from '../../support/error-of.js';

/** The nesting depth of a value, by recursion (a reference for shallow values). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce((max: number, c) => Math.max(max, depthOf(c)), 0);
}

/** `[[...[leaf]...]]`, `n` arrays deep, built without recursion. */
function nestedArrays(n: number, leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

/** `{"a": {"a": ... leaf}}`, `n` records deep. */
function nestedRecords(n: number, key = 'a', leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < n; i++) v = { [key]: v };
  return v;
}

describe('MAX_JSON_DEPTH', () => {
  it('is 512: far above real trees, far below where recursive readers overflow', () => {
    expect(MAX_JSON_DEPTH).toBe(512);
  });
});

describe('jsonTextDepth', () => {
  it.each([
    ['1', 0],
    ['"[[["', 0],
    ['[]', 1],
    ['{}', 1],
    ['{"a":[1]}', 2],
    ['[[],[[{}]]]', 4],
    ['["\\"[", {"k\\\\": [[]]}]', 4],
    ['["\\\\"]]]', 1],
    [']]]{', 1],
    ['', 0],
  ])('of %j is %i', (text, depth) => {
    expect(jsonTextDepth(text)).toBe(depth);
  });

  it("is the nesting of JSON.stringify's output", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonTextDepth(JSON.stringify(value))).toBe(depthOf(value));
      }),
    );
  });

  it('counts any depth without recursion', () => {
    for (const n of [10, 1e3, 1e5, 1e6]) {
      expect(jsonTextDepth(`${'['.repeat(n)}1${']'.repeat(n)}`)).toBe(n);
      expect(jsonTextDepth('{"a":'.repeat(n))).toBe(n);
    }
  });
});

describe('checkDepth', () => {
  it('accepts values up to the limit', () => {
    expect(() => checkDepth(nestedArrays(MAX_JSON_DEPTH), 'test')).not.toThrow();
    expect(() => checkDepth(nestedRecords(MAX_JSON_DEPTH), 'test')).not.toThrow();
    for (const v of [1, 'x', null, undefined, 1n, Symbol('s'), () => 1, [], {}]) expect(() => checkDepth(v, 'test')).not.toThrow();
  });

  it('rejects deeper values at any depth with a json PliantError naming the API and the key path', () => {
    for (const n of [MAX_JSON_DEPTH + 1, 1e3, 1e5, 1e6]) {
      const e = errorOf(() => checkDepth(nestedArrays(n), 'someApi'));
      expect(e.api).toBe('someApi');
      expect(e.code).toBe('json');
      expect(e.path).toBe('[0]'.repeat(MAX_JSON_DEPTH));
      expect(e.message).toContain(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    }
    expect(errorOf(() => checkDepth(nestedRecords(1e5), 'x')).path).toBe(Array(MAX_JSON_DEPTH).fill('a').join('.'));
    expect(errorOf(() => checkDepth(nestedRecords(1e3, 'a b'), 'x')).path).toBe('["a b"]'.repeat(MAX_JSON_DEPTH));
  });

  it('names the path of the first container below the limit, past shallower siblings', () => {
    const value = { ok: [[1]], deep: [0, nestedArrays(10)] };
    const e = errorOf(() => checkDepth(value, 'x', 4));
    expect(e.path).toBe('deep[1][0][0]');
    expect(() => checkDepth(value, 'x', 12)).not.toThrow();
    expect(errorOf(() => checkDepth([[1]], 'x', 0)).path).toBe('');
  });

  it('rejects a cycle at the path where the value recurs', () => {
    const list: unknown[] = [1];
    list.push({ back: list });
    const e = errorOf(() => checkDepth({ top: list }, 'x'));
    expect(e.code).toBe('json');
    expect(e.path).toBe('top[1].back');
    expect(e.message).toContain('cycle');
  });

  it('walks a shared subtree once per depth, not once per path (a DAG of 2^60 paths is quick)', () => {
    let v: unknown = [1];
    for (let i = 0; i < 60; i++) v = [v, v];
    expect(() => checkDepth(v, 'x')).not.toThrow();
    expect(errorOf(() => checkDepth(v, 'x', 30)).path).toBe('[0]'.repeat(30));
    // A shared subtree seen shallow first, then deeper: the deeper sighting is checked too.
    const shared = nestedArrays(5);
    expect(errorOf(() => checkDepth({ a: shared, b: nestedArrays(3, shared) }, 'x', 8)).path).toBe(`b${'[0]'.repeat(7)}`);
  });

  it('agrees with the recursive depth on any JSON value and limit', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(6), (value, limit) => {
        const deep = depthOf(value) > limit;
        let threw = false;
        try {
          checkDepth(value, 'x', limit);
        } catch {
          threw = true;
        }
        expect(threw).toBe(deep);
      }),
    );
  });

  it('rejects a bad limit', () => {
    expect(errorOf(() => checkDepth([], 'x', -1)).code).toBe('argument');
    expect(errorOf(() => checkDepth([], 'x', 1.5)).code).toBe('argument');
  });
});
