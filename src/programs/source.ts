/**
 * The text form of programs: `s2 = s0 * s1`, one instruction a line.
 */
import { PliantError } from '../base/errors.js';
import { isOpName, programOps } from './ops.js';
import type { OpName } from './ops.js';
import { checkProgram, makeProgram } from './program.js';
import type { InstructionTuple, Program, ProgramSignature, Register } from './program.js';

/** Options of {@link toSource}. */
export interface ToSourceOptions {
  /** Print a first comment line with the inputs and register counts (default true). */
  readonly header?: boolean;
  /** Print `return <output>` as the last line (default true). */
  readonly returns?: boolean;
}

function instructionText(op: OpName, out: string, args: readonly string[], value: number | undefined): string {
  const info = programOps[op];
  if (op === 'const') return `${out} = ${Object.is(value, -0) ? '-0' : String(value)}`;
  if (op === 'neg') return `${out} = -${args[0]}`;
  if (info.symbol !== undefined) return `${out} = ${args[0]} ${info.symbol} ${args[1]}`;
  return `${out} = ${op}(${args.join(', ')})`;
}

/**
 * The readable text of a program, one instruction a line: `s2 = s0 * s1`, `s3 = 0.5`,
 * `v1 = sqrt(v2)`, `s2 = -s1`, `s0 = max(s1, s2)`; a header comment names the inputs
 * (`// inputs: x=s1 · 4 scalar, 0 vector registers`) and a last line `return s0`.
 * {@link parseProgram} reads it back.
 */
export function toSource(program: Program, options: ToSourceOptions = {}): string {
  checkProgram(program, 'toSource');
  const a = program.args;
  const lines: string[] = [];
  if (options.header !== false) {
    const inputs = Object.entries(a.inputs).map(([name, reg]) => `${name}=${reg}`);
    const v = a.vectors ?? 0;
    lines.push(`// inputs: ${inputs.length === 0 ? 'none' : inputs.join(', ')} · ${a.scalars} scalar, ${v} vector register${v === 1 ? '' : 's'}`);
  }
  for (const ins of a.instructions) {
    const f = ins.args;
    lines.push(instructionText(f.op, f.out, f.args, f.value));
  }
  if (options.returns !== false) lines.push(`return ${a.output}`);
  return lines.join('\n');
}

const REG = String.raw`([sv](?:0|[1-9][0-9]*))`;
const NUM = String.raw`([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|-0)`;
const ASSIGN = new RegExp(String.raw`^${REG}\s*=\s*(.+)$`);
const CONST = new RegExp(String.raw`^${NUM}$`);
const INFIX = new RegExp(String.raw`^${REG}\s*([-+*/])\s*${REG}$`);
const NEG = new RegExp(String.raw`^-\s*${REG}$`);
const CALL = new RegExp(String.raw`^([a-z]+)\s*\(\s*${REG}\s*(?:,\s*${REG}\s*)?\)$`);
const RETURN = new RegExp(String.raw`^return\s+${REG}$`);
const SYMBOLS: Readonly<Record<string, OpName>> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div' };

/**
 * A program from its text form (what {@link toSource} prints) and a signature: one instruction
 * a line or separated by `;`: `s2 = s0 + s1` (also `-`, `*`, `/`), `s2 = -s1`, `s3 = 0.5`,
 * `s2 = sqrt(s1)`, `s0 = max(s1, s2)`; `//` and `#` start comments; an optional `return s0`
 * must name the signature's output. Errors are `PliantError`s naming the line.
 *
 * ```ts
 * const taylor2 = parseProgram('s2 = 1; s3 = 0.5; s0 = s1 * s3; s0 = s0 + s2; s0 = s0 * s1; s0 = s0 + s2', {
 *   scalars: 4, inputs: { x: 's1' }, output: 's0',
 * }); // 1 + x(1 + x/2)
 * ```
 */
export function parseProgram(source: string, signature: ProgramSignature): Program {
  const api = 'parseProgram';
  if (typeof source !== 'string') throw new PliantError(api, 'argument', 'source must be a string');
  const tuples: InstructionTuple[] = [];
  const lines: number[] = [];
  const statements = source.split('\n').flatMap((line, i) =>
    line
      .replace(/(\/\/|#).*$/, '')
      .split(';')
      .map((text) => ({ text: text.trim(), line: i + 1 })),
  );
  let returned: string | undefined;
  for (const { text, line } of statements) {
    if (text === '') continue;
    const fail = (why: string): never => {
      throw new PliantError(api, 'argument', `line ${line}: ${why}: '${text}'`);
    };
    if (returned !== undefined) fail('nothing may follow the return');
    const ret = RETURN.exec(text);
    if (ret !== null) {
      returned = ret[1] as string;
      if (returned !== signature.output) fail(`the program returns ${signature.output} (its signature's output)`);
      continue;
    }
    const m = ASSIGN.exec(text);
    if (m === null) return fail('expected `register = expression` or `return register`');
    const out = m[1] as Register;
    const rhs = (m[2] as string).trim();
    let found: RegExpExecArray | null;
    if ((found = CONST.exec(rhs)) !== null) {
      tuples.push(['const', out, Number(found[1])]);
    } else if ((found = INFIX.exec(rhs)) !== null) {
      tuples.push([SYMBOLS[found[2] as string] as OpName, out, found[1] as Register, found[3] as Register]);
    } else if ((found = NEG.exec(rhs)) !== null) {
      tuples.push(['neg', out, found[1] as Register]);
    } else if ((found = CALL.exec(rhs)) !== null) {
      const name = found[1] as string;
      if (!isOpName(name) || name === 'const') return fail(`unknown function '${name}'`);
      const args = [found[2], found[3]].filter((r): r is string => r !== undefined) as Register[];
      if (args.length !== programOps[name].arity) fail(`${name} takes ${programOps[name].arity} operand(s)`);
      tuples.push([name, out, ...args]);
    } else {
      fail('cannot read the expression (a number, `r op r`, `-r` or `f(r)` / `f(r, r)`)');
    }
    lines.push(line);
  }
  try {
    return makeProgram(signature, tuples);
  } catch (error) {
    if (!(error instanceof PliantError)) throw error;
    const m = /^instructions\[(\d+)\]/.exec(error.path ?? '');
    const where = m === null ? '' : `line ${lines[Number(m[1])]}: `;
    throw new PliantError(api, error.code, `${where}${error.message.replace(/^[^:]*: (at (\(root\)|'[^']*'): )?/, '')}`, { path: error.path, cause: error });
  }
}
