/**
 * @internal The acquisition function and its maximisation.
 *
 * The acquisition is log expected improvement over the best feasible value (numerically stable,
 * see normal.ts) plus, for each constraint, the log probability that it holds under its own
 * Gaussian process (Gardner et al. 2014: EI × Π P(feasible), independent models); with no
 * feasible trial yet, the feasibility terms alone.
 *
 * It is maximised as Optuna's GPSampler does it, with a smaller preliminary set: random
 * candidates are scored; the best of them, the given warm starts (the best trial) and roulette
 * picks (probability ∝ e^(acquisition − best)) start local searches that alternate L-BFGS on the
 * present continuous dimensions (in units of their length scales, which equalises the curvature)
 * with one sweep of moves on each present discrete dimension (every other category of a
 * categorical one or of a small grid; steps of ±1, ±2, ±4, … on a large grid), until a sweep
 * changes nothing.
 */
import type { Rng } from '../../base/rng.js';
import type { GaussianProcess, Prediction } from './gaussian-process.js';
import { CATEGORICAL, CONTINUOUS } from './gp-space.js';
import type { Embedding, GpSpace } from './gp-space.js';
import { lbfgs } from './lbfgs.js';
import { logEI, logNormalCdf } from './normal.js';

/** A constraint's model: a process on the standardised negated constraint value, feasible above `threshold`. */
export interface ConstraintModel {
  readonly gp: GaussianProcess;
  readonly threshold: number;
}

/** Added to every posterior variance (as Optuna does), so that log EI stays finite at the data. */
const STABILIZING_NOISE = 1e-12;

/** log EI(objective) + Σ log P(constraint feasible). */
export class Acquisition {
  readonly objective: GaussianProcess | undefined;
  readonly threshold: number;
  readonly constraints: readonly ConstraintModel[];
  readonly #p: Prediction = { mean: 0, variance: 0 };

  /**
   * @param objective - The objective's process (standardised rewards, maximised), or `undefined`.
   * @param threshold - The best feasible standardised value; `-Infinity` when no trial is feasible
   *   (the acquisition is then the feasibility terms alone).
   */
  constructor(objective: GaussianProcess | undefined, threshold: number, constraints: readonly ConstraintModel[]) {
    this.objective = objective;
    this.threshold = threshold;
    this.constraints = constraints;
  }

  /** The length scales the local search is preconditioned with (the objective's, else the first constraint's). */
  lengthScales(): Float64Array {
    const gp = this.objective ?? this.constraints[0]?.gp;
    if (gp === undefined) return new Float64Array(0);
    return gp.params.invSq.map((l) => 1 / Math.sqrt(l));
  }

  /** The acquisition at a point. */
  value(e: Embedding): number {
    let a = 0;
    const p = this.#p;
    if (this.objective !== undefined && this.threshold > -Infinity) {
      this.objective.predict(e.x, e.off, p);
      a += logEI(p.mean, p.variance + STABILIZING_NOISE, this.threshold).value;
    }
    for (const c of this.constraints) {
      c.gp.predict(e.x, e.off, p);
      a += logNormalCdf((p.mean - c.threshold) / Math.sqrt(p.variance + STABILIZING_NOISE)).value;
    }
    return a;
  }

  /** The acquisition at a point, adding its gradient along `dims` (present continuous dimensions) to `grad`. */
  valueAndGradient(e: Embedding, dims: Int32Array, grad: Float64Array): number {
    let a = 0;
    const p = this.#p;
    if (this.objective !== undefined && this.threshold > -Infinity) {
      this.objective.predict(e.x, e.off, p);
      const ei = logEI(p.mean, p.variance + STABILIZING_NOISE, this.threshold);
      a += ei.value;
      this.objective.gradient(e.x, ei.dMean, ei.dVariance, dims, grad);
    }
    for (const c of this.constraints) {
      c.gp.predict(e.x, e.off, p);
      const variance = p.variance + STABILIZING_NOISE;
      const sigma = Math.sqrt(variance);
      const z = (p.mean - c.threshold) / sigma;
      const l = logNormalCdf(z);
      a += l.value;
      // ∂z/∂mean = 1/σ, ∂z/∂var = −z/(2·var)
      c.gp.gradient(e.x, l.slope / sigma, (-l.slope * z) / (2 * variance), dims, grad);
    }
    return a;
  }
}

/** Options of {@link maximizeAcquisition}. */
export interface SearchOptions {
  /** How many random candidates are scored first. */
  readonly candidates: number;
  /** How many local searches start (the best candidate, the warm starts, roulette picks). */
  readonly starts: number;
}

/** A full vector with its acquisition value. */
export interface Scored {
  readonly full: Float64Array;
  readonly value: number;
}

const MAX_ROUNDS = 20;
/** A discrete dimension with at most this many values is searched exhaustively (Optuna's 16). */
const EXHAUSTIVE = 16;

/**
 * Maximises the acquisition over the space. Returns the local searches' results and then the
 * preliminary candidates, best first (a caller that must avoid some points takes the first
 * acceptable one).
 */
export function maximizeAcquisition(space: GpSpace, acq: Acquisition, rng: Rng, warm: readonly Float64Array[], options: SearchOptions): Scored[] {
  const prelim: Scored[] = [];
  const e = space.blank();
  for (let i = 0; i < options.candidates; i++) {
    const full = space.random(rng);
    prelim.push({ full, value: acq.value(space.project(full, rng, e)) });
  }
  let best = 0;
  for (let i = 1; i < prelim.length; i++) if ((prelim[i] as Scored).value > (prelim[best] as Scored).value) best = i;
  const starts: Float64Array[] = [];
  if (prelim.length > 0) starts.push((prelim[best] as Scored).full);
  starts.push(...warm);
  // roulette picks among the others, without replacement
  const top = prelim.length > 0 ? (prelim[best] as Scored).value : 0;
  const weights = prelim.map((s, i) => (i === best || !Number.isFinite(s.value) ? 0 : Math.exp(s.value - top)));
  while (starts.length < options.starts) {
    let total = 0;
    for (const w of weights) total += w;
    if (!(total > 0)) break;
    let u = rng() * total;
    let pick = weights.length - 1;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] as number;
      if (u <= 0 && (weights[i] as number) > 0) {
        pick = i;
        break;
      }
    }
    if (!((weights[pick] as number) > 0)) break;
    weights[pick] = 0;
    starts.push((prelim[pick] as Scored).full);
  }
  const results = starts.map((s) => localSearch(space, acq, rng, s));
  results.sort((a, b) => b.value - a.value);
  prelim.sort((a, b) => b.value - a.value);
  return [...results, ...prelim];
}

/** The other values a discrete or categorical dimension is tried at, from its current value. */
function alternatives(space: GpSpace, p: number, v: number): number[] {
  const c = space.counts[p] as number;
  const out: number[] = [];
  if (space.kinds[p] === CATEGORICAL) {
    for (let k = 0; k < c; k++) if (k !== v) out.push(k);
    return out;
  }
  const k0 = space.gridIndex(p, v);
  if (c <= EXHAUSTIVE) {
    for (let k = 0; k < c; k++) if (k !== k0) out.push(space.grid(p, k));
    return out;
  }
  for (let step = 1; step < c; step *= 2) {
    if (k0 - step >= 0) out.push(space.grid(p, k0 - step));
    if (k0 + step < c) out.push(space.grid(p, k0 + step));
  }
  return out;
}

/** One local search from a full vector. */
function localSearch(space: GpSpace, acq: Acquisition, rng: Rng, start: Float64Array): Scored {
  const full = Float64Array.from(start);
  const e = space.project(full, rng);
  let value = acq.value(e);
  const scales = acq.lengthScales();
  const grad = new Float64Array(space.d);
  const trial = space.blank();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    // continuous dimensions present in this structure: L-BFGS in units of length scales
    const dims: number[] = [];
    for (let p = 0; p < space.d; p++) if (space.kinds[p] === CONTINUOUS && e.off[p] === 0) dims.push(p);
    if (dims.length > 0) {
      const ds = Int32Array.from(dims);
      const ls = Float64Array.from(dims, (p) => scales[p] as number);
      const upper = ls.map((l) => 1 / l);
      const z0 = Float64Array.from(dims, (p, a) => (e.x[p] as number) / (ls[a] as number));
      const x = e.x;
      const saved = Float64Array.from(x);
      const fg = (z: Float64Array, g: Float64Array): number => {
        for (let a = 0; a < ds.length; a++) x[ds[a] as number] = (z[a] as number) * (ls[a] as number);
        grad.fill(0);
        const v = acq.valueAndGradient(e, ds, grad);
        for (let a = 0; a < ds.length; a++) g[a] = -(grad[ds[a] as number] as number) * (ls[a] as number);
        return -v;
      };
      const res = lbfgs(fg, z0, { lower: new Float64Array(ds.length), upper, gtol: 1e-2, maxIterations: 200 });
      if (-res.f > value) {
        value = -res.f;
        for (let a = 0; a < ds.length; a++) {
          const v = (res.x[a] as number) * (ls[a] as number);
          x[ds[a] as number] = v;
          full[ds[a] as number] = v;
        }
      } else x.set(saved);
    }
    // one sweep of moves on the present discrete and categorical dimensions
    let changed = false;
    for (let p = 0; p < space.d; p++) {
      if (space.kinds[p] === CONTINUOUS || e.off[p] !== 0) continue;
      const current = full[p] as number;
      let bestV = value;
      let bestAlt: number | undefined;
      for (const alt of alternatives(space, p, current)) {
        full[p] = alt;
        const v = acq.value(space.project(full, rng, trial));
        if (v > bestV) {
          bestV = v;
          bestAlt = alt;
        }
      }
      full[p] = bestAlt ?? current;
      if (bestAlt !== undefined) {
        value = bestV;
        changed = true;
        space.project(full, rng, e);
      }
    }
    if (!changed) break;
  }
  return { full, value };
}
