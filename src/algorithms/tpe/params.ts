/**
 * @internal The parameters TPE models, read off a DNASpec: one per decision point (one per pick
 * of a `manyOf`), in an internal space where kernels are Gaussian (log floats on their log) or
 * categorical. Decisions at the same place under sibling candidates of a choice (the same id
 * once the candidate index is dropped: `cells[=0/3][0].op` and `cells[=1/3][0].op`) with the same
 * domain share one parameter, as a define-by-run parameter name would: each DNA holds at most
 * one of them, and what is learnt about one informs the others.
 */
import { DNA } from '../../geno/dna.js';
import { childrenOf, elementDNAs, joinSpace } from '../../geno/dna-spec.js';
import type { DNASpec, DecisionPoint, SpaceSpec } from '../../geno/dna-spec.js';
import type { Rng } from '../../base/rng.js';
import { slabFloat64, slabInt32 } from '../../base/slab-arrays.js';
import { candidateSpace, fromPicks, picksOf, pickElements } from '../evolution/dna-sites.js';

/** How a parameter is modelled. */
export type ParamKind = 'categorical' | 'float' | 'discrete';

/** A modelled parameter. */
export interface Param {
  readonly key: string;
  readonly kind: ParamKind;
  /** Categorical: the number of candidates. */
  readonly size: number;
  /**
   * Internal bounds (a discrete parameter's are widened by ½ on each side: [min − ½, max + ½], or
   * [log(min − ½), log(max + ½)] for a log one).
   */
  readonly lo: number;
  readonly hi: number;
  /** A discrete parameter whose internal value is the log of its integer (a log `intv`). */
  readonly log: boolean;
}

/**
 * The internal interval of the integer whose internal value is `x` (a discrete parameter):
 * [x − ½, x + ½], or [log(k − ½), log(k + ½)] with k = e^x for a log one.
 */
export function cellOf(param: Param, x: number): [number, number] {
  if (!param.log) return [x - 0.5, x + 0.5];
  const k = Math.round(Math.exp(x));
  return [Math.log(k - 0.5), Math.log(k + 0.5)];
}

/** The parameters present in one DNA and their internal values. */
export interface Observation {
  readonly params: Int32Array;
  readonly values: Float64Array;
}

/** Records an observation's parameters and values while a DNA is read or built. */
class Recorder {
  readonly #params: number[] = [];
  readonly #values: number[] = [];

  push(param: number, value: number): void {
    this.#params.push(param);
    this.#values.push(value);
  }

  /** The observation recorded, in short-lived arrays (see slab-arrays.ts). */
  observation(): Observation {
    const n = this.#params.length;
    const params = slabInt32(n);
    const values = slabFloat64(n);
    for (let i = 0; i < n; i++) {
      params[i] = this.#params[i] as number;
      values[i] = this.#values[i] as number;
    }
    return { params, values };
  }
}

/**
 * Chooses a parameter's internal value while a DNA is built (`param` indexes `ParamSpace.params`);
 * for a categorical one, `exclude` holds candidate indices a distinct `manyOf` already picked.
 */
export type Chooser = (param: number, exclude: readonly number[] | undefined) => number;

/**
 * Whether a choice's candidates are 3 or more numbers in strictly increasing order: the old rule
 * that took such a choice for an ordered one (`orderedChoices: 'infer'`).
 */
export function looksOrdered(candidates: readonly unknown[]): boolean {
  if (candidates.length < 3) return false;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    if (typeof c !== 'number' || !Number.isFinite(c)) return false;
    if (i > 0 && !(c > (candidates[i - 1] as number))) return false;
  }
  return true;
}

/**
 * Which choices TPE (and models built on {@link ParamSpace}) treat as ordered: `'explicit'` only
 * `oneOf(values, { ordered: true })`; `'infer'` also any `oneOf` of 3 or more increasing numbers
 * (the rule before `ordered` existed); `'never'` none (every choice categorical). `intv` and
 * `floatv` are always ordered.
 */
export type OrderedChoices = 'explicit' | 'infer' | 'never';

/** The id with every candidate index dropped (`a[=1/3].b` → `a[=*\/3].b`). */
export function pooledKey(id: string): string {
  return id.replace(/\[=\d+\/(\d+)\]/g, '[=*/$1]');
}

/** @internal The modelled parameters of a space, with DNA ↔ observation conversions. */
export class ParamSpace {
  readonly params: Param[] = [];
  readonly #spec: DNASpec;
  readonly #byKey = new Map<string, number>();
  /** Per decision point, its parameter per pick (−1: not modelled: custom genomes, constant floats). */
  readonly #byDecision = new Map<DecisionPoint, number[]>();
  /** Per space, its elements' entries of {@link #byDecision} in order (one lookup a space, not one a decision, when building). */
  readonly #bySpace = new Map<SpaceSpec, readonly (readonly number[])[]>();

  /**
   * `ordering` says which single choices get an ordinal kernel: `'explicit'` those flagged
   * `oneOf(values, { ordered: true })`; `'infer'` those and every unflagged `oneOf` of 3 or more
   * increasing numbers; `'never'` none. A boolean is the older form: `true` is `'infer'`, `false`
   * is `'explicit'`.
   */
  constructor(spec: DNASpec, ordering: OrderedChoices | boolean) {
    this.#spec = spec;
    const mode: OrderedChoices = ordering === true ? 'infer' : ordering === false ? 'explicit' : ordering;
    const visit = (space: SpaceSpec): void => {
      for (const d of space.elements) {
        if (d.kind === 'choice') {
          const ordered = mode !== 'never' && d.k === 1 && d.candidates.length > 1 && (d.ordered || (mode === 'infer' && looksOrdered(d.candidates)));
          const ps: number[] = [];
          for (let j = 0; j < d.k; j++) {
            const n = d.candidates.length;
            ps.push(
              ordered
                ? this.#param(`${pooledKey(d.id)}|o${n}`, 'discrete', n, -0.5, n - 0.5, false)
                : this.#param(`${pooledKey(d.id)}${d.k > 1 ? `#${j}` : ''}|c${n}`, 'categorical', n, 0, n - 1, false),
            );
            for (const cand of d.picks[j] ?? []) visit(cand);
          }
          this.#byDecision.set(d, ps);
        } else if (d.kind === 'float') {
          if (d.min === d.max) this.#byDecision.set(d, [-1]);
          else {
            const log = d.scale === 'log' || d.scale === 'rlog';
            const [lo, hi] = log ? [Math.log(d.min), Math.log(d.max)] : [d.min, d.max];
            this.#byDecision.set(d, [this.#param(`${pooledKey(d.id)}|f${d.min},${d.max},${d.scale ?? 'linear'}`, 'float', 0, lo, hi, false)]);
          }
        } else if (d.kind === 'int') {
          const log = isLog(d.scale);
          const key = `${pooledKey(d.id)}|i${d.min},${d.max}${log ? `,${d.scale as string}` : ''}`;
          const [lo, hi] = log ? [Math.log(d.min - 0.5), Math.log(d.max + 0.5)] : [d.min - 0.5, d.max + 0.5];
          this.#byDecision.set(d, d.min === d.max ? [-1] : [this.#param(key, 'discrete', 0, lo, hi, log)]);
        } else {
          this.#byDecision.set(d, [-1]);
        }
      }
      this.#bySpace.set(
        space,
        space.elements.map((d) => this.#byDecision.get(d) as number[]),
      );
    };
    visit(spec.root);
  }

  #param(key: string, kind: ParamKind, size: number, lo: number, hi: number, log: boolean): number {
    const known = this.#byKey.get(key);
    if (known !== undefined) return known;
    this.params.push(Object.freeze({ key, kind, size, lo, hi, log }));
    this.#byKey.set(key, this.params.length - 1);
    return this.params.length - 1;
  }

  /** The modelled parameters of a valid DNA and their internal values. */
  observe(dna: DNA, api: string): Observation {
    const rec = new Recorder();
    const space = (s: SpaceSpec, elems: readonly DNA[]): void => {
      s.elements.forEach((d, i) => decision(d, elems[i] as DNA));
    };
    const decision = (d: DecisionPoint, x: DNA): void => {
      const ps = this.#byDecision.get(d) as number[];
      if (d.kind === 'choice') {
        const ordinal = ps[0] !== undefined && ps[0] >= 0 && (this.params[ps[0]] as Param).kind === 'discrete';
        picksOf(d, x).forEach((p, j) => {
          const index = p.value as number;
          rec.push(ps[ordinal ? 0 : j] as number, index);
          space(candidateSpace(d, j, index), pickElements(d, j, p, api));
        });
        return;
      }
      const p = ps[0] as number;
      if (p < 0) return;
      const v = x.value as number;
      if (d.kind === 'float') rec.push(p, toInternal(d.scale, d.min, d.max, v));
      else if (d.kind === 'int') rec.push(p, intToInternal(d.scale, d.min, d.max, v));
    };
    space(this.#spec.root, elementDNAs(this.#spec.root, dna, api));
    return rec.observation();
  }

  /**
   * Builds a DNA top-down, asking `choose` for each modelled parameter met on the way. The
   * observation is made at once; the DNA (a tree of objects) only when first read: a model-based
   * algorithm scores many built candidates by their observations and keeps one.
   */
  build(choose: Chooser, rng: Rng): Built {
    const rec = new Recorder();
    // per decision met, in order: its value (a custom genome's too), or a choice's picked indices
    const made: unknown[] = [];
    const space = (s: SpaceSpec): void => {
      const elements = s.elements;
      const entries = this.#bySpace.get(s);
      for (let i = 0; i < elements.length; i++) {
        const d = elements[i] as DecisionPoint;
        decision(d, entries === undefined ? (this.#byDecision.get(d) as readonly number[]) : (entries[i] as readonly number[]));
      }
    };
    const decision = (d: DecisionPoint, ps: readonly number[]): void => {
      if (d.kind === 'custom') {
        made.push(d.definition.random(rng, d.hyper));
        return;
      }
      if (d.kind === 'float') {
        const p = ps[0] as number;
        if (p < 0) {
          made.push(d.min);
          return;
        }
        const x = choose(p, undefined);
        const v = toExternal(d.scale, d.min, d.max, x);
        rec.push(p, toInternal(d.scale, d.min, d.max, v));
        made.push(v);
        return;
      }
      if (d.kind === 'int') {
        const p = ps[0] as number;
        if (p < 0) {
          made.push(d.min);
          return;
        }
        const v = intToExternal(d.scale, d.min, d.max, choose(p, undefined));
        rec.push(p, intToInternal(d.scale, d.min, d.max, v));
        made.push(v);
        return;
      }
      const n = d.candidates.length;
      const p0 = ps[0] as number;
      const ordinal = (this.params[p0] as Param).kind === 'discrete';
      const indices: number[] = [];
      for (let j = 0; j < d.k; j++) {
        const p = ps[ordinal ? 0 : j] as number;
        let index = ordinal ? Math.min(n - 1, Math.max(0, Math.round(choose(p, undefined)))) + 0 : choose(p, d.distinct ? indices : undefined);
        if (d.distinct && indices.includes(index)) {
          const free = Array.from({ length: n }, (_, i) => i).filter((i) => !indices.includes(i));
          index = free[Math.floor(rng() * free.length)] as number;
        }
        indices.push(index);
      }
      if (d.sorted) indices.sort((a, b) => a - b);
      made.push(indices);
      for (let j = 0; j < indices.length; j++) {
        const index = indices[j] as number;
        rec.push(ps[ordinal ? 0 : j] as number, index);
        space(candidateSpace(d, j, index));
      }
    };
    space(this.#spec.root);
    return new Built(this.#spec, rec.observation(), made);
  }
}

/** @internal A DNA built by {@link ParamSpace.build}: its observation, and the DNA made when first read. */
export class Built {
  readonly observation: Observation;
  readonly #spec: DNASpec;
  #made: readonly unknown[] | undefined;
  #dna: DNA | undefined;

  constructor(spec: DNASpec, observation: Observation, made: readonly unknown[]) {
    this.#spec = spec;
    this.observation = observation;
    this.#made = made;
  }

  /** The DNA: the decisions made, in the order they were met, laid out as the space's tree. */
  get dna(): DNA {
    if (this.#dna !== undefined) return this.#dna;
    const made = this.#made as readonly unknown[];
    let at = 0;
    const space = (s: SpaceSpec): DNA[] => s.elements.map((d) => decision(d));
    const decision = (d: DecisionPoint): DNA => {
      const x = made[at++];
      if (d.kind === 'custom') return new DNA(x as DNA['value']);
      if (d.kind === 'float') return new DNA(x as number, undefined, true);
      if (d.kind === 'int') return new DNA(x as number);
      const picks = (x as number[]).map((index, j) => {
        const cand = candidateSpace(d, j, index);
        return new DNA(index, childrenOf(cand, space(cand)));
      });
      return fromPicks(d, picks);
    };
    this.#dna = joinSpace(this.#spec.root, space(this.#spec.root));
    this.#made = undefined;
    return this.#dna;
  }
}

function toInternal(scale: string | undefined, min: number, max: number, v: number): number {
  if (scale === 'log') return Math.log(v);
  if (scale === 'rlog') return Math.log(Math.max(min, max + min - v));
  return v;
}

function toExternal(scale: string | undefined, min: number, max: number, x: number): number {
  let v: number;
  if (scale === 'log') v = Math.exp(x);
  else if (scale === 'rlog') v = max + min - Math.exp(x);
  else v = x;
  return Math.min(max, Math.max(min, v));
}

function isLog(scale: string | undefined): boolean {
  return scale === 'log' || scale === 'rlog';
}

/** An integer's internal value: itself, the log of it ('log') or of its mirror image ('rlog'). */
function intToInternal(scale: string | undefined, min: number, max: number, v: number): number {
  if (scale === 'log') return Math.log(v);
  if (scale === 'rlog') return Math.log(max + min - v);
  return v;
}

/** The integer of an internal value, rounded and kept in [min, max]. */
function intToExternal(scale: string | undefined, min: number, max: number, x: number): number {
  if (!isLog(scale)) return Math.min(max, Math.max(min, Math.round(x))) + 0; // + 0: never −0
  const k = Math.min(max, Math.max(min, Math.round(Math.exp(x))));
  return scale === 'log' ? k : max + min - k;
}
