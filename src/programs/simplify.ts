/**
 * Dead-code elimination for programs.
 */
import { liveMask } from './compile.js';
import { checkProgram, withInstructions } from './program.js';
import type { Instruction, Program } from './program.js';

/**
 * Which instructions the returned value depends on: `true` at index `i` when instruction `i`
 * is live (liveness backwards from the output register; each instruction writes its whole
 * register, so a later write hides an earlier one).
 */
export function liveInstructions(program: Program): boolean[] {
  checkProgram(program, 'liveInstructions');
  return Array.from(liveMask(program.args), (b) => b === 1);
}

/**
 * The program without the instructions its result does not depend on (same signature, the live
 * instructions in their order). It computes the same outputs on every input. Returns the
 * program itself when nothing is dead.
 */
export function simplifyProgram(program: Program): Program {
  checkProgram(program, 'simplifyProgram');
  const keep = liveMask(program.args);
  if (keep.every((b) => b === 1)) return program;
  const kept: Instruction[] = [];
  program.args.instructions.forEach((ins, i) => {
    if (keep[i] === 1) kept.push(ins);
  });
  return withInstructions(program, kept);
}
