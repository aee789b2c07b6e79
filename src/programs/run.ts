/**
 * Running programs: `runProgram` on one input record, `compileProgram` for many runs.
 */
import { checkProgram } from './program.js';
import type { Program } from './program.js';
import { compile, runner } from './compile.js';
import type { Compiled, ProgramFunction, ProgramInputs, ProgramOutput } from './compile.js';

export type { ProgramFunction, ProgramInputs, ProgramOutput } from './compile.js';

const COMPILED = new WeakMap<Program, Compiled>();
const RUNNERS = new WeakMap<Program, ProgramFunction>();

/** @internal The compiled form of a program, memoised (programs are immutable). */
export function compiled(program: Program): Compiled {
  let c = COMPILED.get(program);
  if (c === undefined) {
    c = compile(program.args);
    COMPILED.set(program, c);
  }
  return c;
}

/**
 * A program compiled for repeated runs: only the instructions the output depends on are kept,
 * in a flat typed-array form run by a small interpreter. The function reuses its register
 * buffers, so it is not re-entrant (it never calls user code, so this only matters across
 * workers, which each compile their own). Memoised per program node.
 */
export function compileProgram(program: Program): ProgramFunction {
  checkProgram(program, 'compileProgram');
  let run = RUNNERS.get(program);
  if (run === undefined) {
    run = runner(compiled(program), 'runProgram');
    RUNNERS.set(program, run);
  }
  return run;
}

/**
 * Runs a program: loads each input into its register (a number for a scalar register, an array
 * of numbers for a vector register; all vector inputs share one length, which is the length of
 * every vector register; 1 without vector inputs), sets every other register to 0, runs the
 * instructions in order and returns the output register: a number, or a fresh `Float64Array`.
 * Arithmetic is unprotected IEEE-754 (`1 / 0` is `Infinity`). A missing, extra or mistyped input
 * is a `PliantError` naming the input.
 *
 * ```ts
 * runProgram(parseProgram('s0 = s1 * s1', { scalars: 2, inputs: { x: 's1' }, output: 's0' }), { x: 3 }); // 9
 * ```
 */
export function runProgram(program: Program, inputs: ProgramInputs): ProgramOutput {
  return compileProgram(program)(inputs);
}
