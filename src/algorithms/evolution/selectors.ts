/**
 * Selectors: functions from a population to some of its members, for composing evolutions
 * (`tournament(10)` picks parents, `last(100)` keeps the young). A selector returns members of
 * the population itself (the same objects); it never changes the population.
 */
import type { DNA } from '../../geno/dna.js';
import type { Rng } from '../../base/rng.js';
import type { Outcome } from '../algorithm.js';
import { checkOptions } from '../../base/options.js';
import { slabInt32 } from '../../base/slab-arrays.js';
import { checkFunction, checkInteger } from '../checks.js';
import { compareOutcomes } from '../ranking.js';

/**
 * One member of a population: a DNA, its reward (higher is better) and, when the feedback said
 * more, its outcome (constraints, pruning): infeasible and pruned members rank after the others,
 * and failed ones (which `evolution`'s populations never hold) after every other.
 */
export interface Member {
  readonly dna: DNA;
  readonly reward: number;
  readonly outcome?: Outcome;
}

/** Picks members of a population (oldest first); deterministic selectors ignore `rng`. */
export type Selector = (population: readonly Member[], rng: Rng) => Member[];

/**
 * `n` members drawn uniformly at random, without replacement (all of them, shuffled, when the
 * population has no more than `n`); with `{replacement: true}`, `n` independent draws. An unknown
 * option name is a `PliantError`.
 */
export function randomSelector(n: number, options: { readonly replacement?: boolean } = {}): Selector {
  checkInteger(n, 'n', 'randomSelector');
  checkOptions('randomSelector', options, ['replacement']);
  return (population, rng) => {
    if (options.replacement === true) {
      if (population.length === 0) return [];
      return Array.from({ length: n }, () => population[Math.floor(rng() * population.length)] as Member);
    }
    const pool = population.slice();
    const m = Math.min(n, pool.length);
    for (let j = 0; j < m; j++) {
      const r = j + Math.floor(rng() * (pool.length - j));
      [pool[j], pool[r]] = [pool[r] as Member, pool[j] as Member];
    }
    return pool.slice(0, m);
  };
}

/**
 * The `n` best members, best first (ties: the older first): feasible completed members by
 * reward, then pruned ones, then infeasible ones, then failed ones (see `Outcome`).
 */
export function top(n: number): Selector {
  checkInteger(n, 'n', 'top');
  return (population) => ranked(population, -1).slice(0, n);
}

/** The `n` worst members (in the order of {@link top}), worst first (ties: the older first). */
export function bottom(n: number): Selector {
  checkInteger(n, 'n', 'bottom');
  return (population) => ranked(population, 1).slice(0, n);
}

/** The `n` oldest members (the first of the population), oldest first. */
export function first(n: number): Selector {
  checkInteger(n, 'n', 'first');
  return (population) => population.slice(0, n);
}

/** The `n` youngest members (the last of the population), in population order. */
export function last(n: number): Selector {
  checkInteger(n, 'n', 'last');
  const selector: Selector = (population) => population.slice(Math.max(0, population.length - n));
  KEEPS_LAST.set(selector, n);
  return selector;
}

/** The `n` of each selector made by {@link last}. */
const KEEPS_LAST = new WeakMap<Selector, number>();

/** @internal The `n` of a selector made by `last(n)` (it keeps the `n` youngest), else `undefined`. */
export function keepsLast(selector: Selector): number | undefined {
  return KEEPS_LAST.get(selector);
}

/**
 * `n` independent draws with probability proportional to fitness: the rewards shifted to be
 * positive, `reward − min + ε` with `ε` 1% of the reward range (1 when all rewards are equal, so
 * the draw is uniform). A member with reward −∞ is never drawn (unless all are); when some reward
 * is +∞, those members are drawn uniformly.
 */
export function proportional(n: number): Selector {
  checkInteger(n, 'n', 'proportional');
  return (population, rng) => {
    if (population.length === 0) return [];
    const infinite = population.filter((m) => m.reward === Infinity);
    const finite = population.filter((m) => Number.isFinite(m.reward));
    if (infinite.length > 0 || finite.length === 0) {
      const pool = infinite.length > 0 ? infinite : population.slice();
      return Array.from({ length: n }, () => pool[Math.floor(rng() * pool.length)] as Member);
    }
    let min = Infinity;
    let max = -Infinity;
    for (const m of finite) {
      min = Math.min(min, m.reward);
      max = Math.max(max, m.reward);
    }
    const epsilon = max > min ? (max - min) * 0.01 : 1;
    const weights = finite.map((m) => m.reward - min + epsilon);
    const total = weights.reduce((s, w) => s + w, 0);
    return Array.from({ length: n }, () => {
      let u = rng() * total;
      for (let i = 0; i < finite.length; i++) {
        u -= weights[i] as number;
        if (u < 0) return finite[i] as Member;
      }
      return finite[finite.length - 1] as Member;
    });
  };
}

/** Applies selectors in turn, each to what the previous one selected: `pipe(randomSelector(10), top(1))`. */
export function pipe(...selectors: Selector[]): Selector {
  for (const s of selectors) checkFunction(s, 'each selector', 'pipe');
  return (population, rng) => selectors.reduce<Member[]>((members, s) => s(members, rng), population.slice());
}

/** A tournament (Real et al.): `size` members drawn at random without replacement, then the best `n` of them. */
export function tournament(size: number, n = 1): Selector {
  checkInteger(size, 'size', 'tournament');
  checkInteger(n, 'n', 'tournament');
  if (n > 1) return pipe(randomSelector(size), top(n));
  // `pipe(randomSelector(size), top(1))` without copying the population: the partial shuffle
  // touches only the drawn positions (the same draws, the same members), and the best of them
  // is found in one pass (ties: the first drawn, as top's stable ranking keeps it)
  return (population, rng) => {
    const len = population.length;
    const m = Math.min(size, len);
    if (m === 0) return [];
    // the positions the shuffle moved (at most 2m): position → the population index now there
    const from = slabInt32(2 * m);
    const to = slabInt32(2 * m);
    let touched = 0;
    const read = (i: number): number => {
      for (let t = 0; t < touched; t++) if (from[t] === i) return to[t] as number;
      return i;
    };
    const write = (i: number, value: number): void => {
      for (let t = 0; t < touched; t++) {
        if (from[t] === i) {
          to[t] = value;
          return;
        }
      }
      from[touched] = i;
      to[touched++] = value;
    };
    let best: Member | undefined;
    for (let j = 0; j < m; j++) {
      const r = j + Math.floor(rng() * (len - j));
      const atR = read(r);
      write(r, read(j));
      const member = population[atR] as Member;
      if (best === undefined || compareOutcomes(member.reward, member.outcome, best.reward, best.outcome) < 0) best = member;
    }
    return [best as Member];
  };
}

function ranked(population: readonly Member[], direction: 1 | -1): Member[] {
  return population
    .map((m, i) => ({ m, i }))
    .sort((x, y) => -direction * compareOutcomes(x.m.reward, x.m.outcome, y.m.reward, y.m.outcome) || x.i - y.i)
    .map((x) => x.m);
}
