import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DNA,
  PliantError,
  decisionDefinition,
  defineDecision,
  dnaSpec,
  encode,
  eq,
  evolvable,
  fromJSON,
  get,
  iterateDNA,
  materialize,
  randomDNA,
  seededRng,
  symbolize,
  toJSON,
} from '../../../src/index.js';
import type { CustomDecision } from '../../../src/index.js';

const Model = symbolize('custom.Model', (a: { formula: string; size: number }) => a, { schema: z.object({ formula: z.string(), size: z.number() }) });

const program = defineDecision<string>({
  name: 'custom.Program',
  first: () => 'x',
  random: (rng) => ['x', 'x*x', 'x+1'][Math.floor(rng() * 3)] as string,
  mutate: (g, rng) => (rng() < 0.5 ? `(${g})+x` : `(${g})*x`),
  decode: (g) => g,
  encode: (v) => {
    if (typeof v !== 'string') throw new PliantError('custom.Program', 'argument', 'a program is a string');
    return v;
  },
});

describe('custom decision points', () => {
  it('take part in specs, random DNA, materialize and encode', () => {
    const space = Model({ formula: program({ name: 'formula' }), size: 3 });
    const spec = dnaSpec(space);
    expect(spec.decisionIds).toEqual(['formula']);
    expect(spec.spaceSize).toBe(-1);
    expect(spec.firstDNA().toString()).toBe("DNA('x')");
    const dna = randomDNA(spec, seededRng(2));
    expect(typeof dna.value).toBe('string');
    const m = materialize(space, DNA.parse("DNA('x*x')"));
    expect(get(m, 'formula')).toBe('x*x');
    expect(encode(space, m).toString()).toBe("DNA('x*x')");
    expect(() => materialize(space, DNA.of(3))).toThrow(/expects a genome string/);
    expect(() => iterateDNA(spec).next()).toThrow(/custom decision/);
    const d = spec.byId.get('formula') as CustomDecision;
    expect(d.definition.mutate?.('x', () => 0.1, d.hyper)).toBe('(x)+x');
  });

  it('are checked against the field schema by their first value', () => {
    const numeric = defineDecision<number>({ name: 'custom.Number', first: () => '1', random: () => '2', decode: Number, encode: String });
    expect(() => Model({ formula: numeric(), size: 1 })).toThrow(/not accepted here/);
    expect(decisionDefinition(numeric())?.name).toBe('custom.Number');
  });
});

describe('evolvable', () => {
  it('keeps the initial value and evolves it with its mutation', () => {
    const ops = evolvable(['add', 'mul'], (v, rng) => [...v, rng() < 0.5 ? 'add' : 'mul'], { name: 'ops' });
    const space = { ops, lr: 0.1 };
    const spec = dnaSpec(space);
    const first = spec.firstDNA();
    expect(first.value).toBe('["add","mul"]');
    expect(materialize(space, first)).toEqual({ ops: ['add', 'mul'], lr: 0.1 });
    const d = spec.byId.get('ops') as CustomDecision;
    const mutated = d.definition.mutate?.(first.value as string, () => 0.9, d.hyper) as string;
    expect(materialize(space, new DNA(mutated))).toEqual({ ops: ['add', 'mul', 'mul'], lr: 0.1 });
    expect(eq(materialize(space, encode(space, { ops: ['mul'], lr: 0.1 })), { ops: ['mul'], lr: 0.1 })).toBe(true);
  });

  it('survives JSON as a value but needs its mutation again', () => {
    const space = { ops: evolvable([1], (v) => [...v, 1]) };
    const revived = fromJSON(toJSON(space)) as typeof space;
    expect(eq(revived, space)).toBe(true);
    const d = dnaSpec(revived).byId.get('ops') as CustomDecision;
    expect(() => d.definition.mutate?.('[1]', () => 0, d.hyper)).toThrow(/no mutation function/);
  });
});
