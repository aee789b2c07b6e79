/**
 * The sample-efficiency problems of ../shared/bench/PROBLEMS.md §2 (continuous test functions)
 * and §3 (the NAS-like conditional space), as pliant search spaces with an objective to
 * minimise. Each builder returns a fresh space (hyper values cannot be shared between trees).
 */
import { floatv, oneOf } from 'pliant';
import type { TreeValue } from 'pliant';

/** A benchmark problem: minimise `evaluate` over the candidates of `space`; best value `optimum`. */
export interface Problem<C = unknown> {
  readonly name: string;
  /** A pliant search space (a plain object of hyper values). */
  readonly space: TreeValue;
  /** The objective (minimise) of a materialized candidate of `space`. */
  evaluate(candidate: C): number;
  /** The known global minimum f*. */
  readonly optimum: number;
}

/** `{x0: floatv(lo, hi), ..., x{d-1}: ...}`: every variable a linear floatv over its range. */
function box(keys: readonly string[], lo: number, hi: number): Record<string, TreeValue> {
  return Object.fromEntries(keys.map((k) => [k, floatv(lo, hi)]));
}

function xs(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `x${i}`);
}

// ---------------------------------------------------------------------------------------------
// §2 continuous functions

/** Branin-Hoo at (x1, x2). */
export function branin(x1: number, x2: number): number {
  const a = 1;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const r = 6;
  const s = 10;
  const t = 1 / (8 * Math.PI);
  return a * (x2 - b * x1 * x1 + c * x1 - r) ** 2 + s * (1 - t) * Math.cos(x1) + s;
}

export const BRANIN_OPTIMUM = 0.397887357729739;

/** Branin: x1 ∈ [-5, 10], x2 ∈ [0, 15]; candidate `{x1, x2}`. */
export function braninProblem(): Problem<{ readonly x1: number; readonly x2: number }> {
  return {
    name: 'branin',
    space: { x1: floatv(-5, 10), x2: floatv(0, 15) },
    evaluate: (c) => branin(c.x1, c.x2),
    optimum: BRANIN_OPTIMUM,
  };
}

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2] as const;
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
] as const;
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((p) => p * 1e-4));

/** Hartmann6 at x (6 values in [0, 1]). */
export function hartmann6(x: readonly number[]): number {
  let f = 0;
  for (let i = 0; i < 4; i++) {
    const a = H6_A[i] as readonly number[];
    const p = H6_P[i] as readonly number[];
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += (a[j] as number) * ((x[j] as number) - (p[j] as number)) ** 2;
    f -= (H6_ALPHA[i] as number) * Math.exp(-inner);
  }
  return f;
}

export const HARTMANN6_OPTIMUM = -3.32236801141551;
/** The known minimiser of Hartmann6. */
export const HARTMANN6_ARGMIN = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573] as const;

/** Hartmann6: x0..x5 ∈ [0, 1]. */
export function hartmann6Problem(): Problem<Readonly<Record<string, number>>> {
  const keys = xs(6);
  return {
    name: 'hartmann6',
    space: box(keys, 0, 1),
    evaluate: (c) => hartmann6(keys.map((k) => c[k] as number)),
    optimum: HARTMANN6_OPTIMUM,
  };
}

/** Rosenbrock at x (any dimension ≥ 2). */
export function rosenbrock(x: readonly number[]): number {
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const xi = x[i] as number;
    const xn = x[i + 1] as number;
    f += 100 * (xn - xi * xi) ** 2 + (1 - xi) ** 2;
  }
  return f;
}

/** Rosenbrock-10d: x0..x9 ∈ [-5, 10]; f* = 0 at all ones. */
export function rosenbrockProblem(): Problem<Readonly<Record<string, number>>> {
  const keys = xs(10);
  return {
    name: 'rosenbrock10',
    space: box(keys, -5, 10),
    evaluate: (c) => rosenbrock(keys.map((k) => c[k] as number)),
    optimum: 0,
  };
}

/** Sphere at x. */
export function sphere(x: readonly number[]): number {
  let f = 0;
  for (const v of x) f += v * v;
  return f;
}

/** Sphere-10d (overhead only): x0..x9 ∈ [-5, 5]. */
export function sphereProblem(): Problem<Readonly<Record<string, number>>> {
  const keys = xs(10);
  return {
    name: 'sphere10',
    space: box(keys, -5, 5),
    evaluate: (c) => sphere(keys.map((k) => c[k] as number)),
    optimum: 0,
  };
}

// ---------------------------------------------------------------------------------------------
// §3 the NAS-like conditional space

export const OPS = ['conv3x3', 'conv5x5', 'sep3x3', 'maxpool', 'identity'] as const;
export type Op = (typeof OPS)[number];
export const ACTS = ['relu', 'gelu', 'swish'] as const;
export type Act = (typeof ACTS)[number];
export const WIDTHS = [16, 32, 64, 128] as const;

export const OP_SCORE: Readonly<Record<Op, number>> = { conv3x3: 0.03, conv5x5: 0.025, sep3x3: 0.035, maxpool: 0.01, identity: 0 };
export const OP_KERNEL: Readonly<Record<Op, number>> = { conv3x3: 9, conv5x5: 25, sep3x3: 3, maxpool: 0, identity: 0 };
export const ACT_SCORE: Readonly<Record<Act, number>> = { relu: 0, gelu: 0.006, swish: 0.004 };

/** A materialized cell: the op (with its activation for conv3x3, conv5x5, sep3x3) and the width. */
export interface NasCell {
  readonly op: { readonly name: Op; readonly act?: Act };
  readonly width: number;
}

/** A materialized candidate of {@link nasLikeSpace}. */
export interface NasCandidate {
  readonly cells: readonly NasCell[];
  readonly optimizer: { readonly name: 'adam' } | { readonly name: 'sgd'; readonly momentum: number };
  readonly lr: number;
  readonly weight_decay: number;
}

/** One cell position's sub-space (fresh hyper values on each call). */
function cellSpace(): TreeValue {
  const act = (): TreeValue => oneOf(ACTS);
  return {
    op: oneOf([{ name: 'conv3x3', act: act() }, { name: 'conv5x5', act: act() }, { name: 'sep3x3', act: act() }, { name: 'maxpool' }, { name: 'identity' }]),
    // widths are quantities: ordered, so TPE may learn "wider is better"
    width: oneOf(WIDTHS, { ordered: true }),
  };
}

/**
 * The NAS-like space of PROBLEMS §3 with its conditional structure in the tree: the number of
 * cells is a choice among lists of 1, 2 or 3 cells (each position its own sub-space), the
 * activation exists only under the conv/sep ops, momentum only under sgd. 35 decision ids:
 * `cells`, then per branch and position `.op`, `.op[=0|1|2/5].act`, `.width`; `optimizer`,
 * `optimizer[=1/2].momentum`, `lr`, `weight_decay`.
 */
export function nasLikeSpace(): TreeValue {
  return {
    cells: oneOf([[cellSpace()], [cellSpace(), cellSpace()], [cellSpace(), cellSpace(), cellSpace()]]),
    optimizer: oneOf([{ name: 'adam' }, { name: 'sgd', momentum: floatv(0, 0.99) }]),
    lr: floatv(1e-5, 1, { scale: 'log' }),
    weight_decay: floatv(1e-6, 1e-2, { scale: 'log' }),
  };
}

/** The `error` of PROBLEMS §3 (minimise). */
export function nasLikeError(c: NasCandidate): number {
  let arch = 0;
  let params = 0;
  c.cells.forEach((cell, i) => {
    const op = cell.op.name;
    const act = cell.op.act === undefined ? 0 : ACT_SCORE[cell.op.act];
    arch += 0.8 ** i * (OP_SCORE[op] + act + 0.01 * Math.log2(cell.width / 16));
    params += OP_KERNEL[op] * cell.width ** 2;
  });
  const pPen = params === 0 ? 0 : 0.02 * Math.max(0, Math.log2(params / 200000)) ** 2;
  const sgd = c.optimizer.name === 'sgd';
  const lrStar = sgd ? 1e-1 : 1e-3;
  const off = sgd ? -0.004 : 0;
  const momPen = c.optimizer.name === 'sgd' ? 0.1 * (c.optimizer.momentum - 0.9) ** 2 : 0;
  const lrPen = 0.02 * Math.log10(c.lr / lrStar) ** 2;
  const wdPen = 0.01 * Math.log10(c.weight_decay / 5e-4) ** 2;
  return 0.4 - arch + pPen + lrPen + momPen + wdPen + off;
}

export const NAS_LIKE_OPTIMUM = 0.22276;

/** The NAS-like problem of PROBLEMS §3. */
export function nasLikeProblem(): Problem<NasCandidate> {
  return { name: 'naslike', space: nasLikeSpace(), evaluate: nasLikeError, optimum: NAS_LIKE_OPTIMUM };
}

// ---------------------------------------------------------------------------------------------

/** Builders of the efficiency problems, in the order of ANCHORS.md. */
export const EFFICIENCY_PROBLEMS: readonly (() => Problem)[] = [braninProblem, hartmann6Problem, rosenbrockProblem, nasLikeProblem];
