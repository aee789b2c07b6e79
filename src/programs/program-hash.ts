/**
 * The dataflow hash of a program: a hash of the expression DAG that computes its result.
 */
import { digestHex, murmur3Words } from '../base/murmur3.js';
import type { Digest128 } from '../base/murmur3.js';
import { fieldsOf, registerId } from './compile.js';
import { programOps } from './ops.js';
import { checkProgram } from './program.js';
import type { Program } from './program.js';

const SEED = 0x70726f67; // "prog"
const T_ZERO = 1;
const T_INPUT = 2;
const T_OP = 3;
const T_RESULT = 4;

const MEMO = new WeakMap<Program, string>();
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);
const OUT: Digest128 = { h1: 0, h2: 0, h3: 0, h4: 0 };

function digestInto(words: Int32Array, n: number, table: Int32Array, at: number): void {
  murmur3Words(words, 0, n, SEED, OUT);
  table[at] = OUT.h1;
  table[at + 1] = OUT.h2;
  table[at + 2] = OUT.h3;
  table[at + 3] = OUT.h4;
}

/** Whether digest `x` (4 words at `xa`) sorts before digest `y` (at `ya`). */
function before(table: Int32Array, xa: number, ya: number): boolean {
  for (let k = 0; k < 4; k++) {
    const x = table[xa + k] as number;
    const y = table[ya + k] as number;
    if (x !== y) return x < y;
  }
  return false;
}

/**
 * The dataflow hash of a program (32 hex digits): a hash of the expression that computes the
 * returned register, built forward: an input is its name, an unwritten register is zero, an
 * instruction is its op, its constant's IEEE-754 bits and the hashes of its operands (in
 * either order for the commutative `add`, `mul`, `min`, `max`); the result adds whether the
 * output is a scalar or a vector. So it does not change when registers are renamed,
 * independent instructions are reordered, dead code is added or removed, or a common
 * subexpression is computed twice instead of once. It does not know algebra: `x * 2` and
 * `x + x` hash differently (the functional hash, with `programProbe`, equates them). Stable
 * across processes; memoised per program node.
 */
export function programHash(program: Program): string {
  checkProgram(program, 'programHash');
  const memo = MEMO.get(program);
  if (memo !== undefined) return memo;
  const a = program.args;
  const scalars = a.scalars;
  const total = scalars + (a.vectors ?? 0);
  const table = new Int32Array(total * 4);
  const words = new Int32Array(16);
  // Unwritten registers: zero.
  words[0] = T_ZERO;
  digestInto(words, 1, table, 0);
  for (let r = 1; r < total; r++) table.copyWithin(r * 4, 0, 4);
  for (const [name, reg] of Object.entries(a.inputs)) {
    const chars = Array.from(name, (c) => c.charCodeAt(0));
    const w = new Int32Array(2 + chars.length);
    w[0] = T_INPUT;
    w[1] = chars.length;
    chars.forEach((c, i) => (w[2 + i] = c));
    murmur3Words(w, 0, w.length, SEED, OUT);
    const at = registerId(reg, scalars) * 4;
    table[at] = OUT.h1;
    table[at + 1] = OUT.h2;
    table[at + 2] = OUT.h3;
    table[at + 3] = OUT.h4;
  }
  for (const item of a.instructions) {
    const ins = fieldsOf(item);
    const info = programOps[ins.op];
    words[0] = T_OP;
    words[1] = info.code;
    let n = 2;
    if (ins.op === 'const') {
      F64[0] = ins.value as number;
      words[2] = I32[0] as number;
      words[3] = I32[1] as number;
      n = 4;
    } else {
      let x = registerId(ins.args[0] as string, scalars) * 4;
      let y = ins.args.length > 1 ? registerId(ins.args[1] as string, scalars) * 4 : -1;
      if (y >= 0 && info.commutative && before(table, y, x)) [x, y] = [y, x];
      for (let k = 0; k < 4; k++) words[n++] = table[x + k] as number;
      if (y >= 0) for (let k = 0; k < 4; k++) words[n++] = table[y + k] as number;
    }
    digestInto(words, n, table, registerId(ins.out, scalars) * 4);
  }
  const out = registerId(a.output, scalars);
  words[0] = T_RESULT;
  words[1] = out >= scalars ? 1 : 0;
  for (let k = 0; k < 4; k++) words[2 + k] = table[out * 4 + k] as number;
  murmur3Words(words, 0, 6, SEED, OUT);
  const hex = digestHex(OUT.h1, OUT.h2, OUT.h3, OUT.h4);
  MEMO.set(program, hex);
  return hex;
}
