import { describe, expect, it } from 'vitest';
import {
  DNA,
  PliantError,
  decisionDefinition,
  dnaSpec,
  encode,
  eq,
  fromJSON,
  isProgramDecision,
  materialize,
  memoryStorage,
  parseProgram,
  programDecision,
  randomDNA,
  regularizedEvolution,
  runProgram,
  search,
  seededRng,
  toJSON,
  toJSONString,
} from '../../../src/index.js';
import type { CustomDecision, Program } from '../../../src/index.js';
import { errorOf } from '../../support/error-of.js';

const sig = { scalars: 4, inputs: { x: 's1' as const }, output: 's0' as const };
const initial = parseProgram('s2 = 1; s0 = s1 + s2', sig);
const ops = ['add', 'sub', 'mul', 'const'] as const;

function decision(): CustomDecision {
  const space = { f: programDecision({ initial, ops, maxInstructions: 8, name: 'f' }) };
  return dnaSpec(space).byId.get('f') as CustomDecision;
}

describe('programDecision', () => {
  it('is a custom decision whose genome is the program JSON: first, decode, encode round trip', () => {
    const space = { f: programDecision({ initial, ops, maxInstructions: 8, name: 'f' }), scale: 2 };
    expect(isProgramDecision(space.f)).toBe(true);
    expect(decisionDefinition(space.f)?.name).toBe('pliant.ProgramDecision');
    const spec = dnaSpec(space);
    expect(spec.spaceSize).toBe(-1);
    const first = spec.firstDNA();
    expect(first.value).toBe(toJSONString(initial));
    const m = materialize(space, first) as { f: Program; scale: number };
    expect(eq(m.f, initial)).toBe(true);
    expect(m.scale).toBe(2);
    // genome → program → genome
    const rng = seededRng(1);
    for (let i = 0; i < 50; i++) {
      const dna = randomDNA(spec, rng);
      const program = (materialize(space, dna) as { f: Program }).f;
      expect(encode(space, { f: program, scale: 2 }).value).toBe(dna.value);
      expect(toJSONString(program)).toBe(dna.value);
    }
    // program → genome → program
    const q = parseProgram('s2 = 3; s0 = s1 * s2', sig);
    const genome = encode(space, { f: q, scale: 2 });
    expect(eq((materialize(space, genome) as { f: Program }).f, q)).toBe(true);
  });

  it('random draws random programs, or mutated initial programs', () => {
    const d = decision();
    const rng = seededRng(2);
    const genomes = new Set(Array.from({ length: 40 }, () => d.definition.random(rng, d.hyper)));
    expect(genomes.size).toBeGreaterThan(30);
    for (const g of genomes) {
      const p = d.definition.decode(g, d.hyper) as Program;
      expect(p.args.instructions.length).toBeGreaterThanOrEqual(1);
      expect(p.args.instructions.length).toBeLessThanOrEqual(8);
    }
    const near = { f: programDecision({ initial, ops, random: 'initial', randomMutations: 1, name: 'f' }) };
    const dn = dnaSpec(near).byId.get('f') as CustomDecision;
    for (let i = 0; i < 20; i++) {
      const p = dn.definition.decode(dn.definition.random(rng, dn.hyper), dn.hyper) as Program;
      expect(Math.abs(p.args.instructions.length - 2)).toBeLessThanOrEqual(1); // one mutation of a two-instruction program
    }
  });

  it('mutate evolves genomes with program mutations, staying in the decision', () => {
    const d = decision();
    const rng = seededRng(3);
    let g = d.definition.first(d.hyper);
    const seen = new Set([g]);
    for (let i = 0; i < 200; i++) {
      g = d.definition.mutate?.(g, rng, d.hyper) as string;
      const p = d.definition.decode(g, d.hyper) as Program;
      expect(p.args.instructions.length).toBeLessThanOrEqual(8);
      for (const ins of p.args.instructions) expect(ops).toContain(ins.args.op);
      seen.add(g);
    }
    expect(seen.size).toBeGreaterThan(100);
  });

  it('survives JSON with the space', () => {
    const space = { f: programDecision({ initial, ops, maxInstructions: 8 }) };
    const back = fromJSON(toJSON(space)) as typeof space;
    const spec = dnaSpec(back);
    const dna = randomDNA(spec, seededRng(4));
    expect(dna.value).toBe(randomDNA(dnaSpec(space), seededRng(4)).value);
  });

  it('rejects programs outside the decision and bad options, naming the API', () => {
    const space = { f: programDecision({ initial, ops, maxInstructions: 3 }) };
    expect(() => encode(space, { f: parseProgram('s0 = sqrt(s1)', sig) })).toThrow(/programDecision.*op 'sqrt', not one of the decision's ops/);
    expect(() => encode(space, { f: parseProgram('s0 = s1 + s1', { ...sig, scalars: 5 }) })).toThrow(/registers \(5 scalar.*differ/);
    expect(() => encode(space, { f: parseProgram('s0 = s1 + s1', { ...sig, inputs: { y: 's1' } }) })).toThrow(
      /inputs \(y=s1\) differ from the decision's \(x=s1\)/,
    );
    expect(() => encode(space, { f: parseProgram('s0 = 1; s0 = 1; s0 = 1; s0 = 1', sig) })).toThrow(/4 instructions, outside/);
    expect(() => encode(space, { f: 3 })).toThrow(/expected a pliant.Program/);
    expect(() => materialize(space, new DNA('{"not": "a program"}'))).toThrow(/programDecision/);
    expect(() => materialize(space, new DNA('not json'))).toThrow(/programDecision: cannot decode the genome/);
    expect(errorOf(() => programDecision({ initial, ops: ['add', 'pow' as never] })).path).toBe('ops[1]');
    expect(errorOf(() => programDecision({ initial: 3 as never })).path).toBe('initial');
    expect(errorOf(() => programDecision({ initial, ops: ['add'] })).message).toMatch(/initial program is not in the decision's space/);
    expect(errorOf(() => programDecision({ initial, randomLength: [0, 100] })).path).toBe('randomLength');
    expect(errorOf(() => programDecision({ initial, random: 'fresh' as never })).path).toBe('random');
    expect(errorOf(() => programDecision({ initial, color: 'red' } as never)).path).toBe('color');
  });

  it('evolves through search with regularized evolution (x² + 1, deterministic)', async () => {
    const space = { f: programDecision({ initial, ops, maxInstructions: 8, random: 'initial', name: 'f' }) };
    const grid = Array.from({ length: 11 }, (_, i) => i / 5 - 1);
    const fitness = (p: Program): number => {
      let err = 0;
      for (const x of grid) err += ((runProgram(p, { x }) as number) - (x * x + 1)) ** 2;
      return Number.isFinite(err) ? -err : -1e9;
    };
    const run = async (): Promise<number[]> => {
      const result = await search(space, ({ f }) => fitness(f), {
        algorithm: regularizedEvolution({ populationSize: 20, tournamentSize: 5, seed: 7 }),
        numTrials: 300,
        storage: memoryStorage(),
      });
      return result.trials.map((t) => t.value as number);
    };
    const rewards = await run();
    const start = fitness(initial);
    const best = Math.max(...rewards);
    expect(best).toBeGreaterThan(start / 4); // the squared error shrinks at least 4×
    expect(best).toBeGreaterThan(Math.max(...rewards.slice(0, 20)));
    expect(await run()).toEqual(rewards);
  });
});
