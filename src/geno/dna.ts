import { PliantError, describeThrown } from '../base/errors.js';
import { MAX_JSON_DEPTH, checkDepth } from '../base/json-depth.js';
import { formatKeyPath } from '../symbolic/key-path.js';
import type { KeySegment } from '../symbolic/key-path.js';

/** A decision's value: a candidate index, an integer, a float, or a custom decision's genome text. */
export type DNAValue = number | string;

/** The JSON form of a DNA: a value, a list of DNAs, or `{value, children}`. */
export type DNAJson = DNAValue | DNAJson[] | { value: DNAValue; children: DNAJson[] };

/**
 * @internal Whether `dna` was noted to fit `spec` ({@link noteFits}): a field of the DNA, cheaper
 * than a weak set (the algorithms check each DNA they are told about). Not exported by the package.
 */
export let fitsKnown: (dna: DNA, spec: object) => boolean;
/** @internal Notes that `dna` fits `spec` (validated, or made for it). Not exported by the package. */
export let noteFits: (dna: DNA, spec: object) => void;

/**
 * A genome: one set of decisions for a search space, as a tree. A decision's DNA holds its value
 * (a candidate index, a float, an integer of an `intv`) and, under a choice, the DNAs of the
 * chosen candidate's own decisions as children. A DNA without a value is a list of sibling
 * decisions (the decisions of one space, or the picks of a `manyOf`). As in PyGlove, a list of
 * one collapses to its element.
 *
 * DNAs are immutable and cheap; `toString()` gives PyGlove's compact form
 * (`DNA([(0, [1, 2]), 0.5])`), which {@link DNA.parse} reads back.
 */
export class DNA {
  /** The decision's value, or `undefined` for a list of sibling decisions. */
  readonly value: DNAValue | undefined;
  /** The decisions under this one. */
  readonly children: readonly DNA[];
  /** Printing hint: the value is a float (prints as `1.0`, not `1`). */
  readonly isFloat: boolean;
  #numbers: DNAValue[] | undefined;
  #text: string | undefined;
  /** The spec this DNA was last found to fit (see {@link fitsKnown}: a DNA and a spec never change). */
  #fits: object | undefined;

  /** The nesting depth of its JSON form ({@link DNA.toJSON}): 0 for a value, 1 for a list of values. */
  readonly #depth: number;

  /**
   * @param value - The decision's value (`undefined`: a list of sibling decisions).
   * @param children - The decisions under it.
   * @param isFloat - Print the value as a float.
   * @throws A `PliantError` for a value that is not a number (or is NaN) or a string, children
   *   that are not DNAs, or a DNA whose JSON form would nest deeper than `MAX_JSON_DEPTH` (512) levels.
   */
  constructor(value: DNAValue | undefined, children: readonly DNA[] = [], isFloat = false) {
    if (value !== undefined && typeof value !== 'string' && (typeof value !== 'number' || Number.isNaN(value))) {
      throw new PliantError('DNA', 'argument', `a DNA value must be a number or a string, found ${describeThrown(value)}`);
    }
    if (!Array.isArray(children)) throw new PliantError('DNA', 'argument', `children must be an array of DNAs, found ${describeThrown(children)}`);
    if (typeof isFloat !== 'boolean') throw new PliantError('DNA', 'argument', `isFloat must be a boolean, found ${describeThrown(isFloat)}`);
    let deepest = 0;
    for (let i = 0; i < children.length; i++) {
      const child: unknown = children[i];
      if (!(child instanceof DNA)) throw new PliantError('DNA', 'argument', `a child must be a DNA, found ${describeThrown(child)}`, { path: `[${i}]` });
      if (child.#depth > deepest) deepest = child.#depth;
    }
    const depth = children.length === 0 ? 0 : deepest + (value === undefined ? 1 : 2);
    if (depth > MAX_JSON_DEPTH) throw DNA.#tooDeep('DNA', DNA.#deepestPath(value, children));
    this.value = value;
    this.children = children.length === 0 ? EMPTY : Object.freeze(children.slice());
    this.isFloat = isFloat;
    this.#depth = depth;
    Object.freeze(this);
  }

  static {
    fitsKnown = (dna, spec) => dna.#fits === spec;
    noteFits = (dna, spec) => {
      dna.#fits = spec;
    };
  }

  /** The error for a DNA nested too deep. */
  static #tooDeep(api: string, path: string): PliantError {
    return new PliantError(api, 'json', `nesting deeper than ${MAX_JSON_DEPTH} levels (in its JSON form)`, { path });
  }

  /** The key path in the JSON form where a DNA made of `value` and `children` crosses the depth limit. */
  static #deepestPath(value: DNAValue | undefined, children: readonly DNA[]): string {
    const path: KeySegment[] = [];
    let depth = 0;
    for (;;) {
      let next = children[0] as DNA;
      for (const c of children) if (c.#depth > next.#depth) next = c;
      if (value !== undefined) {
        if (++depth > MAX_JSON_DEPTH) break;
        path.push('children');
      }
      if (++depth > MAX_JSON_DEPTH) break;
      path.push(children.indexOf(next));
      value = next.value;
      children = next.children;
    }
    return formatKeyPath(path);
  }

  /**
   * A DNA from PyGlove's literal shapes: a number; a list `[a, b]` of sibling decisions; a tuple
   * written as an array marked by {@link DNA.tuple}. Lists of one collapse.
   */
  static of(literal: DNALiteral): DNA {
    checkDepth(literal, 'DNA.of');
    return ofLiteral(literal);
  }

  /** PyGlove's tuple `(value, x...)`: `value`, then the rest as its children (a chain for several). */
  static tuple(value: number, ...rest: DNALiteral[]): DNA {
    const v = DNA.of(value);
    if (rest.length === 0) return v;
    const last = rest[rest.length - 1] as DNALiteral;
    // The chain is built from its end: `(a, b, c)` is a → b → c.
    let tail: readonly DNA[] = Array.isArray(last) ? last.map((x) => DNA.of(x)) : [DNA.of(last)];
    for (let i = rest.length - 2; i >= 0; i--) {
      const link = rest[i];
      if (typeof link !== 'number') throw new PliantError('DNA.tuple', 'argument', 'a tuple chain continues with a number');
      tail = [new DNA(link, tail, !Number.isInteger(link))];
    }
    return new DNA(v.value, tail, v.isFloat);
  }

  /** Whether this DNA is a list of sibling decisions (no value of its own). */
  get isList(): boolean {
    return this.value === undefined;
  }

  /** Depth-first flattening of the values, as PyGlove's `to_numbers()` (a custom decision's genome is a string). */
  toNumbers(): DNAValue[] {
    if (this.#numbers === undefined) {
      const out: DNAValue[] = [];
      flatten(this, out);
      this.#numbers = out;
    }
    return this.#numbers.slice();
  }

  /** Structural equality (values compared with `Object.is`, so −0 ≠ 0). */
  equals(other: DNA): boolean {
    if (this === other) return true;
    if (!Object.is(this.value, other.value) || this.children.length !== other.children.length) return false;
    for (let i = 0; i < this.children.length; i++) if (!(this.children[i] as DNA).equals(other.children[i] as DNA)) return false;
    return true;
  }

  /** PyGlove's compact form, e.g. `DNA([(0, [1, 2]), 0.5])`. */
  toString(): string {
    return (this.#text ??= `DNA(${formatTop(this)})`);
  }

  /** The JSON form: a number, a list, or `{value, children}`. */
  toJSON(): DNAJson {
    if (this.value === undefined) return this.children.map((c) => c.toJSON());
    if (this.children.length === 0) return this.value;
    return { value: this.value, children: this.children.map((c) => c.toJSON()) };
  }

  /**
   * Reads the JSON form back. A malformed form (a value that is not a number or a string, a hole,
   * a cycle, nesting deeper than `MAX_JSON_DEPTH`) is a `json` `PliantError` naming the key path
   * of the offending value.
   */
  static fromJSON(json: unknown): DNA {
    checkDepth(json, 'DNA.fromJSON');
    return readJson(json, []);
  }

  /** Reads PyGlove's depth-first numbers back into a DNA, following `spec` (and validates it). */
  static fromNumbers(numbers: readonly DNAValue[], spec: { fromNumbers(numbers: readonly DNAValue[]): DNA }): DNA {
    return spec.fromNumbers(numbers);
  }

  /**
   * Parses PyGlove's compact form (`DNA([(0, [1, 2]), 0.5])`, or the same without `DNA(...)`).
   * Text that is not that form, or nests deeper than `MAX_JSON_DEPTH` (512) levels, is a `json`
   * `PliantError` (for nesting, its path is the position of the element in the text: `[0][2]`).
   */
  static parse(text: string): DNA {
    return parseCompact(text);
  }
}

/** What {@link DNA.of} accepts. */
export type DNALiteral = number | DNA | readonly DNALiteral[];

const EMPTY: readonly DNA[] = Object.freeze([]);

function ofLiteral(literal: DNALiteral): DNA {
  if (literal instanceof DNA) return literal;
  if (typeof literal === 'number') return new DNA(literal, EMPTY, !Number.isInteger(literal));
  if (Array.isArray(literal)) {
    const items = literal.map((x) => ofLiteral(x));
    return items.length === 1 ? (items[0] as DNA) : new DNA(undefined, items);
  }
  throw new PliantError('DNA.of', 'argument', `cannot make a DNA of ${describeThrown(literal)}`);
}

/** {@link DNA.fromJSON} of a value whose depth was checked (so the recursion is bounded). */
function readJson(json: unknown, at: KeySegment[]): DNA {
  const fail = (message: string): never => {
    throw new PliantError('DNA.fromJSON', 'json', message, { path: formatKeyPath(at) });
  };
  if (typeof json === 'number') {
    if (Number.isNaN(json)) return fail('a DNA value must be a number or a string, found NaN');
    return new DNA(json, EMPTY, !Number.isInteger(json));
  }
  if (typeof json === 'string') return new DNA(json);
  if (Array.isArray(json)) return new DNA(undefined, readChildren(json, at, fail));
  if (typeof json === 'object' && json !== null) {
    const value = (json as { value?: unknown }).value;
    const children = (json as { children?: unknown }).children;
    if ((typeof value === 'number' && !Number.isNaN(value)) || typeof value === 'string') {
      if (Array.isArray(children)) {
        at.push('children');
        const read = readChildren(children, at, fail);
        at.pop();
        return new DNA(value, read, typeof value === 'number' && !Number.isInteger(value));
      }
    }
  }
  return fail(`not a DNA (a number, a string, a list of DNAs or {value, children}): ${describeThrown(json)}`);
}

function readChildren(list: readonly unknown[], at: KeySegment[], fail: (message: string) => never): DNA[] {
  const out = new Array<DNA>(list.length);
  for (let i = 0; i < list.length; i++) {
    at.push(i);
    if (!(i in list)) fail('a hole in an array is not a DNA');
    out[i] = readJson(list[i], at);
    at.pop();
  }
  return out;
}

function flatten(d: DNA, out: DNAValue[]): void {
  if (d.value !== undefined) out.push(d.value);
  for (const c of d.children) flatten(c, out);
}

/** Python's `repr` of a float (`0.0`, `1e-05`, `0.0001`, `1e+16`). */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let body: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length > exp + 1) {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  } else {
    body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  }
  return negative ? `-${body}` : body;
}

function formatValue(d: DNA): string {
  const v = d.value as DNAValue;
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return d.isFloat ? pyFloat(v) : String(v);
}

function formatElement(d: DNA): string {
  if (d.value === undefined) return `[${d.children.map(formatElement).join(', ')}]`;
  if (d.children.length === 0) return formatValue(d);
  return `(${formatTuple(d)})`;
}

/** `v, rest` of a tuple: a single valued child continues the chain, several children make a list. */
function formatTuple(d: DNA): string {
  if (d.children.length === 1) {
    const c = d.children[0] as DNA;
    if (c.value !== undefined) return `${formatValue(d)}, ${c.children.length === 0 ? formatValue(c) : formatTuple(c)}`;
    return `${formatValue(d)}, ${formatElement(c)}`;
  }
  return `${formatValue(d)}, [${d.children.map(formatElement).join(', ')}]`;
}

function formatTop(d: DNA): string {
  if (d.value !== undefined && d.children.length > 0) return formatTuple(d);
  return formatElement(d);
}

interface Tok {
  kind: 'num' | 'str' | '(' | ')' | '[' | ']' | ',';
  text: string;
  float: boolean;
}

/**
 * Where compact text first nests deeper than `MAX_JSON_DEPTH` brackets and parentheses (the
 * element index at each level), or `undefined`: one linear scan, so that hostile text is refused
 * before it is tokenized.
 */
function tooDeepAt(src: string): number[] | undefined {
  const at: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 0x27 /* ' */) {
      for (i++; i < src.length && src.charCodeAt(i) !== 0x27; i++) if (src.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (c === 0x28 /* ( */ || c === 0x5b /* [ */) {
      if (at.length >= MAX_JSON_DEPTH) return at;
      at.push(0);
    } else if (c === 0x29 /* ) */ || c === 0x5d /* ] */) {
      at.pop();
    } else if (c === 0x2c /* , */ && at.length > 0) {
      at[at.length - 1] = (at[at.length - 1] as number) + 1;
    }
  }
  return undefined;
}

function parseCompact(text: string): DNA {
  const api = 'DNA.parse';
  if (typeof text !== 'string') throw new PliantError(api, 'argument', `expected a string, found ${describeThrown(text)}`);
  const fail = (why: string): never => {
    throw new PliantError(api, 'json', `cannot parse ${describeThrown(text)}: ${why}`);
  };
  let src = text.trim();
  const wrapped = /^DNA\s*\(([\s\S]*)\)$/.exec(src);
  if (wrapped !== null) src = `(${wrapped[1] as string})`;
  const deep = tooDeepAt(src);
  if (deep !== undefined) throw new PliantError(api, 'json', `nesting deeper than ${MAX_JSON_DEPTH} levels`, { path: formatKeyPath(deep) });
  const toks: Tok[] = [];
  const re = /\s*(?:(-?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|inf|nan))|([()[\],])|'((?:[^'\\]|\\.)*)')/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < src.length) {
    re.lastIndex = pos;
    m = re.exec(src);
    if (m === null) {
      if (/^\s*$/.test(src.slice(pos))) break;
      return fail(`unexpected text at ${pos}`);
    }
    pos = re.lastIndex;
    if (m[1] !== undefined) toks.push({ kind: 'num', text: m[1], float: /[.en]/.test(m[1]) });
    else if (m[3] !== undefined) toks.push({ kind: 'str', text: m[3].replace(/\\(.)/g, '$1'), float: false });
    else toks.push({ kind: m[2] as Tok['kind'], text: m[2] as string, float: false });
  }
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const expect = (kind: Tok['kind']): void => {
    if (peek()?.kind !== kind) fail(`expected '${kind}' at token ${i}`);
    i++;
  };
  const number = (t: Tok): DNA => {
    const v = t.text === 'inf' ? Infinity : t.text === '-inf' ? -Infinity : Number(t.text);
    if (Number.isNaN(v)) return fail(`bad number ${t.text}`);
    return new DNA(v, EMPTY, t.float);
  };
  // Where the element being read is: its index in each enclosing list or tuple.
  const at: number[] = [];
  const tooDeep = (): never => {
    throw new PliantError(api, 'json', `nesting deeper than ${MAX_JSON_DEPTH} levels`, { path: formatKeyPath(at) });
  };
  /** A DNA of parsed parts; one too deep is an error at the current element. */
  const make = (value: DNAValue | undefined, children: readonly DNA[], isFloat = false): DNA => {
    try {
      return new DNA(value, children, isFloat);
    } catch (error) {
      if (error instanceof PliantError && error.code === 'json') return tooDeep();
      throw error;
    }
  };
  /** The elements up to `close`; recursion is bounded by the depth check. */
  const items = (close: ']' | ')'): DNA[] => {
    if (at.length >= MAX_JSON_DEPTH) tooDeep();
    i++;
    const out: DNA[] = [];
    while (peek()?.kind !== close) {
      at.push(out.length);
      out.push(element());
      at.pop();
      if (peek()?.kind === ',') i++;
      else break;
    }
    expect(close);
    return out;
  };
  const element = (): DNA => {
    const t = peek();
    if (t === undefined) return fail('unexpected end');
    if (t.kind === 'num') {
      i++;
      return number(t);
    }
    if (t.kind === 'str') {
      i++;
      return new DNA(t.text);
    }
    if (t.kind === '[') {
      const list = items(']');
      return list.length === 1 ? (list[0] as DNA) : make(undefined, list);
    }
    if (t.kind === '(') return tupleOf(items(')'));
    return fail(`unexpected '${t.text}'`);
  };
  /** `(a, b, c)` is the chain a → b → c; built from its end, without recursion. */
  const tupleOf = (items: DNA[]): DNA => {
    if (items.length === 0) return make(undefined, EMPTY);
    if (items.length === 1) return items[0] as DNA;
    for (const head of items.slice(0, -1)) if (head.value === undefined || head.children.length > 0) return fail('a tuple starts with a number');
    const last = items[items.length - 1] as DNA;
    let tail: readonly DNA[] = last.value === undefined ? last.children : [last];
    for (let k = items.length - 2; k >= 1; k--) {
      const link = items[k] as DNA;
      tail = [make(link.value, tail, link.isFloat)];
    }
    const head = items[0] as DNA;
    return make(head.value, tail, head.isFloat);
  };
  const result = element();
  if (i !== toks.length) fail(`unexpected '${toks[i]?.text ?? ''}' after the DNA`);
  return result;
}
