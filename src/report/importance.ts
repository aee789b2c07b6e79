/**
 * Which decisions matter: PED-ANOVA (Watanabe et al., IJCAI 2023), the importance measure of
 * Optuna's `PedAnovaImportanceEvaluator`, over a study's completed trials.
 */
import type { DecisionValue, StudyDecision } from '../tuning/study-decisions.js';
import type { Direction } from '../tuning/trial.js';
import { isLogLike } from './log-scale.js';

/** The fewest completed trials (with a value) {@link decisionImportance} ranks decisions from. */
export const MIN_IMPORTANCE_TRIALS = 10;

/** The fewest trials the top quantile holds (Optuna's advice: at least 5 above the quantile). */
const MIN_TOP = 5;
/** Optuna's defaults: the top 10 % against all trials, a 50-point grid, a prior of weight 1. */
const TARGET_QUANTILE = 0.1;
const GRID = 50;
const PRIOR_WEIGHT = 1;
/** A decision is scored on the trials that have it only when at least this many do (Optuna's regimes). */
const MIN_IN_REGIME = 2;

/** A completed trial as importance sees it: its decisions' values and its objective value. */
export interface ImportancePoint {
  /** Its values, by decision key (a decision it lacks is absent). */
  readonly values: Readonly<Record<string, DecisionValue>>;
  /** Its (first) objective value, finite. */
  readonly value: number;
}

/** One decision's importance. */
export interface DecisionImportance {
  /** The decision's key. */
  readonly key: string;
  /** Its share of the summed importance, from 0 to 1 (the shares of a ranking sum to 1, or are all 0). */
  readonly importance: number;
}

/** What {@link decisionImportance} found. */
export interface ImportanceRanking {
  /** The decisions, most important first (ties in the given order); empty when {@link reason} says why. */
  readonly ranked: readonly DecisionImportance[];
  /** How many completed trials it used. */
  readonly trials: number;
  /** How many of them form the top quantile (the "good" trials). */
  readonly top: number;
  /**
   * Why nothing is ranked, for people: `too few trials to rank decisions (n < 10)`, or that the
   * completed trials all tie; `undefined` when {@link ranked} holds a ranking.
   */
  readonly reason: string | undefined;
}

/**
 * Ranks decisions by PED-ANOVA, as Optuna's `PedAnovaImportanceEvaluator` does with its
 * defaults (target quantile 10 %, region: all completed trials, local evaluation): for each
 * decision, the Pearson divergence between the distribution of its values among the top trials
 * and among all trials (each a Parzen estimator with Scott's bandwidth on a 50-point grid, on a
 * log grid for log-like values, with one prior kernel), weighted by how many top and all trials
 * have the decision (conditional decisions, as Optuna's conditional PED-ANOVA), then normalised
 * so the shares sum to 1. The top quantile holds at least 5 trials (so with 10–49 trials it is
 * more than 10 %). With fewer than {@link MIN_IMPORTANCE_TRIALS} points nothing is ranked and
 * {@link ImportanceRanking.reason} says so.
 *
 * ```ts
 * const { ranked } = decisionImportance(decisions, points, 'maximize');
 * ranked[0]; // { key: 'lr', importance: 0.71 }
 * ```
 */
export function decisionImportance(decisions: readonly StudyDecision[], points: readonly ImportancePoint[], direction: Direction): ImportanceRanking {
  const usable = points.filter((p) => Number.isFinite(p.value));
  const n = usable.length;
  if (n < MIN_IMPORTANCE_TRIALS)
    return { ranked: [], trials: n, top: 0, reason: `too few trials to rank decisions (n < ${MIN_IMPORTANCE_TRIALS}: ${n} completed)` };
  // Optuna's quantile filter: the loss at the cut-off, and every trial at least as good.
  const sign = direction === 'minimize' ? 1 : -1;
  const losses = usable.map((p) => sign * p.value);
  const quantile = Math.max(TARGET_QUANTILE, MIN_TOP / n);
  const cutoff = [...losses].sort((a, b) => a - b)[Math.ceil(quantile * n) - 1] as number;
  const isTop = losses.map((l) => l <= cutoff);
  const top = isTop.filter(Boolean).length;
  if (top === n) return { ranked: [], trials: n, top, reason: `the ${n} completed trials all tie: no decision can be ranked` };
  const gamma = top / n;
  const raw = decisions.map((d) => {
    const active: { v: DecisionValue; top: boolean }[] = [];
    usable.forEach((p, i) => {
      const v = p.values[d.key];
      if (v !== undefined) active.push({ v, top: isTop[i] as boolean });
    });
    const activeTop = active.filter((a) => a.top);
    if (active.length < MIN_IN_REGIME || activeTop.length === 0) return 0;
    const alpha = activeTop.length / top;
    const beta = active.length / n;
    const grid = gridOf(
      d,
      active.map((a) => a.v),
    );
    if (grid.size < 2) return 0;
    const pdfTop = parzen(
      activeTop.map((a) => grid.index(a.v)),
      grid,
    );
    const pdfAll = parzen(
      active.map((a) => grid.index(a.v)),
      grid,
    );
    let divergence = 0;
    for (let g = 0; g < grid.size; g++) {
      const t = (pdfTop[g] as number) + 1e-12;
      const l = (pdfAll[g] as number) + 1e-12;
      divergence += l * (t / l - 1) ** 2;
    }
    return ((alpha * alpha) / beta) * divergence * gamma * gamma;
  });
  const sum = raw.reduce((s, r) => s + r, 0);
  const ranked = decisions
    .map((d, i) => ({ key: d.key, importance: sum > 0 ? (raw[i] as number) / sum : 0, i }))
    .sort((a, b) => b.importance - a.importance || a.i - b.i)
    .map(({ key, importance }) => ({ key, importance }));
  return { ranked, trials: n, top, reason: undefined };
}

/** A decision's values on a grid: categories, the integers of a narrow range, or 50 steps (log steps for log-like values). */
interface Grid {
  readonly size: number;
  readonly categorical: boolean;
  index(v: DecisionValue): number;
}

function gridOf(d: StudyDecision, values: readonly DecisionValue[]): Grid {
  const numbers = d.kind === 'number' && values.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!numbers) {
    const labels = [...new Set(values.map(String))];
    const at = new Map(labels.map((l, i) => [l, i]));
    return { size: labels.length, categorical: true, index: (v) => at.get(String(v)) as number };
  }
  const xs = values as readonly number[];
  const log = isLogLike(xs);
  const t = (v: number): number => (log ? Math.log(v) : v);
  const lo = Math.min(...xs.map(t));
  const hi = Math.max(...xs.map(t));
  if (!(hi > lo)) return { size: 1, categorical: false, index: () => 0 };
  if (!log && xs.every(Number.isInteger) && hi - lo + 1 <= GRID) {
    return { size: hi - lo + 1, categorical: false, index: (v) => (v as number) - lo };
  }
  const step = (hi - lo) / (GRID - 1);
  return { size: GRID, categorical: false, index: (v) => Math.min(GRID - 1, Math.max(0, Math.ceil((t(v as number) - lo) / step - 0.5))) };
}

/** The standard normal CDF (erfc by Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/**
 * The probabilities of a grid's points under a Parzen estimator of `observed` grid indices, as
 * Optuna's `ScottParzenEstimator`: one kernel per distinct index weighted by its count, plus a
 * prior kernel of weight 1 (uniform for categories; for numbers a wide normal at the middle);
 * numeric kernels are normals discretised to the grid and truncated to it, of Scott's bandwidth.
 */
function parzen(observed: readonly number[], grid: Grid): number[] {
  const size = grid.size;
  const counts = new Array<number>(size).fill(0);
  for (const i of observed) counts[i] = (counts[i] as number) + 1;
  const at: number[] = [];
  const weights: number[] = [];
  counts.forEach((c, i) => {
    if (c > 0) {
      at.push(i);
      weights.push(c);
    }
  });
  const total = weights.reduce((s, w) => s + w, 0) + PRIOR_WEIGHT;
  const pdf = new Array<number>(size).fill(0);
  if (grid.categorical) {
    const kernels = at.length + 1;
    const base = PRIOR_WEIGHT / kernels;
    const rowSum = base * size + 1;
    at.forEach((c, k) => {
      const w = (weights[k] as number) / total;
      for (let g = 0; g < size; g++) pdf[g] = (pdf[g] as number) + (w * (base + (g === c ? 1 : 0))) / rowSum;
    });
    for (let g = 0; g < size; g++) pdf[g] = (pdf[g] as number) + PRIOR_WEIGHT / total / size;
    return pdf;
  }
  // Scott's rule on the weighted observations, never narrower than a grid step's worth.
  const sumW = weights.reduce((s, w) => s + w, 0);
  const mean = at.reduce((s, x, k) => s + x * (weights[k] as number), 0) / sumW;
  let sigma = Math.sqrt(at.reduce((s, x, k) => s + (weights[k] as number) * (x - mean) ** 2, 0) / Math.max(1, sumW - 1));
  const cum: number[] = [];
  weights.reduce((s, w) => {
    cum.push(s + w);
    return s + w;
  }, 0);
  const q1 = cum.findIndex((c) => c >= Math.floor(sumW / 4));
  const q3found = cum.findIndex((c) => c > Math.floor((sumW * 3) / 4));
  const q3 = q3found === -1 ? at.length - 1 : q3found;
  const iqr = (at[Math.min(at.length - 1, q3)] as number) - (at[Math.max(0, q1)] as number);
  sigma = 1.059 * Math.min(iqr / 1.34, sigma) * sumW ** -0.2;
  sigma = Math.max(sigma, 0.5 / 1.64);
  const kernel = (mu: number, s: number, w: number): void => {
    const norm = normalCdf((size - 0.5 - mu) / s) - normalCdf((-0.5 - mu) / s);
    if (!(norm > 0)) return;
    for (let g = 0; g < size; g++) {
      const mass = normalCdf((g + 0.5 - mu) / s) - normalCdf((g - 0.5 - mu) / s);
      pdf[g] = (pdf[g] as number) + (w * mass) / norm;
    }
  };
  at.forEach((x, k) => kernel(x, sigma, (weights[k] as number) / total));
  kernel((size - 1) / 2, size, PRIOR_WEIGHT / total);
  return pdf;
}
