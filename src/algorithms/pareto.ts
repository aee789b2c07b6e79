/**
 * Pareto ranking over points of objective values, every objective maximised: domination (plain
 * and constrained), fast non-dominated sorting and crowding distance (Deb et al. 2002). Pure
 * functions, used by `nsga2` and available to anyone ranking multi-objective results.
 */
import { PliantError } from '../base/errors.js';

/**
 * Whether point `a` dominates point `b` (every objective maximised): `a` is at least as good in
 * every objective and strictly better in at least one. Points of different lengths are an error.
 */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) throw new PliantError('dominates', 'argument', `points have ${a.length} and ${b.length} objectives`);
  let better = false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x < y) return false;
    if (x > y) better = true;
  }
  return better;
}

/**
 * Deb's constrained domination: a feasible point (violation 0) beats an infeasible one; of two
 * infeasible points the one with the smaller total violation wins; of two feasible points,
 * {@link dominates} decides. Violations are totals such as `violation(outcome)` (≥ 0).
 */
export function constrainedDominates(a: readonly number[], b: readonly number[], violationA: number, violationB: number): boolean {
  const feasibleA = !(violationA > 0);
  const feasibleB = !(violationB > 0);
  if (feasibleA !== feasibleB) return feasibleA;
  if (!feasibleA) return violationA < violationB;
  return dominates(a, b);
}

function checkPoints(points: readonly (readonly number[])[], api: string): void {
  if (!Array.isArray(points)) throw new PliantError(api, 'argument', `points must be an array of arrays of numbers, found ${String(points)}`);
  const m = points[0]?.length;
  points.forEach((p, i) => {
    if (!Array.isArray(p) || p.some((x) => typeof x !== 'number' || Number.isNaN(x))) {
      throw new PliantError(api, 'argument', `point ${i} must be an array of numbers, found ${JSON.stringify(p)}`);
    }
    if (p.length !== m) throw new PliantError(api, 'argument', `point ${i} has ${p.length} objectives, point 0 has ${String(m)}`);
  });
}

/**
 * Fast non-dominated sorting (Deb et al. 2002, O(M·N²)): the indices of `points` in fronts, front
 * 0 (the points nothing dominates) first; each point of front k is dominated by some point of
 * front k − 1 and by none of fronts ≥ k. Each front lists its indices in increasing order. With
 * `violations` (one total violation ≥ 0 per point), {@link constrainedDominates} ranks instead:
 * every feasible point comes before every infeasible one, and infeasible points form fronts by
 * increasing violation.
 */
export function nonDominatedSort(points: readonly (readonly number[])[], violations?: readonly number[]): number[][] {
  const api = 'nonDominatedSort';
  checkPoints(points, api);
  const n = points.length;
  if (violations !== undefined) {
    if (!Array.isArray(violations) || violations.length !== n || violations.some((v) => typeof v !== 'number' || Number.isNaN(v) || v < 0)) {
      throw new PliantError(api, 'argument', `violations must be ${n} numbers ≥ 0, found ${JSON.stringify(violations)}`);
    }
  }
  const beats = (i: number, j: number): boolean =>
    violations === undefined
      ? dominates(points[i] as number[], points[j] as number[])
      : constrainedDominates(points[i] as number[], points[j] as number[], violations[i] as number, violations[j] as number);
  const dominated: number[][] = Array.from({ length: n }, () => []);
  const count = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (beats(i, j)) {
        (dominated[i] as number[]).push(j);
        count[j] = (count[j] as number) + 1;
      } else if (beats(j, i)) {
        (dominated[j] as number[]).push(i);
        count[i] = (count[i] as number) + 1;
      }
    }
  }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (count[i] === 0) current.push(i);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominated[i] as number[]) {
        count[j] = (count[j] as number) - 1;
        if (count[j] === 0) next.push(j);
      }
    }
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/**
 * The crowding distance of each member of `front` (indices into `points`), in the order of
 * `front`: for every objective, the members sorted by that objective (ties keep their order in
 * `front`); the first and the last get `Infinity`, each other member adds the gap between its two
 * neighbours divided by the objective's range in the front. An objective whose values are all
 * equal in the front adds nothing (no member is extreme in it); one with an infinite value gives
 * only its boundary members `Infinity`. A front of one or two members is all `Infinity`.
 */
export function crowdingDistance(points: readonly (readonly number[])[], front: readonly number[]): number[] {
  const api = 'crowdingDistance';
  checkPoints(points, api);
  if (!Array.isArray(front) || front.some((i) => !Number.isInteger(i) || i < 0 || i >= points.length)) {
    throw new PliantError(api, 'argument', `front must be an array of indices into the ${points.length} points, found ${JSON.stringify(front)}`);
  }
  const l = front.length;
  if (l <= 2) return new Array<number>(l).fill(Infinity);
  const distance = new Array<number>(l).fill(0);
  const m = (points[front[0] as number] as number[]).length;
  const value = (k: number, objective: number): number => (points[front[k] as number] as number[])[objective] as number;
  for (let objective = 0; objective < m; objective++) {
    const order = Array.from({ length: l }, (_, k) => k).sort((x, y) => value(x, objective) - value(y, objective) || x - y);
    const lo = value(order[0] as number, objective);
    const hi = value(order[l - 1] as number, objective);
    const range = hi - lo;
    if (!(range > 0)) continue;
    distance[order[0] as number] = Infinity;
    distance[order[l - 1] as number] = Infinity;
    if (!Number.isFinite(range)) continue;
    for (let r = 1; r < l - 1; r++) {
      const k = order[r] as number;
      distance[k] = (distance[k] as number) + (value(order[r + 1] as number, objective) - value(order[r - 1] as number, objective)) / range;
    }
  }
  return distance;
}
