/**
 * The fixed operation set of programs: arithmetic, elementwise functions and a scalar constant.
 * Every op is elementwise; an instruction writing a vector register broadcasts its scalar
 * operands. Semantics are unprotected IEEE-754 (`1 / 0` is `Infinity`, `sqrt(-1)` is `NaN`).
 */

/** The name of a program operation. */
export type OpName = 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max' | 'neg' | 'abs' | 'sign' | 'sqrt' | 'square' | 'exp' | 'log' | 'const';

/** What one program operation is. */
export interface OpInfo {
  /** The op's name, as instructions and JSON spell it. */
  readonly name: OpName;
  /** How many register operands it reads (0 for `const`, which has a `value` instead). */
  readonly arity: 0 | 1 | 2;
  /** Whether the operands can be exchanged (`add`, `mul`, `min`, `max`): the program hash ignores their order. */
  readonly commutative: boolean;
  /** The infix symbol of the text form (`+`), or `undefined` for a function-call form (`sqrt(s1)`). */
  readonly symbol: string | undefined;
  /** The op on numbers (`const` returns its value). */
  readonly fn: (a: number, b: number) => number;
  /** @internal The op's code in compiled programs. */
  readonly code: number;
}

const table: [OpName, 0 | 1 | 2, boolean, string | undefined, (a: number, b: number) => number][] = [
  ['add', 2, true, '+', (a, b) => a + b],
  ['sub', 2, false, '-', (a, b) => a - b],
  ['mul', 2, true, '*', (a, b) => a * b],
  ['div', 2, false, '/', (a, b) => a / b],
  ['min', 2, true, undefined, (a, b) => Math.min(a, b)],
  ['max', 2, true, undefined, (a, b) => Math.max(a, b)],
  ['neg', 1, false, undefined, (a) => -a],
  ['abs', 1, false, undefined, (a) => Math.abs(a)],
  ['sign', 1, false, undefined, (a) => Math.sign(a)],
  ['sqrt', 1, false, undefined, (a) => Math.sqrt(a)],
  ['square', 1, false, undefined, (a) => a * a],
  ['exp', 1, false, undefined, (a) => Math.exp(a)],
  ['log', 1, false, undefined, (a) => Math.log(a)],
  ['const', 0, false, undefined, (a) => a],
];

/** The op table, by name: arity, commutativity, text symbol and the function on numbers. */
export const programOps: Readonly<Record<OpName, OpInfo>> = Object.freeze(
  Object.fromEntries(
    table.map(([name, arity, commutative, symbol, fn], code) => [name, Object.freeze({ name, arity, commutative, symbol, fn, code })]),
  ) as Record<OpName, OpInfo>,
);

/** Every op name, in the table's order. */
export const programOpNames: readonly OpName[] = Object.freeze(table.map(([name]) => name));

/** The arithmetic ops with their constant: `add`, `sub`, `mul`, `div`, `const`. */
export const arithmeticOps: readonly OpName[] = Object.freeze(['add', 'sub', 'mul', 'div', 'const'] as OpName[]);

/** @internal Op codes, for the interpreter's switch. */
export const OP = Object.freeze({
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  min: 4,
  max: 5,
  neg: 6,
  abs: 7,
  sign: 8,
  sqrt: 9,
  square: 10,
  exp: 11,
  log: 12,
  const: 13,
} as const satisfies Record<OpName, number>);

/** Whether `name` is an op of the table. */
export function isOpName(name: unknown): name is OpName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(programOps, name);
}
