import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../../src/base/json-depth.js';
import { PliantError } from '../../../src/base/errors.js';
import { DNA } from '../../../src/geno/dna.js';
import type { DNALiteral } from '../../../src/geno/dna.js';
import { errorOf } from '../../support/error-of.js';
import { dnaJsonish, hostileValue } from '../base/hostile-values.js';

/** `[[...[0]...]]`, `n` lists deep, built without recursion. */
function nestedLists(n: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

/** A chain of `n` decisions `0 → 0 → ... → 0`, each with one child (JSON form: 2 levels each). */
function chain(n: number): DNA {
  let d = new DNA(0);
  for (let i = 1; i < n; i++) d = new DNA(0, [d, new DNA(1)]);
  return d;
}

/** Runs `f`; it must return or throw a `PliantError` (never a TypeError, a RangeError...). */
function returnsOrPliant(f: () => unknown): unknown {
  try {
    return f();
  } catch (error) {
    expect(error).toBeInstanceOf(PliantError);
    return error;
  }
}

const DEPTHS = [10, 1e3, 1e5, 1e6];

describe('DNA against hostile nesting', () => {
  it('DNA.parse: any depth is a DNA or a json PliantError naming DNA.parse and the path, never a RangeError', () => {
    for (const n of DEPTHS) {
      for (const [open, close] of [
        ['[', ']'],
        ['(', ')'],
        ['(0, ', ')'],
      ]) {
        const text = `${(open as string).repeat(n)}1${(close as string).repeat(n)}`;
        if (n === 10) {
          expect(DNA.parse(text)).toBeInstanceOf(DNA);
          continue;
        }
        const e = errorOf(() => DNA.parse(text));
        expect(e.api).toBe('DNA.parse');
        expect(e.code).toBe('json');
        expect(e.message).toContain(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
        expect(e.path).toMatch(/^(\[\d+\])+$/);
      }
    }
    expect(errorOf(() => DNA.parse(`${'['.repeat(1e5)}1`)).path).toBe('[0]'.repeat(MAX_JSON_DEPTH));
  });

  it('DNA.parse: a long flat tuple chain is an error, not a stack overflow; a shallow one parses', () => {
    const long = `(${Array.from({ length: 1e5 }, (_, i) => i).join(', ')})`;
    const e = errorOf(() => DNA.parse(long));
    expect(e.api).toBe('DNA.parse');
    expect(e.code).toBe('json');
    expect(DNA.parse('(0, 1, 2, [3, 4])').toString()).toBe('DNA(0, 1, 2, [3, 4])');
    expect(DNA.parse('(0, 1, 2, 3)').equals(DNA.tuple(0, 1, 2, 3))).toBe(true);
  });

  it('DNA.parse: malformed text is a json error whose message stays short', () => {
    const e = errorOf(() => DNA.parse(`DNA(${'x'.repeat(1e6)})`));
    expect(e.code).toBe('json');
    expect(e.message.length).toBeLessThan(200);
    expect(errorOf(() => DNA.parse(3 as unknown as string)).code).toBe('argument');
  });

  it('DNA.fromJSON: any depth is a DNA or a json PliantError naming DNA.fromJSON and the path', () => {
    for (const n of DEPTHS) {
      const lists = nestedLists(n);
      let objects: unknown = 0;
      for (let i = 0; i < n; i++) objects = { value: 0, children: [objects] };
      if (n === 10) {
        expect(DNA.fromJSON(lists)).toBeInstanceOf(DNA);
        expect(DNA.fromJSON(objects)).toBeInstanceOf(DNA);
        continue;
      }
      const e = errorOf(() => DNA.fromJSON(lists));
      expect([e.api, e.code, e.path]).toEqual(['DNA.fromJSON', 'json', '[0]'.repeat(MAX_JSON_DEPTH)]);
      const o = errorOf(() => DNA.fromJSON(objects));
      expect([o.api, o.code]).toEqual(['DNA.fromJSON', 'json']);
      expect(o.path).toBe('children[0].'.repeat(MAX_JSON_DEPTH / 2).slice(0, -1));
      // Through the text form as well (JSON.parse copes; the check is what refuses).
      expect(errorOf(() => DNA.fromJSON(JSON.parse(`${'['.repeat(n)}0${']'.repeat(n)}`))).api).toBe('DNA.fromJSON');
    }
  });

  it('a DNA is at most MAX_JSON_DEPTH deep in its JSON form: the deepest one round-trips, one more is an error', () => {
    const deepest = chain(MAX_JSON_DEPTH / 2 + 1);
    const json = deepest.toJSON();
    expect(DNA.fromJSON(JSON.parse(JSON.stringify(json))).equals(deepest)).toBe(true);
    expect(DNA.parse(deepest.toString()).equals(deepest)).toBe(true);
    const e = errorOf(() => new DNA(0, [deepest]));
    expect([e.api, e.code]).toEqual(['DNA', 'json']);
    expect(e.path).toBe(
      Array<string>(MAX_JSON_DEPTH / 2)
        .fill('children[0]')
        .join('.'),
    );
    let list = new DNA(undefined, [new DNA(1), new DNA(2)]);
    for (let i = 1; i < MAX_JSON_DEPTH; i++) list = new DNA(undefined, [list, new DNA(3)]);
    expect(errorOf(() => new DNA(undefined, [list, list])).path).toBe('[0]'.repeat(MAX_JSON_DEPTH));
  });

  it('DNA.of and DNA.tuple: deep or long literals are errors, not stack overflows', () => {
    expect(errorOf(() => DNA.of(nestedLists(1e5) as DNALiteral)).api).toBe('DNA.of');
    expect(DNA.of(nestedLists(100) as DNALiteral).equals(new DNA(0))).toBe(true); // lists of one collapse
    const links = Array.from({ length: 5000 }, (_, i) => i);
    expect(errorOf(() => DNA.tuple(0, ...links)).code).toBe('json');
    expect(DNA.tuple(0, 1, 2).toString()).toBe('DNA(0, 1, 2)');
  });
});

describe('DNA against non-JSON values', () => {
  it('DNA.fromJSON names the key path of a value that is no DNA', () => {
    const cases: [unknown, string][] = [
      [[1, 2n], '[1]'],
      [{ value: 1, children: [0, Symbol('s')] }, 'children[1]'],
      [[[() => 1]], '[0][0]'],
      [[undefined], '[0]'],
      [[NaN], '[0]'],
      [{ value: NaN, children: [] }, ''],
      [new Map([[1, 2]]), ''],
      [{ value: 1n, children: [] }, ''],
      [{ value: 1, children: [1, [new Date(0)]] }, 'children[1][0]'],
    ];
    for (const [json, path] of cases) {
      const e = errorOf(() => DNA.fromJSON(json));
      expect([e.api, e.code, e.path]).toEqual(['DNA.fromJSON', 'json', path]);
    }
    expect(errorOf(() => DNA.fromJSON([1, , 2])).path).toBe('[1]');
    const cyclic: unknown[] = [1];
    cyclic.push([cyclic]);
    const e = errorOf(() => DNA.fromJSON(cyclic));
    expect([e.code, e.path]).toEqual(['json', '[1][0]']);
    expect(e.message).toContain('cycle');
  });

  it('new DNA checks its value, its children and its flag', () => {
    expect(errorOf(() => new DNA(1n as unknown as number)).message).toContain('1n');
    expect(errorOf(() => new DNA(Symbol('s') as unknown as number)).api).toBe('DNA');
    expect(errorOf(() => new DNA(1, [new DNA(0), 2 as unknown as DNA])).path).toBe('[1]');
    expect(errorOf(() => new DNA(1, 'ab' as unknown as DNA[])).code).toBe('argument');
    expect(errorOf(() => new DNA(1, [], 'yes' as unknown as boolean)).code).toBe('argument');
    expect(errorOf(() => new DNA(undefined, [new DNA(0), , new DNA(1)] as DNA[])).path).toBe('[1]');
  });

  it('DNA.fromJSON of anything is a DNA or a PliantError; a DNA it reads round-trips', () => {
    fc.assert(
      fc.property(fc.oneof(hostileValue, dnaJsonish), (json) => {
        const dna = returnsOrPliant(() => DNA.fromJSON(json));
        if (dna instanceof DNA) expect(DNA.fromJSON(dna.toJSON()).equals(dna)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('new DNA of anything is a DNA or a PliantError', () => {
    const children = fc.oneof(hostileValue, fc.array(fc.oneof(hostileValue, fc.constant(new DNA(1)))));
    fc.assert(
      fc.property(hostileValue, children, hostileValue, (value, kids, isFloat) => {
        const dna = returnsOrPliant(() => new DNA(value as number, kids as DNA[], isFloat as boolean));
        if (dna instanceof DNA) {
          expect(() => JSON.stringify(dna.toJSON())).not.toThrow();
          expect(DNA.parse(dna.toString()).toNumbers()).toEqual(dna.toNumbers());
        }
      }),
      { numRuns: 500 },
    );
  });
});
