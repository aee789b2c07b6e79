/**
 * @internal Walking a DNA along its spec: the decisions present in it (its *sites*), each with a
 * way to rebuild the whole DNA with that decision replaced, and two parents walked side by side.
 */
import { DNA } from '../../geno/dna.js';
import { DNASpec, candidateElements, childrenOf, elementDNAs, joinSpace } from '../../geno/dna-spec.js';
import type { ChoiceDecision, CustomDecision, DecisionPoint, FloatDecision, IntDecision, SpaceSpec } from '../../geno/dna-spec.js';
import { randomCandidate } from '../../geno/random.js';
import type { Rng } from '../../base/rng.js';

/** @internal A decision with a single value: a float, an integer or a custom genome. */
export type LeafDecision = FloatDecision | IntDecision | CustomDecision;

/** @internal A decision present in a DNA, with a rebuild of the whole DNA around a new value. */
export type Site =
  | { readonly kind: 'leaf'; readonly decision: LeafDecision; readonly dna: DNA; replace(next: DNA): DNA }
  | { readonly kind: 'choice'; readonly decision: ChoiceDecision; readonly picks: readonly DNA[]; replace(picks: readonly DNA[]): DNA };

/** @internal The picks of a choice's DNA (one for a `oneOf`). */
export function picksOf(d: ChoiceDecision, dna: DNA): readonly DNA[] {
  return d.k === 1 ? [dna] : dna.children;
}

/** @internal A choice's DNA from its picks. */
export function fromPicks(d: ChoiceDecision, picks: readonly DNA[]): DNA {
  return d.k === 1 ? (picks[0] as DNA) : new DNA(undefined, picks);
}

/** @internal The candidate index of a pick. */
export function indexOf(pick: DNA): number {
  return pick.value as number;
}

/** @internal The sub-space of candidate `index` at pick `j`. */
export function candidateSpace(d: ChoiceDecision, j: number, index: number): SpaceSpec {
  return (d.picks[j] as readonly SpaceSpec[])[index] as SpaceSpec;
}

/** @internal The element DNAs of the candidate a pick chose. */
export function pickElements(d: ChoiceDecision, j: number, pick: DNA, api: string): readonly DNA[] {
  const index = indexOf(pick);
  return candidateElements(candidateSpace(d, j, index), pick.children, api, d, index);
}

/**
 * @internal Every decision present in `dna` (a valid DNA of `spec`), depth first: a choice comes
 * before the decisions of its chosen candidates.
 */
export function dnaSites(spec: DNASpec, dna: DNA, api: string): Site[] {
  const sites: Site[] = [];
  const space = (s: SpaceSpec, elems: readonly DNA[], rebuild: (elems: readonly DNA[]) => DNA): void => {
    s.elements.forEach((d, i) => {
      const put = (next: DNA): DNA => {
        const copy = elems.slice();
        copy[i] = next;
        return rebuild(copy);
      };
      decision(d, elems[i] as DNA, put);
    });
  };
  const decision = (d: DecisionPoint, x: DNA, put: (next: DNA) => DNA): void => {
    if (d.kind !== 'choice') {
      sites.push({ kind: 'leaf', decision: d, dna: x, replace: put });
      return;
    }
    const picks = picksOf(d, x);
    const putPicks = (next: readonly DNA[]): DNA => put(fromPicks(d, next));
    sites.push({ kind: 'choice', decision: d, picks, replace: putPicks });
    picks.forEach((p, j) => {
      const index = indexOf(p);
      const cand = candidateSpace(d, j, index);
      space(cand, pickElements(d, j, p, api), (elems) => {
        const copy = picks.slice();
        copy[j] = new DNA(index, childrenOf(cand, elems));
        return putPicks(copy);
      });
    });
  };
  space(spec.root, elementDNAs(spec.root, dna, api), (elems) => joinSpace(spec.root, elems));
  return sites;
}

/** @internal A pick of candidate `index` at pick `j`, with a fresh random DNA for its sub-space. */
export function randomPick(d: ChoiceDecision, j: number, index: number, rng: Rng): DNA {
  return randomCandidate(candidateSpace(d, j, index), index, rng);
}

/** @internal Whether a list of picks keeps a choice's `distinct` and `sorted` constraints. */
export function picksValid(d: ChoiceDecision, picks: readonly DNA[]): boolean {
  const seen = new Set<number>();
  let previous = -1;
  for (const p of picks) {
    const index = indexOf(p);
    if (d.distinct && seen.has(index)) return false;
    if (d.sorted && index < previous) return false;
    seen.add(index);
    previous = index;
  }
  return true;
}

/** @internal How two parents are combined where they differ. */
export interface CrossRules {
  /** The child's value of a float, int or custom decision. */
  leaf(d: LeafDecision, a: DNA, b: DNA): DNA;
  /**
   * The child's picks of a choice where the parents chose different candidates somewhere;
   * `cross(j)` combines pick `j` of both parents when they chose the same candidate there.
   */
  choice(d: ChoiceDecision, a: readonly DNA[], b: readonly DNA[], cross: (j: number) => DNA): readonly DNA[];
}

/**
 * @internal Walks two valid DNAs of `spec` side by side: where both chose the same candidates, the
 * walk goes on into the candidates' decisions; elsewhere `rules` decide.
 */
export function crossWalk(spec: DNASpec, a: DNA, b: DNA, rules: CrossRules, api: string): DNA {
  const space = (s: SpaceSpec, ea: readonly DNA[], eb: readonly DNA[]): DNA[] => s.elements.map((d, i) => decision(d, ea[i] as DNA, eb[i] as DNA));
  const decision = (d: DecisionPoint, xa: DNA, xb: DNA): DNA => {
    if (d.kind !== 'choice') return rules.leaf(d, xa, xb);
    const pa = picksOf(d, xa);
    const pb = picksOf(d, xb);
    const cross = (j: number): DNA => {
      const p = pa[j] as DNA;
      const index = indexOf(p);
      const cand = candidateSpace(d, j, index);
      return new DNA(index, childrenOf(cand, space(cand, pickElements(d, j, p, api), pickElements(d, j, pb[j] as DNA, api))));
    };
    const same = pa.every((p, j) => indexOf(p) === indexOf(pb[j] as DNA));
    return fromPicks(d, same ? pa.map((_, j) => cross(j)) : rules.choice(d, pa, pb, cross));
  };
  return joinSpace(spec.root, space(spec.root, elementDNAs(spec.root, a, api), elementDNAs(spec.root, b, api)));
}
