import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeProgram, parseProgram, programHash, runProgram, simplifyProgram } from '../../../src/index.js';
import type { Instruction, Program, Register } from '../../../src/index.js';
import { makeInstruction, withInstructions } from '../../../src/programs/program.js';
import { SCALAR_SIG, VECTOR_SIG, anyProgramArb, inputsArb, sameOutput } from './program-arbitrary.js';

const sig = { scalars: 5, inputs: { x: 's1' as const, y: 's2' as const }, output: 's0' as const };
const p = (source: string): Program => parseProgram(source, sig);

/** Renames registers by a bijection per kind, in instructions, inputs and output. */
function rename(program: Program, scalarPerm: readonly number[], vectorPerm: readonly number[]): Program {
  const map = (r: string): Register => (r.startsWith('s') ? `s${scalarPerm[Number(r.slice(1))]}` : `v${vectorPerm[Number(r.slice(1))]}`) as Register;
  const a = program.args;
  const instructions = a.instructions.map((ins) => makeInstruction(ins.args.op, map(ins.args.out), ins.args.args.map(map), ins.args.value));
  const inputs = Object.fromEntries(Object.entries(a.inputs).map(([k, r]) => [k, map(r)]));
  return makeProgram({ scalars: a.scalars, vectors: a.vectors ?? 0, inputs, output: map(a.output) }, instructions);
}

const permutation = (n: number): fc.Arbitrary<number[]> =>
  fc.array(fc.nat(), { minLength: n, maxLength: n }).map((keys) =>
    keys
      .map((k, i) => [k, i] as const)
      .sort((x, y) => x[0] - y[0] || x[1] - y[1])
      .map(([, i]) => i),
  );

const withInputs = (arb: fc.Arbitrary<Program>) => arb.chain((q) => fc.tuple(fc.constant(q), inputsArb(q.args.vectors === 0 ? SCALAR_SIG : VECTOR_SIG)));

describe('programHash', () => {
  it('is stable (a fixed value across processes and versions)', () => {
    expect(programHash(p('s3 = s1 * s2; s0 = s3 + s1'))).toBe(programHash(p('s4 = s2 * s1; s0 = s1 + s4')));
    expect(programHash(p('s3 = s1 * s2; s0 = s3 + s1'))).toMatch(/^[0-9a-f]{32}$/);
    expect(programHash(p('s3 = s1 * s2; s0 = s3 + s1'))).toBe('1bfbe702cdf495115be48bca7065722d');
  });

  it('ignores operand order of commutative ops only', () => {
    expect(programHash(p('s0 = s1 + s2'))).toBe(programHash(p('s0 = s2 + s1')));
    expect(programHash(p('s0 = max(s1, s2)'))).toBe(programHash(p('s0 = max(s2, s1)')));
    expect(programHash(p('s0 = s1 - s2'))).not.toBe(programHash(p('s0 = s2 - s1')));
    expect(programHash(p('s0 = s1 / s2'))).not.toBe(programHash(p('s0 = s2 / s1')));
  });

  it('tells apart different computations: inputs, ops, constants, output kind', () => {
    const hashes = [
      p('s0 = s1'.replace('s1', 's1 + s1')),
      p('s3 = 2; s0 = s1 * s3'), // x * 2: equal as a function, but the dataflow hash does not know algebra
      p('s0 = s2 + s2'),
      p('s0 = s1 * s1'),
      p('s3 = 2.5; s0 = s1 * s3'),
      p('s3 = 2.5000000000000004; s0 = s1 * s3'),
      p('s0 = sqrt(s1)'),
      p('s0 = -s1'),
      p(''),
      p('s0 = 0'),
      p('s0 = s1'.replace('s1', 's3 + s3')), // 0 + 0: reads unwritten registers
    ].map(programHash);
    expect(new Set(hashes).size).toBe(hashes.length);
    const vector = makeProgram({ scalars: 1, vectors: 1, inputs: {}, output: 'v0' }, []);
    const scalar = makeProgram({ scalars: 1, vectors: 1, inputs: {}, output: 's0' }, []);
    expect(programHash(vector)).not.toBe(programHash(scalar));
  });

  it('does not change when registers are renamed (property)', () => {
    fc.assert(
      fc.property(withInputs(anyProgramArb), fc.nat(), ([q, input], seed) => {
        const s = q.args.scalars;
        const v = q.args.vectors ?? 0;
        const sp = fc.sample(permutation(s), { seed, numRuns: 1 })[0] as number[];
        const vp = fc.sample(permutation(v), { seed: seed + 1, numRuns: 1 })[0] as number[];
        const r = rename(q, sp, vp);
        expect(sameOutput(runProgram(r, input), runProgram(q, input))).toBe(true);
        expect(programHash(r)).toBe(programHash(q));
      }),
      { numRuns: 300 },
    );
  });

  it('does not change when independent neighbours swap (property)', () => {
    fc.assert(
      fc.property(anyProgramArb, fc.nat(), (q, k) => {
        const list = q.args.instructions;
        fc.pre(list.length >= 2);
        const i = k % (list.length - 1);
        const a = (list[i] as Instruction).args;
        const b = (list[i + 1] as Instruction).args;
        fc.pre(a.out !== b.out && !b.args.includes(a.out) && !a.args.includes(b.out));
        const swapped = list.slice();
        swapped[i] = list[i + 1] as Instruction;
        swapped[i + 1] = list[i] as Instruction;
        expect(programHash(withInstructions(q, swapped))).toBe(programHash(q));
      }),
      { numRuns: 300 },
    );
  });

  it('does not change when dead code is inserted or removed (property)', () => {
    fc.assert(
      fc.property(anyProgramArb, fc.nat(), fc.double({ min: -5, max: 5, noNaN: true }), (q, k, value) => {
        const list = q.args.instructions;
        const before = programHash(q);
        expect(programHash(simplifyProgram(q))).toBe(before);
        // Dead by construction: a write just before an instruction that rewrites the register without reading it.
        const rewrites = list.map((ins, i) => [ins, i] as const).filter(([ins]) => !ins.args.args.includes(ins.args.out));
        if (rewrites.length > 0) {
          const [target, at] = rewrites[k % rewrites.length] as readonly [Instruction, number];
          const dead = k % 2 === 0 ? makeInstruction('const', target.args.out, [], value) : makeInstruction('add', target.args.out, ['s1', 's2']);
          const next = list.slice();
          next.splice(at, 0, dead);
          expect(programHash(withInstructions(q, next))).toBe(before);
        }
        // Dead by construction: a last write of a register other than the output.
        const other = q.args.output === 's0' ? 's1' : 's0';
        expect(programHash(withInstructions(q, [...list, makeInstruction('mul', other, ['s1', 's2'])]))).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it('programs with different outputs on some input have different hashes (property)', () => {
    fc.assert(
      fc.property(anyProgramArb, anyProgramArb, (a, b) => {
        fc.pre((a.args.vectors ?? 0) === (b.args.vectors ?? 0));
        const sigma = a.args.vectors === 0 ? SCALAR_SIG : VECTOR_SIG;
        const inputs = fc.sample(inputsArb(sigma), { seed: 7, numRuns: 5 });
        const differ = inputs.some((input) => !sameOutput(runProgram(a, input), runProgram(b, input)));
        if (differ) expect(programHash(a)).not.toBe(programHash(b));
      }),
      { numRuns: 500 },
    );
  });
});
