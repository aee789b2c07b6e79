import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PliantError,
  Program,
  eq,
  fromJSONString,
  mutateProgram,
  mutateProgramWithInfo,
  parseProgram,
  programMutationKinds,
  randomProgram,
  seededRng,
  signatureOf,
  toJSONString,
} from '../../../src/index.js';
import type { OpName, ProgramMutationKind } from '../../../src/index.js';
import { anyProgramArb } from './program-arbitrary.js';
import { errorOf } from '../../support/error-of.js';

const sig = { scalars: 4, inputs: { x: 's1' as const }, output: 's0' as const };

/** Valid: the schema accepts it again (through JSON, which validates every node). */
function expectValid(p: Program): void {
  expect(Program.is(p)).toBe(true);
  expect(eq(fromJSONString(toJSONString(p)), p)).toBe(true);
}

describe('mutateProgram', () => {
  it('always gives a valid program of the same signature, within the bounds and ops (property)', () => {
    const ops: OpName[] = ['add', 'mul', 'sqrt', 'const', 'max'];
    fc.assert(
      fc.property(anyProgramArb, fc.integer(), (p, seed) => {
        const rng = seededRng(seed);
        let q = p;
        const max = Math.max(12, p.args.instructions.length);
        for (let step = 0; step < 8; step++) {
          const { program, kind, index } = mutateProgramWithInfo(q, rng, { ops, maxInstructions: max, minInstructions: 0 });
          expectValid(program);
          expect(signatureOf(program)).toEqual(signatureOf(q));
          expect(program.args.instructions.length).toBeLessThanOrEqual(max);
          expect(kind).toBeDefined();
          expect(toJSONString(program)).not.toBe(toJSONString(q)); // a mutation changes the program
          const before = q.args.instructions;
          const after = program.args.instructions;
          if (kind === 'insert') {
            expect(after.length).toBe(before.length + 1);
            expect(ops).toContain(after[index]?.args.op);
          } else if (kind === 'delete') {
            expect(after.length).toBe(before.length - 1);
          } else {
            expect(after.length).toBe(before.length);
            after.forEach((ins, i) => (i === index ? expect(ins).not.toBe(before[i]) : expect(ins).toBe(before[i])));
            const [b, a] = [before[index]?.args, after[index]?.args];
            if (kind === 'modify-op') expect(a?.op).not.toBe(b?.op);
            if (kind === 'modify-out') expect(a?.out).not.toBe(b?.out);
            if (kind === 'modify-arg') expect([a?.op, a?.out]).toEqual([b?.op, b?.out]);
            if (kind === 'constant') expect([a?.op, b?.op, a?.out]).toEqual(['const', 'const', b?.out]);
          }
          q = program;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('makes every kind of mutation, in proportion to the weights', () => {
    const rng = seededRng(3);
    const counts = new Map<ProgramMutationKind | undefined, number>();
    let p = parseProgram('s2 = 1; s3 = 0.5; s0 = s1 * s3; s0 = s0 + s2', sig);
    for (let i = 0; i < 3000; i++) {
      const m = mutateProgramWithInfo(p, rng, { ops: ['add', 'sub', 'mul', 'div', 'const'], maxInstructions: 10, minInstructions: 2 });
      counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
      p = m.program;
      expect(p.args.instructions.length).toBeGreaterThanOrEqual(2);
      expect(p.args.instructions.length).toBeLessThanOrEqual(10);
    }
    for (const kind of programMutationKinds) expect(counts.get(kind) ?? 0, kind).toBeGreaterThan(100);
    expect(counts.get(undefined)).toBeUndefined();
    // modify-op and modify-out weigh half of modify-arg by default.
    expect((counts.get('modify-arg') as number) / (counts.get('modify-op') as number)).toBeGreaterThan(1.3);
    // Only one kind when the others weigh nothing.
    const only = mutateProgramWithInfo(p, seededRng(1), { weights: { insert: 0, delete: 0, 'modify-op': 0, 'modify-arg': 0, 'modify-out': 0, constant: 1 } });
    expect(only.kind).toBe('constant');
  });

  it('perturbs constants multiplicatively, sometimes negating or redrawing', () => {
    const rng = seededRng(5);
    const p = parseProgram('s0 = 2', sig);
    const values = Array.from(
      { length: 2000 },
      () =>
        mutateProgram(p, rng, { weights: { insert: 0, delete: 0, 'modify-op': 0, 'modify-arg': 0, 'modify-out': 0 }, constantSigma: 0.1 }).args.instructions[0]
          ?.args.value as number,
    );
    const near = values.filter((v) => v > 2 * Math.exp(-0.4) && v < 2 * Math.exp(0.4)).length;
    expect(near / values.length).toBeGreaterThan(0.75);
    expect(values.filter((v) => v === -2).length / values.length).toBeGreaterThan(0.05);
    expect(values.every(Number.isFinite)).toBe(true);
    const zero = mutateProgram(parseProgram('s0 = 0', sig), seededRng(2), {
      weights: { insert: 0, delete: 0, 'modify-op': 0, 'modify-arg': 0, 'modify-out': 0 },
    });
    expect(zero.args.instructions[0]?.args.value).not.toBe(0);
  });

  it('is deterministic for a seed and returns the program when nothing can change', () => {
    const p = parseProgram('s2 = 1; s0 = s1 + s2', sig);
    const a = mutateProgram(mutateProgram(p, seededRng(9)), seededRng(10));
    const b = mutateProgram(mutateProgram(p, seededRng(9)), seededRng(10));
    expect(toJSONString(a)).toBe(toJSONString(b));
    const stuck = mutateProgramWithInfo(parseProgram('', sig), seededRng(1), { maxInstructions: 0 });
    expect(stuck.kind).toBeUndefined();
    expect(stuck.program.args.instructions).toHaveLength(0);
  });

  it('rejects bad options, naming the option', () => {
    const p = parseProgram('s0 = s1 + s1', sig);
    const e = errorOf(() => mutateProgram(p, seededRng(1), { ops: ['add', 'pow' as OpName] }));
    expect(e).toBeInstanceOf(PliantError);
    expect(e.api).toBe('mutateProgram');
    expect(e.path).toBe('ops[1]');
    expect(errorOf(() => mutateProgram(p, seededRng(1), { weights: { grow: 1 } as never })).path).toBe('weights.grow');
    expect(errorOf(() => mutateProgram(p, seededRng(1), { maxInstructions: 2, minInstructions: 3 })).path).toBe('minInstructions');
    expect(errorOf(() => mutateProgram(p, seededRng(1), { constantRange: [0, 1] })).path).toBe('constantRange');
    expect(errorOf(() => mutateProgram(p, undefined as never)).message).toMatch(/seeded generator/);
  });
});

describe('randomProgram', () => {
  it('draws valid programs of the signature and length (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat({ max: 20 }), fc.boolean(), (seed, n, vectors) => {
        const s = vectors ? { scalars: 2, vectors: 3, inputs: { g: 'v0' as const, a: 's1' as const }, output: 'v2' as const } : sig;
        const p = randomProgram({ ...s, length: n, ops: ['add', 'neg', 'const', 'sign'] }, seededRng(seed));
        expectValid(p);
        expect(p.args.instructions).toHaveLength(n);
        expect(signatureOf(p).inputs).toEqual(s.inputs);
        for (const ins of p.args.instructions) expect(['add', 'neg', 'const', 'sign']).toContain(ins.args.op);
      }),
      { numRuns: 200 },
    );
    const lengths = new Set(Array.from({ length: 200 }, (_, i) => randomProgram({ ...sig, length: [2, 5] }, seededRng(i)).args.instructions.length));
    expect([...lengths].sort()).toEqual([2, 3, 4, 5]);
    // Only vector registers: operand-taking ops write vectors.
    const vecOnly = randomProgram({ scalars: 0, vectors: 2, inputs: { g: 'v0' }, output: 'v1', length: 20 }, seededRng(4));
    expectValid(vecOnly);
  });

  it('rejects a bad signature or length, naming it', () => {
    expect(() => randomProgram({ ...sig, output: 's9' }, seededRng(1))).toThrow(/randomProgram: at 'output': register s9 is out of range/);
    expect(() => randomProgram({ ...sig, length: [3, 1] }, seededRng(1))).toThrow(/randomProgram: at 'length'/);
    expect(() => randomProgram({ ...sig, length: -1 }, seededRng(1))).toThrow(/randomProgram: at 'length'/);
  });
});
