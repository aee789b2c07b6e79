/**
 * Recombinators: a child DNA from two parents, for evolution. Where the parents chose the same
 * candidates, the child's decisions inside them are combined decision by decision; where they
 * chose different candidates, the child takes one parent's whole subtree for that decision, so
 * every child passes `spec.validate`.
 */
import { DNA } from '../../geno/dna.js';
import type { ChoiceDecision, DNASpec } from '../../geno/dna-spec.js';
import type { Rng } from '../../base/rng.js';
import { checkDNA, checkInteger } from '../checks.js';
import { crossWalk, indexOf, picksValid } from './dna-sites.js';
import type { CrossRules } from './dna-sites.js';

/** A recombination: a child DNA of `spec` from two parents (all valid). */
export type Recombinator = (a: DNA, b: DNA, spec: DNASpec, rng: Rng) => DNA;

/**
 * Rules taking each site (a value, or a pick where the parents differ) from the parent `source()`
 * names (0: a, 1: b). Picks of a `manyOf` are taken one by one; when the mix breaks `distinct`
 * or `sorted`, the whole choice comes from the parent of its first differing pick.
 */
function mixRules(source: () => 0 | 1): CrossRules {
  return {
    leaf: (_d, a, b) => (source() === 0 ? a : b),
    choice: (d: ChoiceDecision, a, b, cross) => {
      let fallback: readonly DNA[] | undefined;
      const picks = a.map((p, j) => {
        const q = b[j] as DNA;
        if (indexOf(p) === indexOf(q)) return cross(j);
        const from = source() === 0 ? a : b;
        fallback ??= from;
        return from[j] as DNA;
      });
      return picksValid(d, picks) ? picks : (fallback as readonly DNA[]);
    },
  };
}

function checkParents(spec: DNASpec, a: DNA, b: DNA, api: string): void {
  checkDNA(spec, a, api);
  checkDNA(spec, b, api);
}

/** Each decision (or differing pick) from either parent with probability ½. */
export function uniformCrossover(): Recombinator {
  const api = 'uniformCrossover';
  return (a, b, spec, rng) => {
    checkParents(spec, a, b, api);
    return crossWalk(
      spec,
      a,
      b,
      mixRules(() => (rng() < 0.5 ? 0 : 1)),
      api,
    );
  };
}

/**
 * k-point crossover over the parents' sites in depth-first order (a site is a value, or a pick
 * where the parents chose different candidates): `k` distinct cut points are drawn, the child
 * takes sites from parent a up to the first cut, from b up to the next, and so on.
 */
export function kPointCrossover(k: number): Recombinator {
  const api = 'kPointCrossover';
  checkInteger(k, 'k', api);
  return (a, b, spec, rng) => {
    checkParents(spec, a, b, api);
    let sites = 0;
    crossWalk(
      spec,
      a,
      b,
      mixRules(() => {
        sites++;
        return 0;
      }),
      api,
    );
    // Cut points 1..sites-1: a cut at c makes site c the first of the next segment.
    const pool = Array.from({ length: Math.max(0, sites - 1) }, (_, i) => i + 1);
    const m = Math.min(k, pool.length);
    for (let j = 0; j < m; j++) {
      const r = j + Math.floor(rng() * (pool.length - j));
      [pool[j], pool[r]] = [pool[r] as number, pool[j] as number];
    }
    const cuts = new Set(pool.slice(0, m));
    let at = 0;
    let parent: 0 | 1 = 0;
    return crossWalk(
      spec,
      a,
      b,
      mixRules(() => {
        if (cuts.has(at++)) parent = parent === 0 ? 1 : 0;
        return parent;
      }),
      api,
    );
  };
}

/**
 * Floats present in both parents are averaged (arithmetic mean); every other decision, and
 * every choice where the parents differ, comes from parent a.
 */
export function averageFloats(): Recombinator {
  const api = 'averageFloats';
  return (a, b, spec) => {
    checkParents(spec, a, b, api);
    return crossWalk(
      spec,
      a,
      b,
      {
        leaf: (d, x, y) => {
          if (d.kind !== 'float') return x;
          const v = Math.min(d.max, Math.max(d.min, ((x.value as number) + (y.value as number)) / 2));
          return new DNA(v, undefined, true);
        },
        choice: (_d, x) => x,
      },
      api,
    );
  };
}

/** Whether a choice's picks form a permutation of its candidates (`permutate`, or a distinct unsorted `manyOf` with k = n). */
function isPermutation(d: ChoiceDecision): boolean {
  return d.k > 1 && d.distinct && !d.sorted && d.k === d.candidates.length;
}

/** A permutation operator over picks (each pick moves with its candidate's decisions). */
type PermutationOperator = (a: readonly DNA[], b: readonly DNA[], rng: Rng) => DNA[];

function permutationCrossover(api: string, operator: PermutationOperator): Recombinator {
  return (a, b, spec, rng) => {
    checkParents(spec, a, b, api);
    return crossWalk(spec, a, b, { leaf: (_d, x) => x, choice: (d, x, y) => (isPermutation(d) ? operator(x, y, rng) : x) }, api);
  };
}

/** Two cut points `l ≤ r` over `n` positions. */
function segment(n: number, rng: Rng): [number, number] {
  const i = Math.floor(rng() * n);
  const j = Math.floor(rng() * n);
  return i <= j ? [i, j] : [j, i];
}

/** The pick holding each candidate index. */
function byIndex(picks: readonly DNA[]): Map<number, DNA> {
  return new Map(picks.map((p) => [indexOf(p), p]));
}

/**
 * Order crossover (OX1) on permutation decisions: a random segment of parent a stays in place;
 * the other positions take the remaining candidates in parent b's order, starting after the
 * segment. Each candidate keeps the decisions it had in the parent it came from. Other decisions
 * (and choices where the parents differ and that are no permutation) come from parent a.
 */
export function orderCrossover(): Recombinator {
  return permutationCrossover('orderCrossover', (a, b, rng) => {
    const n = a.length;
    const [l, r] = segment(n, rng);
    const child = new Array<DNA>(n);
    const used = new Set<number>();
    for (let t = l; t <= r; t++) {
      child[t] = a[t] as DNA;
      used.add(indexOf(a[t] as DNA));
    }
    let pos = (r + 1) % n;
    for (let s = 0; s < n; s++) {
      const q = b[(r + 1 + s) % n] as DNA;
      if (used.has(indexOf(q))) continue;
      child[pos] = q;
      used.add(indexOf(q));
      pos = (pos + 1) % n;
    }
    return child;
  });
}

/**
 * Cycle crossover (CX) on permutation decisions: positions split into cycles between the
 * parents; alternate cycles come from parent a and parent b, so every position holds the
 * candidate (and its decisions) of one parent at that position. Other decisions come from a.
 */
export function cycleCrossover(): Recombinator {
  return permutationCrossover('cycleCrossover', (a, b) => {
    const n = a.length;
    const positionInA = new Map(a.map((p, i) => [indexOf(p), i]));
    const child = new Array<DNA | undefined>(n).fill(undefined);
    let cycle = 0;
    for (let start = 0; start < n; start++) {
      if (child[start] !== undefined) continue;
      const from = cycle % 2 === 0 ? a : b;
      let i = start;
      do {
        child[i] = from[i] as DNA;
        i = positionInA.get(indexOf(b[i] as DNA)) as number;
      } while (i !== start);
      cycle++;
    }
    return child as DNA[];
  });
}

/**
 * Partially mapped crossover (PMX) on permutation decisions: a random segment of parent a stays
 * in place; every other position takes parent b's candidate, mapped through the segment
 * (a[i] ↔ b[i]) until it is not in the segment. Candidates outside the segment keep parent b's
 * decisions. Other decisions come from parent a.
 */
export function pmxCrossover(): Recombinator {
  return permutationCrossover('pmxCrossover', (a, b, rng) => {
    const n = a.length;
    const [l, r] = segment(n, rng);
    const positionInA = new Map(a.map((p, i) => [indexOf(p), i]));
    const inB = byIndex(b);
    const kept = new Set<number>();
    for (let t = l; t <= r; t++) kept.add(indexOf(a[t] as DNA));
    return a.map((p, i) => {
      if (i >= l && i <= r) return p;
      let v = indexOf(b[i] as DNA);
      while (kept.has(v)) v = indexOf(b[positionInA.get(v) as number] as DNA);
      return inB.get(v) as DNA;
    });
  });
}
