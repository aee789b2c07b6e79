/**
 * @internal A compact limited-memory BFGS minimiser with optional box bounds (projected L-BFGS):
 * the search direction comes from the two-loop recursion on the free variables (those not held
 * at a bound by the gradient), the step is a backtracking Armijo line search along the projected
 * path, and a pair (s, y) is kept only when sᵀy > 0, so the implied Hessian stays positive
 * definite. The Gaussian process uses it to fit its kernel parameters (in log space) and to
 * climb the acquisition function inside the unit box.
 *
 * Why hand-written: npm has no well-kept L-BFGS(-B). `fmin` 0.0.4 offers only unconstrained
 * conjugate gradient and Nelder–Mead and is unmaintained; `optimization-js` pulls browserify and
 * jsdoc in as run-time dependencies. This is about 150 lines, tested on a quadratic, a bounded
 * quadratic and Rosenbrock-2d.
 */

/** Options of {@link lbfgs}. */
export interface LbfgsOptions {
  /** Lower bounds (per variable; `-Infinity` for none). Default: unbounded. */
  readonly lower?: Float64Array;
  /** Upper bounds (per variable; `Infinity` for none). Default: unbounded. */
  readonly upper?: Float64Array;
  /** How many (s, y) pairs to keep (default 10). */
  readonly memory?: number;
  /** At most this many iterations (default 200). */
  readonly maxIterations?: number;
  /** At most this many evaluations of the function (default 20 × maxIterations). */
  readonly maxEvaluations?: number;
  /** Stop when the largest projected-gradient component is at most this (default 1e-5). */
  readonly gtol?: number;
  /** Stop when an iteration lowers f by at most ftol·max(|f|, 1) (default 1e-10). */
  readonly ftol?: number;
}

/** What {@link lbfgs} found. */
export interface LbfgsResult {
  /** The best point (inside the bounds). */
  readonly x: Float64Array;
  /** f at `x`. */
  readonly f: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** Why it stopped: a small gradient or decrease (`converged`), a budget, or a failed line search. */
  readonly reason: 'converged' | 'max-iterations' | 'max-evaluations' | 'line-search' | 'non-finite';
}

/**
 * f and its gradient at `x`: returns f(x) and writes ∇f(x) into `grad`. A non-finite value marks
 * `x` as outside the domain (the line search then shortens its step).
 */
export type ValueAndGradient = (x: Float64Array, grad: Float64Array) => number;

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Minimises `fg` from `x0` (projected into the bounds first). */
export function lbfgs(fg: ValueAndGradient, x0: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult {
  const n = x0.length;
  const lower = options.lower;
  const upper = options.upper;
  const m = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 200;
  const maxEvaluations = options.maxEvaluations ?? 20 * maxIterations;
  const gtol = options.gtol ?? 1e-5;
  const ftol = options.ftol ?? 1e-10;
  const lo = (i: number): number => (lower === undefined ? -Infinity : (lower[i] as number));
  const hi = (i: number): number => (upper === undefined ? Infinity : (upper[i] as number));
  const clip = (i: number, v: number): number => Math.min(hi(i), Math.max(lo(i), v));

  let x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = clip(i, x0[i] as number);
  let g = new Float64Array(n);
  let f = fg(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f) || g.some((v) => !Number.isFinite(v))) return { x, f, iterations: 0, evaluations, reason: 'non-finite' };

  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const rhos: number[] = [];
  const alphas = new Float64Array(m);
  const d = new Float64Array(n);
  const free = new Uint8Array(n);
  let xt = new Float64Array(n);
  let gt = new Float64Array(n);

  for (let it = 0; it < maxIterations; it++) {
    // projected gradient and the free set
    let pg = 0;
    for (let i = 0; i < n; i++) {
      const gi = g[i] as number;
      const xi = x[i] as number;
      const held = (xi <= lo(i) && gi > 0) || (xi >= hi(i) && gi < 0);
      free[i] = held ? 0 : 1;
      if (!held) pg = Math.max(pg, Math.abs(clip(i, xi - gi) - xi));
    }
    if (pg <= gtol) return { x, f, iterations: it, evaluations, reason: 'converged' };

    // two-loop recursion on the free variables
    for (let i = 0; i < n; i++) d[i] = free[i] === 1 ? -(g[i] as number) : 0;
    const k = ss.length;
    for (let j = k - 1; j >= 0; j--) {
      const s = ss[j] as Float64Array;
      let a = 0;
      for (let i = 0; i < n; i++) if (free[i] === 1) a += (s[i] as number) * (d[i] as number);
      a *= rhos[j] as number;
      alphas[j] = a;
      const y = ys[j] as Float64Array;
      for (let i = 0; i < n; i++) if (free[i] === 1) d[i] = (d[i] as number) - a * (y[i] as number);
    }
    if (k > 0) {
      const s = ss[k - 1] as Float64Array;
      const y = ys[k - 1] as Float64Array;
      const gamma = dot(s, y, n) / dot(y, y, n);
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) * gamma;
    }
    for (let j = 0; j < k; j++) {
      const y = ys[j] as Float64Array;
      let b = 0;
      for (let i = 0; i < n; i++) if (free[i] === 1) b += (y[i] as number) * (d[i] as number);
      b *= rhos[j] as number;
      const s = ss[j] as Float64Array;
      const c = (alphas[j] as number) - b;
      for (let i = 0; i < n; i++) if (free[i] === 1) d[i] = (d[i] as number) + c * (s[i] as number);
    }
    let slope = dot(g, d, n);
    if (!(slope < 0)) {
      // not a descent direction: forget the curvature pairs and go down the gradient
      ss.length = 0;
      ys.length = 0;
      rhos.length = 0;
      for (let i = 0; i < n; i++) d[i] = free[i] === 1 ? -(g[i] as number) : 0;
      slope = dot(g, d, n);
    }

    // backtracking line search along the projected path
    let dmax = 0;
    for (let i = 0; i < n; i++) dmax = Math.max(dmax, Math.abs(d[i] as number));
    let t = ss.length === 0 ? Math.min(1, 1 / Math.max(dmax, 1e-300)) : 1;
    let ft = Infinity;
    let accepted = false;
    for (let ls = 0; ls < 30; ls++) {
      if (evaluations >= maxEvaluations) return { x, f, iterations: it, evaluations, reason: 'max-evaluations' };
      let decrease = 0;
      let moved = false;
      for (let i = 0; i < n; i++) {
        const v = clip(i, (x[i] as number) + t * (d[i] as number));
        xt[i] = v;
        decrease += (g[i] as number) * (v - (x[i] as number));
        if (v !== x[i]) moved = true;
      }
      if (!moved) break;
      ft = fg(xt, gt);
      evaluations++;
      if (Number.isFinite(ft) && ft <= f + 1e-4 * decrease && gt.every(Number.isFinite)) {
        accepted = true;
        break;
      }
      t *= Number.isFinite(ft) ? 0.5 : 0.1;
    }
    if (!accepted) {
      if (ss.length === 0) return { x, f, iterations: it, evaluations, reason: 'line-search' };
      ss.length = 0;
      ys.length = 0;
      rhos.length = 0;
      continue;
    }

    // curvature pair
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xt[i] as number) - (x[i] as number);
      y[i] = (gt[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y, n);
    if (sy > 1e-12 * dot(y, y, n)) {
      if (ss.length === m) {
        ss.shift();
        ys.shift();
        rhos.shift();
      }
      ss.push(s);
      ys.push(y);
      rhos.push(1 / sy);
    }
    const fPrev = f;
    [x, xt] = [xt, x];
    [g, gt] = [gt, g];
    f = ft;
    if (fPrev - f <= ftol * Math.max(Math.abs(fPrev), Math.abs(f), 1)) return { x, f, iterations: it + 1, evaluations, reason: 'converged' };
  }
  return { x, f, iterations: maxIterations, evaluations, reason: 'max-iterations' };
}
