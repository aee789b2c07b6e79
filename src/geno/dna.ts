import { PliantError } from '../base/errors.js';

/** A decision's value: a candidate index, an integer, a float, or a custom decision's genome text. */
export type DNAValue = number | string;

/** The JSON form of a DNA: a value, a list of DNAs, or `{value, children}`. */
export type DNAJson = DNAValue | DNAJson[] | { value: DNAValue; children: DNAJson[] };

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

  constructor(value: DNAValue | undefined, children: readonly DNA[] = [], isFloat = false) {
    if (value !== undefined && typeof value !== 'string' && (typeof value !== 'number' || Number.isNaN(value))) {
      throw new PliantError('DNA', 'argument', `a DNA value must be a number or a string, found ${String(value)}`);
    }
    this.value = value;
    this.children = children.length === 0 ? EMPTY : Object.freeze(children.slice());
    this.isFloat = isFloat;
    Object.freeze(this);
  }

  /**
   * A DNA from PyGlove's literal shapes: a number; a list `[a, b]` of sibling decisions; a tuple
   * written as an array marked by {@link DNA.tuple}. Lists of one collapse.
   */
  static of(literal: DNALiteral): DNA {
    if (literal instanceof DNA) return literal;
    if (typeof literal === 'number') return new DNA(literal, EMPTY, !Number.isInteger(literal));
    if (Array.isArray(literal)) {
      const items = literal.map((x) => DNA.of(x));
      return items.length === 1 ? (items[0] as DNA) : new DNA(undefined, items);
    }
    throw new PliantError('DNA.of', 'argument', `cannot make a DNA of ${String(literal)}`);
  }

  /** PyGlove's tuple `(value, x...)`: `value`, then the rest as its children (a chain for several). */
  static tuple(value: number, ...rest: DNALiteral[]): DNA {
    const v = DNA.of(value);
    if (rest.length === 0) return v;
    if (rest.length === 1) {
      const only = rest[0] as DNALiteral;
      if (Array.isArray(only))
        return new DNA(
          v.value,
          only.map((x) => DNA.of(x)),
          v.isFloat,
        );
      return new DNA(v.value, [DNA.of(only)], v.isFloat);
    }
    const [next, ...more] = rest as [DNALiteral, ...DNALiteral[]];
    if (typeof next !== 'number') throw new PliantError('DNA.tuple', 'argument', 'a tuple chain continues with a number');
    return new DNA(v.value, [DNA.tuple(next, ...more)], v.isFloat);
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

  /** Reads the JSON form back; a malformed form is a `PliantError`. */
  static fromJSON(json: unknown): DNA {
    if (typeof json === 'number') return new DNA(json, EMPTY, !Number.isInteger(json));
    if (typeof json === 'string') return new DNA(json);
    if (Array.isArray(json))
      return new DNA(
        undefined,
        json.map((x) => DNA.fromJSON(x)),
      );
    if (
      typeof json === 'object' &&
      json !== null &&
      ['number', 'string'].includes(typeof (json as { value?: unknown }).value) &&
      Array.isArray((json as { children?: unknown }).children)
    ) {
      const j = json as { value: DNAValue; children: unknown[] };
      return new DNA(
        j.value,
        j.children.map((x) => DNA.fromJSON(x)),
        typeof j.value === 'number' && !Number.isInteger(j.value),
      );
    }
    throw new PliantError('DNA.fromJSON', 'json', `not a DNA: ${JSON.stringify(json)}`);
  }

  /** Reads PyGlove's depth-first numbers back into a DNA, following `spec` (and validates it). */
  static fromNumbers(numbers: readonly DNAValue[], spec: { fromNumbers(numbers: readonly DNAValue[]): DNA }): DNA {
    return spec.fromNumbers(numbers);
  }

  /** Parses PyGlove's compact form (`DNA([(0, [1, 2]), 0.5])`, or the same without `DNA(...)`). */
  static parse(text: string): DNA {
    return parseCompact(text);
  }
}

/** What {@link DNA.of} accepts. */
export type DNALiteral = number | DNA | readonly DNALiteral[];

const EMPTY: readonly DNA[] = Object.freeze([]);

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

function parseCompact(text: string): DNA {
  const fail = (why: string): never => {
    throw new PliantError('DNA.parse', 'argument', `cannot parse ${JSON.stringify(text)}: ${why}`);
  };
  let src = text.trim();
  const wrapped = /^DNA\s*\(([\s\S]*)\)$/.exec(src);
  if (wrapped !== null) src = `(${wrapped[1] as string})`;
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
      i++;
      const items: DNA[] = [];
      while (peek()?.kind !== ']') {
        items.push(element());
        if (peek()?.kind === ',') i++;
        else break;
      }
      expect(']');
      return items.length === 1 ? (items[0] as DNA) : new DNA(undefined, items);
    }
    if (t.kind === '(') {
      i++;
      const items: DNA[] = [];
      while (peek()?.kind !== ')') {
        items.push(element());
        if (peek()?.kind === ',') i++;
        else break;
      }
      expect(')');
      return tupleOf(items);
    }
    return fail(`unexpected '${t.text}'`);
  };
  const tupleOf = (items: DNA[]): DNA => {
    if (items.length === 0) return new DNA(undefined, EMPTY);
    const [head, ...rest] = items as [DNA, ...DNA[]];
    if (rest.length === 0) return head;
    if (head.value === undefined || head.children.length > 0) return fail('a tuple starts with a number');
    if (rest.length === 1) {
      const only = rest[0] as DNA;
      return new DNA(head.value, only.value === undefined ? only.children : [only], head.isFloat);
    }
    return new DNA(head.value, [tupleOf(rest)], head.isFloat);
  };
  const result = element();
  if (i !== toks.length) fail(`unexpected '${toks[i]?.text ?? ''}' after the DNA`);
  return result;
}
