import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Registry, eq, hash, symbolize } from '../../../src/index.js';
import type { SymbolicNode, TreeValue } from '../../../src/index.js';
import { canonicalize } from '../../../src/hashing/canonicalize.js';
import { ruleSet } from '../../../src/hashing/rewrite-rules.js';
import { defaultRules, structuralHash } from '../../../src/hashing/structural-hash.js';
import { errorOf } from '../../support/error-of.js';

const runs = { numRuns: Number(process.env.PROP_RUNS ?? 300) };

// Test-only expression language.
const Const = symbolize('sh.Const', (a: { v: number }) => a.v, { schema: z.object({ v: z.number() }) });
const Add = symbolize('sh.Add', (a: { terms: unknown[] }) => a, { schema: z.object({ terms: z.array(z.unknown()).min(1) }) });
const Mul = symbolize('sh.Mul', (a: { terms: unknown[] }) => a, { schema: z.object({ terms: z.array(z.unknown()).min(1) }) });
const Identity = symbolize('sh.Identity', (a: { x: unknown }) => a.x);

// Stand-ins for the TensorFlow.js layers the default rules are written for, in a registry of
// their own so they never clash with the real ones.
const tfRegistry = new Registry();
const Sequential = symbolize('tf.sequential', (a: { layers: unknown[] }) => a, { registry: tfRegistry });
const TfDropout = symbolize('tf.layers.dropout', (a: { rate: number; seed?: number }) => a, { registry: tfRegistry });
const TfActivation = symbolize('tf.layers.activation', (a: { activation: string }) => a, { registry: tfRegistry });
const TfDense = symbolize('tf.layers.dense', (a: { units: number; activation?: string }) => a, { registry: tfRegistry });

const algebra = ruleSet({
  name: 'algebra',
  rules: [
    { name: 'unwrap-identity', match: { $type: 'sh.Identity', x: '$x' }, replace: '$x' },
    { name: 'sort-add', match: { $type: 'sh.Add', terms: '$t' }, replace: { $update: { terms: { $sorted: '$t' } } } },
    { name: 'sort-mul', match: { $type: 'sh.Mul', terms: '$t' }, replace: { $update: { terms: { $sorted: '$t' } } } },
  ],
});
const both = [defaultRules(), algebra];

const c = (v: number): SymbolicNode => Const({ v });

describe('defaultRules', () => {
  it('is rewrites/canonical.json, loaded once', () => {
    const set = defaultRules();
    expect(defaultRules()).toBe(set);
    expect(set.name).toBe('pliant-canonical');
    expect(set.source).toMatch(/rewrites[/\\]canonical\.json$/);
    expect(set.rules.map((r) => r.name)).toEqual([
      'drop-zero-dropout',
      'drop-linear-activation',
      'drop-identity',
      'drop-zero-spatial-dropout',
      'drop-zero-gaussian-dropout',
      'drop-zero-alpha-dropout',
      'drop-zero-gaussian-noise',
    ]);
  });

  it('removes a zero dropout and a linear activation from a layer list, and nothing else', () => {
    const dense = TfDense({ units: 8 });
    const plain = Sequential({ layers: [dense, TfDense({ units: 2 })] });
    const padded = Sequential({
      layers: [TfDropout({ rate: 0 }), dense, TfActivation({ activation: 'linear' }), TfDropout({ rate: 0, seed: 7 }), TfDense({ units: 2 })],
    });
    expect(structuralHash(padded)).toBe(structuralHash(plain));
    expect(structuralHash(plain)).toBe(hash(plain));
    const out = canonicalize(padded, defaultRules()) as SymbolicNode<{ layers: TreeValue[] }>;
    expect(out.args.layers[0]).toBe(dense);
    expect(eq(out, plain)).toBe(true);
    // layers that do something stay
    for (const layer of [TfDropout({ rate: 0.1 }), TfActivation({ activation: 'relu' })]) {
      expect(structuralHash(Sequential({ layers: [dense, layer] }))).not.toBe(structuralHash(Sequential({ layers: [dense] })));
    }
  });
});

describe('structuralHash', () => {
  it('is hash(canonicalize(tree, rules))', () => {
    const tree = Add({ terms: [Identity({ x: c(2) }), c(1)] });
    expect(structuralHash(tree, { rules: both })).toBe(hash(canonicalize(tree, both)));
    expect(structuralHash(tree, { rules: algebra })).toBe(hash(Add({ terms: [c(1), c(2)].sort((a, b) => (hash(a) < hash(b) ? -1 : 1)) })));
    expect(structuralHash(tree)).toBe(hash(tree)); // the default rules know nothing of sh.*
    expect(structuralHash(tree, { rules: [] })).toBe(hash(tree));
    expect(structuralHash(tree, { rules: both })).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is equal for trees differing only by commutative order, identity wrappers or a zero dropout', () => {
    const a = Mul({ terms: [Add({ terms: [c(1), c(2), c(3)] }), c(4)] });
    const reordered = Mul({ terms: [c(4), Add({ terms: [c(3), c(1), c(2)] })] });
    const wrapped = Identity({ x: Mul({ terms: [Identity({ x: c(4) }), Add({ terms: [c(2), Identity({ x: Identity({ x: c(3) }) }), c(1)] })] }) });
    expect(structuralHash(reordered, { rules: both })).toBe(structuralHash(a, { rules: both }));
    expect(structuralHash(wrapped, { rules: both })).toBe(structuralHash(a, { rules: both }));
    expect(hash(reordered)).not.toBe(hash(a));
    const net = Sequential({ layers: [TfDense({ units: 4 }), TfDropout({ rate: 0 })] });
    const net2 = Sequential({ layers: [TfDense({ units: 4 })] });
    expect(structuralHash({ model: net, loss: a }, { rules: both })).toBe(structuralHash({ loss: reordered, model: net2 }, { rules: both }));
  });

  it('is different for genuinely different trees', () => {
    const distinct: TreeValue[] = [
      Add({ terms: [c(1), c(2)] }),
      Add({ terms: [c(1), c(3)] }),
      Mul({ terms: [c(1), c(2)] }),
      Add({ terms: [c(1), c(1), c(2)] }),
      Add({ terms: [Add({ terms: [c(1)] }), c(2)] }),
      Add({ terms: [c(1), Mul({ terms: [c(2)] })] }),
      c(1),
      [c(1)],
      Sequential({ layers: [TfDense({ units: 4 }), TfDropout({ rate: 0.5 })] }),
      Sequential({ layers: [TfDense({ units: 4 })] }),
      Sequential({ layers: [TfDense({ units: 4 }), TfActivation({ activation: 'relu' })] }),
    ];
    const hashes = distinct.map((t) => structuralHash(t, { rules: both }));
    expect(new Set(hashes).size).toBe(distinct.length);
  });

  it('passes the options of canonicalize on', () => {
    const loop = ruleSet({
      name: 'loop',
      rules: [
        { name: 'there', match: { $type: 'sh.Identity', x: '$x' }, replace: { $type: 'sh.Add', terms: ['$x'] } },
        { name: 'back', match: { $type: 'sh.Add', terms: ['$x'] }, replace: { $type: 'sh.Identity', x: '$x' } },
      ],
    });
    expect(errorOf(() => structuralHash(Identity({ x: 1 }), { rules: loop })).message).toMatch(
      /^canonicalize: at \(root\): the rewrite rules 'loop\/there', 'loop\/back' loop/,
    );
    expect(errorOf(() => structuralHash([Identity({ x: 1 }), Identity({ x: 2 })], { rules: algebra, maxRewrites: 1 })).message).toMatch(/more than 1 rewrites/);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random expression trees.

const exprArb: fc.Arbitrary<SymbolicNode> = fc.letrec<{ expr: SymbolicNode }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: 0, max: 4 }).map((v) => c(v)),
    fc.array(tie('expr'), { minLength: 1, maxLength: 4 }).map((terms) => Add({ terms })),
    fc.array(tie('expr'), { minLength: 1, maxLength: 4 }).map((terms) => Mul({ terms })),
    tie('expr').map((x) => Identity({ x })),
  ),
})).expr;

/** A small deterministic generator (for shuffles inside a property). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `t` with the terms of every Add and Mul shuffled, and some values wrapped in identities. */
function scramble(t: SymbolicNode, rnd: () => number): SymbolicNode {
  let out: SymbolicNode;
  if (Add.is(t) || Mul.is(t)) {
    const terms = (t.args.terms as SymbolicNode[]).map((x) => scramble(x, rnd));
    for (let i = terms.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [terms[i], terms[j]] = [terms[j] as SymbolicNode, terms[i] as SymbolicNode];
    }
    out = Add.is(t) ? Add({ terms }) : Mul({ terms });
  } else if (Identity.is(t)) {
    out = Identity({ x: scramble(t.args.x as SymbolicNode, rnd) });
  } else {
    out = t;
  }
  return rnd() < 0.2 ? Identity({ x: out }) : out;
}

/** An independent model of the normal form: identities dropped, terms as a sorted multiset. */
function reference(t: SymbolicNode): string {
  if (Identity.is(t)) return reference(t.args.x as SymbolicNode);
  if (Const.is(t)) return String(t.args.v);
  const terms = (t.args as { terms: SymbolicNode[] }).terms.map(reference).sort();
  return `${Add.is(t) ? '+' : '*'}(${terms.join(',')})`;
}

describe('structuralHash properties', () => {
  it('canonicalize is idempotent: the normal form is its own normal form', () => {
    fc.assert(
      fc.property(exprArb, (t) => {
        const once = canonicalize(t, algebra);
        const fresh = ruleSet(algebra.toJSON()); // not memoised: the engine really runs again
        const twice = canonicalize(once, fresh);
        expect(eq(twice, once)).toBe(true);
        expect(twice).toBe(once); // nothing to change, so the very same object
      }),
      runs,
    );
  });

  it('is invariant to shuffling commutative terms and adding identity wrappers', () => {
    fc.assert(
      fc.property(exprArb, fc.integer(), (t, seed) => {
        const s = scramble(t, lcg(seed));
        expect(structuralHash(s, { rules: both })).toBe(structuralHash(t, { rules: both }));
      }),
      runs,
    );
  });

  it('hashes equal exactly when the independent model of the normal form agrees', () => {
    fc.assert(
      fc.property(exprArb, exprArb, fc.integer(), (a, b, seed) => {
        expect(structuralHash(a, { rules: algebra }) === structuralHash(b, { rules: algebra })).toBe(reference(a) === reference(b));
        const s = scramble(a, lcg(seed));
        expect(structuralHash(a, { rules: algebra }) === structuralHash(s, { rules: algebra })).toBe(reference(a) === reference(s));
      }),
      runs,
    );
  });
});
