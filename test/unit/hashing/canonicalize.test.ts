import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PliantError, Registry, eq, hash, isNode, oneOf, symbolize } from '../../../src/index.js';
import type { SymbolicNode, TreeValue } from '../../../src/index.js';
import { DEFAULT_MAX_REWRITES, canonicalize } from '../../../src/hashing/canonicalize.js';
import type { RewriteEvent } from '../../../src/hashing/canonicalize.js';
import { ruleSet } from '../../../src/hashing/rewrite-rules.js';
import type { RuleSet } from '../../../src/hashing/rewrite-rules.js';
import { errorOf } from '../../support/error-of.js';

// A small expression language and a layer language, for tests only.
const Const = symbolize('cz.Const', (a: { v: number }) => a.v, { schema: z.object({ v: z.number() }) });
const Add = symbolize('cz.Add', (a: { terms: unknown[] }) => a, { schema: z.object({ terms: z.array(z.unknown()).min(1) }) });
const Mul = symbolize('cz.Mul', (a: { terms: unknown[] }) => a, { schema: z.object({ terms: z.array(z.unknown()).min(1) }) });
const Identity = symbolize('cz.Identity', (a: { x: unknown }) => a.x, { schema: z.object({ x: z.unknown() }) });
const Seq = symbolize('cz.Seq', (a: { layers: unknown[] }) => a, { schema: z.object({ layers: z.array(z.unknown()).min(1) }) });
const Dropout = symbolize('cz.Dropout', (a: { rate: number }) => a, { schema: z.object({ rate: z.number().min(0).max(1) }) });
const Dense = symbolize('cz.Dense', (a: { units: number; act?: string }) => a, {
  schema: z.object({ units: z.number().int().positive(), act: z.string().default('relu') }),
});
const Model = symbolize('cz.Model', (a: { body: unknown; head?: unknown }) => a);

const c = (v: number): SymbolicNode => Const({ v });

// Nodes are compared as pliant compares them (eq), not by their memo fields.
expect.addEqualityTesters([(a: unknown, b: unknown) => (isNode(a) || isNode(b) ? eq(a, b) : undefined)]);

function rules(name: string, list: readonly { name: string; match: unknown; replace: unknown }[]): RuleSet {
  return ruleSet({ name, rules: list });
}

const unwrap = { name: 'unwrap-identity', match: { $type: 'cz.Identity', x: '$x' }, replace: '$x' };
const sortAdd = { name: 'sort-add', match: { $type: 'cz.Add', terms: '$t' }, replace: { $update: { terms: { $sorted: '$t' } } } };
const sortMul = { name: 'sort-mul', match: { $type: 'cz.Mul', terms: '$t' }, replace: { $update: { terms: { $sorted: '$t' } } } };
const dropZero = { name: 'drop-zero-dropout', match: { $type: 'cz.Dropout', rate: 0 }, replace: { $remove: true } };
const algebra = rules('algebra', [unwrap, sortAdd, sortMul, dropZero]);

/** `items` in the canonical (hash) order. */
function byHash<T extends TreeValue>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (hash(a) < hash(b) ? -1 : hash(a) > hash(b) ? 1 : 0));
}

/** The rules that fired while canonicalising `tree` (with a fresh copy of `set`, so nothing is memoised), as `rule@path`. */
function firedOn(tree: TreeValue, set: RuleSet): string[] {
  const events: RewriteEvent[] = [];
  canonicalize(tree, ruleSet(set.toJSON()), { onRewrite: (e) => events.push(e) });
  return events.map((e) => `${e.rule}@${e.path}`);
}

describe('canonicalize: patterns', () => {
  it('"$x" binds any value, and the replacement "$x" gives it back', () => {
    const one = c(1);
    expect(canonicalize(Identity({ x: one }), algebra)).toBe(one);
    expect(canonicalize(Identity({ x: [1, 'a'] }), algebra)).toEqual([1, 'a']);
    expect(canonicalize(Identity({ x: Identity({ x: null }) }), algebra)).toBe(null);
  });

  it('a variable used twice must bind eq values', () => {
    const set = rules('twice', [
      { name: 'double', match: { $type: 'cz.Add', terms: ['$x', '$x'] }, replace: { $type: 'cz.Mul', terms: [{ $type: 'cz.Const', v: 2 }, '$x'] } },
    ]);
    expect(eq(canonicalize(Add({ terms: [c(5), c(5)] }), set), Mul({ terms: [c(2), c(5)] }))).toBe(true);
    const different = Add({ terms: [c(5), c(6)] });
    expect(canonicalize(different, set)).toBe(different);
  });

  it('"$_" matches anything without binding', () => {
    const set = rules('wild', [{ name: 'first', match: { $type: 'cz.Add', terms: ['$x', '$_'] }, replace: '$x' }]);
    expect(canonicalize(Add({ terms: [c(1), c(2)] }), set)).toEqual(c(1));
    expect(eq(canonicalize(Add({ terms: [c(1), c(1)] }), set), c(1))).toBe(true);
    const three = Add({ terms: [c(1), c(2), c(3)] });
    expect(canonicalize(three, set)).toBe(three); // an array pattern wants the same length
  });

  it('a $type pattern matches the named type; unlisted arguments are free', () => {
    const set = rules('dense', [{ name: 'units-to-one', match: { $type: 'cz.Dense', units: 64 }, replace: { $update: { units: 1 } } }]);
    expect(canonicalize(Dense({ units: 64, act: 'tanh' }), set)).toEqual(Dense({ units: 1, act: 'tanh' }));
    expect(canonicalize(Dense({ units: 64 }), set)).toEqual(Dense({ units: 1 }));
    const other = Dense({ units: 32 });
    expect(canonicalize(other, set)).toBe(other);
    // an argument the pattern lists but the node lacks: no match
    const absent = rules('absent', [{ name: 'head', match: { $type: 'cz.Model', head: '$h' }, replace: '$h' }]);
    const m = Model({ body: 1 });
    expect(canonicalize(m, absent)).toBe(m);
    expect(canonicalize(Model({ body: 1, head: 'h' }), absent)).toBe('h');
  });

  it('$in matches any of the listed literals', () => {
    const set = rules('in', [
      { name: 'linear', match: { $type: 'cz.Dense', act: { $in: ['linear', 'identity', null] } }, replace: { $update: { act: 'none' } } },
    ]);
    expect(canonicalize(Dense({ units: 1, act: 'identity' }), set)).toEqual(Dense({ units: 1, act: 'none' }));
    expect(canonicalize(Dense({ units: 1, act: 'linear' }), set)).toEqual(Dense({ units: 1, act: 'none' }));
    expect(canonicalize(Dense({ units: 1 }), set)).toEqual(Dense({ units: 1, act: 'relu' }));
  });

  it('$literal matches strings that would read as variables; $number matches special numbers', () => {
    const set = rules('lit', [
      { name: 'dollar', match: { $type: 'cz.Identity', x: { $literal: '$x' } }, replace: 'was-dollar-x' },
      { name: 'nan', match: { $type: 'cz.Model', body: { $number: 'NaN' } }, replace: { $type: 'cz.Model', body: 0 } },
      { name: 'negzero', match: { $type: 'cz.Const', v: { $number: '-0' } }, replace: { $type: 'cz.Const', v: 0 } },
    ]);
    expect(canonicalize(Identity({ x: '$x' }), set)).toBe('was-dollar-x');
    expect(canonicalize(Identity({ x: 'y' }), set)).toEqual(Identity({ x: 'y' }));
    expect(eq(canonicalize(Model({ body: NaN }), set), Model({ body: 0 }))).toBe(true);
    expect(eq(canonicalize(c(-0), set), c(0))).toBe(true);
    expect(canonicalize(c(0), set)).toEqual(c(0));
  });

  it('literals match by eq: 0 does not match -0, arrays and records structurally', () => {
    const set = rules('zero', [{ name: 'zero', match: { $type: 'cz.Const', v: 0 }, replace: 'zero' }]);
    expect(canonicalize(c(0), set)).toBe('zero');
    expect(canonicalize(c(-0), set)).toEqual(c(-0));
  });

  it('a record pattern matches a plain record having at least those keys; an array pattern elementwise', () => {
    const set = rules('rec', [
      { name: 'opt', match: { kind: 'adam', lr: '$lr' }, replace: { optimizer: 'adam', lr: '$lr' } },
      { name: 'pair', match: ['$a', '$b', 'swap'], replace: ['$b', '$a', 'swapped'] },
    ]);
    expect(canonicalize({ kind: 'adam', lr: 0.1, extra: true }, set)).toEqual({ optimizer: 'adam', lr: 0.1 });
    expect(canonicalize({ kind: 'sgd', lr: 0.1 }, set)).toEqual({ kind: 'sgd', lr: 0.1 });
    expect(canonicalize({ lr: 0.1 }, set)).toEqual({ lr: 0.1 });
    expect(canonicalize(Model({ body: { kind: 'adam', lr: 1 } }), set)).toEqual(Model({ body: { optimizer: 'adam', lr: 1 } }));
    expect(canonicalize([1, 2, 'swap'], set)).toEqual([2, 1, 'swapped']);
    expect(canonicalize([1, 2, 'swap', 4], set)).toEqual([1, 2, 'swap', 4]);
    // a record pattern never matches a node, nor an array
    expect(canonicalize(Model({ body: 1 }), rules('any-rec', [{ name: 'r', match: {}, replace: 'rec' }]))).toEqual(Model({ body: 1 }));
    expect(canonicalize([[]], rules('any-rec', [{ name: 'r', match: {}, replace: 'rec' }]))).toEqual([[]]);
    expect(canonicalize([{}], rules('any-rec', [{ name: 'r', match: {}, replace: 'rec' }]))).toEqual(['rec']);
  });

  it('rules may match primitives anywhere in the tree', () => {
    const set = rules('prim', [{ name: 'relu', match: 'ReLU', replace: 'relu' }]);
    expect(canonicalize(Seq({ layers: [Dense({ units: 2, act: 'ReLU' }), 'ReLU'] }), set)).toEqual(Seq({ layers: [Dense({ units: 2 }), 'relu'] }));
  });

  it('a rule about a type that is never registered never matches', () => {
    const set = rules('ghost', [{ name: 'ghost', match: { $type: 'cz.Ghost', x: '$x' }, replace: '$x' }, unwrap]);
    expect(canonicalize(Identity({ x: 3 }), set)).toBe(3);
  });
});

describe('canonicalize: replacements', () => {
  it('$type builds a node through its schema; a schema failure names the rule and the key path', () => {
    const set = rules('build', [{ name: 'dense-from-const', match: { $type: 'cz.Const', v: '$v' }, replace: { $type: 'cz.Dense', units: '$v' } }]);
    expect(canonicalize(Seq({ layers: [c(8)] }), set)).toEqual(Seq({ layers: [Dense({ units: 8 })] }));
    const e = errorOf(() => canonicalize(Seq({ layers: [c(8), c(-1)] }), set));
    expect(e.api).toBe('canonicalize');
    expect(e.code).toBe('schema');
    expect(e.path).toBe('layers[1].units');
    expect(e.message).toBe(
      "canonicalize: at 'layers[1].units': rule 'build/dense-from-const' made an invalid value: cz.Dense expects number to be >0, found -1",
    );
  });

  it('$type of a type not registered when the rule fires is an error naming the rule', () => {
    const set = rules('unreg', [{ name: 'to-ghost', match: { $type: 'cz.Const', v: '$v' }, replace: { $type: 'cz.NotRegistered', v: '$v' } }]);
    const e = errorOf(() => canonicalize([c(1)], set));
    expect(e.code).toBe('registry');
    expect(e.message).toBe(
      "canonicalize: at '[0]': rule 'unreg/to-ghost' builds a 'cz.NotRegistered', which is not a registered symbolic type (register it before canonicalizing)",
    );
  });

  it('replacement types are looked up in options.registry', () => {
    const registry = new Registry();
    const Box = symbolize('cz.Box', (a: { v: unknown }) => a, { registry });
    const set = rules('box', [{ name: 'box', match: { $type: 'cz.Const', v: '$v' }, replace: { $type: 'cz.Box', v: '$v' } }]);
    expect(() => canonicalize(c(1), set)).toThrow(/not a registered symbolic type/);
    expect(canonicalize(c(1), set, { registry })).toEqual(Box({ v: 1 }));
  });

  it('$update replaces some arguments of the matched node and validates them', () => {
    const set = rules('upd', [{ name: 'halve', match: { $type: 'cz.Dropout', rate: 1 }, replace: { $update: { rate: 0.5 } } }]);
    const d = canonicalize(Dropout({ rate: 1 }), set) as SymbolicNode;
    expect(d).toEqual(Dropout({ rate: 0.5 }));
    const bad = rules('bad-upd', [{ name: 'too-big', match: { $type: 'cz.Dropout', rate: 1 }, replace: { $update: { rate: 2 } } }]);
    const e = errorOf(() => canonicalize(Model({ body: Dropout({ rate: 1 }) }), bad));
    expect(e.path).toBe('body.rate');
    expect(e.message).toMatch(/^canonicalize: at 'body\.rate': rule 'bad-upd\/too-big' made an invalid value: cz\.Dropout expects number to be <=1, found 2$/);
    const unknownArg = rules('bad-arg', [{ name: 'new-arg', match: { $type: 'cz.Dropout' }, replace: { $update: { seed: 1 } } }]);
    expect(errorOf(() => canonicalize(Dropout({ rate: 0.1 }), unknownArg)).message).toMatch(
      /^canonicalize: at 'seed': rule 'bad-arg\/new-arg' made an invalid value: cz\.Dropout has no argument 'seed'/,
    );
  });

  it('$sorted orders an array by the stable hash of its elements, deterministically', () => {
    const terms = [c(3), c(1), c(2), c(1), Mul({ terms: [c(4)] })];
    const out = canonicalize(Add({ terms }), algebra) as SymbolicNode<{ terms: TreeValue[] }>;
    expect(out.args.terms).toEqual(byHash(terms));
    for (const perm of [
      [4, 3, 2, 1, 0],
      [2, 0, 4, 1, 3],
    ]) {
      const shuffled = Add({ terms: perm.map((i) => terms[i] as TreeValue) });
      expect(eq(canonicalize(shuffled, algebra), out)).toBe(true);
    }
    // $sorted of an array given in the replacement itself
    const set = rules('pairs', [
      { name: 'pair', match: { $type: 'cz.Add', terms: ['$a', '$b'] }, replace: { $type: 'cz.Mul', terms: { $sorted: ['$a', '$b'] } } },
    ]);
    expect(canonicalize(Add({ terms: [c(2), c(1)] }), set)).toEqual(Mul({ terms: byHash([c(2), c(1)]) }));
  });

  it('$sorted of something that is not an array (a hyper value) leaves the rule unapplied', () => {
    const space = Add({ terms: oneOf([[c(2), c(1)], [c(3)]]) as unknown as unknown[] });
    const out = canonicalize(space, algebra);
    expect(out).toBe(space);
  });

  it('$remove removes the matched value from its parent array or record', () => {
    const seq = Seq({ layers: [Dense({ units: 4 }), Dropout({ rate: 0 }), Dense({ units: 2 }), Dropout({ rate: 0.5 }), Dropout({ rate: 0 })] });
    expect(canonicalize(seq, algebra)).toEqual(Seq({ layers: [Dense({ units: 4 }), Dense({ units: 2 }), Dropout({ rate: 0.5 })] }));
    expect(canonicalize({ a: Dropout({ rate: 0 }), b: 1 }, algebra)).toEqual({ b: 1 });
    expect(canonicalize([[Dropout({ rate: 0 })]], algebra)).toEqual([[]]);
  });

  it('$remove does not apply at the root or at a node argument', () => {
    const root = Dropout({ rate: 0 });
    expect(canonicalize(root, algebra)).toBe(root);
    const m = Model({ body: Dropout({ rate: 0 }), head: [Dropout({ rate: 0 })] });
    expect(canonicalize(m, algebra)).toEqual(Model({ body: Dropout({ rate: 0 }), head: [] }));
  });

  it('a removal that leaves a parent invalid is an error naming the last rule and the key path', () => {
    const e = errorOf(() => canonicalize(Model({ body: Seq({ layers: [Dropout({ rate: 0 })] }) }), algebra));
    expect(e.path).toBe('body.layers');
    expect(e.message).toMatch(
      /^canonicalize: at 'body\.layers': rewriting the arguments made them invalid \(the last rule to fire: 'algebra\/drop-zero-dropout'\): cz\.Seq/,
    );
  });

  it('record, array and literal replacements, with $literal and $number', () => {
    const set = rules('shapes', [
      {
        name: 'to-record',
        match: { $type: 'cz.Identity', x: '$x' },
        replace: { wrapped: '$x', tag: { $literal: '$tag' }, n: { $number: 'Infinity' }, list: ['$x', 1] },
      },
    ]);
    expect(canonicalize(Identity({ x: 7 }), set)).toEqual({ wrapped: 7, tag: '$tag', n: Infinity, list: [7, 1] });
    const out = canonicalize(Identity({ x: 7 }), set) as Record<string, unknown>;
    expect(Object.isFrozen(out) && Object.isFrozen(out.list)).toBe(true);
  });
});

describe('canonicalize: the fixed point', () => {
  it('reaches a normal form through several rules at several depths', () => {
    // identity inside a sorted add inside a mul inside an identity, a dropout(0) in a layer list
    const tree = Identity({
      x: Mul({ terms: [Add({ terms: [Identity({ x: c(3) }), c(1), Identity({ x: Identity({ x: c(2) }) })] }), c(5)] }),
    });
    const expected = Mul({ terms: byHash([Add({ terms: byHash([c(1), c(2), c(3)]) }), c(5)]) });
    const out = canonicalize(tree, algebra);
    expect(eq(out, expected)).toBe(true);
    expect(canonicalize(out, algebra)).toBe(out);
  });

  it('re-normalises what a rewrite produces (a rule enabling another rule above it)', () => {
    // Mul([x]) → x; then the Add above sees a new term order and sorts again
    const set = rules('chain', [{ name: 'single-mul', match: { $type: 'cz.Mul', terms: ['$x'] }, replace: '$x' }, sortAdd, unwrap]);
    const tree = Add({ terms: [Mul({ terms: [Identity({ x: Add({ terms: [c(9), c(8)] }) })] }), c(1)] });
    const out = canonicalize(tree, set);
    const inner = Add({ terms: byHash([c(9), c(8)]) });
    expect(eq(out, Add({ terms: byHash([inner, c(1)]) }))).toBe(true);
    expect(firedOn(tree, set)).toEqual(expect.arrayContaining(['chain/unwrap-identity@terms[0].terms[0]', 'chain/single-mul@terms[0]']));
  });

  it('a rewrite that yields an eq value is no change, so the next rule gets its turn', () => {
    const set = rules('order', [sortAdd, { name: 'mark', match: { $type: 'cz.Add', terms: '$t' }, replace: { $type: 'cz.Mul', terms: '$t' } }]);
    const sorted = Add({ terms: byHash([c(1), c(2)]) });
    expect(eq(canonicalize(sorted, set), Mul({ terms: byHash([c(1), c(2)]) }))).toBe(true);
    expect(firedOn(sorted, set)).toEqual(['order/mark@']);
    // the same with a replacement that rebuilds the node: an eq result is no change either
    const rebuild = rules('rebuild', [
      { name: 'sort-by-building', match: { $type: 'cz.Add', terms: '$t' }, replace: { $type: 'cz.Add', terms: { $sorted: '$t' } } },
      { name: 'same', match: { $type: 'cz.Mul', terms: '$t' }, replace: { $type: 'cz.Mul', terms: '$t' } },
    ]);
    const clean = Mul({ terms: [sorted] });
    expect(canonicalize(clean, rebuild)).toBe(clean);
    expect(firedOn(Add({ terms: [...byHash([c(1), c(2)])].reverse() }), rebuild)).toEqual(['rebuild/sort-by-building@']);
  });

  it('rule sets compose; rules are tried in list order, the first that changes a value wins', () => {
    const toA = rules('to-a', [{ name: 'const', match: { $type: 'cz.Const', v: 1 }, replace: 'a' }]);
    const toB = rules('to-b', [{ name: 'const', match: { $type: 'cz.Const', v: 1 }, replace: 'b' }]);
    expect(canonicalize([c(1)], [toA, toB])).toEqual(['a']);
    expect(canonicalize([c(1)], [toB, toA])).toEqual(['b']);
    expect(canonicalize(Add({ terms: [Identity({ x: c(2) }), c(1)] }), [rules('u', [unwrap]), rules('s', [sortAdd])])).toEqual(
      Add({ terms: byHash([c(2), c(1)]) }),
    );
    const tree = Object.freeze([Identity({ x: 1 })]);
    expect(canonicalize(tree, [])).toBe(tree);
  });

  it('hyper values are nodes like any other', () => {
    const space = oneOf([Identity({ x: c(1) }), Add({ terms: [c(3), c(2)] })]);
    const out = canonicalize(space, algebra);
    expect(eq(out, oneOf([c(1), Add({ terms: byHash([c(3), c(2)]) })]))).toBe(true);
  });
});

describe('canonicalize: sharing and memoisation', () => {
  it('returns unchanged subtrees as the very same objects', () => {
    const untouched = Seq({ layers: [Dense({ units: 3 }), Dense({ units: 4 })] });
    const list = Object.freeze([Dense({ units: 1 })]);
    const one = c(1);
    const tree = Model({ body: untouched, head: { list, x: Identity({ x: one }) } });
    const out = canonicalize(tree, algebra) as SymbolicNode<{ body: TreeValue; head: { list: TreeValue; x: TreeValue } }>;
    expect(out).not.toBe(tree);
    expect(out.args.body).toBe(untouched);
    expect(out.args.head.list).toBe(list);
    expect(out.args.head.x).toBe(one);
    const clean = Model({ body: untouched, head: { list } });
    expect(canonicalize(clean, algebra)).toBe(clean);
  });

  it('memoises per (rule set, subtree): a second call does no work and returns the same object', () => {
    const layers = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? Dropout({ rate: 0 }) : Add({ terms: [c(i), Identity({ x: c(-i) })] })));
    const big = Seq({ layers });
    const first: RewriteEvent[] = [];
    const out1 = canonicalize(big, algebra, { onRewrite: (e) => first.push(e) });
    expect(first.length).toBeGreaterThan(300);
    const second: RewriteEvent[] = [];
    const out2 = canonicalize(big, algebra, { onRewrite: (e) => second.push(e) });
    expect(out2).toBe(out1);
    expect(second).toEqual([]);
    // a tree sharing most parts with the first only works on what is new
    const third: RewriteEvent[] = [];
    canonicalize(Seq({ layers: [...layers, Identity({ x: c(1000) })] }), algebra, { onRewrite: (e) => third.push(e) });
    expect(third.map((e) => e.rule)).toEqual(['algebra/unwrap-identity']);
    // the memo is per rule set: another set starts afresh
    const other: RewriteEvent[] = [];
    canonicalize(big, rules('algebra-copy', [unwrap, sortAdd, sortMul, dropZero]), { onRewrite: (e) => other.push(e) });
    expect(other.length).toBe(first.length);
  });

  it('reports each rewrite with its rule, key path, before and after', () => {
    const events: RewriteEvent[] = [];
    canonicalize(Seq({ layers: [Identity({ x: Dropout({ rate: 0 }) }), Dense({ units: 1 })] }), algebra, { onRewrite: (e) => events.push(e) });
    expect(events.map((e) => [e.rule, e.path])).toEqual([
      ['algebra/unwrap-identity', 'layers[0]'],
      ['algebra/drop-zero-dropout', 'layers[0]'],
    ]);
    expect(events[0]?.after).toEqual(Dropout({ rate: 0 }));
    expect(events[1]?.after).toBeUndefined();
  });
});

describe('canonicalize: guards', () => {
  const loop = rules('loop', [
    { name: 'a-to-b', match: { $type: 'cz.Identity', x: '$x' }, replace: { $type: 'cz.Model', body: '$x' } },
    { name: 'b-to-a', match: { $type: 'cz.Model', body: '$x' }, replace: { $type: 'cz.Identity', x: '$x' } },
  ]);

  it('stops rules that rewrite a value back into an earlier form, naming both rules and the key path', () => {
    const e = errorOf(() => canonicalize(Seq({ layers: [Dense({ units: 1 }), Identity({ x: 1 })] }), loop));
    expect(e).toBeInstanceOf(PliantError);
    expect(e.api).toBe('canonicalize');
    expect(e.path).toBe('layers[1]');
    expect(e.message).toBe(
      "canonicalize: at 'layers[1]': the rewrite rules 'loop/a-to-b', 'loop/b-to-a' loop: they rewrite a value back into a form it had before; change or drop one of them",
    );
  });

  it('stops rules that wrap a value in itself', () => {
    const grow = rules('grow', [{ name: 'wrap', match: { $type: 'cz.Const', v: '$v' }, replace: { $type: 'cz.Identity', x: { $type: 'cz.Const', v: '$v' } } }]);
    const e = errorOf(() => canonicalize(Model({ body: c(1) }), grow));
    expect(e.message).toBe(
      "canonicalize: at 'body.x': the rewrite rules 'grow/wrap' loop: they rewrite the value at 'body' into a tree that contains it again, so it would grow without end; change or drop one of them",
    );
    const anything = rules('anything', [{ name: 'box-all', match: '$x', replace: ['$x'] }]);
    // 1 → [1]; then the 1 at [0] → [1] again, and so on: stopped one level down
    expect(errorOf(() => canonicalize(1, anything)).message).toBe(
      "canonicalize: at '[0][0]': the rewrite rules 'anything/box-all' loop: they rewrite the value at '[0]' into a tree that contains it again, so it would grow without end; change or drop one of them",
    );
  });

  it('stops rules that grow a tree without repeating at maxRewrites, or when it nests too deep', () => {
    const deepen = rules('deepen', [{ name: 'nest', match: { $type: 'cz.Identity', x: '$v' }, replace: { $update: { x: ['$v'] } } }]);
    const e = errorOf(() => canonicalize(Model({ body: Identity({ x: 1 }) }), deepen, { maxRewrites: 50 }));
    expect(e.path).toBe('body');
    expect(e.message).toBe(
      "canonicalize: at 'body': more than 50 rewrites (options.maxRewrites): the rules may grow the tree without end; the last rules to fire: 'deepen/nest'",
    );
    expect(errorOf(() => canonicalize(Model({ body: Identity({ x: 1 }) }), deepen)).message).toBe(
      "canonicalize: at 'body': rule 'deepen/nest' made the tree nest deeper than 1000 levels: the rules may grow the tree without end",
    );
    // the bound counts all rewrites of one call, across the tree
    expect(DEFAULT_MAX_REWRITES).toBe(1_000_000);
    const many = Array.from({ length: 10_001 }, (_, i) => Identity({ x: i }));
    expect(errorOf(() => canonicalize(many, algebra, { maxRewrites: 10_000 })).message).toMatch(
      /^canonicalize: at '\[10000\]': more than 10000 rewrites \(options\.maxRewrites\)/,
    );
    // (a fresh copy of the set: the first call memoised the 10,000 it did)
    expect(canonicalize(many, ruleSet(algebra.toJSON()))).toHaveLength(10_001);
    // a bound that the rewrites stay within is no error
    expect(canonicalize([Identity({ x: 1 }), Identity({ x: 2 })], algebra, { maxRewrites: 2 })).toEqual([1, 2]);
    expect(() => canonicalize([Identity({ x: 1 }), Identity({ x: 2 })], algebra, { maxRewrites: 1 })).toThrow(/more than 1 rewrites/);
  });

  it('rejects bad arguments', () => {
    expect(errorOf(() => canonicalize(1, {} as RuleSet)).message).toBe(
      'canonicalize: rules must be a rule set made by ruleSet(), loadRules() or defaultRules(), found {}',
    );
    expect(errorOf(() => canonicalize(1, [algebra, 'x' as unknown as RuleSet])).message).toMatch(/^canonicalize: rules\[1\] must be a rule set/);
    expect(errorOf(() => canonicalize(1, algebra, { maxRewrites: -1 })).message).toBe(
      'canonicalize: options.maxRewrites must be a non-negative integer, found -1',
    );
    expect(errorOf(() => canonicalize(new Map() as unknown as TreeValue, algebra)).message).toMatch(
      /^canonicalize: at \(root\): a Map instance cannot live in a symbolic tree/,
    );
  });
});
