import { seededRng } from '../base/rng.js';
import type { Rng } from '../base/rng.js';
import { PliantError } from '../base/errors.js';
import { digestHex, murmur3Words } from '../base/murmur3.js';
import type { Digest128 } from '../base/murmur3.js';

/**
 * What a probe returns: numbers, arrays and typed arrays of numbers, records of them, nested
 * freely (strings and booleans are hashed as they are, for probes that output labels).
 */
export type ProbeOutput = number | string | boolean | ArrayLike<number> | readonly ProbeOutput[] | { readonly [key: string]: ProbeOutput };

/** What a probe receives besides the candidate: a fixed seed and a generator seeded with it. */
export interface ProbeContext {
  /** The probe's seed (fixed: `functionalHash`'s `seed` option, default 0). */
  readonly seed: number;
  /** A generator freshly seeded with `seed` for this call: use it for inputs and initial weights. */
  readonly rng: Rng;
}

/**
 * A deterministic experiment on a candidate (fixed inputs, fixed initialisation) whose numeric
 * outputs characterise what the candidate does. Two candidates whose probes give the same outputs
 * (after quantisation) are taken as functionally equivalent.
 */
export type Probe<C> = (candidate: C, context: ProbeContext) => ProbeOutput;

/** A probe that needs to wait (a model's outputs read back from an accelerator). */
export type AsyncProbe<C> = (candidate: C, context: ProbeContext) => Promise<ProbeOutput>;

/** Options of {@link functionalHash} and {@link quantize}. */
export interface FunctionalHashOptions {
  /**
   * How many of the 52 mantissa bits of each output survive (default 24, a little more than a
   * float32 holds): outputs that agree in sign, exponent and these bits hash equal.
   */
  readonly mantissaBits?: number;
  /** The probe's seed (default 0). */
  readonly seed?: number;
}

const SEED = 0x66756e63; // "func"
const T_NUMBER = 1;
const T_STRING = 2;
const T_FALSE = 3;
const T_TRUE = 4;
const T_ARRAY = 5;
const T_RECORD = 6;

const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);

/** Thrown inside the writer when an output is NaN or infinite. */
const UNHASHABLE = Symbol('unhashable');

class Words {
  data = new Int32Array(256);
  top = 0;
  push(word: number): void {
    if (this.top === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.top++] = word;
  }
}

function checkBits(api: string, mantissaBits: number): void {
  if (!Number.isInteger(mantissaBits) || mantissaBits < 0 || mantissaBits > 52) {
    throw new PliantError(api, 'argument', `mantissaBits must be an integer from 0 to 52, found ${String(mantissaBits)}`);
  }
}

/**
 * The quantised IEEE-754 form of one output as two 32-bit words `[high, low]`: sign, exponent
 * and the top `mantissaBits` bits of the mantissa, the rest cleared; −0 becomes +0. NaN and
 * ±Infinity give `undefined` (unhashable).
 */
export function quantize(x: number, mantissaBits = 24): [number, number] | undefined {
  checkBits('quantize', mantissaBits);
  if (!Number.isFinite(x)) return undefined;
  return quantized(x, mantissaBits);
}

function quantized(x: number, bits: number): [number, number] {
  F64[0] = x === 0 ? 0 : x; // −0 → +0
  let hi = I32[1] as number;
  let lo = I32[0] as number;
  if (bits <= 20) {
    hi &= ~((1 << (20 - bits)) - 1);
    lo = 0;
  } else if (bits < 52) {
    lo &= ~((2 ** (52 - bits) - 1) | 0);
  }
  // A tiny negative value whose kept bits are all zero quantises to −0: the same as +0.
  if (hi === (0x80000000 | 0) && lo === 0) hi = 0;
  return [hi, lo];
}

function writeString(w: Words, s: string): void {
  w.push(T_STRING);
  w.push(s.length);
  for (let i = 0; i < s.length; i += 2) w.push(s.charCodeAt(i) | ((i + 1 < s.length ? s.charCodeAt(i + 1) : 0) << 16));
}

function writeNumber(w: Words, x: number, bits: number): void {
  if (!Number.isFinite(x)) throw UNHASHABLE;
  const [hi, lo] = quantized(x, bits);
  w.push(T_NUMBER);
  w.push(hi);
  w.push(lo);
}

function write(w: Words, value: unknown, bits: number, path: string, depth: number): void {
  if (depth > 64) throw new PliantError('functionalHash', 'argument', `the probe's output nests more than 64 levels deep`, { path });
  if (typeof value === 'number') return writeNumber(w, value, bits);
  if (typeof value === 'string') return writeString(w, value);
  if (typeof value === 'boolean') return w.push(value ? T_TRUE : T_FALSE);
  if (typeof value === 'object' && value !== null) {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const items = value as unknown as ArrayLike<number | bigint>;
      w.push(T_ARRAY);
      w.push(items.length);
      for (let i = 0; i < items.length; i++) writeNumber(w, Number(items[i]), bits);
      return;
    }
    if (Array.isArray(value)) {
      w.push(T_ARRAY);
      w.push(value.length);
      value.forEach((item, i) => write(w, item, bits, `${path}[${i}]`, depth + 1));
      return;
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Object.prototype || proto === null) {
      const keys = Object.keys(value).sort();
      w.push(T_RECORD);
      w.push(keys.length);
      for (const key of keys) {
        writeString(w, key);
        write(w, (value as Record<string, unknown>)[key], bits, path === '' ? key : `${path}.${key}`, depth + 1);
      }
      return;
    }
  }
  const found = value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  throw new PliantError('functionalHash', 'argument', `a probe must return numbers, arrays, typed arrays or records of them, found ${found}`, { path });
}

const DIGEST: Digest128 = { h1: 0, h2: 0, h3: 0, h4: 0 };

/**
 * The hash (32 hex digits) of a probe's output after quantisation (see {@link quantize}), or
 * `undefined` when any output is NaN or infinite: an unhashable candidate is never equal to
 * anything. Stable across processes and machines; record keys are taken in sorted order.
 */
export function hashProbeOutput(output: ProbeOutput, options: FunctionalHashOptions = {}): string | undefined {
  const bits = options.mantissaBits ?? 24;
  checkBits('functionalHash', bits);
  const w = new Words();
  try {
    write(w, output, bits, '', 0);
  } catch (error) {
    if (error === UNHASHABLE) return undefined;
    throw error;
  }
  murmur3Words(w.data, 0, w.top, SEED ^ bits, DIGEST);
  return digestHex(DIGEST.h1, DIGEST.h2, DIGEST.h3, DIGEST.h4);
}

/**
 * The functional hash of a candidate: runs the deterministic `probe` (with a fixed seed and a
 * generator seeded with it) and hashes its numeric outputs after quantisation, keeping the
 * exponent and the top `mantissaBits` (default 24) of each mantissa and mapping −0 to +0.
 * Candidates that compute the same function on the probe hash equal, however differently they
 * are written. NaN or ±Infinity anywhere in the output makes the candidate unhashable: the result
 * is `undefined`, equal to nothing. An async probe gives a promise of the hash.
 *
 * ```ts
 * const probe = (f: (x: number) => number) => [0, 0.5, 1].map(f);
 * functionalHash((x: number) => x * 2, probe) === functionalHash((x: number) => x + x, probe); // true
 * ```
 */
export function functionalHash<C>(candidate: C, probe: AsyncProbe<C>, options?: FunctionalHashOptions): Promise<string | undefined>;
export function functionalHash<C>(candidate: C, probe: Probe<C>, options?: FunctionalHashOptions): string | undefined;
export function functionalHash<C>(
  candidate: C,
  probe: Probe<C> | AsyncProbe<C>,
  options: FunctionalHashOptions = {},
): string | undefined | Promise<string | undefined> {
  if (typeof probe !== 'function') throw new PliantError('functionalHash', 'argument', 'probe must be a function (candidate, context) => outputs');
  checkBits('functionalHash', options.mantissaBits ?? 24);
  const seed = options.seed ?? 0;
  const output = probe(candidate, { seed, rng: seededRng(seed) });
  if (output instanceof Promise) return output.then((o) => hashProbeOutput(o, options));
  return hashProbeOutput(output, options);
}
