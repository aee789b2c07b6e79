/**
 * fast-check arbitraries of programs for the program tests: valid by construction (an
 * instruction writing a scalar reads scalars; one writing a vector reads any register), with
 * shrinking toward short programs and low register indices.
 */
import fc from 'fast-check';
import { Program, makeInstruction } from '../../../src/programs/program.js';
import type { Instruction, ProgramSignature, Register } from '../../../src/programs/program.js';
import { programOpNames, programOps } from '../../../src/programs/ops.js';
import type { OpName } from '../../../src/programs/ops.js';

/** A scalar-only signature: x → s1, y → s2, output s0, 5 scalars. */
export const SCALAR_SIG: ProgramSignature = { scalars: 5, vectors: 0, inputs: { x: 's1', y: 's2' }, output: 's0' };
/** A mixed signature: scalars x → s1, vectors g → v0, m → v1, output v2. */
export const VECTOR_SIG: ProgramSignature = { scalars: 3, vectors: 4, inputs: { x: 's1', g: 'v0', m: 'v1' }, output: 'v2' };

export function registers(sig: ProgramSignature): { scalars: Register[]; all: Register[] } {
  const scalars = Array.from({ length: sig.scalars }, (_, i) => `s${i}` as Register);
  const vectors = Array.from({ length: sig.vectors ?? 0 }, (_, i) => `v${i}` as Register);
  return { scalars, all: [...scalars, ...vectors] };
}

/** Constants that keep programs mostly finite but not trivially so. */
const constArb = fc.oneof(fc.constantFrom(0, 1, -1, 2, 0.5, 3), fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }));

/** An instruction valid for `sig` with ops from `ops`. */
export function instructionArb(sig: ProgramSignature, ops: readonly OpName[] = programOpNames): fc.Arbitrary<Instruction> {
  const regs = registers(sig);
  return fc.tuple(fc.nat({ max: ops.length - 1 }), fc.nat({ max: regs.all.length - 1 }), fc.nat(), fc.nat(), constArb).map(([o, r, a, b, value]) => {
    const op = ops[o] as OpName;
    const out = regs.all[r] as Register;
    if (op === 'const') return makeInstruction(op, out, [], Object.is(value, -0) ? 0 : value);
    const choices = out.startsWith('v') ? regs.all : regs.scalars;
    const args = [choices[a % choices.length] as Register, choices[b % choices.length] as Register].slice(0, programOps[op].arity);
    return makeInstruction(op, out, args);
  });
}

/** A program of `sig` with up to `max` instructions. */
export function programArb(sig: ProgramSignature = SCALAR_SIG, options: { ops?: readonly OpName[]; max?: number } = {}): fc.Arbitrary<Program> {
  return fc.array(instructionArb(sig, options.ops), { maxLength: options.max ?? 12 }).map((instructions) => Program({ ...sig, instructions }) as Program);
}

/** Either signature. */
export const anyProgramArb: fc.Arbitrary<Program> = fc.oneof(programArb(SCALAR_SIG), programArb(VECTOR_SIG));

/** Inputs for a signature: scalars in [-3, 3], vectors of length 3. */
export function inputsArb(sig: ProgramSignature): fc.Arbitrary<Record<string, number | number[]>> {
  const num = fc.double({ min: -3, max: 3, noNaN: true, noDefaultInfinity: true });
  const entries = Object.entries(sig.inputs).map(([name, reg]) => [name, reg.startsWith('v') ? fc.array(num, { minLength: 3, maxLength: 3 }) : num] as const);
  return fc.record(Object.fromEntries(entries) as Record<string, fc.Arbitrary<number | number[]>>);
}

/** Whether two program outputs are the same (NaN equal to NaN, −0 equal to 0). */
export function sameOutput(a: number | Float64Array, b: number | Float64Array): boolean {
  const same = (x: number, y: number): boolean => x === y || (Number.isNaN(x) && Number.isNaN(y));
  if (typeof a === 'number' || typeof b === 'number') return typeof a === 'number' && typeof b === 'number' && same(a, b);
  return a.length === b.length && a.every((x, i) => same(x, b[i] as number));
}
