/**
 * The hyper value of one annotated literal, as data: made from a rule and the original value,
 * or from a `@search` comment; rendered as code for the generated module, and as a pliant hyper
 * value for `apply` (which needs the space to read a DNA).
 */
import { PliantError } from '../base/errors.js';
import type { TreeValue } from '../symbolic/node.js';
import { floatv } from '../hyper/floatv.js';
import { intv } from '../hyper/intv.js';
import { oneOf } from '../hyper/one-of.js';
import type { HyperRecipe, LiteralScalar, LiteralValue } from './annotation-rules.js';

/** Whether two literal values are the same (arrays element by element). */
export function sameValue(a: LiteralValue, b: LiteralValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => x === (b as readonly LiteralScalar[])[i]);
  }
  return a === b;
}

/** Whether `values` holds `value` (arrays compared element by element). */
export function holds(values: readonly LiteralValue[], value: LiteralValue): boolean {
  return values.some((v) => sameValue(v, value));
}

/** One decision of an annotated file, as data. */
export type HyperSpec =
  | { readonly kind: 'oneOf'; readonly candidates: readonly LiteralValue[] }
  | { readonly kind: 'floatv'; readonly min: number; readonly max: number; readonly scale?: 'linear' | 'log' | 'rlog' | undefined }
  | { readonly kind: 'intv'; readonly min: number; readonly max: number };

/** A number without float noise (`0.1 * 3` → `0.3`): 12 significant digits. */
export function tidy(n: number): number {
  return Number(n.toPrecision(12));
}

/** Makes the hyper value a rule's recipe gives for `original`; the original is always a candidate. */
export function hyperFromRecipe(recipe: HyperRecipe, original: LiteralValue): HyperSpec {
  if ('layers' in recipe) {
    if (!Array.isArray(original) || original.length === 0 || !original.every((w) => typeof w === 'number' && Number.isInteger(w) && w > 0)) {
      throw new PliantError('annotate', 'argument', `a 'layers' recipe needs a list of layer widths, found ${JSON.stringify(original)}`);
    }
    const widths = original as readonly number[];
    const lists: number[][] = [];
    for (const depth of recipe.layers.depths) {
      const n = widths.length + depth;
      if (n < 1) continue;
      const base = Array.from({ length: n }, (_, i) => widths[Math.min(i, widths.length - 1)] as number);
      for (const factor of recipe.layers.widths) lists.push(base.map((w) => Math.max(1, Math.round(w * factor))));
    }
    return withOriginal(lists, original);
  }
  if ('oneOf' in recipe) {
    const list = recipe.oneOf;
    if (Array.isArray(list)) return withOriginal(list as readonly LiteralValue[], original);
    if (typeof original !== 'number') throw new PliantError('annotate', 'argument', `a 'times' recipe needs a number, found ${JSON.stringify(original)}`);
    const factors = (list as { readonly times: readonly number[] }).times;
    const integer = Number.isInteger(original);
    const values = factors.map((f) => (integer ? Math.max(1, Math.round(original * f)) : tidy(original * f)));
    return withOriginal(values, original);
  }
  if (typeof original !== 'number') throw new PliantError('annotate', 'argument', `a range needs a number, found ${JSON.stringify(original)}`);
  if ('floatv' in recipe) {
    const [lo, hi] = bounds(recipe.floatv, original);
    const scale = recipe.scale;
    // A log range cannot start at 0 or below: keep it positive.
    const min = scale === 'log' && lo <= 0 ? tidy(original / 10) : lo;
    return { kind: 'floatv', min: Math.min(min, original), max: Math.max(hi, original), ...(scale === undefined || scale === 'linear' ? {} : { scale }) };
  }
  const [lo, hi] = bounds(recipe.intv, original);
  return { kind: 'intv', min: Math.min(Math.floor(lo), original), max: Math.max(Math.ceil(hi), original) };
}

function bounds(range: readonly [number, number] | { readonly times: readonly [number, number] }, original: number): [number, number] {
  if (Array.isArray(range)) return [range[0] as number, range[1] as number];
  const [a, b] = (range as { readonly times: readonly [number, number] }).times;
  return [tidy(original * a), tidy(original * b)];
}

function withOriginal(values: readonly LiteralValue[], original: LiteralValue): HyperSpec {
  const out: LiteralValue[] = [];
  for (const v of values) if (!holds(out, v)) out.push(v);
  if (!holds(out, original)) {
    out.push(original);
    if (out.every((v) => typeof v === 'number')) (out as number[]).sort((a, b) => a - b);
  }
  return { kind: 'oneOf', candidates: out };
}

/**
 * Checks that a spec is a valid hyper value that holds `original`; throws a plain message (the
 * caller adds where) when it cannot: an integer range for a fraction, a log range for a value ≤ 0.
 */
export function checkSpec(spec: HyperSpec, original: LiteralValue): void {
  if (spec.kind !== 'oneOf') {
    if (typeof original !== 'number') throw new Error(`a range cannot hold ${JSON.stringify(original)}`);
    if (spec.kind === 'intv' && !Number.isInteger(original)) throw new Error(`an integer range cannot hold ${original}`);
    if (spec.kind === 'floatv' && spec.scale !== undefined && spec.scale !== 'linear' && (original <= 0 || spec.min <= 0)) {
      throw new Error(`a ${spec.scale} range needs values above 0${original <= 0 ? `, and the value is ${original}` : `, found min ${spec.min}`}`);
    }
  }
  if (!specContains(spec, original)) throw new Error(`${JSON.stringify(original)} is not a candidate of ${hyperText(spec)}`);
  hyperValue(spec); // the hyper value's own checks (min < max, ...)
}

/** Whether `value` is a candidate of `spec` (inside its range, for a range). */
export function specContains(spec: HyperSpec, value: LiteralValue): boolean {
  if (spec.kind === 'oneOf') return holds(spec.candidates, value);
  if (typeof value !== 'number') return false;
  if (spec.kind === 'intv' && !Number.isInteger(value)) return false;
  return value >= spec.min && value <= spec.max;
}

/** Adds `original` to a hand-written spec that lacks it (a `@search` comment that forgot the current value). */
export function includeOriginal(spec: HyperSpec, original: LiteralValue): HyperSpec {
  if (specContains(spec, original)) return spec;
  if (spec.kind === 'oneOf') return withOriginal(spec.candidates, original);
  const n = original as number;
  return { ...spec, min: Math.min(spec.min, n), max: Math.max(spec.max, n) };
}

/** A number as code: the shortest text that reads back as the same number. */
export function numberText(n: number): string {
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

/** Characters written as escapes: other C0 and C1 controls, DEL, the line and paragraph separators, lone surrogates. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function controlEscape(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A string as code, in the quote style of the original literal; control characters as escapes. */
export function stringText(s: string, quote: "'" | '"' | '`'): string {
  const escaped = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(CONTROL, controlEscape);
  if (quote === '`') return `\`${escaped.replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
  return `${quote}${escaped.split(quote).join(`\\${quote}`)}${quote}`;
}

/** A literal value as code (an array as `[a, b]`). */
export function literalText(value: LiteralValue, quote: "'" | '"' | '`' = "'"): string {
  if (Array.isArray(value)) return `[${value.map((v) => literalText(v, quote)).join(', ')}]`;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string') return stringText(value, quote);
  return String(value);
}

/** The hyper value as code for the generated module: `oneOf([16, 32, 64])`, `floatv(0, 0.5)`. */
export function hyperText(spec: HyperSpec, quote: "'" | '"' | '`' = "'"): string {
  if (spec.kind === 'oneOf') return `oneOf([${spec.candidates.map((c) => literalText(c, quote)).join(', ')}])`;
  const scale = spec.kind === 'floatv' && spec.scale !== undefined ? `, { scale: ${stringText(spec.scale, quote === '`' ? "'" : quote)} }` : '';
  return `${spec.kind}(${numberText(spec.min)}, ${numberText(spec.max)}${scale})`;
}

/** The hyper value as a pliant value. */
export function hyperValue(spec: HyperSpec): TreeValue {
  if (spec.kind === 'oneOf') return oneOf(spec.candidates) as unknown as TreeValue;
  if (spec.kind === 'floatv') return floatv(spec.min, spec.max, spec.scale === undefined ? {} : { scale: spec.scale }) as unknown as TreeValue;
  return intv(spec.min, spec.max) as unknown as TreeValue;
}
