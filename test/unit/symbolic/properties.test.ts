import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PliantError, diff, eq, formatKeyPath, fromJSON, fromJSONString, get, hash, rebind, toJSON, toJSONString } from '../../../src/index.js';
import type { TreeValue } from '../../../src/index.js';
import { hostileJsonTextArb, leafPaths, primitiveArb, reorderKeys, treeArb } from '../../support/arbitraries.js';

const runs = { numRuns: Number(process.env.PROP_RUNS ?? 400) };

describe('properties of the symbolic core', () => {
  it('JSON round trip is exact (object and string forms)', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        expect(eq(fromJSON(toJSON(tree)), tree)).toBe(true);
        expect(eq(fromJSONString(toJSONString(tree)), tree)).toBe(true);
        expect(hash(fromJSON(toJSON(tree)))).toBe(hash(tree));
      }),
      runs,
    );
  });

  it('eq implies equal hashes, and key order never changes a hash', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        const reordered = reorderKeys(tree);
        expect(eq(reordered, tree)).toBe(true);
        expect(hash(reordered)).toBe(hash(tree));
      }),
      runs,
    );
    fc.assert(
      fc.property(treeArb, treeArb, (a, b) => {
        // no collisions on distinct trees, equal hashes on equal ones
        expect(hash(a) === hash(b)).toBe(eq(a, b));
      }),
      runs,
    );
  });

  it('after rebind, get returns the new value and the original is unchanged', () => {
    fc.assert(
      fc.property(
        treeArb.filter((t) => leafPaths(t).some((p) => p.length > 0)),
        fc.nat(),
        primitiveArb,
        (tree, pick, value) => {
          const paths = leafPaths(tree).filter((p) => p.length > 0);
          const path = paths[pick % paths.length] as (string | number)[];
          const before = toJSONString(tree);
          const beforeHash = hash(tree);
          let next: TreeValue;
          try {
            next = rebind(tree, path, value);
          } catch (error) {
            // only a schema may refuse the value (e.g. a string where Conv wants a number)
            expect(error).toBeInstanceOf(PliantError);
            expect((error as PliantError).code).toBe('schema');
            return;
          }
          expect(eq(get(next, path), value)).toBe(true);
          expect(toJSONString(tree)).toBe(before);
          expect(hash(tree)).toBe(beforeHash);
        },
      ),
      runs,
    );
  });

  it('diff(a, rebind(a, ...)) names exactly the rebound paths', () => {
    fc.assert(
      fc.property(treeArb, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (tree, picks) => {
        const paths = leafPaths(tree).filter((p) => p.length > 0);
        fc.pre(paths.length > 0);
        const chosen = new Map<string, (string | number)[]>();
        for (const pick of picks) {
          const p = paths[pick % paths.length] as (string | number)[];
          chosen.set(formatKeyPath(p), p);
        }
        const updates = new Map<(string | number)[], unknown>();
        let i = 0;
        for (const p of chosen.values()) {
          const old = get(tree, p);
          // a new value of the same kind (so schemas accept it) that differs from the old one
          updates.set(
            p,
            typeof old === 'number'
              ? Number.isInteger(old) && old > 0 && old < 1e6
                ? old + 1
                : 7 + i
              : typeof old === 'string'
                ? `${old}~${i}`
                : typeof old === 'boolean'
                  ? !old
                  : `was-null-${i}`,
          );
          i++;
        }
        let next: TreeValue;
        try {
          next = rebind(tree, updates);
        } catch (error) {
          expect((error as PliantError).code).toBe('schema');
          return;
        }
        expect(
          diff(tree, next)
            .map((d) => d.path)
            .sort(),
        ).toEqual([...chosen.keys()].sort());
      }),
      runs,
    );
  });

  it('fromJSON on arbitrary JSON returns a tree or throws a PliantError, and never pollutes a prototype', () => {
    fc.assert(
      fc.property(hostileJsonTextArb, (text) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return; // not JSON: out of scope here (fromJSONString's own error is tested elsewhere)
        }
        try {
          const tree = fromJSON(parsed);
          expect(eq(fromJSON(toJSON(tree)), tree)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(PliantError);
        }
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTO_NAMES);
        expect(({} as Record<string, unknown>).filters).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
