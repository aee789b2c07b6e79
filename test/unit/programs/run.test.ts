import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PliantError, build, compileProgram, makeProgram, parseProgram, programOps, runProgram } from '../../../src/index.js';
import type { OpName, Program } from '../../../src/index.js';
import { VECTOR_SIG, inputsArb, programArb, sameOutput } from './program-arbitrary.js';

const sig = { scalars: 4, inputs: { x: 's1' as const, y: 's2' as const }, output: 's0' as const };
const vsig = { scalars: 3, vectors: 3, inputs: { a: 's1' as const, g: 'v0' as const }, output: 'v1' as const };

/** A reference evaluator: a direct reading of the semantics, one register map, no compilation. */
function reference(p: Program, inputs: Record<string, number | number[]>): number | Float64Array {
  const a = p.args;
  const vectorInputs = Object.entries(a.inputs).filter(([, r]) => r.startsWith('v'));
  const len = vectorInputs.length === 0 ? 1 : (inputs[vectorInputs[0]![0]] as number[]).length;
  const regs = new Map<string, number | number[]>();
  for (let i = 0; i < a.scalars; i++) regs.set(`s${i}`, 0);
  for (let i = 0; i < (a.vectors ?? 0); i++) regs.set(`v${i}`, new Array(len).fill(0));
  for (const [name, r] of Object.entries(a.inputs)) regs.set(r, Array.isArray(inputs[name]) ? [...(inputs[name] as number[])] : (inputs[name] as number));
  for (const ins of a.instructions) {
    const { op, out, args, value } = ins.args;
    const fn = programOps[op as OpName].fn;
    const vals = args.map((r) => regs.get(r) as number | number[]);
    if (out.startsWith('s')) {
      regs.set(out, op === 'const' ? (value as number) : fn(vals[0] as number, (vals[1] ?? 0) as number));
    } else {
      const at = (v: number | number[] | undefined, i: number): number => (Array.isArray(v) ? (v[i] as number) : ((v ?? 0) as number));
      regs.set(
        out,
        Array.from({ length: len }, (_, i) => (op === 'const' ? (value as number) : fn(at(vals[0], i), at(vals[1], i)))),
      );
    }
  }
  const y = regs.get(a.output) as number | number[];
  return Array.isArray(y) ? Float64Array.from(y) : y;
}

describe('runProgram', () => {
  it('runs known scalar programs', () => {
    const p = parseProgram('s3 = s1 * s1; s0 = s3 + s2; s0 = s0 / s1', sig);
    expect(runProgram(p, { x: 2, y: 4 })).toBe(4); // (4 + 4) / 2
    expect(runProgram(parseProgram('', sig), { x: 2, y: 4 })).toBe(0); // the output starts at 0
    expect(runProgram(parseProgram('s0 = sign(s1); s0 = s0 * s2', sig), { x: -3, y: 5 })).toBe(-5);
    expect(runProgram(parseProgram('s0 = exp(s1); s0 = log(s0)', sig), { x: 0.75, y: 0 })).toBeCloseTo(0.75, 15);
    expect(runProgram(parseProgram('s0 = square(s1); s0 = sqrt(s0); s0 = -s0', sig), { x: -3, y: 0 })).toBe(-3);
    expect(runProgram(parseProgram('s0 = abs(s1); s0 = max(s0, s2); s3 = min(s1, s2); s0 = s0 - s3', sig), { x: -3, y: 2 })).toBe(6);
  });

  it('has unprotected IEEE semantics', () => {
    expect(runProgram(parseProgram('s0 = s1 / s3', sig), { x: 1, y: 0 })).toBe(Infinity);
    expect(runProgram(parseProgram('s0 = s1 / s3', sig), { x: -1, y: 0 })).toBe(-Infinity);
    expect(runProgram(parseProgram('s0 = sqrt(s1)', sig), { x: -1, y: 0 })).toBeNaN();
    expect(runProgram(parseProgram('s0 = log(s3)', sig), { x: 0, y: 0 })).toBe(-Infinity);
    expect(runProgram(parseProgram('s0 = s3 / s3', sig), { x: 0, y: 0 })).toBeNaN();
  });

  it('runs vector programs, broadcasting scalars', () => {
    const p = parseProgram('s2 = 2; v1 = s2 * v0; v1 = v1 + s1; v2 = sqrt(v0); v1 = v1 - v2', vsig);
    const y = runProgram(p, { a: 1, g: [4, 9, 16] });
    expect(y).toBeInstanceOf(Float64Array);
    expect(Array.from(y as Float64Array)).toEqual([8 + 1 - 2, 18 + 1 - 3, 32 + 1 - 4]);
    expect(Array.from(runProgram(parseProgram('v1 = 7', vsig), { a: 0, g: [1, 2] }) as Float64Array)).toEqual([7, 7]);
    expect(Array.from(runProgram(parseProgram('v1 = s1 + s1', vsig), { a: 3, g: new Float64Array(2) }) as Float64Array)).toEqual([6, 6]);
    // The returned vector is a copy: the next run does not change it.
    const run = compileProgram(parseProgram('v1 = v0 + v0', vsig));
    const first = run({ a: 0, g: [1, 2] }) as Float64Array;
    run({ a: 0, g: [5, 5] });
    expect(Array.from(first)).toEqual([2, 4]);
    // Vector length follows the inputs from run to run.
    expect((run({ a: 0, g: [1, 2, 3, 4, 5] }) as Float64Array).length).toBe(5);
  });

  it('agrees with a reference evaluator on random programs (property)', () => {
    fc.assert(
      fc.property(
        programArb(VECTOR_SIG).chain((p) => fc.tuple(fc.constant(p), inputsArb(VECTOR_SIG))),
        ([p, inputs]) => {
          expect(sameOutput(runProgram(p, inputs), reference(p, inputs))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    const scalarSig = { scalars: 5, vectors: 0, inputs: { x: 's1' as const, y: 's2' as const }, output: 's0' as const };
    fc.assert(
      fc.property(
        programArb(scalarSig).chain((p) => fc.tuple(fc.constant(p), inputsArb(scalarSig))),
        ([p, inputs]) => {
          expect(sameOutput(runProgram(p, inputs), reference(p, inputs))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('build gives the same function', () => {
    const p = parseProgram('s3 = s1 * s2; s0 = s3 + s1', sig);
    expect(build(p)({ x: 3, y: 4 })).toBe(15);
  });

  it('rejects missing, extra and mistyped inputs, naming the input', () => {
    const p = parseProgram('v1 = v0 + s1', vsig);
    const e = (() => {
      try {
        runProgram(p, { a: 1 });
      } catch (error) {
        return error as PliantError;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(PliantError);
    expect(e?.api).toBe('runProgram');
    expect(e?.path).toBe('g');
    expect(e?.message).toMatch(/vector input 'g' is missing/);
    expect(() => runProgram(p, { a: [1], g: [1] } as never)).toThrow(/'a' is a scalar: give a number/);
    expect(() => runProgram(p, { a: 1, g: 2 } as never)).toThrow(/'g' is a vector/);
    expect(() => runProgram(p, { a: 1, g: [1], h: 2 })).toThrow(/'h' is not an input of this program/);
    expect(() => runProgram(p, null as never)).toThrow(/inputs must be a record/);
    expect(() => runProgram({} as never, { a: 1 })).toThrow(/compileProgram: expected a pliant.Program/);
    const two = makeProgram({ scalars: 1, vectors: 3, inputs: { g: 'v0', h: 'v1' }, output: 'v2' }, [['add', 'v2', 'v0', 'v1']]);
    expect(() => runProgram(two, { g: [1, 2], h: [1] })).toThrow(/vector inputs must all have one length/);
  });
});
