/**
 * @internal The space the Gaussian process works in, read off a DNASpec through TPE's
 * {@link ParamSpace} (one parameter per decision, sibling candidates' decisions pooled):
 *
 * - a float is continuous, normalised to [0, 1] (a log float on its log);
 * - an `intv` and an ordered choice (`oneOf(values, { ordered: true })`, or with `inferOrdered`
 *   a choice of 3 or more increasing numbers) are discrete: normalised with half a step of
 *   padding on each side, so value k of c sits at (k + ½)/c; a log `intv` on the log of its
 *   integers (integer m at (log m − log(min − ½))/(log(max + ½) − log(min − ½)));
 * - any other choice (each pick of a `manyOf`) is categorical: its candidate index;
 * - custom decisions are not modelled (drawn at random when a DNA is built).
 *
 * A *full vector* has a value for every parameter; the DNA it stands for is built top-down,
 * taking each present decision's value from the vector, so a value under a candidate that is not
 * chosen is simply unused. Its *embedding* (what the kernel sees) marks those absent decisions:
 * see {@link GpInputs} for the distance an absent decision has.
 */
import type { DNA } from '../../geno/dna.js';
import type { DNASpec, SpaceSpec } from '../../geno/dna-spec.js';
import type { Rng } from '../../base/rng.js';
import { ParamSpace } from '../tpe/params.js';
import type { Observation } from '../tpe/params.js';

/** How a dimension is modelled and searched. */
export const CONTINUOUS = 0;
/** Discrete numeric (an `intv`, an ordered choice): searched by local moves on its grid. */
export const DISCRETE = 1;
/** Categorical (a choice): Hamming distance, searched exhaustively. */
export const CATEGORICAL = 2;

/** A point as the kernel sees it (see {@link GpInputs}). */
export interface Embedding {
  readonly x: Float64Array;
  readonly off: Float64Array;
}

/** @internal The Gaussian process's view of a search space. */
export class GpSpace {
  readonly params: ParamSpace;
  /** The number of dimensions (modelled parameters). */
  readonly d: number;
  /** Per dimension: {@link CONTINUOUS}, {@link DISCRETE} or {@link CATEGORICAL}. */
  readonly kinds: Uint8Array;
  /** Per dimension: the number of values of a discrete or categorical one (0 for continuous). */
  readonly counts: Int32Array;
  /** Per dimension: 1 when categorical (the kernel's Hamming dimensions). */
  readonly categorical: Uint8Array;
  /**
   * Whether the structure of a DNA depends on its choices (a choice with decisions under its
   * candidates, or a `manyOf` whose picks are made distinct or sorted), so that the embedding of
   * a full vector must be read off the DNA it builds.
   */
  readonly conditional: boolean;

  /** Per discrete dimension on a log scale: its smallest integer (0 elsewhere). */
  readonly #logMin: Float64Array;

  /** `inferOrdered`: also take an unflagged choice of 3 or more increasing numbers for ordered. */
  constructor(spec: DNASpec, inferOrdered: boolean) {
    this.params = new ParamSpace(spec, inferOrdered);
    const ps = this.params.params;
    this.d = ps.length;
    this.kinds = new Uint8Array(this.d);
    this.counts = new Int32Array(this.d);
    this.categorical = new Uint8Array(this.d);
    this.#logMin = new Float64Array(this.d);
    ps.forEach((p, i) => {
      if (p.kind === 'float') this.kinds[i] = CONTINUOUS;
      else if (p.kind === 'discrete') {
        this.kinds[i] = DISCRETE;
        if (p.log) {
          // internal bounds [log(min − ½), log(max + ½)]
          this.#logMin[i] = Math.round(Math.exp(p.lo) + 0.5);
          this.counts[i] = Math.round(Math.exp(p.hi) - Math.exp(p.lo));
        } else this.counts[i] = Math.round(p.hi - p.lo);
      } else {
        this.kinds[i] = CATEGORICAL;
        this.counts[i] = p.size;
        this.categorical[i] = 1;
      }
    });
    this.conditional = isConditional(spec.root);
  }

  /** The embedding of an observation (a DNA's present parameters and internal values). */
  embed(observation: Observation, out: Embedding = this.blank()): Embedding {
    this.#absent(out);
    const { params, values } = observation;
    for (let a = 0; a < params.length; a++) {
      const p = params[a] as number;
      out.x[p] = this.normalise(p, values[a] as number);
      out.off[p] = 0;
    }
    return out;
  }

  /** An embedding buffer (every decision absent). */
  blank(): Embedding {
    const e = { x: new Float64Array(this.d), off: new Float64Array(this.d) };
    this.#absent(e);
    return e;
  }

  #absent(e: Embedding): void {
    for (let p = 0; p < this.d; p++) {
      e.x[p] = this.kinds[p] === CATEGORICAL ? -1 : 0.5;
      e.off[p] = 1;
    }
  }

  /** A parameter's internal value in the unit scale of its dimension. */
  normalise(p: number, value: number): number {
    const param = this.params.params[p];
    if (param === undefined || param.kind === 'categorical') return value;
    return (value - param.lo) / (param.hi - param.lo);
  }

  /** The internal value of a dimension's unit-scale value. */
  denormalise(p: number, z: number): number {
    const param = this.params.params[p];
    if (param === undefined || param.kind === 'categorical') return z;
    return param.lo + z * (param.hi - param.lo);
  }

  /** The grid value (unit scale) of value k (0 ≤ k < count) of a discrete dimension. */
  grid(p: number, k: number): number {
    const min = this.#logMin[p] as number;
    if (min === 0) return (k + 0.5) / (this.counts[p] as number);
    const param = this.params.params[p] as { lo: number; hi: number };
    return (Math.log(min + k) - param.lo) / (param.hi - param.lo);
  }

  /** The index on its grid of a discrete dimension's unit-scale value (the nearest value's cell). */
  gridIndex(p: number, z: number): number {
    const c = this.counts[p] as number;
    const min = this.#logMin[p] as number;
    const k = min === 0 ? Math.floor(z * c) : Math.round(Math.exp(this.denormalise(p, z))) - min;
    return Math.min(c - 1, Math.max(0, k));
  }

  /**
   * A random full vector: uniform over a continuous dimension (on the log of a log float), over
   * the cells of a discrete one (log-uniform for a log `intv`), over the categories.
   */
  random(rng: Rng, out: Float64Array = new Float64Array(this.d)): Float64Array {
    for (let p = 0; p < this.d; p++) {
      const kind = this.kinds[p];
      if (kind === CONTINUOUS) out[p] = rng();
      else if (kind === DISCRETE) out[p] = this.grid(p, this.gridIndex(p, rng()));
      else out[p] = Math.floor(rng() * (this.counts[p] as number));
    }
    return out;
  }

  /**
   * A full vector from an embedding: present values kept, absent ones filled at random (they
   * matter only if a later move makes them present).
   */
  complete(e: Embedding, rng: Rng): Float64Array {
    const full = this.random(rng);
    for (let p = 0; p < this.d; p++) if (e.off[p] === 0) full[p] = e.x[p] as number;
    return full;
  }

  /**
   * The embedding of the DNA a full vector stands for. In a space without conditional structure
   * every decision is present and takes its value from the vector; otherwise the DNA is built
   * (`rng` draws custom decisions).
   */
  project(full: Float64Array, rng: Rng, out: Embedding = this.blank()): Embedding {
    if (!this.conditional) {
      for (let p = 0; p < this.d; p++) {
        out.x[p] = this.kinds[p] === DISCRETE ? this.grid(p, this.gridIndex(p, full[p] as number)) : (full[p] as number);
        out.off[p] = 0;
      }
      return out;
    }
    return this.embed(this.build(full, rng).observation, out);
  }

  /** The DNA a full vector stands for, with its observation. */
  build(full: Float64Array, rng: Rng): { dna: DNA; observation: Observation } {
    return this.params.build((p, exclude) => {
      const kind = this.kinds[p];
      const v = full[p] as number;
      if (kind === CONTINUOUS) return this.denormalise(p, Math.min(1, Math.max(0, v)));
      if (kind === DISCRETE) return this.denormalise(p, this.grid(p, this.gridIndex(p, v)));
      // categorical: the vector's index, or (a distinct manyOf) the next one not taken
      const c = this.counts[p] as number;
      let index = v;
      if (exclude !== undefined) for (let t = 0; t < c && exclude.includes(index); t++) index = (index + 1) % c;
      return index;
    }, rng);
  }
}

/** Whether a space has decisions under choice candidates, or a choice of several picks. */
function isConditional(space: SpaceSpec): boolean {
  for (const d of space.elements) {
    if (d.kind !== 'choice') continue;
    if (d.k > 1) return true;
    for (const pick of d.picks) for (const cand of pick) if (cand.elements.length > 0) return true;
  }
  return false;
}
