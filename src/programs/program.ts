/**
 * The program representation for algorithm search (PyGlove's `mutfun`, AutoML-Zero's
 * instruction lists): typed registers, straight-line instructions from a fixed op set, named
 * inputs loaded into registers and one register returned.
 */
import { z } from 'zod';
import { PliantError } from '../base/errors.js';
import { SymbolicNode } from '../symbolic/node.js';
import { nodeSchema, symbolize } from '../symbolic/symbolize.js';
import type { SymbolicFactory } from '../symbolic/symbolize.js';
import { programOpNames, isOpName, programOps } from './ops.js';
import type { OpName } from './ops.js';
import { compileArgs } from './compile.js';
import type { ProgramFunction } from './compile.js';

/**
 * A register: `s0`, `s1`, ... hold scalars; `v0`, `v1`, ... hold vectors (all of one length in a
 * run, the length of the vector inputs).
 */
export type Register = `s${number}` | `v${number}`;

/** The arguments of an {@link Instruction}: `out = op(args...)`, or `out = value` for `const`. */
export interface InstructionArgs {
  /** The operation. */
  readonly op: OpName;
  /** The register written. */
  readonly out: Register;
  /** The registers read (as many as the op's arity; none for `const`). */
  readonly args: readonly Register[];
  /** The constant of a `const` instruction (finite); absent for every other op. */
  readonly value?: number;
}

/** What `build` makes of an instruction: its arguments as a plain frozen record. */
export type InstructionRecord = InstructionArgs;

/** One instruction of a program: a symbolic node of type `pliant.Instruction`. */
export type Instruction = SymbolicNode<InstructionArgs, InstructionRecord>;

/** The interface of a program: its registers, where inputs are loaded and what it returns. */
export interface ProgramSignature {
  /** How many scalar registers (`s0`...). */
  readonly scalars: number;
  /** How many vector registers (`v0`...; default 0). */
  readonly vectors?: number;
  /** Each input's name and the register it is loaded into (registers not loaded start at 0). */
  readonly inputs: Readonly<Record<string, Register>>;
  /** The register whose value the program returns. */
  readonly output: Register;
}

/** The arguments of a {@link Program}: its signature and its instructions, run in order. */
export interface ProgramArgs extends ProgramSignature {
  /** The straight-line code. */
  readonly instructions: readonly Instruction[];
}

/** A program: a symbolic node of type `pliant.Program`; `build` makes it a {@link ProgramFunction}. */
export type Program = SymbolicNode<ProgramArgs, ProgramFunction>;

const REGISTER = /^([sv])(0|[1-9][0-9]{0,5})$/;
const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The most registers of one kind a program may have. */
export const MAX_REGISTERS = 4096;

/** @internal A parsed register: its kind and index. */
export interface RegisterRef {
  readonly vector: boolean;
  readonly index: number;
}

/** @internal Parses a register name, or `undefined` when it is not one. */
export function parseRegister(name: unknown): RegisterRef | undefined {
  if (typeof name !== 'string') return undefined;
  const m = REGISTER.exec(name);
  if (m === null) return undefined;
  return { vector: m[1] === 'v', index: Number(m[2]) };
}

function registerIssue(name: unknown): string | undefined {
  return parseRegister(name) === undefined ? `'${String(name)}' is not a register (s0, s1, ... for scalars, v0, v1, ... for vectors)` : undefined;
}

const instructionSchema = z
  .object({
    op: z.string(),
    out: z.string(),
    args: z.array(z.string()).default([]),
    value: z.number().optional(),
  })
  .superRefine((a, ctx) => {
    if (!isOpName(a.op)) {
      ctx.addIssue({ code: 'custom', path: ['op'], message: `unknown op '${a.op}' (ops: ${programOpNames.join(', ')})` });
      return;
    }
    const info = programOps[a.op];
    const outIssue = registerIssue(a.out);
    if (outIssue !== undefined) ctx.addIssue({ code: 'custom', path: ['out'], message: outIssue });
    if (a.args.length !== info.arity) {
      ctx.addIssue({ code: 'custom', path: ['args'], message: `${a.op} takes ${info.arity} operand${info.arity === 1 ? '' : 's'}, not ${a.args.length}` });
    }
    a.args.forEach((r, i) => {
      const issue = registerIssue(r);
      if (issue !== undefined) ctx.addIssue({ code: 'custom', path: ['args', i], message: issue });
    });
    if (a.op === 'const') {
      if (a.value === undefined || !Number.isFinite(a.value))
        ctx.addIssue({ code: 'custom', path: ['value'], message: 'a const instruction needs a finite value' });
    } else if (a.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `only a const instruction has a value, not ${a.op}` });
    }
  });

/**
 * The symbolic type of one instruction, `pliant.Instruction`:
 * `Instruction({op: 'add', out: 's2', args: ['s0', 's1']})`, `Instruction({op: 'const', out: 's3', value: 0.5})`.
 * Unknown ops, malformed registers, a wrong number of operands and a missing or misplaced
 * constant are rejected with a `PliantError` naming the key path.
 */
export const Instruction: SymbolicFactory<InstructionArgs, InstructionRecord> = symbolize(
  'pliant.Instruction',
  (a: InstructionArgs): InstructionRecord => Object.freeze({ ...a, args: Object.freeze([...a.args]) }),
  { schema: instructionSchema, kind: 'function' },
);

/** @internal Checks a signature's shape (register counts, input names and registers, output) into `issue`. */
export function signatureIssues(
  s: { scalars: number; vectors?: number; inputs: Readonly<Record<string, string>>; output: string },
  issue: (path: (string | number)[], message: string) => void,
): void {
  const scalars = s.scalars;
  const vectors = s.vectors ?? 0;
  const inRange = (name: string, path: (string | number)[]): RegisterRef | undefined => {
    const r = parseRegister(name);
    if (r === undefined) {
      issue(path, registerIssue(name) as string);
      return undefined;
    }
    const count = r.vector ? vectors : scalars;
    if (r.index >= count) {
      issue(path, `register ${name} is out of range: the program has ${count} ${r.vector ? 'vector' : 'scalar'} register${count === 1 ? '' : 's'}`);
      return undefined;
    }
    return r;
  };
  if (scalars + vectors === 0) issue(['scalars'], 'a program needs at least one register');
  const used = new Map<string, string>();
  for (const [name, reg] of Object.entries(s.inputs)) {
    if (!INPUT_NAME.test(name)) issue(['inputs', name], `'${name}' is not an input name (letters, digits and _, not starting with a digit)`);
    if (inRange(reg, ['inputs', name]) === undefined) continue;
    const other = used.get(reg);
    if (other !== undefined) issue(['inputs', name], `inputs '${other}' and '${name}' are both loaded into ${reg}`);
    used.set(reg, name);
  }
  inRange(s.output, ['output']);
}

const programSchema = z
  .object({
    scalars: z.number().int().min(0).max(MAX_REGISTERS),
    vectors: z.number().int().min(0).max(MAX_REGISTERS).default(0),
    inputs: z.record(z.string(), z.string()),
    output: z.string(),
    instructions: z.array(nodeSchema(Instruction)),
  })
  .superRefine((p, ctx) => {
    const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
    signatureIssues(p, issue);
    p.instructions.forEach((node, i) => {
      const a = node.args;
      const check = (name: string, path: (string | number)[]): RegisterRef | undefined => {
        const r = parseRegister(name) as RegisterRef;
        const count = r.vector ? p.vectors : p.scalars;
        if (r.index >= count) {
          issue(
            ['instructions', i, ...path],
            `register ${name} is out of range: the program has ${count} ${r.vector ? 'vector' : 'scalar'} register${count === 1 ? '' : 's'}`,
          );
          return undefined;
        }
        return r;
      };
      const out = check(a.out, ['out']);
      a.args.forEach((name, j) => {
        const r = check(name, ['args', j]);
        if (r !== undefined && r.vector && out !== undefined && !out.vector) {
          issue(['instructions', i, 'args', j], `a scalar register (${a.out}) cannot be computed from a vector (${name}): write it to a vector register`);
        }
      });
    });
  });

/**
 * The symbolic type of a program, `pliant.Program`: registers, inputs, output and straight-line
 * instructions. Every instruction writes its whole output register; an instruction writing a
 * scalar register reads only scalar registers, one writing a vector register reads any (its
 * scalar operands are broadcast). Any register may be read before it is written (it holds its
 * input or 0). `build` compiles it into a {@link ProgramFunction}.
 *
 * ```ts
 * const square = Program({
 *   scalars: 2, inputs: { x: 's1' }, output: 's0',
 *   instructions: [Instruction({ op: 'mul', out: 's0', args: ['s1', 's1'] })],
 * });
 * runProgram(square, { x: 3 }); // 9
 * ```
 *
 * (`parseProgram` reads the text form that `toSource` prints, which is shorter to write.)
 */
export const Program: SymbolicFactory<ProgramArgs, ProgramFunction> = symbolize('pliant.Program', (a: ProgramArgs): ProgramFunction => compileArgs(a), {
  schema: programSchema,
  kind: 'function',
});

/** Whether `value` is a {@link Program} node. */
export function isProgram(value: unknown): value is Program {
  return Program.is(value);
}

/** The signature of a program (everything but its instructions). */
export function signatureOf(program: Program): Required<ProgramSignature> {
  const a = program.args;
  return { scalars: a.scalars, vectors: a.vectors ?? 0, inputs: a.inputs, output: a.output };
}

/** @internal Throws a `PliantError` from `api` unless `value` is a program. */
export function checkProgram(value: unknown, api: string, path?: string): Program {
  if (!isProgram(value)) {
    const found = value instanceof SymbolicNode ? `a ${value.typeName} node` : value === null ? 'null' : typeof value;
    throw new PliantError(api, 'argument', `expected a pliant.Program, found ${found}`, path === undefined ? {} : { path });
  }
  return value;
}

/** A plain description of an instruction, for building programs: `['add', 's2', 's0', 's1']` or `['const', 's3', 0.5]`. */
export type InstructionTuple = readonly [OpName, Register, ...(Register | number)[]];

/** @internal An instruction node from op, output, operands and constant. */
export function makeInstruction(op: OpName, out: Register, args: readonly Register[], value?: number): Instruction {
  return Instruction(value === undefined ? { op, out, args } : { op, out, args, value }) as Instruction;
}

/**
 * A program with the given signature and instructions; instructions may be nodes or tuples
 * (`['mul', 's0', 's1', 's1']`, `['const', 's2', 0.5]`). Throws a `PliantError` naming the key
 * path of anything invalid.
 */
export function makeProgram(signature: ProgramSignature, instructions: readonly (Instruction | InstructionTuple)[]): Program {
  const api = 'makeProgram';
  if (!Array.isArray(instructions)) throw new PliantError(api, 'argument', 'instructions must be an array');
  const nodes = instructions.map((item, i) => {
    if (item instanceof SymbolicNode) return item as Instruction;
    if (!Array.isArray(item))
      throw new PliantError(api, 'argument', 'an instruction is an Instruction node or a tuple [op, out, ...operands]', { path: `instructions[${i}]` });
    const [op, out, ...rest] = item as readonly unknown[];
    const isConst = op === 'const';
    const fields = { op, out, args: isConst ? [] : rest, ...(isConst ? { value: rest[0] } : {}) };
    try {
      return Instruction(fields as unknown as InstructionArgs) as Instruction;
    } catch (error) {
      throw restate(api, error, `instructions[${i}]`);
    }
  });
  try {
    return Program({ ...signature, instructions: nodes }) as Program;
  } catch (error) {
    throw restate(api, error, '');
  }
}

/** @internal A `PliantError` from a factory restated as coming from `api`, its key path under `prefix`. */
export function restate(api: string, error: unknown, prefix: string): unknown {
  if (!(error instanceof PliantError)) return error;
  // Drop the API and key path prefix, the owner type, and the "found" of a value inside a nested
  // node (which the schema checker cannot see into, so it says "undefined").
  const message = error.message
    .replace(/^[^:]*: (at (\(root\)|'[^']*'): )?/, '')
    .replace(/^pliant\.(Program|Instruction): /, '')
    .replace(/, found undefined \(missing\)$/, '');
  const inner = error.path ?? '';
  const path = prefix === '' ? inner : inner === '' ? prefix : `${prefix}.${inner}`;
  return new PliantError(api, error.code, message, { path, cause: error });
}

/** @internal The same signature with other instructions (already valid nodes). */
export function withInstructions(program: Program, instructions: readonly Instruction[]): Program {
  return Program({ ...program.args, instructions }) as Program;
}
