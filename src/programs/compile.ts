/**
 * @internal The program compiler: a flat typed-array form of a program's live instructions and a
 * small interpreter over it. Imports nothing of `program.ts` at run time (that module builds
 * programs with it).
 */
import { PliantError } from '../base/errors.js';
import { SymbolicNode } from '../symbolic/node.js';
import { OP, programOps } from './ops.js';
import type { OpName } from './ops.js';

/** The inputs of a program run: a number for each scalar input, an array of numbers for each vector input. */
export type ProgramInputs = Readonly<Record<string, number | ArrayLike<number>>>;

/** What a program returns: a number (scalar output register) or a fresh `Float64Array` (vector output register). */
export type ProgramOutput = number | Float64Array;

/** A compiled program: runs it on inputs (see `runProgram`). */
export type ProgramFunction = (inputs: ProgramInputs) => ProgramOutput;

/** @internal What the compiler reads (a program's arguments; instructions as nodes or records). */
export interface CompileSource {
  readonly scalars: number;
  readonly vectors?: number;
  readonly inputs: Readonly<Record<string, string>>;
  readonly output: string;
  readonly instructions: readonly (InstructionLike | SymbolicNode)[];
}

/** @internal An instruction's fields. */
export interface InstructionLike {
  readonly op: OpName;
  readonly out: string;
  readonly args: readonly string[];
  readonly value?: number;
}

/** @internal Register id: scalars `0..S-1`, vectors `S..S+V-1`. */
export function registerId(name: string, scalars: number): number {
  const index = Number(name.slice(1));
  return name.charCodeAt(0) === 118 /* v */ ? scalars + index : index;
}

/** @internal The fields of an instruction node or record. */
export function fieldsOf(item: InstructionLike | SymbolicNode): InstructionLike {
  return item instanceof SymbolicNode ? (item.args as unknown as InstructionLike) : item;
}

/**
 * @internal Which instructions the output depends on (liveness, backwards from the output
 * register): every instruction writes its whole register, so one written later hides it.
 */
export function liveMask(src: CompileSource): Uint8Array {
  const scalars = src.scalars;
  const live = new Uint8Array(scalars + (src.vectors ?? 0));
  live[registerId(src.output, scalars)] = 1;
  const n = src.instructions.length;
  const keep = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const ins = fieldsOf(src.instructions[i] as InstructionLike);
    const out = registerId(ins.out, scalars);
    if (live[out] === 0) continue;
    keep[i] = 1;
    live[out] = 0;
    for (const a of ins.args) live[registerId(a, scalars)] = 1;
  }
  return keep;
}

const STRIDE = 5;
const OUT_VECTOR = 1;
const A_VECTOR = 2;
const B_VECTOR = 4;

interface InputSlot {
  readonly name: string;
  readonly vector: boolean;
  readonly index: number;
}

/** @internal The flat form of a program. */
export interface Compiled {
  readonly scalars: number;
  readonly vectors: number;
  /** Per live instruction: op code, out index, operand a, operand b, flags. */
  readonly code: Int32Array;
  /** Per live instruction: its constant (0 for other ops). */
  readonly consts: Float64Array;
  readonly count: number;
  readonly inputs: readonly InputSlot[];
  readonly output: { readonly vector: boolean; readonly index: number };
}

/** @internal Compiles the live instructions of a (valid) program. */
export function compile(src: CompileSource): Compiled {
  const scalars = src.scalars;
  const keep = liveMask(src);
  let count = 0;
  for (let i = 0; i < keep.length; i++) count += keep[i] as number;
  const code = new Int32Array(count * STRIDE);
  const consts = new Float64Array(count);
  let k = 0;
  let j = 0;
  const ref = (name: string): [number, boolean] => {
    const id = registerId(name, scalars);
    return id >= scalars ? [id - scalars, true] : [id, false];
  };
  src.instructions.forEach((item, i) => {
    if (keep[i] === 0) return;
    const ins = fieldsOf(item);
    const [o, ov] = ref(ins.out);
    let flags = ov ? OUT_VECTOR : 0;
    let a = 0;
    let b = 0;
    if (ins.args.length > 0) {
      const [x, xv] = ref(ins.args[0] as string);
      a = x;
      if (xv) flags |= A_VECTOR;
    }
    if (ins.args.length > 1) {
      const [y, yv] = ref(ins.args[1] as string);
      b = y;
      if (yv) flags |= B_VECTOR;
    }
    code[k] = programOps[ins.op].code;
    code[k + 1] = o;
    code[k + 2] = a;
    code[k + 3] = b;
    code[k + 4] = flags;
    consts[j] = ins.value ?? 0;
    k += STRIDE;
    j++;
  });
  const inputs = Object.entries(src.inputs)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([name, reg]) => {
      const [index, vector] = ref(reg);
      return { name, vector, index };
    });
  const [oi, ov] = ref(src.output);
  return { scalars, vectors: src.vectors ?? 0, code, consts, count, inputs, output: { vector: ov, index: oi } };
}

/** Applies one op elementwise: `dst[d + i] = op(A[a + i*as], B[b + i*bs])` for `i < len`. */
function vectorOp(
  op: number,
  dst: Float64Array,
  d: number,
  A: Float64Array,
  a: number,
  as: number,
  B: Float64Array,
  b: number,
  bs: number,
  len: number,
  value: number,
): void {
  switch (op) {
    case OP.add:
      for (let i = 0; i < len; i++) dst[d + i] = (A[a + i * as] as number) + (B[b + i * bs] as number);
      return;
    case OP.sub:
      for (let i = 0; i < len; i++) dst[d + i] = (A[a + i * as] as number) - (B[b + i * bs] as number);
      return;
    case OP.mul:
      for (let i = 0; i < len; i++) dst[d + i] = (A[a + i * as] as number) * (B[b + i * bs] as number);
      return;
    case OP.div:
      for (let i = 0; i < len; i++) dst[d + i] = (A[a + i * as] as number) / (B[b + i * bs] as number);
      return;
    case OP.min:
      for (let i = 0; i < len; i++) dst[d + i] = Math.min(A[a + i * as] as number, B[b + i * bs] as number);
      return;
    case OP.max:
      for (let i = 0; i < len; i++) dst[d + i] = Math.max(A[a + i * as] as number, B[b + i * bs] as number);
      return;
    case OP.neg:
      for (let i = 0; i < len; i++) dst[d + i] = -(A[a + i * as] as number);
      return;
    case OP.abs:
      for (let i = 0; i < len; i++) dst[d + i] = Math.abs(A[a + i * as] as number);
      return;
    case OP.sign:
      for (let i = 0; i < len; i++) dst[d + i] = Math.sign(A[a + i * as] as number);
      return;
    case OP.sqrt:
      for (let i = 0; i < len; i++) dst[d + i] = Math.sqrt(A[a + i * as] as number);
      return;
    case OP.square:
      for (let i = 0; i < len; i++) {
        const x = A[a + i * as] as number;
        dst[d + i] = x * x;
      }
      return;
    case OP.exp:
      for (let i = 0; i < len; i++) dst[d + i] = Math.exp(A[a + i * as] as number);
      return;
    case OP.log:
      for (let i = 0; i < len; i++) dst[d + i] = Math.log(A[a + i * as] as number);
      return;
    default:
      for (let i = 0; i < len; i++) dst[d + i] = value;
  }
}

/** Runs the scalar instructions and the vector ones of a compiled program on loaded registers. */
function execute(c: Compiled, s: Float64Array, vec: Float64Array, len: number): void {
  const code = c.code;
  const consts = c.consts;
  for (let i = 0, k = 0; i < c.count; i++, k += STRIDE) {
    const op = code[k] as number;
    const o = code[k + 1] as number;
    const a = code[k + 2] as number;
    const b = code[k + 3] as number;
    const f = code[k + 4] as number;
    if (f === 0) {
      switch (op) {
        case OP.add:
          s[o] = (s[a] as number) + (s[b] as number);
          break;
        case OP.sub:
          s[o] = (s[a] as number) - (s[b] as number);
          break;
        case OP.mul:
          s[o] = (s[a] as number) * (s[b] as number);
          break;
        case OP.div:
          s[o] = (s[a] as number) / (s[b] as number);
          break;
        case OP.min:
          s[o] = Math.min(s[a] as number, s[b] as number);
          break;
        case OP.max:
          s[o] = Math.max(s[a] as number, s[b] as number);
          break;
        case OP.neg:
          s[o] = -(s[a] as number);
          break;
        case OP.abs:
          s[o] = Math.abs(s[a] as number);
          break;
        case OP.sign:
          s[o] = Math.sign(s[a] as number);
          break;
        case OP.sqrt:
          s[o] = Math.sqrt(s[a] as number);
          break;
        case OP.square: {
          const x = s[a] as number;
          s[o] = x * x;
          break;
        }
        case OP.exp:
          s[o] = Math.exp(s[a] as number);
          break;
        case OP.log:
          s[o] = Math.log(s[a] as number);
          break;
        default:
          s[o] = consts[i] as number;
      }
    } else {
      const av = (f & A_VECTOR) !== 0;
      const bv = (f & B_VECTOR) !== 0;
      vectorOp(op, vec, o * len, av ? vec : s, av ? a * len : a, av ? 1 : 0, bv ? vec : s, bv ? b * len : b, bv ? 1 : 0, len, consts[i] as number);
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** @internal The runner of a compiled program; `api` names the caller in errors. */
export function runner(c: Compiled, api: string): ProgramFunction {
  const s = new Float64Array(c.scalars);
  let vec = new Float64Array(0);
  const names = new Set(c.inputs.map((i) => i.name));
  const inputs = c.inputs;
  return (given: ProgramInputs): ProgramOutput => {
    if (typeof given !== 'object' || given === null)
      throw new PliantError(api, 'argument', `inputs must be a record of input name → value, found ${describe(given)}`);
    let len = -1;
    for (let i = 0; i < inputs.length; i++) {
      const slot = inputs[i] as InputSlot;
      const v = given[slot.name];
      if (slot.vector) {
        if (typeof v !== 'object' || v === null || typeof (v as ArrayLike<number>).length !== 'number') {
          throw new PliantError(
            api,
            'argument',
            v === undefined ? `the vector input '${slot.name}' is missing` : `input '${slot.name}' is a vector: give an array of numbers, found ${describe(v)}`,
            { path: slot.name },
          );
        }
        const n = (v as ArrayLike<number>).length;
        if (len === -1) len = n;
        else if (n !== len)
          throw new PliantError(api, 'argument', `vector inputs must all have one length: '${slot.name}' has ${n}, another has ${len}`, { path: slot.name });
      } else if (typeof v !== 'number') {
        throw new PliantError(
          api,
          'argument',
          v === undefined ? `the scalar input '${slot.name}' is missing` : `input '${slot.name}' is a scalar: give a number, found ${describe(v)}`,
          { path: slot.name },
        );
      }
    }
    for (const key in given) {
      if (!names.has(key))
        throw new PliantError(api, 'argument', `'${key}' is not an input of this program (inputs: ${[...names].join(', ') || 'none'})`, { path: key });
    }
    if (len === -1) len = 1;
    s.fill(0);
    if (c.vectors > 0) {
      if (vec.length !== c.vectors * len) vec = new Float64Array(c.vectors * len);
      else vec.fill(0);
    }
    for (let i = 0; i < inputs.length; i++) {
      const slot = inputs[i] as InputSlot;
      const v = given[slot.name];
      if (slot.vector) {
        const arr = v as ArrayLike<number>;
        const base = slot.index * len;
        for (let j = 0; j < len; j++) vec[base + j] = Number(arr[j]);
      } else {
        s[slot.index] = v as number;
      }
    }
    execute(c, s, vec, len);
    const out = c.output;
    if (!out.vector) return s[out.index] as number;
    return vec.slice(out.index * len, (out.index + 1) * len);
  };
}

/** @internal Compiles program arguments (validated) into a runnable function. */
export function compileArgs(src: CompileSource): ProgramFunction {
  return runner(compile(src), 'build');
}
