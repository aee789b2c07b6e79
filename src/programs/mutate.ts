import type { Rng } from '../base/rng.js';
import { PliantError } from '../base/errors.js';
import { programOpNames, isOpName, programOps } from './ops.js';
import type { OpName } from './ops.js';
import { Program, checkProgram, makeInstruction, restate, signatureIssues, withInstructions } from './program.js';
import type { Instruction, ProgramSignature, Register } from './program.js';

/** The kinds of program mutation. */
export type ProgramMutationKind = 'insert' | 'delete' | 'modify-op' | 'modify-arg' | 'modify-out' | 'constant';

/** Every kind of program mutation. */
export const programMutationKinds: readonly ProgramMutationKind[] = Object.freeze([
  'insert',
  'delete',
  'modify-op',
  'modify-arg',
  'modify-out',
  'constant',
] as ProgramMutationKind[]);

/** Options of {@link mutateProgram} and {@link randomProgram}: what instructions may be made. */
export interface ProgramMutationOptions {
  /** The ops new and modified instructions use (default: every op). */
  readonly ops?: readonly OpName[];
  /** Insertions stop at this many instructions (default 32). */
  readonly maxInstructions?: number;
  /** Deletions stop at this many instructions (default 0). */
  readonly minInstructions?: number;
  /**
   * Relative weights of the mutation kinds (default: insert 1, delete 1, modify-op 0.5,
   * modify-arg 1, modify-out 0.5, constant 1). A kind that cannot apply (no constant to perturb,
   * the length at a bound) is skipped.
   */
  readonly weights?: Readonly<Partial<Record<ProgramMutationKind, number>>>;
  /**
   * How far a constant moves: it is multiplied by `exp(N(0, constantSigma))` (default 0.5); a 0
   * gets `N(0, constantSigma)` added instead. One in ten constant mutations flips the sign and
   * one in ten draws a fresh constant.
   */
  readonly constantSigma?: number;
  /**
   * Fresh constants: half the time one of these (default `[0, 1, -1, 2, 0.5]`), otherwise a
   * random sign times a log-uniform magnitude in `constantRange`.
   */
  readonly constants?: readonly number[];
  /** The magnitude range of fresh random constants (default `[0.01, 100]`). */
  readonly constantRange?: readonly [number, number];
}

/** Options of {@link randomProgram}: the signature, the op set and the length. */
export interface RandomProgramOptions extends ProgramSignature, ProgramMutationOptions {
  /** How many instructions: a number, or `[min, max]` drawn uniformly (default `[1, 8]`). */
  readonly length?: number | readonly [number, number];
}

/** What a mutation did (see {@link mutateProgramWithInfo}). */
export interface ProgramMutation {
  /** The mutated program. */
  readonly program: Program;
  /** The kind of mutation applied, or `undefined` when none could apply (the program is returned as is). */
  readonly kind: ProgramMutationKind | undefined;
  /** The index of the instruction inserted, deleted or changed. */
  readonly index: number;
}

const DEFAULT_WEIGHTS: Readonly<Record<ProgramMutationKind, number>> = {
  insert: 1,
  delete: 1,
  'modify-op': 0.5,
  'modify-arg': 1,
  'modify-out': 0.5,
  constant: 1,
};

/** @internal Checked, defaulted mutation options. */
export interface Resolved {
  readonly ops: readonly OpName[];
  readonly maxInstructions: number;
  readonly minInstructions: number;
  readonly weights: Readonly<Record<ProgramMutationKind, number>>;
  readonly constantSigma: number;
  readonly constants: readonly number[];
  readonly constantRange: readonly [number, number];
}

const RESOLVED = new WeakMap<object, Resolved>();

/** @internal Checks and defaults mutation options (memoised per options object). */
export function resolveOptions(options: ProgramMutationOptions, api: string): Resolved {
  if (typeof options !== 'object' || options === null) throw new PliantError(api, 'argument', 'options must be a record');
  const memo = RESOLVED.get(options);
  if (memo !== undefined) return memo;
  const fail = (path: string, message: string): never => {
    throw new PliantError(api, 'argument', message, { path });
  };
  const ops = options.ops ?? programOpNames;
  if (!Array.isArray(ops) || ops.length === 0) fail('ops', 'ops must be a non-empty list of op names');
  ops.forEach((op, i) => {
    if (!isOpName(op)) fail(`ops[${i}]`, `unknown op '${String(op)}' (ops: ${programOpNames.join(', ')})`);
  });
  const maxInstructions = options.maxInstructions ?? 32;
  const minInstructions = options.minInstructions ?? 0;
  if (!Number.isInteger(maxInstructions) || maxInstructions < 0)
    fail('maxInstructions', `maxInstructions must be a non-negative integer, found ${String(maxInstructions)}`);
  if (!Number.isInteger(minInstructions) || minInstructions < 0 || minInstructions > maxInstructions) {
    fail('minInstructions', `minInstructions must be an integer from 0 to maxInstructions (${maxInstructions}), found ${String(minInstructions)}`);
  }
  const weights: Record<ProgramMutationKind, number> = { ...DEFAULT_WEIGHTS };
  if (options.weights !== undefined) {
    if (typeof options.weights !== 'object' || options.weights === null) fail('weights', 'weights must be a record of mutation kind → weight');
    for (const [kind, w] of Object.entries(options.weights)) {
      if (!(programMutationKinds as readonly string[]).includes(kind))
        fail(`weights.${kind}`, `unknown mutation kind '${kind}' (kinds: ${programMutationKinds.join(', ')})`);
      if (w === undefined) continue;
      if (typeof w !== 'number' || !(w >= 0) || !Number.isFinite(w)) fail(`weights.${kind}`, `a weight must be a finite number ≥ 0, found ${String(w)}`);
      weights[kind as ProgramMutationKind] = w;
    }
  }
  const constantSigma = options.constantSigma ?? 0.5;
  if (typeof constantSigma !== 'number' || !(constantSigma >= 0) || !Number.isFinite(constantSigma))
    fail('constantSigma', `constantSigma must be a finite number ≥ 0, found ${String(constantSigma)}`);
  const constants = options.constants ?? [0, 1, -1, 2, 0.5];
  if (!Array.isArray(constants) || constants.some((c) => typeof c !== 'number' || !Number.isFinite(c)))
    fail('constants', 'constants must be a list of finite numbers');
  const constantRange = options.constantRange ?? [0.01, 100];
  if (
    !Array.isArray(constantRange) ||
    constantRange.length !== 2 ||
    !(constantRange[0] > 0) ||
    !(constantRange[1] >= constantRange[0]) ||
    !Number.isFinite(constantRange[1])
  ) {
    fail('constantRange', 'constantRange must be [min, max] with 0 < min ≤ max, finite');
  }
  const resolved: Resolved = Object.freeze({
    ops: Object.freeze([...ops]),
    maxInstructions,
    minInstructions,
    weights: Object.freeze(weights),
    constantSigma,
    constants: Object.freeze([...constants]),
    constantRange: [constantRange[0], constantRange[1]] as const,
  });
  RESOLVED.set(options, resolved);
  return resolved;
}

function pick<T>(items: readonly T[], rng: Rng): T {
  return items[Math.floor(rng() * items.length)] as T;
}

/** A standard normal deviate (Box–Muller). */
function gaussian(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** @internal A fresh random constant. */
export function randomConstant(o: Resolved, rng: Rng): number {
  if (o.constants.length > 0 && rng() < 0.5) return pick(o.constants, rng);
  const [lo, hi] = o.constantRange;
  const magnitude = Math.exp(Math.log(lo) + rng() * (Math.log(hi) - Math.log(lo)));
  return rng() < 0.5 ? -magnitude : magnitude;
}

function perturbOnce(value: number, o: Resolved, rng: Rng): number {
  const u = rng();
  if (u < 0.1) return -value;
  if (u < 0.2) return randomConstant(o, rng);
  if (value === 0) return gaussian(rng) * o.constantSigma;
  return value * Math.exp(gaussian(rng) * o.constantSigma);
}

/** A different finite constant near `value` (see {@link ProgramMutationOptions.constantSigma}). */
function perturb(value: number, o: Resolved, rng: Rng): number {
  for (let attempt = 0; attempt < 8; attempt++) {
    const next = perturbOnce(value, o, rng);
    if (Number.isFinite(next) && !Object.is(next, value) && next !== value) return next;
  }
  return value === 0 ? 1 : value * 2;
}

/** The registers of a program, by kind. */
interface Registers {
  readonly scalars: readonly Register[];
  readonly all: readonly Register[];
}

const REGISTERS = new Map<string, Registers>();

function registersOf(scalars: number, vectors: number): Registers {
  const key = `${scalars}/${vectors}`;
  let r = REGISTERS.get(key);
  if (r === undefined) {
    const s = Array.from({ length: scalars }, (_, i) => `s${i}` as Register);
    const v = Array.from({ length: vectors }, (_, i) => `v${i}` as Register);
    r = { scalars: s, all: [...s, ...v] };
    REGISTERS.set(key, r);
  }
  return r;
}

const isVector = (r: Register): boolean => r.charCodeAt(0) === 118;

/** The registers an operand of an instruction writing `out` may read. */
function operandChoices(regs: Registers, out: Register): readonly Register[] {
  return isVector(out) ? regs.all : regs.scalars;
}

/** A random instruction (the program has at least one register). */
function randomInstruction(regs: Registers, o: Resolved, rng: Rng): Instruction {
  const op = pick(o.ops, rng);
  const arity = programOps[op].arity;
  // An op with operands needs a register it can read: a scalar output needs scalar registers.
  const outs = arity > 0 && regs.scalars.length === 0 ? regs.all.filter(isVector) : regs.all;
  const out = pick(outs, rng);
  if (op === 'const') return makeInstruction(op, out, [], randomConstant(o, rng));
  const choices = operandChoices(regs, out);
  const args = Array.from({ length: arity }, () => pick(choices, rng));
  return makeInstruction(op, out, args);
}

/** @internal One weighted choice among the kinds that can apply. */
function chooseKind(candidates: readonly ProgramMutationKind[], o: Resolved, rng: Rng): ProgramMutationKind | undefined {
  let total = 0;
  for (const k of candidates) total += o.weights[k];
  if (!(total > 0)) return undefined;
  let u = rng() * total;
  for (const k of candidates) {
    u -= o.weights[k];
    if (u < 0 && o.weights[k] > 0) return k;
  }
  for (let i = candidates.length - 1; i >= 0; i--) if (o.weights[candidates[i] as ProgramMutationKind] > 0) return candidates[i];
  return undefined;
}

/** What one kind of modification can change at instruction `i`, or `undefined`. */
function modifiable(kind: ProgramMutationKind, ins: Instruction, regs: Registers, o: Resolved): boolean {
  const a = ins.args;
  switch (kind) {
    case 'modify-op':
      return o.ops.some((op) => op !== a.op);
    case 'modify-arg':
      return a.args.length > 0 && operandChoices(regs, a.out).length > 1;
    case 'modify-out':
      return outChoices(ins, regs).length > 0;
    case 'constant':
      return a.op === 'const';
    default:
      return false;
  }
}

/** Output registers an instruction may move to (other than its own). */
function outChoices(ins: Instruction, regs: Registers): Register[] {
  const a = ins.args;
  const readsVector = a.args.some(isVector);
  return (readsVector ? regs.all.filter(isVector) : regs.all).filter((r) => r !== a.out);
}

function modify(kind: ProgramMutationKind, ins: Instruction, regs: Registers, o: Resolved, rng: Rng): Instruction {
  const a = ins.args;
  if (kind === 'constant') return makeInstruction('const', a.out, [], perturb(a.value as number, o, rng));
  if (kind === 'modify-out') {
    const out = pick(outChoices(ins, regs), rng);
    return a.op === 'const' ? makeInstruction('const', out, [], a.value) : makeInstruction(a.op, out, a.args);
  }
  if (kind === 'modify-arg') {
    const j = Math.floor(rng() * a.args.length);
    const current = a.args[j] as Register;
    const options = operandChoices(regs, a.out).filter((r) => r !== current);
    const args = a.args.slice();
    args[j] = pick(options, rng);
    return makeInstruction(a.op, a.out, args);
  }
  // modify-op: a different op; operands kept where the new op has room, drawn where it needs more.
  const ops = o.ops.filter((op) => op !== a.op);
  const op = pick(ops, rng);
  if (op === 'const') return makeInstruction('const', a.out, [], randomConstant(o, rng));
  const choices = operandChoices(regs, a.out);
  const arity = programOps[op].arity;
  const args = Array.from({ length: arity }, (_, j) => (a.args[j] as Register | undefined) ?? pick(choices, rng));
  return makeInstruction(op, a.out, args);
}

/**
 * One random mutation of a program, with what it did: a weighted choice (see
 * {@link ProgramMutationOptions.weights}) among the kinds that can apply:
 * - `insert`: a random instruction at a random position (up to `maxInstructions`);
 * - `delete`: one instruction removed (down to `minInstructions`);
 * - `modify-op`: an instruction gets another op (operands kept where they fit, new ones drawn);
 * - `modify-arg`: one operand of an instruction reads another register;
 * - `modify-out`: an instruction writes another register;
 * - `constant`: a constant is perturbed (log-normal factor), sometimes negated or redrawn.
 * The result is always valid, with the same signature; instructions a mutation does not touch
 * are shared with the parent. When no kind can apply, the program comes back unchanged.
 */
export function mutateProgramWithInfo(program: Program, rng: Rng, options: ProgramMutationOptions = {}): ProgramMutation {
  const api = 'mutateProgram';
  checkProgram(program, api);
  if (typeof rng !== 'function') throw new PliantError(api, 'argument', 'rng must be a seeded generator () => number (see seededRng)');
  const o = resolveOptions(options, api);
  const a = program.args;
  const regs = registersOf(a.scalars, a.vectors ?? 0);
  const list = a.instructions;
  const n = list.length;
  const kinds: ProgramMutationKind[] = [];
  if (n < o.maxInstructions) kinds.push('insert');
  if (n > o.minInstructions) kinds.push('delete');
  const sites = new Map<ProgramMutationKind, number[]>();
  for (const kind of ['modify-op', 'modify-arg', 'modify-out', 'constant'] as const) {
    const at: number[] = [];
    list.forEach((ins, i) => {
      if (modifiable(kind, ins, regs, o)) at.push(i);
    });
    if (at.length > 0) {
      sites.set(kind, at);
      kinds.push(kind);
    }
  }
  const kind = chooseKind(kinds, o, rng);
  if (kind === undefined) return { program, kind: undefined, index: -1 };
  const next = list.slice();
  let index: number;
  if (kind === 'insert') {
    index = Math.floor(rng() * (n + 1));
    next.splice(index, 0, randomInstruction(regs, o, rng));
  } else if (kind === 'delete') {
    index = Math.floor(rng() * n);
    next.splice(index, 1);
  } else {
    index = pick(sites.get(kind) as number[], rng);
    next[index] = modify(kind, list[index] as Instruction, regs, o, rng);
  }
  return { program: withInstructions(program, next), kind, index };
}

/**
 * A mutated copy of a program (see {@link mutateProgramWithInfo} for the kinds): insert, delete
 * or modify an instruction, or perturb a constant. Always a valid program with the same
 * signature; deterministic for a seeded `rng`.
 *
 * ```ts
 * const child = mutateProgram(parent, seededRng(1), { ops: ['add', 'sub', 'mul', 'div', 'const'], maxInstructions: 16 });
 * ```
 */
export function mutateProgram(program: Program, rng: Rng, options: ProgramMutationOptions = {}): Program {
  return mutateProgramWithInfo(program, rng, options).program;
}

/**
 * A random program of the given signature: `length` random instructions (default 1 to 8),
 * each a uniform op of `ops`, a uniform output register and uniform operands it may read (a
 * scalar output reads scalars; a vector output reads any register), constants drawn as
 * described in {@link ProgramMutationOptions.constants}.
 */
export function randomProgram(options: RandomProgramOptions, rng: Rng): Program {
  const api = 'randomProgram';
  if (typeof rng !== 'function') throw new PliantError(api, 'argument', 'rng must be a seeded generator () => number (see seededRng)');
  if (typeof options !== 'object' || options === null)
    throw new PliantError(api, 'argument', 'options must be a record with the signature (scalars, inputs, output)');
  const o = resolveOptions(options, api);
  const signature = { scalars: options.scalars, vectors: options.vectors ?? 0, inputs: options.inputs, output: options.output };
  if (!Number.isInteger(signature.scalars) || signature.scalars < 0 || !Number.isInteger(signature.vectors) || signature.vectors < 0) {
    throw new PliantError(api, 'argument', 'scalars and vectors must be non-negative integers');
  }
  if (typeof signature.inputs !== 'object' || signature.inputs === null || typeof signature.output !== 'string') {
    throw new PliantError(api, 'argument', 'options need inputs (a record of name → register) and output (a register)');
  }
  signatureIssues(signature, (path, message) => {
    throw new PliantError(api, 'argument', message, { path: path.join('.') });
  });
  const length = options.length ?? [1, 8];
  let n: number;
  if (typeof length === 'number') {
    if (!Number.isInteger(length) || length < 0)
      throw new PliantError(api, 'argument', `length must be a non-negative integer or [min, max], found ${String(length)}`, { path: 'length' });
    n = length;
  } else {
    const [lo, hi] = length;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < lo)
      throw new PliantError(api, 'argument', 'length must be [min, max] with 0 ≤ min ≤ max, integers', { path: 'length' });
    n = lo + Math.floor(rng() * (hi - lo + 1));
  }
  const regs = registersOf(signature.scalars, signature.vectors);
  if (n > 0 && regs.all.length === 0) throw new PliantError(api, 'argument', 'a program with instructions needs registers');
  const instructions = Array.from({ length: n }, () => randomInstruction(regs, o, rng));
  try {
    return Program({ ...signature, instructions }) as Program;
  } catch (error) {
    throw restate(api, error, '');
  }
}
